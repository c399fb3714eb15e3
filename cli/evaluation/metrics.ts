/**
 * How good a model is on labelled images: accuracy, top-k accuracy, per-class precision, recall and F1,
 * their macro averages, the confusion matrix and the most confused pairs. Pure arithmetic over what
 * `evaluate`, `results` and `report` read (no AWS, no files), gathered one prediction at a time so that
 * nothing holds all the predictions: memory is one n × n matrix of counts (n classes) and the keys of
 * the inputs without output.
 *
 * The top prediction of an image is its class of highest probability; on a tie, the lowest class index
 * (as argmax does, and as `topClasses` in cli/predictions.ts orders ties). Top-k uses the same order, so
 * a tie at the k-th place keeps the lower index.
 */
import { ClassMatcher } from './labels';

/** Pairs listed in `mostConfused`. */
export const MOST_CONFUSED = 20;
/** `--top-k` default: the number of classes a prediction may name and still count in top-k accuracy. */
export const DEFAULT_TOP_K = 5;

export interface ClassMetrics {
  readonly classIndex: number;
  readonly class: string;
  /** Labelled inputs of this class that have an output. */
  readonly support: number;
  /** Labelled inputs whose top prediction is this class. */
  readonly predicted: number;
  /** Inputs of this class predicted as it. */
  readonly correct: number;
  /** correct / predicted; null when nothing was predicted as this class. */
  readonly precision: number | null;
  /** correct / support; null when the class has no support. */
  readonly recall: number | null;
  /** 2PR / (P + R) (0 when both are 0); null when precision or recall is. */
  readonly f1: number | null;
}

/** The document `evaluate --json` prints and `--save` writes (docs/evaluation.md describes every field). */
export interface EvaluationDocument {
  readonly run: string;
  /** Inputs: what the transform was given (and any output whose input has since gone). */
  readonly images: number;
  /** Inputs with a label and an output: what the figures are computed over. */
  readonly labeled: number;
  /** Inputs under folders that match no class. */
  readonly unlabeled: number;
  /** Inputs with no output, sorted (keys relative to the batch input). */
  readonly missingOutputs: string[];
  /** Labelled inputs with no output: not in any figure. */
  readonly labeledWithoutOutput: number;
  /** Correct top predictions / labeled; null when nothing is labelled. */
  readonly accuracy: number | null;
  readonly correct: number;
  readonly topK: { readonly k: number; readonly accuracy: number | null; readonly correct: number };
  /** Means over the classes where the value is defined. */
  readonly macro: { readonly precision: number | null; readonly recall: number | null; readonly f1: number | null };
  /** The classes with support or predictions, in class-index order. */
  readonly perClass: ClassMetrics[];
  /** `matrix[i][j]`: labelled inputs of class i whose top prediction is class j; every class, in class-index order. */
  readonly confusion: { readonly labels: string[]; readonly matrix: number[][] };
  /** The largest off-diagonal cells, most first (ties: lower actual, then predicted index first). */
  readonly mostConfused: { readonly actual: string; readonly predicted: string; readonly count: number }[];
}

/** Counts gathered prediction by prediction. */
export class EvaluationTally {
  readonly matcher: ClassMatcher;
  images = 0;
  labeled = 0;
  unlabeled = 0;
  correct = 0;
  topKCorrect = 0;
  labeledWithoutOutput = 0;
  readonly missingOutputs: string[] = [];
  /** Row-major n × n counts; grows when a prediction names a class beyond the names. */
  private matrix: Uint32Array;
  private n: number;

  constructor(
    readonly classNames: readonly string[],
    readonly k: number = DEFAULT_TOP_K,
  ) {
    this.matcher = new ClassMatcher(classNames);
    this.n = Math.max(1, classNames.length);
    this.matrix = new Uint32Array(this.n * this.n);
  }

  /** The label of an image key (relative to the batch input), or undefined. */
  labelOf(image: string): number | undefined {
    return this.matcher.labelOf(image);
  }

