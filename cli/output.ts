import { createColors } from 'picocolors';

/** Where a command writes: a stream-like sink (process.stdout, or a buffer in tests). */
export interface Sink {
  write(text: string): unknown;
}

export type Colors = ReturnType<typeof createColors>;

/**
 * A command's output. Human text goes to stdout line by line; with `--json` a command writes exactly one
 * JSON document to stdout instead. `progress` is the live line of a long wait: rewritten in place on a
 * terminal, printed as a plain line (only when it changes) otherwise.
 */
export interface Output {
  readonly jsonMode: boolean;
  /** True when stdout is a terminal: live progress and colours. */
  readonly tty: boolean;
  readonly c: Colors;
  line(text?: string): void;
  /** Writes `value` as the command's JSON document. */
  json(value: unknown): void;
  /** A live status line (ignored in JSON mode). */
  progress(text: string): void;
  /** Ends the live status line, if one is shown. */
  endProgress(): void;
  /** A warning or error for people, on stderr. */
  warn(text: string): void;
}

export interface OutputOptions {
  readonly stdout: Sink;
  readonly stderr: Sink;
  readonly json?: boolean;
  /** @default false */
  readonly tty?: boolean;
  /** @default - colours on a terminal, unless NO_COLOR is set */
  readonly color?: boolean;
}

export function createOutput(options: OutputOptions): Output {
  const tty = options.tty ?? false;
  const jsonMode = options.json ?? false;
  const c = createColors(options.color ?? (tty && !process.env.NO_COLOR));
  let live = false;
  let lastProgress: string | undefined;
  const endProgress = () => {
    if (live) options.stdout.write('\n');
    live = false;
  };
  return {
    jsonMode,
    tty,
    c,
    line(text = '') {
      if (jsonMode) return;
      endProgress();
      options.stdout.write(`${text}\n`);
    },
    json(value) {
      options.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    progress(text) {
      if (jsonMode) return;
      if (tty) {
        options.stdout.write(`\r\x1b[2K${text}`);
        live = true;
      } else if (text !== lastProgress) {
        options.stdout.write(`${text}\n`);
      }
      lastProgress = text;
    },
    endProgress,
    warn(text) {
      endProgress();
      options.stderr.write(`${text}\n`);
    },
  };
}
