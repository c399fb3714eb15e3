/**
 * Reference-like requests, as the pipeline's three SageMaker states send them after Step Functions has
 * resolved their Parameters (the Caltech-256 reference run). Each call returns a fresh copy to mutate.
 */

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/PipelineSageMakerExecutionRole';
export const KMS_KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
export const IMAGE_URI = '811284229777.dkr.ecr.us-east-1.amazonaws.com/image-classification:1';

/**
 * The Caltech-256 reference run's hyperparameters as SageMaker receives them: written out here, not taken
 * from core/, so that the tests that expect them check the product's table instead of repeating it.
 */
export const REFERENCE_HYPERPARAMETERS_SENT: Readonly<Record<string, string>> = {
  num_layers: '18',
  image_shape: '3,224,224',
  num_training_samples: '15420',
  num_classes: '257',
  mini_batch_size: '64',
  epochs: '2',
  learning_rate: '0.01',
};

export function trainingRequest(name = 'caltech-baseline-a1b2c3-train'): Record<string, any> {
  const channel = (channelName: string, prefix: string) => ({
    ChannelName: channelName,
    DataSource: {
      S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://ic-data-bucket/${prefix}/`, S3DataDistributionType: 'FullyReplicated' },
    },
    ContentType: 'application/x-recordio',
    CompressionType: 'None',
  });
  return {
    TrainingJobName: name,
    RoleArn: ROLE_ARN,
    AlgorithmSpecification: { TrainingImage: IMAGE_URI, TrainingInputMode: 'File' },
    HyperParameters: { ...REFERENCE_HYPERPARAMETERS_SENT },
    InputDataConfig: [channel('train', 'train'), channel('validation', 'validation')],
    OutputDataConfig: { S3OutputPath: 's3://ic-artifact-bucket/runs/caltech-baseline-a1b2c3/model', KmsKeyId: KMS_KEY_ARN },
    ResourceConfig: { InstanceType: 'ml.p3.2xlarge', InstanceCount: 1, VolumeSizeInGB: 50 },
    StoppingCondition: { MaxRuntimeInSeconds: 360000 },
    EnableNetworkIsolation: true,
    Tags: [{ Key: 'ic-pipeline:run-id', Value: 'caltech-baseline-a1b2c3' }],
  };
}

export function modelRequest(name = 'caltech-baseline-a1b2c3-model'): Record<string, any> {
  return {
    ModelName: name,
    ExecutionRoleArn: ROLE_ARN,
    PrimaryContainer: {
      Image: IMAGE_URI,
      ModelDataUrl: 's3://ic-artifact-bucket/runs/caltech-baseline-a1b2c3/model/caltech-baseline-a1b2c3-train/output/model.tar.gz',
      Mode: 'SingleModel',
    },
    EnableNetworkIsolation: true,
    Tags: [{ Key: 'ic-pipeline:run-id', Value: 'caltech-baseline-a1b2c3' }],
  };
}

export function transformRequest(name = 'caltech-baseline-a1b2c3-transform'): Record<string, any> {
  return {
    TransformJobName: name,
    ModelName: 'caltech-baseline-a1b2c3-model',
    TransformInput: {
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://ic-data-bucket/batch-input/' } },
      ContentType: 'application/x-image',
      SplitType: 'None',
      CompressionType: 'None',
    },
    TransformOutput: {
      S3OutputPath: 's3://ic-artifact-bucket/runs/caltech-baseline-a1b2c3/predictions/',
      KmsKeyId: KMS_KEY_ARN,
      AssembleWith: 'None',
    },
    TransformResources: { InstanceType: 'ml.c5.xlarge', InstanceCount: 1 },
    BatchStrategy: 'SingleRecord',
    MaxConcurrentTransforms: 16,
    MaxPayloadInMB: 6,
    Tags: [{ Key: 'ic-pipeline:run-id', Value: 'caltech-baseline-a1b2c3' }],
  };
}

/**
 * A tuning request as `Tune model` sends it: the default tuning of the reference run, whose training job
 * would be `training` (what `Train model` would send without tuning).
 */
export function tuningRequest(name = 'caltech-baseline-a1-0123abcd', training: Record<string, any> = trainingRequest()): Record<string, any> {
  // The tuned hyperparameters are not static ones.
  const staticHyperparameters = { ...training.HyperParameters };
  delete staticHyperparameters.learning_rate;
  delete staticHyperparameters.mini_batch_size;
  return {
    HyperParameterTuningJobName: name,
    HyperParameterTuningJobConfig: {
      Strategy: 'Bayesian',
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:accuracy' },
      ResourceLimits: { MaxNumberOfTrainingJobs: 6, MaxParallelTrainingJobs: 2 },
      ParameterRanges: {
        IntegerParameterRanges: [{ Name: 'mini_batch_size', MinValue: '32', MaxValue: '128', ScalingType: 'Linear' }],
        ContinuousParameterRanges: [{ Name: 'learning_rate', MinValue: '0.0001', MaxValue: '0.1', ScalingType: 'Logarithmic' }],
        CategoricalParameterRanges: [{ Name: 'optimizer', Values: ['sgd', 'adam'] }],
      },
      TrainingJobEarlyStoppingType: 'Off',
    },
    TrainingJobDefinition: {
      StaticHyperParameters: staticHyperparameters,
      AlgorithmSpecification: training.AlgorithmSpecification,
      RoleArn: training.RoleArn,
      InputDataConfig: training.InputDataConfig,
      OutputDataConfig: training.OutputDataConfig,
      ResourceConfig: training.ResourceConfig,
      StoppingCondition: training.StoppingCondition,
      EnableNetworkIsolation: true,
      EnableManagedSpotTraining: false,
    },
    Tags: training.Tags,
  };
}
