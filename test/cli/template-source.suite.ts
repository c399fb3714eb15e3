import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bufferOutput } from '../support/output';
import { loadTemplate } from '../../cli/template-source';
import { tempDir } from '../support/temp-dir';

/** A project directory with one input file and, optionally, a cdk.out template, at given ages. */
function project(options: { templateAge?: number; inputAge: number }) {
  const root = tempDir('ic-template-');
  const now = Date.now() / 1000;
  mkdirSync(join(root, 'lib'));
  writeFileSync(join(root, 'lib', 'stack.ts'), '');
  utimesSync(join(root, 'lib', 'stack.ts'), now - options.inputAge, now - options.inputAge);
  if (options.templateAge !== undefined) {
    mkdirSync(join(root, 'cdk.out'));
    const file = join(root, 'cdk.out', 'Stack.template.json');
    writeFileSync(file, JSON.stringify({ Resources: { Old: {} } }));
    utimesSync(file, now - options.templateAge, now - options.templateAge);
  }
  const synths: string[] = [];
  const synth = (dir: string) => {
    synths.push(dir);
    mkdirSync(join(dir, 'cdk.out'), { recursive: true });
    writeFileSync(join(dir, 'cdk.out', 'Stack.template.json'), JSON.stringify({ Resources: { New: {} } }));
  };
  return { root, synths, synth };
}

test('a template newer than every input is reused, and says so', async () => {
  const { root, synths, synth } = project({ templateAge: 10, inputAge: 100 });
  const source = await loadTemplate({ root, stackName: 'Stack', synth });
  expect(synths).toEqual([]);
  expect(source).toMatchObject({ how: 'reused', path: join('cdk.out', 'Stack.template.json'), template: { Resources: { Old: {} } } });
  expect(source.reason).toBe(`${join('cdk.out', 'Stack.template.json')} is newer than every file under bin, core, lib, lambda, cdk.json, package.json`);
});

test('an input changed after the template: synthesize, naming the file', async () => {
  const { root, synths, synth } = project({ templateAge: 100, inputAge: 10 });
  const source = await loadTemplate({ root, stackName: 'Stack', synth });
  expect(synths).toEqual([root]);
  expect(source).toMatchObject({ how: 'synthesized', template: { Resources: { New: {} } } });
  expect(source.reason).toBe(`${join('lib', 'stack.ts')} changed after ${join('cdk.out', 'Stack.template.json')} was written`);
});

test('no cdk.out yet, or --synth: synthesize', async () => {
  const missing = project({ inputAge: 10 });
  expect((await loadTemplate({ root: missing.root, stackName: 'Stack', synth: missing.synth })).reason).toBe(`${join('cdk.out', 'Stack.template.json')} did not exist`);
  const forced = project({ templateAge: 10, inputAge: 100 });
  expect((await loadTemplate({ root: forced.root, stackName: 'Stack', synth: forced.synth, forceSynth: true })).how).toBe('synthesized');
  expect(forced.synths).toHaveLength(1);
});

test('a failed synthesis says so and what to do next', async () => {
  const { root } = project({ inputAge: 10 });
  await expect(
    loadTemplate({ root, stackName: 'Stack', synth: () => { throw new Error('boom in the stack'); } }),
  ).rejects.toMatchObject({ message: 'Synthesizing the app failed: boom in the stack', code: 'SynthFailed' });
});

test('a synthesis without the stack names what to check', async () => {
  const { root } = project({ inputAge: 10 });
  await expect(loadTemplate({ root, stackName: 'Other', synth: () => undefined })).rejects.toThrow(`The synthesis wrote no ${join('cdk.out', 'Other.template.json')}.`);
});

test('progress: rewritten in place on a terminal, one line per change otherwise, nothing with --json', () => {
  const terminal = bufferOutput({ tty: true });
  terminal.progress('a');
  terminal.progress('b');
  terminal.line('done');
  expect(terminal.stdout()).toBe('\r\x1b[2Ka\r\x1b[2Kb\ndone\n');

  const pipe = bufferOutput();
  pipe.progress('a');
  pipe.progress('a');
  pipe.progress('b');
  expect(pipe.stdout()).toBe('a\nb\n');

  const json = bufferOutput({ json: true });
  json.progress('a');
  json.line('x');
  expect(json.stdout()).toBe('');
});
