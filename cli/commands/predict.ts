/**
 * `predict <image…> [--endpoint NAME] [--top N] [--json]`: classifies images with a real-time endpoint of the
 * stack (InvokeEndpoint). The algorithm takes one JPEG or PNG image per request and answers a JSON list of
 * class probabilities; a real-time request carries at most 6 MB
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html, Body), so other
 * formats and larger files are converted first, as prepare-data converts them (cli/prepare-data/convert.ts).
 */
import { readFileSync } from 'node:fs';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { defaultEndpointName, modelPackageReference } from '../../core/endpoint';
import { looksLikeRunId } from '../../core/names';
import { loadClassNames } from '../class-names';
import type { AwsDeps } from '../aws/clients';
import { describeEndpoint, describeModelVersion, stackModelPackageGroup, stackPrefix } from '../aws/endpoints';
import { findExecution } from '../aws/find-execution';
import { DEFAULT_STACK_NAME, findPipelineStack } from '../aws/stack';
import { CliError, EXIT, toCliError, UsageError } from '../errors';
import type { Output } from '../output';
import { checkDecodable, convertImage, DEFAULT_CONVERT_SETTINGS } from '../prepare-data/convert';

/** The largest request body of a real-time endpoint: 6 MB. */
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
export const DEFAULT_TOP = 5;

export interface PredictOptions {
  readonly images: readonly string[];
  readonly endpoint?: string;
  readonly top?: number;
  readonly stackName?: string;
}

/** What is sent for one image: its bytes and content type, and whether it was converted. */
export interface PreparedImage {
  readonly body: Buffer;
  readonly contentType: 'image/jpeg' | 'image/png';
  /** Why it was converted (another format, or over 6 MB); undefined when sent as it is. */
  readonly converted?: string;
}

/**
 * The request body for `bytes`: a JPEG or PNG of at most 6 MB as it is; anything else sharp decodes, or a larger
 * file, converted to a JPEG of 256 pixels on the shorter side (what prepare-data writes; the algorithm resizes to
 * its image_shape anyway). Checked by decoding, never by the file name.
 * @throws UsageError naming the file when it is not an image sharp can decode
 */
export async function prepareImage(path: string, bytes: Buffer): Promise<PreparedImage> {
  const sniffed = checkDecodable(bytes.subarray(0, 32));
  if (sniffed.kind === 'rejected') throw new UsageError(`${path}: ${sniffed.reason}`, 'predict takes JPEG or PNG images (other formats sharp decodes are converted)');
  const native = sniffed.input === 'jpeg' || sniffed.input === 'png';
  if (native && bytes.length <= MAX_REQUEST_BYTES) return { body: bytes, contentType: sniffed.input === 'png' ? 'image/png' : 'image/jpeg' };
  const converted = await convertImage(bytes, DEFAULT_CONVERT_SETTINGS);
  if (converted.kind === 'rejected') throw new UsageError(`${path}: ${converted.reason}`);
  const why = native ? `${(bytes.length / 1024 / 1024).toFixed(1)} MB is over the 6 MB a request may carry` : `${sniffed.name} is not JPEG or PNG`;
  return { body: converted.jpeg, contentType: 'image/jpeg', converted: `${why}: sent as a ${converted.width}x${converted.height} JPEG` };
}

/** The top `n` of `probabilities`, highest first, named from `names` (`class <i>` where the list is short). */
export function topClasses(probabilities: readonly number[], names: readonly string[], n: number): { class: string; index: number; probability: number }[] {
  return probabilities
    .map((probability, index) => ({ class: names[index] ?? `class ${index}`, index, probability }))
    .sort((a, b) => b.probability - a.probability || a.index - b.index)
    .slice(0, n);
}