  /**
   * One input and its output.
   * @param top class indices, best first (ties: lower index first), at least min(k, classes) of them
   * @returns the image's label, or undefined when it has none
   */
  add(image: string, top: readonly number[]): number | undefined {
    this.images += 1;
    const label = this.matcher.labelOf(image);
    if (label === undefined) {
      this.unlabeled += 1;
      return undefined;
    }
    const best = top[0];
    if (best === undefined) throw new Error(`The prediction of ${image} names no class.`);
    this.labeled += 1;
    if (best === label) this.correct += 1;
    for (let rank = 0; rank < this.k && rank < top.length; rank += 1) {
      if (top[rank] === label) {
        this.topKCorrect += 1;
        break;
      }
    }
    const needed = Math.max(label, best) + 1;
    if (needed > this.n) this.grow(needed);
    this.matrix[label * this.n + best]! += 1;
    return label;
  }

  /** An input the transform wrote no output for. */
  addMissing(image: string): void {
    this.images += 1;
    this.missingOutputs.push(image);
    if (this.matcher.labelOf(image) === undefined) this.unlabeled += 1;
    else this.labeledWithoutOutput += 1;
  }

  private grow(n: number): void {
    const next = new Uint32Array(n * n);
    for (let i = 0; i < this.n; i += 1) next.set(this.matrix.subarray(i * this.n, (i + 1) * this.n), i * n);
    this.matrix = next;
    this.n = n;
  }

  /** The name of class i (`class <i>` beyond the names). */
  nameOf(index: number): string {
    return this.classNames[index] ?? `class ${index}`;
  }

  /** The figures. */
  result(run: string): EvaluationDocument {
    const n = this.n;
    const m = this.matrix;
    const support = new Array<number>(n).fill(0);
    const predicted = new Array<number>(n).fill(0);
    const rows: number[][] = [];
    for (let i = 0; i < n; i += 1) {
      const row = Array.from(m.subarray(i * n, (i + 1) * n));
      rows.push(row);
      for (let j = 0; j < n; j += 1) {
        const value = row[j] as number;
        support[i]! += value;
        predicted[j]! += value;
      }
    }
    const perClass: ClassMetrics[] = [];
    const sums = { precision: [0, 0], recall: [0, 0], f1: [0, 0] };
    const addTo = (sum: number[], value: number | null) => {
      if (value === null) return;
      sum[0]! += value;
      sum[1]! += 1;
    };
    for (let i = 0; i < n; i += 1) {
      const s = support[i] as number;
      const p = predicted[i] as number;
      if (s === 0 && p === 0) continue;
      const correct = m[i * n + i] as number;
      const precision = p === 0 ? null : correct / p;
      const recall = s === 0 ? null : correct / s;
      const f1 = precision === null || recall === null ? null : precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      addTo(sums.precision, precision);
      addTo(sums.recall, recall);
      addTo(sums.f1, f1);
      perClass.push({ classIndex: i, class: this.nameOf(i), support: s, predicted: p, correct, precision, recall, f1 });
    }
    const mean = (sum: number[]) => ((sum[1] as number) === 0 ? null : (sum[0] as number) / (sum[1] as number));
    return {
      run,
      images: this.images,
      labeled: this.labeled,
      unlabeled: this.unlabeled,
      missingOutputs: [...this.missingOutputs].sort(),
      labeledWithoutOutput: this.labeledWithoutOutput,
      accuracy: this.labeled === 0 ? null : this.correct / this.labeled,
      correct: this.correct,
      topK: { k: this.k, accuracy: this.labeled === 0 ? null : this.topKCorrect / this.labeled, correct: this.topKCorrect },
      macro: { precision: mean(sums.precision), recall: mean(sums.recall), f1: mean(sums.f1) },
      perClass,
      confusion: { labels: Array.from({ length: n }, (_, i) => this.nameOf(i)), matrix: rows },
      mostConfused: this.mostConfused(MOST_CONFUSED),
    };
  }

  /** The `limit` largest off-diagonal cells (a bounded insertion, not a sort of n² cells). */
  private mostConfused(limit: number): EvaluationDocument['mostConfused'] {
    const n = this.n;
    const best: { i: number; j: number; count: number }[] = [];
    for (let i = 0; i < n; i += 1) {
      for (let j = 0; j < n; j += 1) {
        const count = this.matrix[i * n + j] as number;
        if (i === j || count === 0) continue;
        if (best.length === limit && count <= (best[limit - 1] as { count: number }).count) continue;
        let at = best.length;
        while (at > 0 && (best[at - 1] as { count: number }).count < count) at -= 1;
        best.splice(at, 0, { i, j, count });
        if (best.length > limit) best.pop();
      }
    }
    return best.map(({ i, j, count }) => ({ actual: this.nameOf(i), predicted: this.nameOf(j), count }));
  }
}
