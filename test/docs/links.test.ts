/**
 * The docs a newcomer navigates stay navigable: the README stays short, every relative link in the
 * README and docs/ leads to a file (and heading) that exists, and no file of the repository cites a
 * design document or a docs/ file that is not in it. In-process: reads the files, spawns nothing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const README_MAX_LINES = 300;

/** Folders that are not part of the repository (see .gitignore) or not ours to check. */
const SKIPPED_DIRS = new Set(['.git', 'node_modules', 'cdk.out', '.cdk.staging', 'coverage', 'results', 'reports', 'test-artifacts']);
/** Files that can cite a document: source, config, docs and scripts. */
const TEXT_FILE = /\.(ts|mts|cts|js|mjs|cjs|json|md|css|html|yml|yaml|sh)$|^run$/;
/** Large generated files that cite nothing. */
const SKIPPED_FILES = new Set(['package-lock.json']);

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Markdown without its fenced code blocks, where a `#` line is not a heading and `[x](y)` not a link. */
function withoutFences(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** Markdown without fenced code blocks and inline code spans: the text where links are links. */
function proseOf(markdown: string): string {
  return withoutFences(markdown).replace(/`[^`\n]*`/g, '');
}

/**
 * The anchors of a Markdown file's headings, with GitHub's `-1`, `-2` suffixes for repeated ones. Inline
 * code is part of a heading's text (`## \`dry-run\`: …`), so only fenced blocks are left out.
 */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of withoutFences(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(match[1] as string);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/**
 * Every relative link of a Markdown file that leads nowhere: a missing file, or a `#heading` that the
 * target (or the file itself) does not have. `read` returns a file's text, undefined when it does not exist.
 */
export function brokenLinks(file: string, markdown: string, read: (path: string) => string | undefined): string[] {
  const problems: string[] = [];
  for (const match of proseOf(markdown).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const target = match[1] as string;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
    const [path, anchor] = target.split('#', 2) as [string, string | undefined];
    const targetFile = path === '' ? file : join(dirname(file), decodeURIComponent(path));
    const text = read(targetFile);
    if (text === undefined) {
      problems.push(`${file}: link ${target} points to ${targetFile}, which does not exist`);
    } else if (anchor !== undefined && targetFile.endsWith('.md') && !anchorsOf(text).has(anchor)) {
      problems.push(`${file}: link ${target}: ${targetFile} has no heading #${anchor}`);
    }
  }
  return problems;
}

// Built from parts, so that this file does not cite the documents it looks for.
const CITATION = new RegExp(String.raw`(?<![\w./-])((?:docs/[\w.-]+|DESIGN)\.md)\b`, 'g');

/** Every citation in `text` of a design document or a docs/ file (repository-relative) that does not exist. */
export function missingCitations(file: string, text: string, exists: (path: string) => boolean): string[] {
  const problems: string[] = [];
  for (const match of text.matchAll(CITATION)) {
    const cited = match[1] as string;
    if (!exists(cited)) problems.push(`${file}: cites ${cited}, which is not in the repository`);
  }
  return problems;
}

/** Repository-relative paths of the files that can cite a document. */
function repositoryFiles(dir = ROOT): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) files.push(...repositoryFiles(path));
    } else if (entry.isFile() && TEXT_FILE.test(entry.name) && !SKIPPED_FILES.has(entry.name)) {
      files.push(relative(ROOT, path));
    }
  }
  return files;
}

const readRepoFile = (path: string): string | undefined => {
  const full = join(ROOT, path);
  return existsSync(full) && statSync(full).isFile() ? readFileSync(full, 'utf8') : undefined;
};
const docFiles = (): string[] => [
  'README.md',
  ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`),
];

describe('the README and docs/', () => {
  test(`the README has at most ${README_MAX_LINES} lines`, () => {
    const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\n$/, '').split('\n').length;
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });

  test('every relative link in the README and docs/*.md leads to a file and heading that exist', () => {
    const problems = docFiles().flatMap((file) => brokenLinks(file, readRepoFile(file) as string, readRepoFile));
    expect(problems).toEqual([]);
  });

  test('each doc in docs/ links back to the README, and the README links to each doc', () => {
    const readme = readRepoFile('README.md') as string;
    const docs = docFiles().filter((file) => file !== 'README.md');
    expect(docs.filter((file) => !(readRepoFile(file) as string).includes('](../README.md)'))).toEqual([]);
    expect(docs.filter((file) => !readme.includes(`](${file})`))).toEqual([]);
  });

  test('no file of the repository cites a design document or a docs/ file that is not in it', () => {
    const files = repositoryFiles();
    expect(files).toContain('eslint.config.mjs');
    expect(files).toContain('.ci/run');
    const problems = files.flatMap((file) => missingCitations(file, readRepoFile(file) as string, (path) => readRepoFile(path) !== undefined));
    expect(problems).toEqual([]);
  });
});

describe('the checks find what they look for', () => {
  // The fixtures live in guide/, not docs/, so that this file cites no docs/ file.
  const files: Record<string, string> = {
    'README.md': '# Title\n\n## Quick start\n\n## `dry-run`: see it\n',
    'guide/a.md': '# A\n\n## Cost\n\n## Cost\n\n```\n[not a link](nowhere.md)\n```\n',
  };
  const read = (path: string) => files[path];

  test('a link to a missing file names the file, the link and where it points', () => {
    expect(brokenLinks('guide/a.md', 'See [b](b.md) and [the README](../README.md).', read)).toEqual([
      'guide/a.md: link b.md points to guide/b.md, which does not exist',
    ]);
  });

  test('a link to a missing heading is found; headings with code and repeated headings are not', () => {
    const text = '[q](../README.md#quick-start) [d](../README.md#dry-run-see-it) [c](#cost-1) [x](../README.md#deploy)';
    expect(brokenLinks('guide/a.md', text, read)).toEqual(['guide/a.md: link ../README.md#deploy: README.md has no heading #deploy']);
  });

  test('links inside code and absolute links are not checked', () => {
    expect(brokenLinks('guide/a.md', files['guide/a.md'] as string, read)).toEqual([]);
    expect(brokenLinks('README.md', '`[x](missing.md)` and [aws](https://aws.amazon.com/x.md)', read)).toEqual([]);
  });

  test('a citation of a missing design document or docs/ file is found, an existing one is not', () => {
    const text = ['// see ', 'DESIGN', '.md, docs/', 'here', '.md and docs/', 'gone', '.md; not mydocs/x.md'].join('');
    expect(missingCitations('lib/x.ts', text, (path) => path === ['docs', 'here.md'].join('/'))).toEqual([
      `lib/x.ts: cites ${'DESIGN'}.md, which is not in the repository`,
      `lib/x.ts: cites docs/${'gone'}.md, which is not in the repository`,
    ]);
  });
});
