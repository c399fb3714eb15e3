/**
 * Ctrl-C while a command waits (`--wait`, `--follow`): the waiting ends at once with exit code 130 and a
 * sentence on what goes on; the run itself is in AWS and is not touched.
 */
import { CliError, EXIT } from './errors';

/** The error a wait ends with on Ctrl-C. */
export function interrupted(message: string, hint?: string): CliError {
  return new CliError(message, { code: 'Interrupted', exitCode: EXIT.interrupted, ...(hint ? { hint } : {}) });
}

/** `promise`, or `interrupted(message, hint)` as soon as `signal` is aborted. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, message: string, hint?: string): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(interrupted(message, hint));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(interrupted(message, hint));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
