/**
 * No import circle anywhere in what ships (docs/design.md, "Import rules"): every relative import of bin/,
 * cli/, core/, lambda/, lib/ and simulation/ is followed (`import … from`, `export … from`, side-effect
 * imports, `require()` and `import()` / `typeof import()`, type-only imports too: a circle of types is still
 * two modules that cannot be understood one without the other), and each strongly connected group of more
 * than one file is a circle, reported with its files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const FOLDERS = ['bin', 'cli', 'core', 'lambda', 'lib', 'simulation'];

/** Every module specifier in a TypeScript text. */
export function specifiers(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/g, // import x from '…', export { x } from '…', import type …
    /\bimport\s*['"]([^'"]+)['"]/g, // import '…'
    /\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g, // require('…'), import('…'), typeof import('…')
  ];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1] as string);
  return found;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The project file a relative specifier names, or undefined for a package, a JSON file or a missing file. */
function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    try {
      if (candidate.endsWith('.ts') && statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** The import graph of the given files: file -> files it imports. */
export function importGraph(files: string[], read: (file: string) => string = (file) => readFileSync(file, 'utf8')): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = specifiers(read(file)).flatMap((specifier) => resolveImport(file, specifier) ?? []);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The circles of a graph: its strongly connected groups of two or more nodes, or one node that imports itself (Tarjan). */
export function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indexOf.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indexOf.get(next)!));
      }
    }
    if (low.get(node) === indexOf.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(group.sort());
    }
  };
  for (const node of graph.keys()) if (!indexOf.has(node)) visit(node);
  return found;
}

test('the shipped folders have no import circle', () => {
  const files = FOLDERS.flatMap((folder) => tsFiles(join(ROOT, folder)));
  const graph = importGraph(files);
  // Sanity: the graph is the real one (the entry point reaches the commands' shared modules, core is imported).
  expect(files.length).toBeGreaterThan(100);
  expect(graph.get(join(ROOT, 'lambda/prepare-run/index.ts'))).toEqual(expect.arrayContaining([join(ROOT, 'core/prepare-run.ts')]));
  expect(circles(graph).map((group) => group.map((file) => relative(ROOT, file)))).toEqual([]);
});

test('a circle is found and named, through type-only imports, re-exports and require() alike', () => {
  const texts: Record<string, string> = {
    '/p/a.ts': "import type { B } from './b';\nexport const a = 1;",
    '/p/b.ts': "export { c } from './sub/c';\nexport type B = number;",
    '/p/sub/c.ts': "const a = require('../a') as typeof import('../a');\nexport const c = a;",
    '/p/d.ts': "import { a } from './a';\nimport 'some-package';",
  };
  const files = Object.keys(texts);
  // resolveImport looks at the disk: give it the fake files by resolving against the known names instead.
  const graph = new Map<string, string[]>();
  for (const file of files) {
    graph.set(
      file,
      specifiers(texts[file]!)
        .filter((s) => s.startsWith('.'))
        .map((s) => resolve(dirname(file), s) + '.ts')
        .filter((target) => target in texts),
    );
  }
  expect(circles(graph)).toEqual([['/p/a.ts', '/p/b.ts', '/p/sub/c.ts']]);
  expect(circles(new Map([['/p/self.ts', ['/p/self.ts']]]))).toEqual([['/p/self.ts']]);
  expect(circles(new Map([['/p/x.ts', ['/p/y.ts']], ['/p/y.ts', []]]))).toEqual([]);
});
