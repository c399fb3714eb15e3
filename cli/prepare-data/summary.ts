/**
 * The short terminal summary of what prepare-data and prepare-batch left out: counts per reason, the
 * first few files, and where the full list is. Prose is wrapped to the terminal's width; a listed file
 * is cut to it on a terminal (with an ellipsis) and printed whole when piped, for logs.
 */
import { fitToWidth, type Output } from '../output';
import type { RejectedEntry } from './image-tree';

/** Files listed one by one; the rest are counted and in the JSON file. */
export const LISTED_REJECTIONS = 5;

/** Short names of the reasons, for the counts line: [one, several]. */
const REASON_LABELS: Record<RejectedEntry['code'], readonly [string, string]> = {
  'not-image': ['not an image', 'not images'],
  'unsupported-format': ['format not decoded', 'formats not decoded'],
  corrupt: ['corrupt or truncated', 'corrupt or truncated'],
  'too-small': ['too small', 'too small'],
  'too-large': ['too large', 'too large'],
  unreadable: ['unreadable', 'unreadable'],
  conflict: ['labelling conflict', 'labelling conflicts'],
  'unusable-name': ['unusable name', 'unusable names'],
  'empty-folder': ['empty folder', 'empty folders'],
  'not-in-class-folder': ['not in a class folder', 'not in a class folder'],
  'link-loop': ['folder link loop', 'folder link loops'],
  'not-a-file': ['not a regular file', 'not regular files'],
  'no-usable-image': ['folder without a usable image', 'folders without a usable image'],
};

/** `n thing(s)`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`;
}

/** `text` broken into lines of at most `width` characters at spaces; continuation lines get `indent`. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const lead = /^ */.exec(text)?.[0] ?? '';
  const lines: string[] = [];
  let line = lead;
  for (const word of text.slice(lead.length).split(' ')) {
    const candidate = line.trim() === '' ? `${line}${word}` : `${line} ${word}`;
    if (line.trim() !== '' && candidate.length > width) {
      lines.push(line);
      line = `${indent}${word}`;
    } else {
      line = candidate;
    }
  }
  if (line.trim() !== '') lines.push(line);
  return lines;
}

/** Prints `text` wrapped to the output's width (one column short, so no terminal wraps it again). */
export function printWrapped(out: Output, text: string, indent = ''): void {
  for (const line of wrap(text, out.columns() - 1, indent)) out.line(line);
}

/** Prints a warning on stderr, wrapped like the summary. */
export function printWarning(out: Output, text: string): void {
  const lines = wrap(`Warning: ${text}`, out.columns() - 1, '  ');
  out.warn(lines.join('\n').replace(/^Warning:/, out.ce.yellow('Warning:')));
}

/** `count reason, …` sorted by count, largest first. */
export function reasonCounts(rejected: readonly RejectedEntry[]): string {
  const counts = new Map<RejectedEntry['code'], number>();
  for (const entry of rejected) counts.set(entry.code, (counts.get(entry.code) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([code, count]) => `${count} ${REASON_LABELS[code][count === 1 ? 0 : 1]}`)
    .join(', ');
}

/**
 * `Left out N files or folders: <counts>`, the first few with their reasons, and where all of them are.
 * @param listFile where the full list is, e.g. `prepared/dataset.json ("rejected")`
 */
export function printRejected(out: Output, rejected: readonly RejectedEntry[], listFile: string): void {
  if (rejected.length === 0) {
    out.line('Left out: nothing.');
    return;
  }
  printWrapped(out, `Left out ${plural(rejected.length, 'file or folder', 'files or folders')}: ${reasonCounts(rejected)}.`, '  ');
  const width = out.columns() - 1;
  for (const entry of rejected.slice(0, LISTED_REJECTIONS)) {
    const line = `  ${entry.path}: ${entry.reason}`;
    out.line(out.tty ? fitToWidth(line, width) : line);
  }
  const more = rejected.length - LISTED_REJECTIONS;
  printWrapped(out, `  ${more > 0 ? `… and ${more} more; all` : 'All'} of them with their reasons: ${listFile}`, '    ');
}
