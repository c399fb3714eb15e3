/** CSV (RFC 4180) written as a stream: rows go to disk as they come, never all in memory. */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/** One field: quoted when it holds a comma, a quote, a line break, or starts/ends with a space. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(fields: readonly (string | number)[]): string {
  return `${fields.map(csvField).join(',')}\n`;
}

/** A CSV file being written; `write` waits when the disk is slower than the rows (backpressure). */
export class CsvWriter {
  private readonly stream: WriteStream;
  private failure: Error | undefined;
  rows = 0;

  /** Opens (creates or truncates) `path`; resolves once the file is open, so an unwritable path fails here. */
  static async open(path: string): Promise<CsvWriter> {
    const writer = new CsvWriter(createWriteStream(path, { flags: 'w' }));
    await Promise.race([once(writer.stream, 'open'), once(writer.stream, 'error').then(([error]) => Promise.reject(error))]);
    return writer;
  }

  private constructor(stream: WriteStream) {
    this.stream = stream;
    this.stream.on('error', (error) => (this.failure ??= error));
  }

  async write(fields: readonly (string | number)[]): Promise<void> {
    if (this.failure) throw this.failure;
    this.rows += 1;
    if (!this.stream.write(csvRow(fields))) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.failure) throw this.failure;
    this.stream.end();
    await once(this.stream, 'close');
    if (this.failure) throw this.failure;
  }

  /** Closes without caring about errors (the file is being thrown away). */
  destroy(): void {
    this.stream.destroy();
  }
}
