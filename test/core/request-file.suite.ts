import type { RunRequestSource } from '../../core/request-file';
import {
  buildExecutionInput,
  MAX_EXECUTION_INPUT_BYTES,
  problemInput,
  tooLargeProblem,
} from '../../core/request-file';

const SOURCE: RunRequestSource = {
  bucket: 'ic-pipeline-data-bucket-1a2b3c',
  key: 'requests/my-run.json',
  versionId: 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e',
};

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function parserMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${text} is valid JSON`);
}

describe('buildExecutionInput', () => {
  it('is the run request with the source added', () => {
    const result = buildExecutionInput(utf8('{"runName": "caltech-baseline", "hyperparameters": {"epochs": 2}}'), SOURCE);
    expect(result.problem).toBeUndefined();
    expect(result.input).toBe(
      '{"runName":"caltech-baseline","hyperparameters":{"epochs":2},' +
        '"source":{"bucket":"ic-pipeline-data-bucket-1a2b3c","key":"requests/my-run.json","versionId":"IYV3p45BT0ac8hjHg1houSdS1a.Mro8e"}}',
    );
  });

  it('records the sequencer when the source has no version id', () => {
    const source = { bucket: 'b', key: 'requests/a.json', sequencer: '617f08299329d189' };
    expect(JSON.parse(buildExecutionInput(utf8('{}'), source).input)).toEqual({ source });
  });

  it.each([
    ['a 0-byte file', ''],
    ['a whitespace-only file', ' \n\t\r\n '],
    ['a file with only a byte order mark', '\uFEFF'],
  ])('treats %s as the request {} (the reference run)', (_label, content) => {
    const result = buildExecutionInput(utf8(content), SOURCE);
    expect(result.problem).toBeUndefined();
    expect(JSON.parse(result.input)).toEqual({ source: SOURCE });
  });

  it('accepts a file that starts with a UTF-8 byte order mark', () => {
    const result = buildExecutionInput(utf8('\uFEFF{"runName": "bom"}'), SOURCE);
    expect(JSON.parse(result.input)).toEqual({ runName: 'bom', source: SOURCE });
  });

  it('keeps non-ASCII text of the request intact', () => {
    const result = buildExecutionInput(utf8('{"Comment": "entraînement d’essai ✓"}'), SOURCE);
    expect(JSON.parse(result.input)).toEqual({ Comment: 'entraînement d’essai ✓', source: SOURCE });
  });

  it.each([
    ['{"runName": "x",}'],
    ['this is not json'],
    ['{"runName": "x"'],
  ])('reports %p as not valid JSON, with the parser message', (content) => {
    const result = buildExecutionInput(utf8(content), SOURCE);
    expect(result.problem).toBe(`is not valid JSON: ${parserMessage(content)}`);
    expect(JSON.parse(result.input)).toEqual({ source: { ...SOURCE, problem: result.problem } });
  });

  it('shortens a long parser message', () => {
    const content = `"${'x'.repeat(500)}`; // unterminated string: Node quotes part of the text
    const result = buildExecutionInput(utf8(content), SOURCE);
    expect(result.problem).toMatch(/^is not valid JSON: /);
    expect(result.problem!.length).toBeLessThanOrEqual('is not valid JSON: '.length + 160);
  });

  it.each([
    ['[{"runName": "x"}]', 'an array'],
    ['42', 'a number'],
    ['"full"', 'a string'],
    ['true', 'a boolean'],
    ['null', 'null'],
  ])('reports %p as not a JSON object but %s', (content, description) => {
    const result = buildExecutionInput(utf8(content), SOURCE);
    expect(result.problem).toBe(
      `is not a JSON object but ${description}; a run request is an object such as {} or {"runName": "my-run"}`,
    );
    expect(JSON.parse(result.input)).toEqual({ source: { ...SOURCE, problem: result.problem } });
  });

  it('reports a file that sets the reserved field source itself', () => {
    const result = buildExecutionInput(utf8('{"source": {"bucket": "elsewhere", "key": "x"}, "runName": "x"}'), SOURCE);
    expect(result.problem).toBe(
      'sets the reserved field "source"; remove it (the pipeline records the file\'s location there itself)',
    );
    expect(JSON.parse(result.input)).toEqual({ source: { ...SOURCE, problem: result.problem } });
  });

  it('reports a file that is not UTF-8', () => {
    const result = buildExecutionInput(Uint8Array.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), SOURCE);
    expect(result.problem).toBe('is not UTF-8 text; save the run request as UTF-8 JSON');
  });

  it('reports a file larger than the execution input limit without parsing it', () => {
    const body = utf8(`{"Comment": "${'x'.repeat(MAX_EXECUTION_INPUT_BYTES)}"}`);
    const result = buildExecutionInput(body, SOURCE);
    expect(result.problem).toBe(
      `is too large: ${body.byteLength.toLocaleString('en-US')} bytes, over the Step Functions execution input limit of 262,144 bytes (256 KiB)`,
    );
    expect(JSON.parse(result.input)).toEqual({ source: { ...SOURCE, problem: result.problem } });
  });

  it('reports a file under the limit whose input would exceed it once the source field is added', () => {
    const request = (padding: number): string => `{"Comment":"${'x'.repeat(padding)}"}`;
    const overhead = Buffer.byteLength(buildExecutionInput(utf8(request(0)), SOURCE).input) - request(0).length;
    // The largest request that still fits, and one byte more.
    const fitting = request(MAX_EXECUTION_INPUT_BYTES - overhead - request(0).length);
    const fits = buildExecutionInput(utf8(fitting), SOURCE);
    expect(fits.problem).toBeUndefined();
    expect(Buffer.byteLength(fits.input)).toBe(MAX_EXECUTION_INPUT_BYTES);

    const tooBig = request(MAX_EXECUTION_INPUT_BYTES - overhead - request(0).length + 1);
    expect(tooBig.length).toBeLessThanOrEqual(MAX_EXECUTION_INPUT_BYTES);
    const result = buildExecutionInput(utf8(tooBig), SOURCE);
    expect(result.problem).toBe(
      'is too large: with the "source" field the pipeline adds, the execution input would be 262,145 bytes, ' +
        'over the Step Functions limit of 262,144 bytes',
    );
  });

  it('measures the limit in UTF-8 bytes, not characters', () => {
    const content = `{"Comment":"${'é'.repeat(MAX_EXECUTION_INPUT_BYTES / 2)}"}`; // 2 bytes per é
    expect(content.length).toBeLessThan(MAX_EXECUTION_INPUT_BYTES);
    expect(buildExecutionInput(utf8(content), SOURCE).problem).toMatch(/^is too large: /);
  });
});

describe('problemInput', () => {
  it('is only the source, with the problem', () => {
    expect(problemInput(SOURCE, 'is broken')).toEqual({
      input:
        '{"source":{"bucket":"ic-pipeline-data-bucket-1a2b3c","key":"requests/my-run.json",' +
        '"versionId":"IYV3p45BT0ac8hjHg1houSdS1a.Mro8e","problem":"is broken"}}',
      problem: 'is broken',
    });
  });
});

describe('tooLargeProblem', () => {
  it('states the size and the limit', () => {
    expect(tooLargeProblem(300_000)).toBe(
      'is too large: 300,000 bytes, over the Step Functions execution input limit of 262,144 bytes (256 KiB)',
    );
  });
});
