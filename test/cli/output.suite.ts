import { createOutput, fitToWidth, visibleLength } from '../../cli/output';

function streams() {
  let stdout = '';
  let stderr = '';
  return { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, out: () => stdout, err: () => stderr };
}

test('fitToWidth cuts to the visible width, keeps colour codes and resets them', () => {
  expect(fitToWidth('short', 80)).toBe('short');
  expect(fitToWidth('abcdefghij', 6)).toBe('abcde…');
  const coloured = `\x1b[36m⟳\x1b[39m ${'x'.repeat(100)}`;
  const cut = fitToWidth(coloured, 59);
  expect(visibleLength(cut)).toBe(59);
  expect(cut.startsWith('\x1b[36m⟳\x1b[39m')).toBe(true);
  expect(cut.endsWith('…\x1b[0m')).toBe(true);
});

describe('the live line on a terminal never wraps', () => {
  it.each([80, 60])('at %i columns', (columns) => {
    const s = streams();
    const out = createOutput({ ...s, tty: true, color: false, columns: () => columns });
    out.progress('⟳ '.concat('a-rather-long-execution-name-'.repeat(6)));
    const written = s.out();
    expect(written.startsWith('\r\x1b[2K')).toBe(true);
    expect(visibleLength(written.slice('\r\x1b[2K'.length))).toBe(columns - 1);
  });

  it('without a terminal: one plain line per change of the key, never a cursor movement', () => {
    const s = streams();
    const out = createOutput({ ...s, tty: false, color: false, columns: () => 60 });
    out.progress('⟳ run · 1m 00s · Train model', 'Train model');
    out.progress('⟳ run · 1m 30s · Train model', 'Train model');
    out.progress('⟳ run · 2m 00s · Run batch transform', 'Run batch transform');
    expect(s.out()).toBe('⟳ run · 1m 00s · Train model\n⟳ run · 2m 00s · Run batch transform\n');
  });
});

test('colours on stderr follow stderr\'s terminal, not stdout\'s; --no-color turns both off', () => {
  const saved = process.env.NO_COLOR;
  delete process.env.NO_COLOR;
  try {
    const piped = createOutput({ ...streams(), tty: false, stderrTty: true });
    expect(piped.c.red('x')).toBe('x'); // stdout piped into a file: no colour codes in it
    expect(piped.ce.red('x')).toBe('\x1b[31mx\x1b[39m'); // the error on the terminal is red
    const noColor = createOutput({ ...streams(), tty: true, stderrTty: true, color: false });
    expect(noColor.c.red('x')).toBe('x');
    expect(noColor.ce.red('x')).toBe('x');
    process.env.NO_COLOR = '1';
    expect(createOutput({ ...streams(), tty: true, stderrTty: true }).ce.red('x')).toBe('x');
  } finally {
    if (saved === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = saved;
  }
});
