/**
 * The stratified, seeded train/validation split and the seeded record order. Deterministic: the same
 * tree, fraction and seed give the same files in the same order on every machine.
 */

/** A seeded pseudo-random generator (mulberry32): small, fast, and the same on every platform. */
export function seededRandom(seed: number): () => number {
  // Mix the seed first so that nearby seeds (1, 2, 3) start far apart.
  let state = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates, in place. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/**
 * How many of a class's `count` images go to validation: `fraction` of them, rounded, but at least one
 * when the class has two or more (so every class is validated), and never all of them (so every class
 * is trained on). A class with a single image goes to training.
 */
export function validationCount(count: number, fraction: number): number {
  if (count < 2) return 0;
  return Math.min(count - 1, Math.max(1, Math.round(count * fraction)));
}

/**
 * How many of a class's `count` images are held out for testing: `fraction` of them, rounded, but at
 * least one once the class has three or more (so every class is tested), and never so many that a
 * class has no training or validation image left. 0 with a fraction of 0.
 */
export function testCount(count: number, fraction: number): number {
  if (fraction <= 0 || count < 3) return 0;
  return Math.min(count - 2, Math.max(1, Math.round(count * fraction)));
}

export interface Split<T> {
  readonly train: T[];
  readonly validation: T[];
  /** Held out: never trained or validated on. */
  readonly test: T[];
}

/**
 * Splits `items` per label (stratified) into test, validation and training, and shuffles each split.
 * Both fractions are of the whole class: `validationFraction` 0.2 and `testFraction` 0.1 leave 70 % to
 * train on. The items must come in a stable order (by label, then path) for the result to be
 * reproducible.
 */
export function stratifiedSplit<T extends { readonly label: number }>(items: readonly T[], validationFraction: number, seed: number, testFraction = 0): Split<T> {
  const random = seededRandom(seed);
  const byLabel = new Map<number, T[]>();
  for (const item of items) {
    const group = byLabel.get(item.label);
    if (group) group.push(item);
    else byLabel.set(item.label, [item]);
  }
  const train: T[] = [];
  const validation: T[] = [];
  const test: T[] = [];
  for (const label of [...byLabel.keys()].sort((a, b) => a - b)) {
    const group = shuffle([...(byLabel.get(label) as T[])], random);
    const t = testCount(group.length, testFraction);
    const v = Math.min(validationCount(group.length, validationFraction), group.length - t - 1);
    test.push(...group.slice(0, t));
    validation.push(...group.slice(t, t + v));
    train.push(...group.slice(t + v));
  }
  // Records are shuffled so that training batches mix classes (the algorithm reads .rec files in order).
  return { train: shuffle(train, random), validation: shuffle(validation, random), test };
}