/** The execution input of the run that made `modelName`: its own, or for a deploy run of a version, the version's run. */
async function trainingInputOf(deps: AwsDeps, stackName: string, group: string, modelName: string | undefined): Promise<string | undefined> {
  if (modelName === undefined || !looksLikeRunId(modelName)) return undefined;
  const inputOf = async (runId: string) =>
    (await deps.sfn.send(new DescribeExecutionCommand({ executionArn: await findExecution(deps, stackName, runId) }))).input;
  const input = await inputOf(modelName);
  const request = JSON.parse(input ?? '{}') as { mode?: string; modelPackage?: string };
  if (request.mode !== 'deploy' || typeof request.modelPackage !== 'string') return input;
  const reference = modelPackageReference(request.modelPackage, group);
  if (reference === undefined) return undefined;
  const version = await describeModelVersion(deps, reference);
  return version.runId === undefined ? undefined : inputOf(version.runId);
}

export async function predictCommand(options: PredictOptions, deps: AwsDeps, out: Output): Promise<number> {
  const top = options.top ?? DEFAULT_TOP;
  if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top ${options.top}: must be a whole number of at least 1`);
  if (options.images.length === 0) throw new UsageError('no image given', 'ic-pipeline predict <image…>');
  // Every image is read and checked before any AWS call.
  const images: { path: string; prepared: PreparedImage }[] = [];
  for (const path of options.images) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      throw new UsageError(`cannot read ${path}`);
    }
    images.push({ path, prepared: await prepareImage(path, bytes) });
  }
  const runtime = deps.sagemakerRuntime;
  if (runtime === undefined) throw new CliError('predict needs the SageMaker Runtime client');
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  let endpoint: string;
  let names: { names: string[]; source: string; fromDataset: boolean };
  try {
    const stack = await findPipelineStack(deps.cloudFormation, stackName, deps.region);
    endpoint = options.endpoint ?? defaultEndpointName(stackPrefix(stack, stackName));
    const view = await describeEndpoint(deps, endpoint);
    if (view.status !== 'InService') {
      throw new CliError(`endpoint ${endpoint} is ${view.status}, not InService: it cannot classify now`, { hint: 'ic-pipeline endpoints shows its status' });
    }
    let input: string | undefined;
    try {
      input = await trainingInputOf(deps, stackName, stackModelPackageGroup(stack, stackName), view.modelName);
    } catch {
      out.warn(`could not find the run of model ${view.modelName}; using the default class names`);
    }
    names = await loadClassNames({ s3: deps.s3, executionInput: input, warn: (text) => out.warn(text) });
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw toCliError(error, { stackName, region: deps.region });
  }
  const predictions = [];
  for (const { path, prepared } of images) {
    if (prepared.converted && !out.jsonMode) out.line(out.c.dim(`${path}: ${prepared.converted}`));
    let probabilities: number[];
    try {
      const answer = await runtime.send(
        new InvokeEndpointCommand({ EndpointName: endpoint, ContentType: prepared.contentType, Accept: 'application/json', Body: prepared.body }),
      );
      probabilities = JSON.parse(new TextDecoder().decode(answer.Body)) as number[];
    } catch (error) {
      throw toCliError(error, { stackName, region: deps.region });
    }
    if (!Array.isArray(probabilities) || !probabilities.every((p) => typeof p === 'number')) {
      throw new CliError(`endpoint ${endpoint} answered something else than a list of probabilities for ${path}`);
    }
    predictions.push({ image: path, top: topClasses(probabilities, names.names, top) });
  }
  if (out.jsonMode) {
    out.json({ endpoint, predictions });
    return EXIT.ok;
  }
  out.line(out.c.bold(endpoint));
  // The default list's path is long and says nothing to the reader: its name does.
  out.line(out.c.dim(`class names: ${names.fromDataset ? names.source : 'Caltech-256 (the default list)'}`));
  for (const prediction of predictions) {
    out.line(prediction.image);
    for (const entry of prediction.top) out.line(`  ${(entry.probability * 100).toFixed(1).padStart(5)} %  ${entry.class} (${entry.index})`);
  }
  return EXIT.ok;
}
