import { type Bundle, bundleHandler, handlerNames } from '../../scripts/measure-bundles';

/** Every Lambda bundle stays small: less to download and parse on a cold start. */
const MAX_BUNDLE_BYTES = 100 * 1024;

let bundles: Bundle[];

beforeAll(async () => {
  // esbuild's JS API in-process, with the options PipelineFunction deploys with: well under a second.
  bundles = await Promise.all(handlerNames().map(bundleHandler));
});

test('every handler folder is measured', () => {
  expect(bundles.map((bundle) => bundle.name)).toEqual(expect.arrayContaining(['prepare-run', 'resolve-image', 'start-run']));
});

test(`every Lambda bundle is at most ${MAX_BUNDLE_BYTES / 1024} KiB (minified, without source map)`, () => {
  const tooLarge = bundles
    .filter((bundle) => bundle.bytes > MAX_BUNDLE_BYTES)
    .map((bundle) => `lambda/${bundle.name}: ${bundle.bytes} bytes (${(bundle.bytes / 1024).toFixed(1)} KiB) > ${MAX_BUNDLE_BYTES} bytes`);
  expect(tooLarge).toEqual([]);
});

test('start-run loads the AWS SDK from the Lambda runtime instead of bundling it', () => {
  const startRun = bundles.find((bundle) => bundle.name === 'start-run');
  expect(startRun?.code).toMatch(/require\("@aws-sdk\/client-s3"\)/);
  expect(startRun?.code).toMatch(/require\("@aws-sdk\/client-sfn"\)/);
  const bundledSdk = Object.keys(startRun?.metafile.inputs ?? {}).filter((input) => /node_modules\/@(aws-sdk|smithy)\//.test(input));
  expect(bundledSdk).toEqual([]);
});
