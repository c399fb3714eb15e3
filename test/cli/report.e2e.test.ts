/**
 * End to end: `results` and `report` against a real S3-compatible server (s3rver, on 127.0.0.1 only,
 * started here), through the command line's own S3 client (AWS_ENDPOINT_URL_S3 → path-style), and the
 * report opened in a real browser (Debian's chromium, driven by playwright-core). Step Functions,
 * CloudFormation, SageMaker and CloudWatch Logs are mocked as in the other tests: the run is a
 * succeeded run whose predictions and images are in the local S3.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeTrainingJobCommand, DescribeTransformJobCommand } from '@aws-sdk/client-sagemaker';
import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { chromium, type Page } from 'playwright-core';
import sharp from 'sharp';
import S3rver from 's3rver';
import type { AwsDeps } from '../../cli/aws/clients';
import { createAwsDeps } from '../../cli/aws/create-clients';
import { evaluateCommand, worstRecallFirst } from '../../cli/commands/evaluate';
import { reportCommand } from '../../cli/commands/report';
import { resultsCommand } from '../../cli/commands/results';
import { visibleLength } from '../../cli/output';
import { runCommand } from '../../cli/run-command';
import { EvaluationTally } from '../../cli/evaluation/metrics';
import { confusionCells, renderDataJs, renderIndexHtml, type ReportModel } from '../../cli/report/render';
import { bufferOutput } from '../support/output';
import { capture, executionArn, stackAnswer, STATE_MACHINE_ARN } from './aws-fixtures';
import { tempDir } from '../support/temp-dir';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
const ARTIFACTS = resolve(__dirname, '../../test-artifacts');
const DATA = 'local-data-bucket';
const ARTIFACT = 'local-artifact-bucket';
const NAME = 'pets-20261128-101500-ab12';
const RUN_ID = 'pets-20261128-101500-ab12-1f2e3d4c';
const PREDICTIONS = `runs/${RUN_ID}/predictions/`;
const CLASSES = ['cat', 'dog', 'zebra', 'a <b>bold</b> class'];
/** One page of the gallery (120 cards) and some more. */
const IMAGES = 130;
const COLOURS = ['#dc5a3c', '#3c8cdc', '#50b45a', '#c8b428', '#8a5cc8'];

