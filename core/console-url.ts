/**
 * Links to the AWS Management Console that work in every partition: the commercial partition, China
 * (aws-cn) and AWS GovCloud (US) (aws-us-gov) each have a console of their own.
 */

/** Console host of each partition. `?region=` selects the Region on all three. */
export const CONSOLE_HOSTS = {
  aws: 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
} as const;

export type Partition = keyof typeof CONSOLE_HOSTS;

/** Every partition whose Regions publish the algorithm image (see reference/image-classification-registries.json). */
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-f'] as const;
export type AnyPartition = (typeof PARTITIONS)[number];

/** The partition of a Region: `aws-cn` for China, `aws-us-gov` for GovCloud, the ISO partitions, else `aws`. */
export function partitionOf(region: string): AnyPartition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

/**
 * `https://<console host>` of a partition; '' for the isolated (ISO) partitions, whose consoles are not
 * public and whose hosts this project does not know: links there start at the path.
 */
export function consoleOriginOf(partition: string): string {
  return Object.hasOwn(CONSOLE_HOSTS, partition) ? `https://${CONSOLE_HOSTS[partition as Partition]}` : '';
}

/**
 * The console page `path` (e.g. `states/home`) of `region` with `fragment` (the part after `#`).
 * Every argument may be a CloudFormation or Step Functions placeholder: the stack takes `origin` from a
 * partition mapping built from `consoleOriginOf` (lib/console-origin.ts), so links are right in every
 * partition the stack is deployed to.
 */
export function consoleUrl(origin: string, region: string, path: string, fragment: string): string {
  return `${origin}/${path}?region=${region}#${fragment}`;
}

/** Fragment of the Step Functions console page of an execution. */
export const EXECUTION_FRAGMENT_PREFIX = '/v2/executions/details/';
/** Fragment of the Step Functions console page of a state machine. */
export const STATE_MACHINE_FRAGMENT_PREFIX = '/statemachines/view/';

/** The Step Functions console page of an execution, from its ARN (`arn:<partition>:states:<region>:…`). */
export function executionConsoleUrl(executionArn: string): string {
  const [, partition = 'aws', , region = 'us-east-1'] = executionArn.split(':');
  return consoleUrl(consoleOriginOf(partition), region, 'states/home', `${EXECUTION_FRAGMENT_PREFIX}${executionArn}`);
}

/** The CloudWatch Logs console page of one log stream. */
export function logStreamConsoleUrl(region: string, logGroup: string, logStream: string): string {
  // The console's own escaping: '/' -> '$252F' (a URL-encoded '%2F' whose '%' is encoded as '$25').
  const escape = (text: string) => encodeURIComponent(encodeURIComponent(text)).replace(/%/g, '$');
  return consoleUrl(
    consoleOriginOf(partitionOf(region)),
    region,
    'cloudwatch/home',
    `logsV2:log-groups/log-group/${escape(logGroup)}/log-events/${escape(logStream)}`,
  );
}

/**
 * The CloudWatch Logs console page of a log group, showing the streams whose names start with
 * `streamPrefix` (e.g. a SageMaker job's `<job name>/`), for when no stream is known yet.
 */
export function logGroupConsoleUrl(region: string, logGroup: string, streamPrefix?: string): string {
  const escape = (text: string) => encodeURIComponent(encodeURIComponent(text)).replace(/%/g, '$');
  const filter = streamPrefix ? escape(`?logStreamNameFilter=${streamPrefix}`) : '';
  return consoleUrl(consoleOriginOf(partitionOf(region)), region, 'cloudwatch/home', `logsV2:log-groups/log-group/${escape(logGroup)}${filter}`);
}
