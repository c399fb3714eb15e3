import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import { modelRequest, trainingRequest, transformRequest } from '../support/sagemaker-fixtures';
import { SageMakerStandIn, type SageMakerStandInOptions } from '../../simulation/sagemaker-stand-in';

/**
 * The stand-in behind aws-local-stepfunctions: a minimal train → model → transform definition with the
 * Retry and Catch shapes the pipeline uses, to show that error names, causes, retries and the
 * uncatchable `States.Runtime` come out of the local runner as they would on AWS.
 */
const definition = {
  StartAt: 'Train model',
  States: {
    'Train model': {
      Type: 'Task',
      Resource: 'arn:aws:states:::sagemaker:createTrainingJob.sync',
      Parameters: { 'Request.$': '$.training' },
      Retry: [
        { ErrorEquals: ['SageMaker.ResourceLimitExceededException'], IntervalSeconds: 60, MaxAttempts: 2 },
        { ErrorEquals: ['SageMaker.AmazonSageMakerException'], IntervalSeconds: 5, MaxAttempts: 2 },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Run failed' }],
      ResultSelector: {
        'TrainingJobName.$': '$.TrainingJobName',
        'ModelArtifacts.$': '$.ModelArtifacts.S3ModelArtifacts',
        'FinalMetricDataList.$': '$.FinalMetricDataList',
      },
      ResultPath: '$.trainingJob',
      Next: 'Create model',
    },
    'Create model': {
      Type: 'Task',
      Resource: 'arn:aws:states:::sagemaker:createModel',
      Parameters: { 'ModelName.$': '$.model.ModelName', 'ExecutionRoleArn.$': '$.model.ExecutionRoleArn', PrimaryContainer: { 'Image.$': '$.model.PrimaryContainer.Image', 'ModelDataUrl.$': '$.trainingJob.ModelArtifacts' } },
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Run failed' }],
      ResultPath: '$.createdModel',
      Next: 'Run batch transform',
    },
    'Run batch transform': {
      Type: 'Task',
      Resource: 'arn:aws:states:::sagemaker:createTransformJob.sync',
      Parameters: { 'Request.$': '$.transform' },
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Run failed' }],
      ResultSelector: { 'TransformJobStatus.$': '$.TransformJobStatus', 'S3OutputPath.$': '$.TransformOutput.S3OutputPath' },
      ResultPath: '$.transformJob',
      End: true,
    },
    'Run failed': { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },
  },
};

/**
 * The definition's Parameters wrap the training and transform requests (`Request`) so that one fixture
 * drives them; the handlers unwrap it before calling the stand-in, which then sees what the resolved
 * Parameters of the real states would be.
 */
/** Validated once (the runner's schema check costs about 0.1 s); each run starts afresh. */
const machine = new StateMachine(definition as never, { validationOptions: { checkArn: false } });

function run(options: SageMakerStandInOptions, training: Record<string, unknown> = trainingRequest()) {
  const sageMaker = new SageMakerStandIn(options);
  const handlers = sageMaker.handlersFor({ train: 'Train model', createModel: 'Create model', transform: 'Run batch transform' });
  const unwrap = (state: string, key: string) => async (input: any) => handlers[state]!(input[key]);
  const execution = machine.run(
    { training, model: modelRequest(), transform: transformRequest() } as never,
    {
      overrides: {
        taskResourceLocalHandlers: {
          'Train model': unwrap('Train model', 'Request'),
          'Create model': handlers['Create model']!,
          'Run batch transform': unwrap('Run batch transform', 'Request'),
        },
        retryIntervalOverrides: { 'Train model': 0 },
      },
    },
  );
  const statesEntered: string[] = [];
  const eventsRead = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') statesEntered.push(event.state.name);
    }
  })();
  /** The states the execution entered, once it has ended. */
  const states = async () => {
    await execution.result.catch(() => undefined);
    await eventsRead;
    return statesEntered;
  };
  return { sageMaker, execution, states };
}

