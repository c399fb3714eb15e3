/**
 * The download engine of `results` and `report`: many small S3 objects fetched a bounded number at a
 * time, their results handed on in the order of the input (so a CSV comes out sorted and reproducible)
 * without holding more than a window of them in memory.
 */

export interface PoolOptions<R> {
  /** Items in flight at most. */
  readonly concurrency: number;
  /**
   * How far ahead of the oldest unfinished item work may start: a slow item holds back at most this many
   * finished results in memory. @default 8 × concurrency
   */
  readonly window?: number;
  /** Called once per item, in input order, as soon as it and every item before it are done. */
  readonly onResult?: (result: R, index: number) => void | Promise<void>;
  /** Stops starting new items; the pool then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** What the pool saw, for progress displays and the benchmark. */
export interface PoolStats {
  readonly items: number;
  /** The most items that were in flight at once. */
  readonly maxInFlight: number;
}

/**
 * Runs `worker` on every item, at most `concurrency` at a time, and delivers the results in order to
 * `onResult`. The first error stops new work and rejects (items in flight are awaited first, so no
 * work continues after the promise settles).
 */
export async function runPool<T, R>(items: readonly T[], worker: (item: T, index: number) => Promise<R>, options: PoolOptions<R>): Promise<PoolStats> {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const window = Math.max(concurrency, options.window ?? concurrency * 8);
  const done = new Map<number, R>();
  let next = 0; // next item to start
  let emitted = 0; // next item to deliver
  let inFlight = 0;
  let maxInFlight = 0;
  let failure: { error: unknown } | undefined;

  return new Promise<PoolStats>((resolve, reject) => {
    let delivering = false;
    const finish = () => {
      if (inFlight > 0 || delivering) return;
      if (failure) reject(failure.error);
      else if (emitted === items.length) resolve({ items: items.length, maxInFlight });
    };
    const deliver = async () => {
      if (delivering) return;
      delivering = true;
      try {
        while (!failure && done.has(emitted)) {
          const result = done.get(emitted) as R;
          done.delete(emitted);
          await options.onResult?.(result, emitted);
          emitted += 1;
        }
      } catch (error) {
        failure ??= { error };
      }
      delivering = false;
      fill();
      finish();
    };
    const fill = () => {
      while (!failure && inFlight < concurrency && next < items.length && next < emitted + window) {
        if (options.signal?.aborted) {
          failure = { error: options.signal.reason ?? new Error('aborted') };
          break;
        }
        const index = next++;
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        worker(items[index] as T, index).then(
          (result) => {
            inFlight -= 1;
            done.set(index, result);
            void deliver();
          },
          (error: unknown) => {
            inFlight -= 1;
            failure ??= { error };
            finish();
          },
        );
      }
    };
    fill();
    finish();
  });
}