/** A small picture of image `i` (sizes vary; a shape per folder class), as SVG that sharp renders. */
function pictureSvg(i: number): string {
  const width = 160 + (i % 4) * 60;
  const height = 140 + (i % 3) * 50;
  const [from, to] = [COLOURS[i % COLOURS.length], COLOURS[(i + 2) % COLOURS.length]];
  const cx = width / 2;
  const cy = height / 2;
  const r = Math.min(width, height) / 3;
  const shape = [
    `<circle cx="${cx}" cy="${cy}" r="${r}" fill="#fff" fill-opacity="0.75"/>`,
    `<rect x="${cx - r}" y="${cy - r}" width="${2 * r}" height="${2 * r}" rx="${r / 4}" fill="#222" fill-opacity="0.55"/>`,
    [0, 1, 2, 3, 4].map((k) => `<rect x="0" y="${(k * height) / 5}" width="${width}" height="${height / 10}" fill="#111" fill-opacity="0.6"/>`).join(''),
  ][i % 3];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>${shape}</svg>`;
}

/** Odd but possible S3 keys: spaces, commas, quotes, non-ASCII, `+` and `%`. */
function imageName(i: number): string {
  const odd = ['with space', 'comma,name', 'quote"d', 'ünï/猫', 'a+b%20c', '<img src=x onerror=alert(1)>'];
  return `${CLASSES[i % 3]}/${String(i).padStart(3, '0')}-${odd[i % odd.length]}.${i % 5 === 0 ? 'png' : 'jpg'}`;
}

function probabilities(i: number): number[] {
  const top = 0.3 + ((i * 37) % 70) / 100; // 0.30 … 0.99, varied
  const best = i % CLASSES.length;
  const rest = (1 - top) / (CLASSES.length - 1);
  return CLASSES.map((_, c) => (c === best ? top : rest));
}

/**
 * What the evaluation must find, from the fixture's own rules (not from the code under test): image i is
 * in folder CLASSES[i % 3] and predicted CLASSES[i % 4]; image 7 has no output; dog/deleted.jpg (predicted
 * dog) has an output but no input any more.
 */
const EXPECTED = (() => {
  const outputs = Array.from({ length: IMAGES }, (_, i) => i).filter((i) => i !== 7);
  const correct = outputs.filter((i) => i % 3 === i % 4).length + 1; // + dog/deleted.jpg
  return { images: IMAGES + 1, labeled: outputs.length + 1, correct };
})();

/** Waits until the gallery shows `n` cards. */
async function cardCount(page: Page, n: number): Promise<void> {
  await page.waitForFunction(`document.querySelectorAll('#gallery .card').length === ${n}`, undefined, { timeout: 10_000 });
}

let server: S3rver;
let endpoint: string;
let work: string;
const savedEnv = { ...process.env };
const created: { destroy(): void }[] = [];

beforeAll(async () => {
  work = tempDir('ic-e2e-');
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: join(work, 's3'),
    configureBuckets: [{ name: DATA, configs: [] }, { name: ARTIFACT, configs: [] }],
  });
  const address = (await server.run()) as { port: number };
  endpoint = `http://127.0.0.1:${address.port}`;
  // As a user points the command line at LocalStack or MinIO; s3rver checks signatures with these keys.
  Object.assign(process.env, { AWS_ENDPOINT_URL_S3: endpoint, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'eu-west-1' });
  const s3 = createAwsDeps({ region: 'eu-west-1' }).s3;
  created.push(s3);
  const pictures = new Map<string, Buffer>(); // 60 different pictures: each drawn once
  const puts: Promise<unknown>[] = [
    s3.send(new PutObjectCommand({ Bucket: DATA, Key: 'datasets/pets/classes.txt', Body: `${CLASSES.join('\n')}\n` })),
  ];
  for (let i = 0; i < IMAGES; i += 1) {
    const name = imageName(i);
    const svg = pictureSvg(i);
    const format = name.endsWith('.png') ? 'png' : 'jpeg';
    const cacheKey = `${format}:${svg}`;
    const bytes = pictures.get(cacheKey) ?? (await sharp(Buffer.from(svg))[format]().toBuffer());
    pictures.set(cacheKey, bytes);
    puts.push(s3.send(new PutObjectCommand({ Bucket: DATA, Key: `batch-input/${name}`, Body: bytes })));
    if (i === 7) continue; // one image has no prediction file: only what the transform wrote counts
    puts.push(s3.send(new PutObjectCommand({ Bucket: ARTIFACT, Key: `${PREDICTIONS}${name}.out`, Body: JSON.stringify({ prediction: probabilities(i) }) })));
  }
  // A prediction whose image was deleted since the run: shown without a picture.
  puts.push(s3.send(new PutObjectCommand({ Bucket: ARTIFACT, Key: `${PREDICTIONS}dog/deleted.jpg.out`, Body: JSON.stringify({ prediction: [0.1, 0.7, 0.1, 0.1] }) })));
  await Promise.all(puts);
}, 60_000);

