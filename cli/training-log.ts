/**
 * The per-epoch lines of the image-classification algorithm's training log (MXNet's fit loop):
 *
 *   [11/28/2026 10:05:01 INFO 140234567] Epoch[0] Train-accuracy=0.052083
 *   [11/28/2026 10:05:01 INFO 140234567] Epoch[0] Time cost=123.456
 *   [11/28/2026 10:05:09 INFO 140234567] Epoch[0] Validation-accuracy=0.066406
 *
 * Epochs are numbered from 0, as the log does. Batch lines (`Epoch[0] Batch [20] Speed: …
 * accuracy=…`) are progress within an epoch, not the epoch's result, and are not epoch lines.
 */

export interface EpochResult {
  /** As the log numbers it: 0 is the first epoch. */
  readonly epoch: number;
  readonly trainAccuracy?: number;
  readonly validationAccuracy?: number;
  /** Seconds the epoch's training took (`Time cost`). */
  readonly timeCostSeconds?: number;
}

const NUMBER = String.raw`([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)`;
const ACCURACY = new RegExp(String.raw`Epoch\[(\d+)\]\s+(Train|Validation)-accuracy=${NUMBER}`);
const TIME_COST = new RegExp(String.raw`Epoch\[(\d+)\]\s+Time cost=${NUMBER}`);

/** The CloudWatch Logs filter pattern that matches exactly the lines {@link parseEpochLine} reads (any term). */
export const EPOCH_FILTER_PATTERN = '?"Train-accuracy" ?"Validation-accuracy" ?"Time cost"';

/** What one log line says about an epoch, or undefined when it is not an epoch line. */
export function parseEpochLine(line: string): { epoch: number; field: 'trainAccuracy' | 'validationAccuracy' | 'timeCostSeconds'; value: number } | undefined {
  const accuracy = ACCURACY.exec(line);
  if (accuracy) {
    return { epoch: Number(accuracy[1]), field: accuracy[2] === 'Train' ? 'trainAccuracy' : 'validationAccuracy', value: Number(accuracy[3]) };
  }
  const time = TIME_COST.exec(line);
  if (time) return { epoch: Number(time[1]), field: 'timeCostSeconds', value: Number(time[2]) };
  return undefined;
}

/** True for a line worth highlighting in `logs`. */
export function isEpochLine(line: string): boolean {
  return parseEpochLine(line) !== undefined;
}

/** The epochs the lines report, in epoch order; a later line for the same epoch and field wins. */
export function epochResults(lines: Iterable<string>): EpochResult[] {
  const byEpoch = new Map<number, { -readonly [K in keyof EpochResult]: EpochResult[K] }>();
  for (const line of lines) {
    const parsed = parseEpochLine(line);
    if (!parsed || !Number.isFinite(parsed.value)) continue;
    const entry = byEpoch.get(parsed.epoch) ?? { epoch: parsed.epoch };
    entry[parsed.field] = parsed.value;
    byEpoch.set(parsed.epoch, entry);
  }
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

/** The last epoch with a validation accuracy (the number people watch), else the last epoch. */
export function lastEpoch(epochs: readonly EpochResult[]): EpochResult | undefined {
  return [...epochs].reverse().find((e) => e.validationAccuracy !== undefined) ?? epochs[epochs.length - 1];
}
