/**
 * The inputs of a run's batch transform: where they are (the transform job's input, else the request's
 * `batchInput`) and which keys are there, so `results`, `evaluate` and `report` can say which inputs have
 * no output (a transform that failed part-way, or an input the algorithm could not read).
 */
import { DescribeTransformJobCommand, type DescribeTransformJobCommandOutput } from '@aws-sdk/client-sagemaker';
import type { AwsDeps } from '../aws/clients';
import { listKeys, parseS3Uri } from '../download/s3-objects';

export interface InputLocation {
  readonly bucket: string;
  readonly prefix: string;
  readonly uri: string;
}

/**
 * Where the classified images are: the transform job's input (the truth), else the request's batchInput.
 * The transform reads every object under the prefix; a prediction's name is the key after it.
 */
export function inputLocation(transform: DescribeTransformJobCommandOutput | undefined, executionInput: string | undefined): InputLocation | undefined {
  const fromJob = transform?.TransformInput?.DataSource?.S3DataSource?.S3Uri;
  let fromRequest: string | undefined;
  try {
    const input = JSON.parse(executionInput ?? '{}') as { batchInput?: unknown } | null;
    if (typeof input?.batchInput === 'string') fromRequest = input.batchInput;
  } catch {
    fromRequest = undefined;
  }
  const uri = fromJob ?? fromRequest;
  const location = uri ? parseS3Uri(uri) : undefined;
  return uri && location ? { ...location, uri } : undefined;
}

/** DescribeTransformJob, or undefined (and a warning) when it cannot be read. */
export async function describeTransformJob(deps: AwsDeps, name: string, warnings: string[]): Promise<DescribeTransformJobCommandOutput | undefined> {
  try {
    return await deps.sagemaker.send(new DescribeTransformJobCommand({ TransformJobName: name }), { abortSignal: deps.signal });
  } catch (error) {
    if (deps.signal?.aborted) throw error;
    warnings.push(`Could not describe the transform job ${name} (${(error as { name?: string })?.name ?? 'error'}): its input location and status are not known.`);
    return undefined;
  }
}

/**
 * The keys of the inputs, relative to the input prefix (folder markers, keys ending in `/`, left out), or
 * undefined when the location is not known or (with a warning) cannot be listed: then no input can be
 * said to lack an output.
 */
export async function listInputs(deps: AwsDeps, location: InputLocation | undefined, warnings: string[]): Promise<Set<string> | undefined> {
  if (!location) return undefined;
  try {
    const keys = await listKeys(deps.s3, location.bucket, location.prefix, (key) => !key.endsWith('/'), { signal: deps.signal });
    return new Set(keys.map((key) => key.slice(location.prefix.length)));
  } catch (error) {
    if (deps.signal?.aborted) throw error;
    warnings.push(`Could not list the batch input ${location.uri} (${(error as { name?: string })?.name ?? 'error'}): inputs without output are not listed.`);
    return undefined;
  }
}