async function failureOf(result: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await result;
  } catch (error) {
    expect(error).toBeInstanceOf(ExecutionError);
    return (error as ExecutionError).cause as { name: string; message: string };
  }
  throw new Error('expected the execution to fail');
}

describe('SageMakerStandIn in a local execution', () => {
  test('answers all three states so the execution succeeds with their outputs', async () => {
    const { sageMaker, execution } = run({});
    const output = (await execution.result) as Record<string, any>;
    expect(output.trainingJob).toEqual({
      TrainingJobName: 'caltech-baseline-a1b2c3-train',
      ModelArtifacts: 's3://ic-artifact-bucket/runs/caltech-baseline-a1b2c3/model/caltech-baseline-a1b2c3-train/output/model.tar.gz',
      FinalMetricDataList: expect.arrayContaining([expect.objectContaining({ MetricName: 'validation:accuracy' })]),
    });
    expect(output.createdModel).toEqual({ ModelArn: 'arn:aws:sagemaker:us-east-1:123456789012:model/caltech-baseline-a1b2c3-model' });
    expect(output.transformJob).toEqual({ TransformJobStatus: 'Completed', S3OutputPath: 's3://ic-artifact-bucket/runs/caltech-baseline-a1b2c3/predictions/' });
    expect(sageMaker.calls.map((call) => call.api)).toEqual(['CreateTrainingJob', 'CreateModel', 'CreateTransformJob']);
    // The model was created from the training job's artifacts.
    expect(sageMaker.callsTo('CreateModel')[0]?.request).toMatchObject({ PrimaryContainer: { ModelDataUrl: output.trainingJob.ModelArtifacts } });
  });

  test('is retried by a Retry on SageMaker.ResourceLimitExceededException and on SageMaker.AmazonSageMakerException (throttling)', async () => {
    const { sageMaker, execution } = run({
      outcomes: { throttledCalls: { CreateTrainingJob: 1 }, resourceLimitExceededCalls: { CreateTrainingJob: 1 } },
    });
    await expect(execution.result).resolves.toBeDefined();
    expect(sageMaker.callsTo('CreateTrainingJob').map((call) => call.error?.name ?? 'created')).toEqual([
      'SageMaker.AmazonSageMakerException',
      'SageMaker.ResourceLimitExceededException',
      'created',
    ]);
  });

  test('fails a failed training job through the Catch with States.TaskFailed and the job description as Cause', async () => {
    const failureReason = 'ClientError: Unable to initialize the algorithm. Failed to validate input data configuration.';
    const { sageMaker, execution, states } = run({ outcomes: { training: { status: 'Failed', failureReason } } });
    const failure = await failureOf(execution.result);
    expect(failure.name).toBe('States.TaskFailed');
    expect(JSON.parse(failure.message)).toMatchObject({ TrainingJobStatus: 'Failed', FailureReason: failureReason });
    // Not retried (no Retry matches States.TaskFailed), and caught.
    expect(sageMaker.calls).toHaveLength(1);
    expect(await states()).toEqual(['Train model', 'Run failed']);
  });

  test('fails with States.Runtime past every Catch when Step Functions cannot use the Parameters', async () => {
    const training = trainingRequest();
    training.HyperParameters = { ...training.HyperParameters, epochs: 2 };
    const { sageMaker, execution, states } = run({}, training);
    const failure = await failureOf(execution.result);
    expect(failure.name).toBe('States.Runtime');
    // Neither the Retry on SageMaker.AmazonSageMakerException nor the Catch on States.ALL took it.
    expect(await states()).toEqual(['Train model']);
    expect(sageMaker.calls).toHaveLength(1);
    expect(failure.message).toContain("An error occurred while executing the state 'Train model'.");
    expect(failure.message).toContain("[The value for the field 'HyperParameters.epochs' must be a STRING]");
  });
});
