import { consoleOriginOf, executionConsoleUrl, logStreamConsoleUrl, partitionOf } from '../../core/console-url';

describe('console links', () => {
  test.each([
    ['us-east-1', 'aws'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-east-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['us-isof-south-1', 'aws-iso-f'],
  ])('the partition of %s is %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });

  test.each([
    ['arn:aws:states:eu-west-1:111122223333:execution:Pipeline:run-1', 'https://console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/'],
    ['arn:aws-cn:states:cn-north-1:111122223333:execution:Pipeline:run-1', 'https://console.amazonaws.cn/states/home?region=cn-north-1#/v2/executions/details/'],
    ['arn:aws-us-gov:states:us-gov-west-1:111122223333:execution:Pipeline:run-1', 'https://console.amazonaws-us-gov.com/states/home?region=us-gov-west-1#/v2/executions/details/'],
  ])('an execution link uses the console of the ARN\'s partition: %s', (arn, start) => {
    expect(executionConsoleUrl(arn)).toBe(`${start}${arn}`);
  });

  test('the isolated partitions have no public console: the link starts at the path', () => {
    expect(consoleOriginOf('aws-iso')).toBe('');
    expect(executionConsoleUrl('arn:aws-iso:states:us-iso-east-1:1:execution:P:r')).toBe(
      '/states/home?region=us-iso-east-1#/v2/executions/details/arn:aws-iso:states:us-iso-east-1:1:execution:P:r',
    );
  });

  test('a log stream link escapes the group and stream the way the CloudWatch console does', () => {
    expect(logStreamConsoleUrl('eu-west-1', '/aws/sagemaker/TrainingJobs', 'run-1/algo-1-1700000000')).toBe(
      'https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Fsagemaker$252FTrainingJobs/log-events/run-1$252Falgo-1-1700000000',
    );
  });
});