afterAll(async () => {
  // The SDK keeps connections to the server open for reuse: close them, so that nothing outlives the tests.
  for (const client of created) client.destroy();
  process.env = savedEnv;
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

/** The command line's real S3 client (the local server), mocked Step Functions / CloudFormation / SageMaker / Logs, and S3 requests counted. */
function deps(): { deps: AwsDeps; s3Requests: () => { total: number; maxInFlight: number } } {
  const real = createAwsDeps({ region: 'eu-west-1' });
  created.push(real.cloudFormation, real.sfn, real.sagemaker, real.s3, real.logs!);
  mockClient(real.cloudFormation).on(DescribeStacksCommand).resolves(stackAnswer());
  const sfn = mockClient(real.sfn);
  const execution = {
    executionArn: executionArn(NAME), stateMachineArn: STATE_MACHINE_ARN, name: NAME, status: 'SUCCEEDED' as const,
    startDate: new Date('2026-11-28T10:15:00Z'), stopDate: new Date('2026-11-28T10:41:30Z'),
    input: JSON.stringify({ runName: 'pets', trainingData: `s3://${DATA}/datasets/pets/train/`, hyperparameters: { num_classes: 4, epochs: 3 } }),
    output: JSON.stringify({
      runId: RUN_ID, runName: 'pets', mode: 'full', executionArn: executionArn(NAME), source: null, trainingJobName: RUN_ID,
      modelArtifacts: `s3://${ARTIFACT}/runs/${RUN_ID}/model/${RUN_ID}/output/model.tar.gz`,
      metrics: [{ MetricName: 'train:accuracy', Value: 0.912 }, { MetricName: 'validation:accuracy', Value: 0.874 }],
      trainingTimeInSeconds: 1040, billableTimeInSeconds: 1040, modelName: RUN_ID, modelArn: `arn:aws:sagemaker:eu-west-1:111122223333:model/${RUN_ID}`,
      transformJobName: RUN_ID, predictions: `s3://${ARTIFACT}/${PREDICTIONS}`,
    }),
  };
  sfn.on(ListExecutionsCommand).resolves({ executions: [{ ...execution }] });
  sfn.on(DescribeExecutionCommand).resolves(execution);
  const sagemaker = mockClient(real.sagemaker);
  sagemaker.on(DescribeTrainingJobCommand).resolves({
    TrainingJobName: RUN_ID, TrainingJobStatus: 'Completed', HyperParameters: { epochs: '3', num_classes: '4', learning_rate: '0.01' },
    ResourceConfig: { InstanceType: 'ml.g5.xlarge', InstanceCount: 1, VolumeSizeInGB: 50 }, EnableManagedSpotTraining: false,
    CreationTime: new Date(), SecondaryStatusTransitions: [],
  } as never);
  sagemaker.on(DescribeTransformJobCommand).resolves({
    TransformJobName: RUN_ID, TransformJobStatus: 'Completed', ModelName: RUN_ID, CreationTime: new Date(),
    TransformStartTime: new Date('2026-11-28T10:35:00Z'), TransformEndTime: new Date('2026-11-28T10:41:00Z'),
    TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${DATA}/batch-input/` } }, ContentType: 'application/x-image' },
    TransformOutput: { S3OutputPath: `s3://${ARTIFACT}/${PREDICTIONS}` },
    TransformResources: { InstanceType: 'ml.c5.xlarge', InstanceCount: 1 },
  } as never);
  const stream = `${RUN_ID}/algo-1-1764325000`;
  const epochLines = ['Epoch[0] Train-accuracy=0.412', 'Epoch[0] Validation-accuracy=0.455', 'Epoch[1] Train-accuracy=0.781', 'Epoch[1] Validation-accuracy=0.802', 'Epoch[2] Train-accuracy=0.912', 'Epoch[2] Validation-accuracy=0.874'];
  mockClient(real.logs!).on(FilterLogEventsCommand).resolves({
    events: epochLines.map((message, i) => ({ timestamp: 1764325000000 + i * 60_000, message: `[11/28/2026 10:2${i} INFO 1] ${message}`, logStreamName: stream, eventId: `e${i}` })),
  });
  let total = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  real.s3.middlewareStack.add(
    (next) => async (args) => {
      total += 1;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await next(args);
      } finally {
        inFlight -= 1;
      }
    },
    { step: 'finalizeRequest', name: 'countRequests' },
  );
  return { deps: { ...real, now: () => new Date('2026-11-28T11:00:00Z') }, s3Requests: () => ({ total, maxInFlight }) };
}

test('results against a local S3: concurrent (bounded, above 1), the CSV right for odd names, class names from the dataset', async () => {
  const { deps: aws, s3Requests } = deps();
  const outDir = join(work, 'results');
  const { code, stdout, stderr } = await capture(true, (out) => resultsCommand({ outDir, topK: 2 }, aws, out));
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const document = JSON.parse(stdout);
  expect(document.classesFile).toBe(`s3://${DATA}/datasets/pets/classes.txt`);
  expect(document.download).toMatchObject({ files: IMAGES, concurrency: 16 });
  const requests = s3Requests();
  expect(requests.maxInFlight).toBeGreaterThan(1);
  expect(requests.maxInFlight).toBeLessThanOrEqual(16);
  expect(requests.total).toBe(1 + 1 + 1 + IMAGES); // a listing page of predictions and one of inputs, classes.txt, one GET per prediction
  // The folders cat/, dog/, zebra/ name classes: the CSV says each image's actual class and whether the top one is it.
  const csv = readFileSync(join(outDir, 'predictions.csv'), 'utf8');
  expect(csv.split('\n')[0]).toBe('image,top_class,probability,class_index,class_2,probability_2,class_index_2,actual,correct');
  expect(csv).toMatch(/\ncat\/000-with space\.png,cat,[\d.]+,0,dog,[\d.]+,1,cat,true\n/);
  expect(csv).toMatch(/\ndog\/004-a\+b%20c\.jpg,cat,[\d.]+,0,[^\n]*,dog,false\n/);
  expect(document.summary).toMatchObject({ labeled: EXPECTED.labeled, accuracy: EXPECTED.correct / EXPECTED.labeled, missingOutputs: [imageName(7)] });
  expect(csv).toContain('\ncat/000-with space.png,cat,0.3,0,dog,');
  expect(csv).toMatch(/\n"dog\/001-comma,name\.jpg",dog,0\.6699\d*,1,cat,/);
  expect(csv).toContain('\n"zebra/002-quote""d.jpg",zebra,');
  expect(csv).toContain('\ncat/003-ünï/猫.jpg,a <b>bold</b> class,');
  expect(csv).toContain('\ndog/004-a+b%20c.jpg,cat,');
});

test('a bad --out fails before anything is downloaded', async () => {
  const { deps: aws, s3Requests } = deps();
  const file = join(work, 'a-file');
  writeFileSync(file, '');
  const { code, stdout } = await capture(true, (out) => resultsCommand({ outDir: join(file, 'results') }, aws, out));
  expect(code).toBe(2);
  expect(JSON.parse(stdout).error.code).toBe('UsageError');
  expect(s3Requests().total).toBe(0);
});

/** `evaluate --json` of the run, kept for the report test: the page must show the same numbers. */
let evaluation: any;

test('evaluate --json against a local S3: one document with the figures of the labelled inputs; --save writes evaluation.json beside the predictions', async () => {
  const { deps: aws, s3Requests } = deps();
  const { code, stdout, stderr } = await capture(true, (out) => evaluateCommand({ save: true }, aws, out));
  expect(stderr).toBe('');
  expect(code).toBe(0);
  evaluation = JSON.parse(stdout); // exactly one JSON document
  expect(evaluation).toMatchObject({
    run: RUN_ID,
    images: EXPECTED.images,
    labeled: EXPECTED.labeled,
    unlabeled: 0,
    missingOutputs: [imageName(7)],
    correct: EXPECTED.correct,
    accuracy: EXPECTED.correct / EXPECTED.labeled,
    topK: { k: 5, accuracy: 1 }, // 4 classes: every label is among the 5 best
    input: `s3://${DATA}/batch-input/`,
    classesFile: `s3://${DATA}/datasets/pets/classes.txt`,
    saved: `s3://${ARTIFACT}/runs/${RUN_ID}/evaluation.json`,
  });
  expect(evaluation.confusion.labels).toEqual(CLASSES);
  // matrix[i][j]: images of folder i predicted j, counted from the fixture's rule.
  const outputs = Array.from({ length: IMAGES }, (_, i) => i).filter((i) => i !== 7);
  const cell = (a: number, p: number) => outputs.filter((i) => i % 3 === a && i % 4 === p).length + (a === 1 && p === 1 ? 1 : 0);
  expect(evaluation.confusion.matrix).toEqual([0, 1, 2, 3].map((a) => [0, 1, 2, 3].map((p) => cell(a, p))));
  const bold = evaluation.perClass.find((c: any) => c.class === CLASSES[3]);
  expect(bold).toEqual({ classIndex: 3, class: CLASSES[3], support: 0, predicted: outputs.filter((i) => i % 4 === 3).length, correct: 0, precision: 0, recall: null, f1: null });
  expect(s3Requests().total).toBe(1 + 1 + 1 + (IMAGES - 1 + 1) + 1); // classes.txt, two listings, the predictions, the PUT
  const saved = await aws.s3.send(new GetObjectCommand({ Bucket: ARTIFACT, Key: `runs/${RUN_ID}/evaluation.json` }));
  const document = JSON.parse((await saved.Body?.transformToString()) ?? '');
  expect(document.accuracy).toBe(evaluation.accuracy);
  expect(document.confusion).toEqual(evaluation.confusion);
}, 30_000);

test('evaluate on a terminal, 80 and 60 columns: headline, per-class table worst recall first, confusions, the input with no output', async () => {
  // The text is the same with and without a terminal (evaluationLines, tested at both widths in
  // evaluation-metrics.test.ts); a terminal adds the progress bar. Two runs cover both widths and both.
  for (const [columns, tty] of [[80, true], [60, false]] as const) {
    const out = bufferOutput({ tty, columns });
    const code = await runCommand(out, () => evaluateCommand({}, deps().deps, out));
    expect(code).toBe(0);
    const lines = out.stdout().split('\r\x1b[2K').join('\n').split('\n').filter((line) => !line.startsWith('Downloading'));
    for (const line of lines) expect(visibleLength(line)).toBeLessThanOrEqual(columns);
    const text = lines.join('\n');
    expect(text).toContain(`Evaluation of run ${RUN_ID}\n  ${EXPECTED.images} inputs: ${EXPECTED.labeled} labelled with an output\n  1 without output\n`);
    expect(text).toContain(`  accuracy          ${((EXPECTED.correct / EXPECTED.labeled) * 100).toFixed(1)}%  (${EXPECTED.correct} of ${EXPECTED.labeled})`);
    expect(text).toMatch(/Per class, worst recall first:\n {2}class +support +pred +prec +recall +F1\n {2}(cat|dog|zebra) /);
    expect(text).toContain(`Inputs with no output (1):\n  ${imageName(7)}`);
    if (tty) expect(out.stdout()).toContain('\r\x1b[2KDownloading predictions');
  }
}, 30_000);

test('report: one self-contained folder that renders in Chromium (cards, images, filter, sort, no console error)', async () => {
  const { deps: aws, s3Requests } = deps();
  const outDir = join(work, 'report');
  const { code, stdout, stderr } = await capture(false, (out) => reportCommand({ outDir }, aws, out));
  expect(code).toBe(0);
  expect(stdout).toContain(`Report of run ${RUN_ID}: ${IMAGES} images (${IMAGES - 1} with a thumbnail), 3 epochs from the log.`);
  expect(stderr).toContain('1 image not found under s3://local-data-bucket/batch-input/');
  // Each image downloaded once; predictions once; the two listings (predictions, inputs), classes.txt.
  expect(s3Requests().total).toBe(IMAGES + IMAGES + 3);
  expect(readdirSync(outDir).sort()).toEqual(['data.js', 'index.html', 'report.css', 'report.js', 'thumbs']);
  expect(readdirSync(join(outDir, 'thumbs'))).toHaveLength(IMAGES - 1);
  const thumbBytes = readdirSync(join(outDir, 'thumbs')).reduce((sum, file) => sum + statSync(join(outDir, 'thumbs', file)).size, 0);
  expect(thumbBytes / (IMAGES - 1)).toBeLessThan(10_000); // a few KB each
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  expect(html).not.toMatch(/https?:\/\/(?!console\.)/); // nothing fetched from a network: the only links are console links
  expect(html).toContain('a &lt;b&gt;bold&lt;/b&gt; class'); // names from S3 are text, not HTML
  // The cost, as `status` computes it; the jobs' descriptions give the instance types this summary lacks.
  // (a Region without sourced prices says "no price" rather than guess one).
  expect(html).toMatch(/<th>Cost<\/th><td>(\$[\d.]+|no price) in eu-west-1, computed from list prices as of [\d-]+ \(not your bill\): training 1040 billable s (x \$[\d.]+\/h = \$[\d.]+|on ml\.g5\.xlarge: no price); transform 360 s (x \$[\d.]+\/h = \$[\d.]+|on ml\.c5\.xlarge: no price)<\/td>/);

  if (!CHROMIUM) {
    console.warn('Skipping the browser part of the report test: no Chromium (apt-get install chromium; .ci/run installs it).');
    return;
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('request', (request) => !request.url().startsWith('file:') && problems.push(`network request: ${request.url()}`));
    page.on('dialog', (dialog) => (problems.push(`dialog: ${dialog.message()}`), void dialog.dismiss()));
    await page.goto(pathToFileURL(join(outDir, 'index.html')).href);

    const cards = page.locator('#gallery .card');
    await cardCount(page, 120); // the first page; more as the page scrolls
    expect(await page.locator('#count').textContent()).toBe(`Showing 120 of ${IMAGES} images`);
    // The images in view have loaded (the gallery is below the evaluation section: scrolled to, as people do).
    await page.evaluate("document.getElementById('images').scrollIntoView()");
    await page.waitForFunction(`[...document.querySelectorAll('#gallery img')].slice(0, 12).every((img) => img.complete)`);
    const widths = await page.$$eval('#gallery img', (imgs) => imgs.slice(0, 12).map((img) => (img as unknown as { naturalWidth: number }).naturalWidth));
    expect(widths.every((width) => width > 0)).toBe(true);
    // Sorted most confident first.
    const first = await cards.first().getAttribute('data-probability');
    expect(Number(first)).toBeCloseTo(0.99, 2);

    // Scrolling to the end loads the rest.
    await page.locator('#more').scrollIntoViewIfNeeded();
    await cardCount(page, IMAGES);

    // Sort: least confident first.
    await page.selectOption('#sort', 'confidence-asc');
    const probabilitiesShown = await page.$$eval('#gallery .card', (els) => els.slice(0, 20).map((el) => Number(el.getAttribute('data-probability'))));
    expect(probabilitiesShown).toEqual([...probabilitiesShown].sort((a, b) => a - b));
    expect(probabilitiesShown[0]).toBeCloseTo(0.3, 2);

    // Filter by class: only that class, and the count says so.
    const predictedAs = (c: number) => Array.from({ length: IMAGES }, (_, i) => i).filter((i) => i !== 7 && i % CLASSES.length === c).length;
    await page.selectOption('#class-filter', '2');
    expect(await page.locator('#class-filter option:checked').textContent()).toBe(`zebra (${predictedAs(2)})`);
    const classes = await page.$$eval('#gallery .card', (els) => els.map((el) => el.getAttribute('data-class')));
    expect(classes.length).toBe(predictedAs(2));
    expect(new Set(classes)).toEqual(new Set(['zebra']));
    expect(await page.locator('#count').textContent()).toBe(`Showing ${predictedAs(2)} of ${predictedAs(2)} (${IMAGES} in all) images`);
    // A bar of the chart filters too; and the class with markup in its name is shown as text.
    await page.click('svg .bar[data-filter-class="3"]');
    await cardCount(page, predictedAs(3));
    expect(await page.locator('#gallery .card .cls').first().textContent()).toBe('a <b>bold</b> class');
    // Search by file name.
    await page.selectOption('#class-filter', '');
    await page.fill('#search', 'comma,name');
    await cardCount(page, Array.from({ length: IMAGES }, (_, i) => i).filter((i) => i !== 7 && i % 6 === 1).length);
    // The deleted image's card says so instead of a broken picture.
    await page.fill('#search', 'deleted');
    expect(await page.locator('#gallery .card .noimg').textContent()).toBe('image not available');
    // The evaluation section shows the numbers of `evaluate --json` (the test above).
    const pct = (value: number | null) => (value === null ? '-' : `${(value * 100).toFixed(1)}%`);
    const figure = (metric: string) => page.locator(`#evaluation [data-metric="${metric}"] b`).textContent();
    expect(await figure('accuracy')).toBe(pct(evaluation.accuracy));
    expect(await figure('top-k')).toBe(pct(evaluation.topK.accuracy));
    expect(await figure('macro-precision')).toBe(pct(evaluation.macro.precision));
    expect(await figure('macro-recall')).toBe(pct(evaluation.macro.recall));
    expect(await figure('macro-f1')).toBe(pct(evaluation.macro.f1));
    expect(await page.locator('#trust').textContent()).toMatch(/crops images in training and resizes them at inference, so accuracy on the test images .* is the number to trust/);
    expect(await page.locator('#missing-outputs li').allTextContents()).toEqual(evaluation.missingOutputs);
    // The per-class table: worst recall first, each row as in the document; a heading sorts it.
    const tableRows = () => page.$$eval('#per-class tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    const expectedRows = worstRecallFirst(evaluation.perClass).map((c: any) => [c.class, String(c.support), String(c.predicted), pct(c.precision), pct(c.recall), pct(c.f1)]);
    expect(await tableRows()).toEqual(expectedRows);
    await page.click('#per-class button[data-sort="1"]'); // support, ascending
    await page.click('#per-class button[data-sort="1"]'); // descending
    const supports = (await tableRows()).map((row) => Number(row[1]));
    expect(supports).toEqual([...supports].sort((a, b) => b - a));
    // The heat map: hovering the cell of the most confused pair names it with its count.
    const pair = evaluation.mostConfused[0];
    const [cellSize, shownClasses] = await page.$eval('#confusion', (el) => [Number(el.getAttribute('data-cell')), (el.getAttribute('data-classes') ?? '').split(',').map(Number)] as const);
    const row = shownClasses.indexOf(CLASSES.indexOf(pair.actual));
    const column = shownClasses.indexOf(CLASSES.indexOf(pair.predicted));
    await page.locator('#confusion').hover({ position: { x: column * cellSize + cellSize / 2, y: row * cellSize + cellSize / 2 } });
    const support = evaluation.confusion.matrix[CLASSES.indexOf(pair.actual)].reduce((a: number, b: number) => a + b, 0);
    expect(await page.locator('#confusion-tip').textContent()).toBe(`actual ${pair.actual} → predicted ${pair.predicted}: ${pair.count} of ${support} (${pct(pair.count / support)})`);
    // "Wrong only": the labelled images whose top class is not their folder's, each card saying both.
    await page.fill('#search', '');
    await page.check('#wrong-only');
    await cardCount(page, evaluation.labeled - evaluation.correct);
    const truths = await page.$$eval('#gallery .card', (els) => els.map((el) => [el.getAttribute('data-actual'), el.getAttribute('data-class'), el.querySelector('.truth')?.textContent]));
    for (const [actual, predicted, text] of truths) {
      expect(actual).not.toBe(predicted);
      expect(text).toBe(`actual: ${actual}predicted: ${predicted}`);
    }
    await page.uncheck('#wrong-only');
    // The test's artifact, and the picture in the README and docs/command-line.md (docs/report-screenshot.png):
    // the top of the report and the first rows of the gallery, most confident first.
    await page.fill('#search', '');
    await page.selectOption('#sort', 'confidence-desc');
    await page.setViewportSize({ width: 1280, height: 1500 });
    await page.evaluate('window.scrollTo(0, 0)');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report.png') });
    expect(problems).toEqual([]);

    // The heat map at 257 classes (a page made from the same render code, no S3): only the classes with
    // errors by default, cells at least 4 px, and hovering a cell still names it.
    const big = join(work, 'report-257');
    mkdirSync(big, { recursive: true });
    const names = Array.from({ length: 257 }, (_, c) => `class-${c}`);
    const tally = new EvaluationTally(names, 5);
    const labels: number[] = [];
    // 30 images per class, right but for every 10th image of the first 100 classes, predicted as the next class.
    for (let i = 0; i < 257 * 30; i += 1) labels.push(tally.add(`${String((i % 257) + 1).padStart(3, '0')}.class-${i % 257}/${i}.jpg`, [i % 257 < 100 && i % 10 === 0 ? (i + 1) % 257 : i % 257]) ?? -1);
    const document = tally.result('big');
    const withErrors = new Set(document.confusion.matrix.flatMap((row, a) => row.flatMap((count, p) => (a !== p && count > 0 ? [a, p] : []))));
    writeFileSync(join(big, 'data.js'), renderDataJs(names, [], 0.5, { labels: [], cells: confusionCells(document.confusion.matrix), n: 257 }));
    const model = {
      generatedAt: new Date(), run: { runId: 'big', executionName: 'big', executionArn: 'arn', consoleUrl: 'https://console.aws.amazon.com/', status: 'SUCCEEDED', mode: 'transform' },
      request: {}, hyperparameters: {}, metrics: [], cost: { text: '-', known: false }, epochs: [], classNames: { source: 'test', fromDataset: false },
      counts: [], images: 0, withThumbnail: 0, lowConfidence: 0, lowConfidenceBelow: 0.5, predictions: 's3://b/p/', warnings: [], evaluation: document,
    } satisfies ReportModel;
    writeFileSync(join(big, 'index.html'), renderIndexHtml(model));
    for (const file of ['report.js', 'report.css']) writeFileSync(join(big, file), readFileSync(join(outDir, file)));
    const bigPage = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    bigPage.on('pageerror', (error) => problems.push(String(error)));
    await bigPage.goto(pathToFileURL(join(big, 'index.html')).href);
    expect(await bigPage.isChecked('#errors-only')).toBe(true);
    const [bigCell, bigShown] = await bigPage.$eval('#confusion', (el) => [Number(el.getAttribute('data-cell')), (el.getAttribute('data-classes') ?? '').split(',').map(Number)] as const);
    expect(bigShown).toEqual([...withErrors].sort((a, b) => a - b)); // classes 0 to 100: the 100 rows with errors, and the columns they hit
    expect(bigShown).toHaveLength(101);
    expect(bigCell).toBeGreaterThanOrEqual(4);
    const [a, p] = [5, 6]; // class-5 images predicted as class-6: 3 of 30
    await bigPage.locator('#confusion').hover({ position: { x: bigShown.indexOf(p) * bigCell + bigCell / 2, y: bigShown.indexOf(a) * bigCell + bigCell / 2 } });
    expect(await bigPage.locator('#confusion-tip').textContent()).toBe('actual class-5 → predicted class-6: 3 of 30 (10.0%)');
    await bigPage.uncheck('#errors-only');
    expect(await bigPage.$eval('#confusion', (el) => (el.getAttribute('data-classes') ?? '').split(',').length)).toBe(257);
    expect(problems).toEqual([]);
  } finally {
    await browser.close();
  }
}, 60_000);
