import { createColors } from 'picocolors';

/** Where a command writes: a stream-like sink (process.stdout, or a buffer in tests). */
export interface Sink {
  write(text: string): unknown;
}

export type Colors = ReturnType<typeof createColors>;

/**
 * A command's output. Human text goes to stdout line by line; with `--json` a command writes exactly one
 * JSON document to stdout instead. `progress` is the live line of a long wait: rewritten in place on a
 * terminal (cut to the terminal's width, so it never wraps), printed as a plain line otherwise (only
 * when it changes).
 */
export interface Output {
  readonly jsonMode: boolean;
  /** True when stdout is a terminal: live progress and colours. */
  readonly tty: boolean;
  /** Colours for stdout text (`line`): on when stdout is a terminal. */
  readonly c: Colors;
  /** Colours for stderr text (`warn`): on when stderr is a terminal, whatever stdout is. */
  readonly ce: Colors;
  /** Width of the terminal stdout is, for live lines. @default 80 */
  columns(): number;
  line(text?: string): void;
  /** Writes `value` as the command's JSON document. */
  json(value: unknown): void;
  /**
   * A live status line (ignored in JSON mode). Without a terminal the line is printed only when `key`
   * (default: the text) differs from the last one, so a clock in the text does not print a line per poll.
   */
  progress(text: string, key?: string): void;
  /** Ends the live status line, if one is shown. */
  endProgress(): void;
  /** A warning or error for people, on stderr. */
  warn(text: string): void;
}

export interface OutputOptions {
  readonly stdout: Sink;
  readonly stderr: Sink;
  readonly json?: boolean;
  /** stdout is a terminal. @default false */
  readonly tty?: boolean;
  /** stderr is a terminal. @default - as `tty` */
  readonly stderrTty?: boolean;
  /** Colours on stdout. @default - on a terminal, unless NO_COLOR is set */
  readonly color?: boolean;
  /** Colours on stderr. @default - `color` when given, else on when stderr is a terminal, unless NO_COLOR is set */
  readonly stderrColor?: boolean;
  /** The terminal's width now (it can change while a command runs). @default - 80 */
  readonly columns?: () => number | undefined;
}

export const DEFAULT_COLUMNS = 80;

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** Length of `text` as a terminal shows it: without colour codes. */
export function visibleLength(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

/**
 * `text` cut to at most `width` visible characters (an ellipsis marks the cut); colour codes are kept
 * and a cut line ends with a colour reset.
 */
export function fitToWidth(text: string, width: number): string {
  if (visibleLength(text) <= width) return text;
  let out = '';
  let shown = 0;
  for (let i = 0; i < text.length; ) {
    ANSI.lastIndex = i;
    const code = ANSI.exec(text);
    if (code && code.index === i) {
      out += code[0];
      i += code[0].length;
      continue;
    }
    const char = String.fromCodePoint(text.codePointAt(i) as number);
    if (shown >= width - 1) break;
    out += char;
    shown += 1;
    i += char.length;
  }
  return `${out}…${out.includes('\x1b[') ? '\x1b[0m' : ''}`;
}

export function createOutput(options: OutputOptions): Output {
  const tty = options.tty ?? false;
  const jsonMode = options.json ?? false;
  const noColor = Boolean(process.env.NO_COLOR);
  const c = createColors(options.color ?? (tty && !noColor));
  const ce = createColors(options.stderrColor ?? options.color ?? ((options.stderrTty ?? tty) && !noColor));
  const columns = () => {
    const value = options.columns?.();
    return value !== undefined && value > 0 ? value : DEFAULT_COLUMNS;
  };
  let live = false;
  let lastKey: string | undefined;
  const endProgress = () => {
    if (live) options.stdout.write('\n');
    live = false;
  };
  return {
    jsonMode,
    tty,
    c,
    ce,
    columns,
    line(text = '') {
      if (jsonMode) return;
      endProgress();
      options.stdout.write(`${text}\n`);
    },
    json(value) {
      options.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    progress(text, key = text) {
      if (jsonMode) return;
      if (tty) {
        // One column short of the width: a line exactly as wide as the terminal wraps on some terminals.
        options.stdout.write(`\r\x1b[2K${fitToWidth(text, columns() - 1)}`);
        live = true;
      } else if (key !== lastKey) {
        options.stdout.write(`${text}\n`);
      }
      lastKey = key;
    },
    endProgress,
    warn(text) {
      endProgress();
      options.stderr.write(`${text}\n`);
    },
  };
}
