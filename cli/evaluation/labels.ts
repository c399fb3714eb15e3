/**
 * The true class of a classified image, from its key: the reference run classifies `<class folder>/<file>`
 * (e.g. `008.bathtub/008_0007.jpg`) and prepare-data's test split is laid out the same way, so the folder
 * that holds an image names its class. Pure: no AWS, no files.
 */

/** A leading `<digits>.`, as Caltech-256 numbers its class folders (`008.bathtub`). */
const NUMBERED = /^\d+\./;

/** `008.bathtub` → `bathtub`; a name without the number is returned as it is. */
export function withoutNumber(name: string): string {
  return name.replace(NUMBERED, '');
}

/**
 * Finds the class of a folder name among a run's class names (line i of classes.txt = class i).
 *
 * A folder matches a class when it equals the class name (`bathtub`, or `008.bathtub` when classes.txt
 * holds prepare-data's folder names), or when both are equal once a leading `<digits>.` is taken off
 * either (`008.bathtub` is class `bathtub`; `bathtub` is class `008.bathtub`). An exact match wins over a
 * match without the number; among several matches without the number the lowest class index wins.
 * Matching is case-sensitive, as S3 keys are.
 */
export class ClassMatcher {
  private readonly exact = new Map<string, number>();
  private readonly bare = new Map<string, number>();
  /** Folder → class index (or -1: no class), for the few thousand folders a run has. */
  private readonly cache = new Map<string, number>();

  constructor(readonly names: readonly string[]) {
    names.forEach((name, index) => {
      if (name === '') return;
      if (!this.exact.has(name)) this.exact.set(name, index);
      const bare = withoutNumber(name);
      if (bare !== '' && !this.bare.has(bare)) this.bare.set(bare, index);
    });
  }

  /** The class index of folder `folder`, or undefined when it matches no class. */
  classOfFolder(folder: string): number | undefined {
    let index = this.cache.get(folder);
    if (index === undefined) {
      index = this.exact.get(folder) ?? this.bare.get(withoutNumber(folder)) ?? -1;
      this.cache.set(folder, index);
    }
    return index < 0 ? undefined : index;
  }

  /**
   * The label of the image at `key` (relative to the batch input prefix): the nearest folder above the
   * file that matches a class, so `008.bathtub/x.jpg`, `test/008.bathtub/x.jpg` and `bathtub/shots/x.jpg`
   * are all labelled. Undefined for a file at the top of the prefix or under folders that match no class
   * (unlabelled).
   */
  labelOf(key: string): number | undefined {
    const folders = key.split('/');
    folders.pop(); // the file name
    for (let i = folders.length - 1; i >= 0; i -= 1) {
      const folder = folders[i] as string;
      if (folder === '') continue;
      const index = this.classOfFolder(folder);
      if (index !== undefined) return index;
    }
    return undefined;
  }
}
