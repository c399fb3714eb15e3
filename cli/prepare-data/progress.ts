/**
 * Progress of a long step: on a terminal one live bar that fits its width, redrawn in place; otherwise
 * (piped, CI logs) plain lines at every tenth; nothing at all in JSON mode.
 */
import type { Output } from '../output';

/** Where progress goes: process.stdout, or a fake in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  /** Terminal width; unknown → 80. */
  readonly columns?: number;
}

export interface Progress {
  /**
   * Shows that `done` of `total` items of step `label` are done (`total` undefined: a count only).
   * Cheap to call for every item: the display changes only when what it shows changes.
   */
  update(label: string, done: number, total?: number): void;
  /** Ends the live line (before other output, and at the end). */
  end(): void;
}

const DEFAULT_COLUMNS = 80;
/** Below this many cells the bar says nothing useful and is left out. */
const MIN_BAR = 10;
/** Without a terminal, steps of fewer items than this print only their last line. */
const PLAIN_STEPS_FROM = 100;

/** One display line for a terminal `columns` wide, never longer than `columns - 1` (no wrap on any terminal). */
export function progressLine(label: string, done: number, total: number | undefined, columns: number): string {
  const width = Math.max(1, columns - 1);
  if (total === undefined) return fit(`${label}: ${done}`, width);
  const fraction = total === 0 ? 1 : Math.min(1, done / total);
  const counts = ` ${done}/${total} ${String(Math.floor(fraction * 100)).padStart(3)}%`;
  const room = width - label.length - counts.length - 3; // " [" and "]"
  if (room < MIN_BAR) return fit(`${label}${counts}`, width);
  const filled = Math.round(fraction * room);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(room - filled)}]${counts}`;
}

/**
 * Progress of `done` of `total` on a command's Output: a bar on a terminal; without one, a line at every
 * tenth of a step of at least 100 items (shorter steps show nothing). `results` and `report` use it.
 */
export function showProgress(out: Pick<Output, 'tty' | 'progress' | 'columns'>, label: string, done: number, total: number): void {
  if (out.tty) out.progress(progressLine(label, done, total, out.columns()));
  else if (total >= PLAIN_STEPS_FROM) {
    const tenth = Math.floor((done / total) * 10);
    out.progress(`${label}: ${tenth * 10}% (${done}/${total})`, `${label}${tenth}`);
  }
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/**
 * A progress display on `stream`.
 * @param options.json nothing is shown (the command's stdout is one JSON document)
 */
export function createProgress(stream: ProgressStream, options: { json?: boolean } = {}): Progress {
  if (options.json) return { update: () => undefined, end: () => undefined };
  if (stream.isTTY) {
    let live = false;
    let shown = '';
    return {
      update(label, done, total) {
        const line = progressLine(label, done, total, stream.columns ?? DEFAULT_COLUMNS);
        if (line === shown) return;
        stream.write(`\r\x1b[2K${line}`);
        shown = line;
        live = true;
      },
      end() {
        if (live) stream.write('\n');
        live = false;
        shown = '';
      },
    };
  }
  let lastLabel = '';
  let lastTenth = -1;
  return {
    update(label, done, total) {
      if (total === undefined) return; // counts without a total are too chatty for logs
      // Short steps get one line when they finish; long ones a line at every tenth.
      if (total < PLAIN_STEPS_FROM && done < total) return;
      const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (label === lastLabel && tenth === lastTenth) return;
      lastLabel = label;
      lastTenth = tenth;
      stream.write(`${label}: ${tenth * 10}% (${done}/${total})\n`);
    },
    end() {
      lastLabel = '';
      lastTenth = -1;
    },
  };
}
