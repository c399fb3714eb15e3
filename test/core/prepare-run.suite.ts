import { createHash } from 'node:crypto';
import { RunRequestError } from '../../core/problems';
import { type Channel, type PreparedRun, prepareRun } from '../../core/prepare-run';
import type { TrainingContentType } from '../../core/vocabularies';
import { tuningJobName } from '../../core/names';
import { CONFIG, EXECUTION, KMS_KEY_ARN, onlyProblemOf, prepare, problemsOf, rejectionOf } from './helpers';
import { REFERENCE_HYPERPARAMETERS_SENT } from '../support/sagemaker-fixtures';

const RUN_ID = `exec-1-${createHash('sha256').update('exec-1').digest('hex').slice(0, 8)}`;

const channel = (name: string, uri: string, contentType: TrainingContentType = 'application/x-recordio'): Channel => ({
  ChannelName: name,
  DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: uri, S3DataDistributionType: 'FullyReplicated' } },
  ContentType: contentType,
  CompressionType: 'None',
});

/** The Caltech-256 reference run of execution "exec-1", written out in full. */
const REFERENCE_RUN: PreparedRun = {
  runId: RUN_ID,
  runName: null,
  mode: 'full',
  source: null,
  baseTrainingJob: null,
  minValidationAccuracy: null,
  minValidationAccuracyText: null,
  registry: { modelPackageGroup: 'imageclassificationpipeline-models', approval: 'PendingManualApproval', classNamesLocation: 's3://data-bkt/train/' },
  endpoint: null,
  modelPackage: null,
  names: { trainingJob: RUN_ID, model: RUN_ID, transformJob: RUN_ID, tuningJob: tuningJobName(RUN_ID) },
  training: {
    trainingData: 's3://data-bkt/train/',
    validationData: 's3://data-bkt/validation/',
    inputDataConfig: [
      channel('train', 's3://data-bkt/train/'),
      channel('validation', 's3://data-bkt/validation/'),
    ],
    outputPath: `s3://artifact-bkt/runs/${RUN_ID}/model/`,
    inputMode: 'File',
    hyperparameters: REFERENCE_HYPERPARAMETERS_SENT,
    resourceConfig: { InstanceType: 'ml.g4dn.xlarge', InstanceCount: 1, VolumeSizeInGB: 50 },
    stoppingCondition: { MaxRuntimeInSeconds: 360000 },
    spot: false,
    checkpointUri: null,
    tuning: null,
    incremental: null,
  },
  transform: {
    modelName: RUN_ID,
    batchInput: 's3://data-bkt/batch-input/',
    outputPath: `s3://artifact-bkt/runs/${RUN_ID}/predictions/`,
    contentType: 'application/x-image',
    batchStrategy: 'SingleRecord',
    maxConcurrentTransforms: 16,
    maxPayloadInMB: 6,
    transformResources: { InstanceType: 'ml.c5.xlarge', InstanceCount: 1 },
  },
  output: {
    modelPrefix: `s3://artifact-bkt/runs/${RUN_ID}/model/`,
    predictionsPrefix: `s3://artifact-bkt/runs/${RUN_ID}/predictions/`,
    checkpointPrefix: null,
  },
};

describe('reference run', () => {
  test('{} prepares exactly the Caltech-256 reference run', () => {
    expect(prepare({})).toStrictEqual(REFERENCE_RUN);
  });

  test('the console pre-filled input {"Comment": …} prepares the same reference run', () => {
    expect(prepare({ Comment: 'Insert your JSON here' })).toStrictEqual(REFERENCE_RUN);
  });

  test('spelling out the reference values changes nothing', () => {
    const explicit = {
      mode: 'full',
      trainingData: 's3://data-bkt/train/',
      validationData: 's3://data-bkt/validation/',
      batchInput: 's3://data-bkt/batch-input/',
      hyperparameters: { num_layers: 18, image_shape: '3,224,224', num_training_samples: 15420, num_classes: 257, mini_batch_size: 64, epochs: 2, learning_rate: 0.01 },
      training: { instanceType: 'ml.g4dn.xlarge', instanceCount: 1, volumeSizeInGB: 50, maxRuntimeInSeconds: 360000, inputMode: 'File', contentType: 'application/x-recordio', spot: false },
      transform: { instanceType: 'ml.c5.xlarge', instanceCount: 1, maxConcurrentTransforms: 16, maxPayloadInMB: 6, batchStrategy: 'SingleRecord', contentType: 'application/x-image' },
    };
    expect(prepare(explicit)).toStrictEqual(REFERENCE_RUN);
  });

  test('the result is plain JSON (it travels through Step Functions unchanged)', () => {
    const run = prepare({ training: { contentType: 'application/x-image' }, hyperparameters: { resize: 256 } });
    expect(JSON.parse(JSON.stringify(run))).toStrictEqual(run);
  });
});

describe('overrides', () => {
  test('training settings reach the API-shaped resource config, stopping condition and input mode', () => {
    const run = prepare({
      training: { instanceType: 'ml.p3.8xlarge', instanceCount: 2, volumeSizeInGB: 100, maxRuntimeInSeconds: 86400, inputMode: 'Pipe' },
    });
    expect(run.training).toMatchObject({
      inputMode: 'Pipe',
      resourceConfig: { InstanceType: 'ml.p3.8xlarge', InstanceCount: 2, VolumeSizeInGB: 100 },
      stoppingCondition: { MaxRuntimeInSeconds: 86400 },
    });
  });

  test('transform settings reach the transform section', () => {
    const run = prepare({
      transform: { instanceType: 'ml.m5.large', instanceCount: 3, maxConcurrentTransforms: 4, maxPayloadInMB: 25, batchStrategy: 'MultiRecord', contentType: 'image/jpeg' },
    });
    expect(run.transform).toEqual({
      ...REFERENCE_RUN.transform,
      contentType: 'image/jpeg',
      batchStrategy: 'MultiRecord',
      maxConcurrentTransforms: 4,
      maxPayloadInMB: 25,
      transformResources: { InstanceType: 'ml.m5.large', InstanceCount: 3 },
    });
  });

  test('input URIs in the data or artifact bucket replace the defaults', () => {
    const run = prepare({
      trainingData: 's3://data-bkt/caltech/train.rec',
      validationData: 's3://artifact-bkt/shared/val/',
      batchInput: 's3://data-bkt/bathtubs/',
    });
    expect(run.training?.inputDataConfig).toEqual([
      channel('train', 's3://data-bkt/caltech/train.rec'),
      channel('validation', 's3://artifact-bkt/shared/val/'),
    ]);
    expect(run.training?.trainingData).toBe('s3://data-bkt/caltech/train.rec');
    expect(run.transform?.batchInput).toBe('s3://data-bkt/bathtubs/');
  });

  test('runName becomes part of the run id, names and output prefixes', () => {
    const run = prepare({ runName: 'caltech-baseline' });
    const hash = createHash('sha256').update('exec-1\ncaltech-baseline').digest('hex').slice(0, 8);
    const runId = `caltech-baseline-exec-1-${hash}`;
    expect(run.runName).toBe('caltech-baseline');
    expect(run.runId).toBe(runId);
    expect(run.names).toEqual({ trainingJob: runId, model: runId, transformJob: runId, tuningJob: tuningJobName(runId) });
    expect(run.output).toEqual({
      modelPrefix: `s3://artifact-bkt/runs/${runId}/model/`,
      predictionsPrefix: `s3://artifact-bkt/runs/${runId}/predictions/`,
      checkpointPrefix: null,
    });
  });

  test('two executions never share an output prefix', () => {
    const first = prepareRun({}, 'Run_1', CONFIG);
    const second = prepareRun({}, 'run-1', CONFIG);
    expect(first.output.modelPrefix).not.toBe(second.output.modelPrefix);
    expect(first.names.trainingJob).not.toBe(second.names.trainingJob);
  });
});

describe('image files with .lst lists', () => {
  test('use four channels, all application/x-image, with default .lst prefixes', () => {
    const run = prepare({ training: { contentType: 'application/x-image' }, hyperparameters: { resize: 256 } });
    expect(run.training?.inputDataConfig).toEqual([
      channel('train', 's3://data-bkt/train/', 'application/x-image'),
      channel('validation', 's3://data-bkt/validation/', 'application/x-image'),
      channel('train_lst', 's3://data-bkt/train_lst/', 'application/x-image'),
      channel('validation_lst', 's3://data-bkt/validation_lst/', 'application/x-image'),
    ]);
    expect(run.training?.hyperparameters.resize).toBe('256');
  });

  test('take trainingLst and validationLst overrides', () => {
    const run = prepare({
      training: { contentType: 'application/x-image' },
      hyperparameters: { resize: 256 },
      trainingLst: 's3://data-bkt/lists/train.lst',
      validationLst: 's3://data-bkt/lists/val.lst',
    });
    expect(run.training?.inputDataConfig.slice(2)).toEqual([
      channel('train_lst', 's3://data-bkt/lists/train.lst', 'application/x-image'),
      channel('validation_lst', 's3://data-bkt/lists/val.lst', 'application/x-image'),
    ]);
  });

  test('.lst URIs with RecordIO data are rejected: they would be ignored', () => {
    expect(problemsOf({ trainingLst: 's3://data-bkt/a.lst', validationLst: 's3://data-bkt/b.lst' })).toEqual([
      'trainingLst: "s3://data-bkt/a.lst" is only used when training.contentType is "application/x-image" (image files listed by .lst files); training.contentType is "application/x-recordio" (the default)',
      'validationLst: "s3://data-bkt/b.lst" is only used when training.contentType is "application/x-image" (image files listed by .lst files); training.contentType is "application/x-recordio" (the default)',
    ]);
  });

  test('an unused .lst URI is reported once, as unused, not also for its bucket', () => {
    expect(problemsOf({ trainingLst: 's3://elsewhere/a.lst' })).toEqual([
      expect.stringMatching(/^trainingLst: "s3:\/\/elsewhere\/a\.lst" is only used when training\.contentType is "application\/x-image"/),
    ]);
  });

  test('.lst URIs outside the allowed buckets are rejected for image files', () => {
    expect(
      onlyProblemOf({ training: { contentType: 'application/x-image' }, hyperparameters: { resize: 256 }, validationLst: 's3://elsewhere/v.lst' }),
    ).toBe(
      'validationLst: "s3://elsewhere/v.lst" is in bucket "elsewhere"; the pipeline may read only the data bucket (s3://data-bkt/) and the artifact bucket (s3://artifact-bkt/)',
    );
  });

  test('Pipe input mode is rejected for image files', () => {
    expect(onlyProblemOf({ training: { contentType: 'application/x-image', inputMode: 'Pipe' }, hyperparameters: { resize: 256 } })).toBe(
      'training.inputMode: "Pipe" requires training.contentType "application/x-recordio"; training.contentType is "application/x-image", which the algorithm reads in "File" mode only',
    );
  });
});

describe('modes', () => {
  test('train stops after the model: no transform, no predictions prefix', () => {
    const run = prepare({ mode: 'train' });
    expect(run).toStrictEqual({
      ...REFERENCE_RUN,
      mode: 'train',
      transform: null,
      output: { modelPrefix: REFERENCE_RUN.output.modelPrefix, predictionsPrefix: null, checkpointPrefix: null },
    });
  });

  test('transform classifies with the named existing model: no training, no model prefix', () => {
    const run = prepare({ mode: 'transform', modelName: 'caltech-model-1', batchInput: 's3://data-bkt/more-images/' });
    expect(run).toStrictEqual({
      ...REFERENCE_RUN,
      mode: 'transform',
      registry: null,
      training: null,
      transform: { ...REFERENCE_RUN.transform, modelName: 'caltech-model-1', batchInput: 's3://data-bkt/more-images/' },
      output: { modelPrefix: null, predictionsPrefix: REFERENCE_RUN.output.predictionsPrefix, checkpointPrefix: null },
    });
  });

  test('transform without modelName is rejected', () => {
    expect(onlyProblemOf({ mode: 'transform' })).toMatch(
      /^modelName: missing; mode "transform" classifies with an existing SageMaker model: set modelName to its name/,
    );
  });

  test('modelName in mode full is rejected: the run trains its own model', () => {
    expect(onlyProblemOf({ modelName: 'my-model' })).toBe(
      'modelName: "my-model" is not used in mode "full", which trains a model, creates it and runs a batch transform; modelName (an existing SageMaker model) is only used in modes "transform" and "deploy": remove it or change mode',
    );
  });

  test('training fields in mode transform are rejected, one problem each', () => {
    expect(
      problemsOf({
        mode: 'transform',
        modelName: 'm',
        hyperparameters: { epochs: 3 },
        training: { instanceCount: 2 },
        trainingData: 's3://data-bkt/train/',
        validationData: 's3://data-bkt/validation/',
      }),
    ).toEqual([
      expect.stringMatching(/^trainingData: "s3:\/\/data-bkt\/train\/" is not used in mode "transform", which classifies with an existing model; trainingData \(training input\) is only used in modes "full" and "train"/),
      expect.stringMatching(/^validationData: .* is not used in mode "transform"/),
      expect.stringMatching(/^hyperparameters: \{"epochs":3\} is not used in mode "transform"/),
      expect.stringMatching(/^training: \{"instanceCount":2\} is not used in mode "transform"/),
    ]);
  });

  test('transform fields in mode train are rejected', () => {
    expect(problemsOf({ mode: 'train', transform: { instanceCount: 2 }, batchInput: 's3://data-bkt/x/' })).toEqual([
      expect.stringMatching(/^batchInput: "s3:\/\/data-bkt\/x\/" is not used in mode "train", which stops after creating the model; batchInput \(batch transform input\) is only used in modes "full" and "transform"/),
      expect.stringMatching(/^transform: \{"instanceCount":2\} is not used in mode "train"/),
    ]);
  });

  test('an unknown mode is rejected with the allowed modes', () => {
    expect(onlyProblemOf({ mode: 'Full' })).toBe('mode: "Full" must be one of "full", "train", "transform", "deploy"');
  });
});

describe('instance types', () => {
  test('a CPU training instance type is rejected, listing the GPU types of the P2, P3, G4dn and G5 families', () => {
    const problem = onlyProblemOf({ training: { instanceType: 'ml.m5.large' } });
    expect(problem).toMatch(
      /^training\.instanceType: "ml\.m5\.large" is not allowed for training; the image-classification algorithm trains on GPU instances only: use a GPU instance type of the P2, P3, G4dn or G5 families \(ml\.p2\.xlarge, /,
    );
    expect(problem).toContain('ml.p3.2xlarge');
    expect(problem).toContain('ml.g5.48xlarge');
  });

  test('a GPU type outside the algorithm families is rejected', () => {
    expect(onlyProblemOf({ training: { instanceType: 'ml.p4d.24xlarge' } })).toContain(
      'training.instanceType: "ml.p4d.24xlarge" is not allowed for training',
    );
  });

  test('a training instance type that does not exist is rejected with a suggestion', () => {
    expect(onlyProblemOf({ training: { instanceType: 'ml.p3.xlarge' } })).toContain(
      'training.instanceType: "ml.p3.xlarge" is not a SageMaker training instance type (did you mean',
    );
  });

  test('a transform instance type that does not exist is rejected with the allowed types', () => {
    const problem = onlyProblemOf({ transform: { instanceType: 'ml.c5.large' } });
    expect(problem).toMatch(/^transform\.instanceType: "ml\.c5\.large" is not a SageMaker batch transform instance type \(did you mean "ml\.c5\.xlarge"/);
    expect(problem).toContain('use one of ml.m4.{xlarge,2xlarge,4xlarge,10xlarge,16xlarge}');
    expect(problem).toContain('ml.c5.{xlarge,2xlarge,4xlarge,9xlarge,18xlarge}');
  });

  test('GPU and inferentia types are accepted for batch transform', () => {
    expect(prepare({ transform: { instanceType: 'ml.g4dn.xlarge' } }).transform?.transformResources.InstanceType).toBe('ml.g4dn.xlarge');
    expect(prepare({ transform: { instanceType: 'ml.inf2.xlarge' } }).transform?.transformResources.InstanceType).toBe('ml.inf2.xlarge');
  });
});

describe('volume KMS key', () => {
  const withKey = { ...CONFIG, kmsKeyArn: KMS_KEY_ARN };

  test('is set on both jobs when the instance types have no instance storage', () => {
    const run = prepare({ training: { instanceType: 'ml.p3.2xlarge' } }, withKey);
    expect(run.training?.resourceConfig).toEqual({ InstanceType: 'ml.p3.2xlarge', InstanceCount: 1, VolumeSizeInGB: 50, VolumeKmsKeyId: KMS_KEY_ARN });
    expect(run.transform?.transformResources).toEqual({ InstanceType: 'ml.c5.xlarge', InstanceCount: 1, VolumeKmsKeyId: KMS_KEY_ARN });
  });

  test.each(['ml.g4dn.xlarge', 'ml.g5.2xlarge'])('is left out for training on %s (local NVMe storage)', (instanceType) => {
    expect(prepare({ training: { instanceType } }, withKey).training?.resourceConfig).toEqual({
      InstanceType: instanceType,
      InstanceCount: 1,
      VolumeSizeInGB: 50,
    });
  });

  test.each(['ml.p2.xlarge', 'ml.p3.16xlarge'])('is set for training on %s', (instanceType) => {
    expect(prepare({ training: { instanceType } }, withKey).training?.resourceConfig.VolumeKmsKeyId).toBe(KMS_KEY_ARN);
  });

  test.each(['ml.g4dn.xlarge', 'ml.g5.xlarge', 'ml.g6.xlarge', 'ml.trn1.2xlarge'])(
    'is left out for batch transform on %s (local NVMe storage)',
    (instanceType) => {
      expect(prepare({ transform: { instanceType } }, withKey).transform?.transformResources).toEqual({
        InstanceType: instanceType,
        InstanceCount: 1,
      });
    },
  );

  test('is never set without a key', () => {
    const run = prepare({});
    expect(run.training?.resourceConfig).not.toHaveProperty('VolumeKmsKeyId');
    expect(run.transform?.transformResources).not.toHaveProperty('VolumeKmsKeyId');
  });
});

describe('S3 URIs', () => {
  test('a URI in another bucket is rejected, naming both allowed buckets', () => {
    expect(onlyProblemOf({ trainingData: 's3://someone-elses-bucket/train/' })).toBe(
      'trainingData: "s3://someone-elses-bucket/train/" is in bucket "someone-elses-bucket"; the pipeline may read only the data bucket (s3://data-bkt/) and the artifact bucket (s3://artifact-bkt/)',
    );
  });

  test.each(['https://data-bkt.s3.amazonaws.com/train/', 'data-bkt/train/', 's3:///train/', ''])(
    'a URI that is not s3://bucket/prefix is rejected: %j',
    (uri) => {
      expect(onlyProblemOf({ validationData: uri })).toBe(
        `validationData: ${JSON.stringify(uri)} must be an S3 URI of the form s3://<bucket>/<prefix>; the pipeline may read only the data bucket (s3://data-bkt/) and the artifact bucket (s3://artifact-bkt/)`,
      );
    },
  );

  test('a URI longer than 1024 characters is rejected', () => {
    const uri = `s3://data-bkt/${'k'.repeat(1011)}`;
    expect(uri).toHaveLength(1025);
    expect(onlyProblemOf({ batchInput: uri })).toMatch(/^batchInput: "s3:\/\/data-bkt\/k+… is 1025 characters long; an S3 URI may have at most 1024$/);
  });

  test('a URI of exactly 1024 characters and a bare bucket are accepted', () => {
    const uri = `s3://data-bkt/${'k'.repeat(1010)}`;
    expect(prepare({ batchInput: uri }).transform?.batchInput).toBe(uri);
    expect(prepare({ batchInput: 's3://data-bkt' }).transform?.batchInput).toBe('s3://data-bkt');
  });

  test('a URI that is not a string is rejected', () => {
    expect(onlyProblemOf({ batchInput: { bucket: 'data-bkt' } })).toBe(
      'batchInput: {"bucket":"data-bkt"} must be an S3 URI string like "s3://<bucket>/<prefix>/"',
    );
  });
});

describe('transform payload', () => {
  test('maxConcurrentTransforms x maxPayloadInMB above 100 MB is rejected, naming the default it multiplies', () => {
    expect(onlyProblemOf({ transform: { maxConcurrentTransforms: 17 } })).toBe(
      'transform.maxConcurrentTransforms: 17 is too large: maxConcurrentTransforms 17 x maxPayloadInMB 6 (the default) = 102 MB; SageMaker allows at most 100 MB',
    );
    expect(onlyProblemOf({ transform: { maxPayloadInMB: 7 } })).toBe(
      'transform.maxPayloadInMB: 7 is too large: maxConcurrentTransforms 16 (the default) x maxPayloadInMB 7 = 112 MB; SageMaker allows at most 100 MB',
    );
  });

  test('101 MB is rejected', () => {
    expect(onlyProblemOf({ transform: { maxConcurrentTransforms: 101, maxPayloadInMB: 1 } })).toBe(
      'transform.maxConcurrentTransforms: 101 is too large: maxConcurrentTransforms 101 x maxPayloadInMB 1 = 101 MB; SageMaker allows at most 100 MB',
    );
  });

  test('exactly 100 MB is accepted', () => {
    expect(prepare({ transform: { maxConcurrentTransforms: 4, maxPayloadInMB: 25 } }).transform?.maxPayloadInMB).toBe(25);
  });

  test('maxPayloadInMB above 100 is rejected on its own', () => {
    expect(onlyProblemOf({ transform: { maxPayloadInMB: 101, maxConcurrentTransforms: 1 } })).toBe(
      'transform.maxPayloadInMB: 101 must be an integer from 0 to 100',
    );
  });
});

describe('training input mode', () => {
  test('FastFile is rejected: the algorithm reads File or Pipe input', () => {
    expect(onlyProblemOf({ training: { inputMode: 'FastFile' } })).toBe(
      'training.inputMode: "FastFile" is not supported by the image-classification algorithm; use "File" or "Pipe"',
    );
  });

  test('an input mode outside the API enum is rejected', () => {
    expect(onlyProblemOf({ training: { inputMode: 'file' } })).toBe(
      'training.inputMode: "file" must be one of "File", "Pipe", "FastFile"',
    );
  });
});

describe('multiple problems', () => {
  test('are reported together in one single-line message, each starting with its field', () => {
    const error = rejectionOf({ training: { instanceType: 'ml.m5.large' }, hyperparameters: { epochs: 0 } });
    expect(error.name).toBe('RunRequestError');
    expect(error.problems).toEqual([
      { field: 'training.instanceType', message: expect.stringMatching(/^"ml\.m5\.large" is not allowed for training/) },
      { field: 'hyperparameters.epochs', message: '0 must be an integer >= 1' },
    ]);
    expect(error.message).toMatch(
      /^Invalid run request \(2 problems\): training\.instanceType: "ml\.m5\.large" is not allowed for training; .* \| hyperparameters\.epochs: 0 must be an integer >= 1$/,
    );
    expect(error.message).not.toContain('\n');
  });

  test('structural, domain and cross-field problems of different sections are all reported', () => {
    const problems = problemsOf({
      runName: 'Bad_Name',
      training: { instanceCount: 1.5, instanceType: 'ml.c5.xlarge', colour: 'blue' },
      transform: { maxConcurrentTransforms: 50 },
      hyperparameters: { epochs: 3, checkpoint_frequency: 4, learnig_rate: 0.1 },
      batchInput: 's3://elsewhere/in/',
      extra: true,
    });
    expect(problems.map((problem) => problem.slice(0, problem.indexOf(':')))).toEqual([
      'runName',
      'training.instanceCount',
      'training.colour',
      'extra',
      'training.instanceType',
      'hyperparameters.learnig_rate',
      'hyperparameters.checkpoint_frequency',
      'transform.maxConcurrentTransforms',
      'batchInput',
    ]);
  });

  test('a bad training.instanceCount does not also fail the kv_store rule', () => {
    expect(onlyProblemOf({ training: { instanceCount: '2' }, hyperparameters: { kv_store: 'dist_sync' } })).toBe(
      'training.instanceCount: "2" must be an integer >= 1 (a JSON number, not a string)',
    );
  });

  test('an invalid mode does not produce follow-on mode errors', () => {
    expect(problemsOf({ mode: 'transfrom', modelName: 'my-model' })).toEqual([
      'mode: "transfrom" must be one of "full", "train", "transform", "deploy"',
    ]);
  });
});

describe('request file problems from the S3 trigger', () => {
  test('fail the run with the file, its version and the problem', () => {
    const error = rejectionOf({
      source: { bucket: 'data-bkt', key: 'requests/run.json', versionId: '3HL4kqtJlcpXroDTDmJ', sequencer: '0A1B', problem: 'not valid JSON: Unexpected token } at position 17' },
    });
    expect(error).toBeInstanceOf(RunRequestError);
    expect(error.message).toBe(
      'Run request file s3://data-bkt/requests/run.json (version 3HL4kqtJlcpXroDTDmJ): not valid JSON: Unexpected token } at position 17',
    );
    expect(error.problems).toEqual([{ field: 'source', message: error.message }]);
  });

  test('without a version id leave the version out', () => {
    expect(rejectionOf({ source: { bucket: 'data-bkt', key: 'requests/big.json', problem: 'larger than 256 KB' } }).message).toBe(
      'Run request file s3://data-bkt/requests/big.json: larger than 256 KB',
    );
  });

  test('a source without a problem is passed through to the prepared run', () => {
    const source = { bucket: 'data-bkt', key: 'requests/run.json', versionId: 'v1', sequencer: '0055AED6DCD90281E5' };
    expect(prepare({ source, runName: 'from-s3' }).source).toEqual(source);
  });

  test('a malformed source is rejected like any other field', () => {
    expect(problemsOf({ source: { key: 'requests/run.json', etag: 'x' } })).toEqual([
      'source.bucket: missing (must be a non-empty string)',
      expect.stringMatching(/^source\.etag: "x" is not a field of source; allowed: bucket, key, versionId, sequencer, problem$/),
    ]);
  });
});

describe('event', () => {
  test('an empty execution name is a wiring error, not a run request error', () => {
    expect(() => prepareRun({}, '', CONFIG)).toThrow(
      expect.objectContaining({ name: 'InvalidEventError', message: expect.stringContaining('executionName must be the non-empty Step Functions execution name') }),
    );
  });

  test('the execution name given is the one the run id derives from', () => {
    expect(prepareRun({}, EXECUTION, CONFIG).runId).toBe(RUN_ID);
  });
});

describe('managed spot training', () => {
  test('spot sends the wait and a checkpoint prefix of its own run; the default wait is the runtime plus a day', () => {
    const run = prepare({ training: { spot: true } });
    expect(run.training).toMatchObject({
      spot: true,
      stoppingCondition: { MaxRuntimeInSeconds: 360000, MaxWaitTimeInSeconds: 446400 },
      checkpointUri: `s3://artifact-bkt/runs/${RUN_ID}/checkpoints/`,
    });
    expect(run.output.checkpointPrefix).toBe(`s3://artifact-bkt/runs/${RUN_ID}/checkpoints/`);
  });

  test('a requested wait longer than the runtime is kept', () => {
    const run = prepare({ training: { spot: true, maxRuntimeInSeconds: 3600, maxWaitTimeInSeconds: 7200 } });
    expect(run.training?.stoppingCondition).toEqual({ MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 });
  });

  test('the default wait never exceeds 28 days', () => {
    const run = prepare({ training: { spot: true, maxRuntimeInSeconds: 2_400_000 } });
    expect(run.training?.stoppingCondition.MaxWaitTimeInSeconds).toBe(2_419_200);
  });

  test('without spot, neither the wait nor a checkpoint prefix is prepared', () => {
    const run = prepare({ training: { spot: false } });
    expect(run.training?.stoppingCondition).toEqual({ MaxRuntimeInSeconds: 360000 });
    expect(run.training?.checkpointUri).toBeNull();
    expect(run.output.checkpointPrefix).toBeNull();
  });

  test('two executions never share a checkpoint prefix', () => {
    const first = prepareRun({ training: { spot: true } }, 'run-1', CONFIG);
    const second = prepareRun({ training: { spot: true } }, 'Run_1', CONFIG);
    expect(first.training?.checkpointUri).not.toBe(second.training?.checkpointUri);
  });

  test('maxWaitTimeInSeconds without spot is rejected', () => {
    expect(onlyProblemOf({ training: { maxWaitTimeInSeconds: 7200 } })).toBe(
      'training.maxWaitTimeInSeconds: 7200 is only used with managed spot training (SageMaker rejects MaxWaitTimeInSeconds without it): ' +
        'set training.spot to true, or remove training.maxWaitTimeInSeconds',
    );
    expect(onlyProblemOf({ training: { spot: false, maxWaitTimeInSeconds: 7200 } })).toContain('is only used with managed spot training');
  });

  test.each([3600, 1800])('a wait of %s s, not longer than the runtime (3600 s), is rejected', (wait) => {
    expect(onlyProblemOf({ training: { spot: true, maxRuntimeInSeconds: 3600, maxWaitTimeInSeconds: wait } })).toBe(
      `training.maxWaitTimeInSeconds: ${wait} must be greater than training.maxRuntimeInSeconds (3600): with spot it is ` +
        'the longest the job may take in all, waiting for spot capacity included',
    );
  });

  test('a runtime of 28 days leaves no time to wait for spot capacity', () => {
    expect(onlyProblemOf({ training: { spot: true, maxRuntimeInSeconds: 2_419_200 } })).toMatch(
      /^training\.maxRuntimeInSeconds: 2419200 leaves no time to wait for spot capacity/,
    );
  });

  test.each([
    [0, 'training.maxWaitTimeInSeconds: 0 must be an integer from 1 to 2419200 (28 days)'],
    [2_419_201, 'training.maxWaitTimeInSeconds: 2419201 must be an integer from 1 to 2419200 (28 days)'],
    [7200.5, 'training.maxWaitTimeInSeconds: 7200.5 must be an integer from 1 to 2419200 (28 days)'],
  ])('a wait of %s is out of range', (wait, message) => {
    expect(onlyProblemOf({ training: { spot: true, maxWaitTimeInSeconds: wait } })).toBe(message);
  });

  test('spot must be a JSON boolean', () => {
    expect(onlyProblemOf({ training: { spot: 'true' } })).toBe('training.spot: "true" must be true or false (a JSON boolean, not a string)');
  });
});

describe('registry, endpoint and mode deploy', () => {
  const PREFIX = 'imageclassificationpipeline';

  test('an endpoint section gets the defaults, a config named after the run, and the key unless the type has local storage', () => {
    const run = prepare({ endpoint: {}, registry: { approval: 'Approved' } });
    expect(run.registry).toEqual({ modelPackageGroup: `${PREFIX}-models`, approval: 'Approved', classNamesLocation: 's3://data-bkt/train/' });
    // A prefix with characters customer metadata does not take points to the description instead.
    expect(prepare({ trainingData: 's3://data-bkt/photos (2024)/' }).registry?.classNamesLocation).toBe('the training data in ModelPackageDescription');
    expect(run.endpoint).toEqual({
      name: `${PREFIX}-endpoint`,
      configName: `${PREFIX}-${run.runId}`,
      modelName: run.names.model,
      instanceType: 'ml.m5.xlarge',
      instanceCount: 1,
      encrypted: false,
    });
    const keyed = prepareRun({ endpoint: { instanceType: 'ml.c5d.xlarge' } }, EXECUTION, { ...CONFIG, kmsKeyArn: KMS_KEY_ARN });
    expect(keyed.endpoint?.encrypted).toBe(false);
    expect(prepareRun({ endpoint: {} }, EXECUTION, { ...CONFIG, kmsKeyArn: KMS_KEY_ARN }).endpoint?.encrypted).toBe(true);
  });

  test('the endpoint config name stays within 63 characters and ends with the run id\'s hash', () => {
    const run = prepare({ runName: 'a'.repeat(24), endpoint: {} });
    expect(run.endpoint?.configName.length).toBeLessThanOrEqual(63);
    expect(run.endpoint?.configName.endsWith(run.runId.slice(-8))).toBe(true);
  });

  test('bad endpoint and registry values are rejected naming the field, the value and what is allowed', () => {
    expect(onlyProblemOf({ endpoint: { instanceType: 'ml.p9.mega' } })).toBe(
      'endpoint.instanceType: "ml.p9.mega" is not a SageMaker real-time inference instance type; e.g. "ml.m5.large", "ml.c5.xlarge" or "ml.g4dn.xlarge" (GPU)',
    );
    expect(onlyProblemOf({ endpoint: { name: 'prod' } })).toMatch(/^endpoint\.name: "prod" is not one of this stack's endpoint names: they start with "imageclassificationpipeline-"/);
    expect(onlyProblemOf({ registry: { approval: 'Rejected' } })).toBe('registry.approval: "Rejected" must be one of "Approved", "PendingManualApproval"');
    expect(onlyProblemOf({ endpoint: { instanceCount: 0 } })).toMatch(/^endpoint\.instanceCount: 0 must be/);
  });

  test('mode deploy takes a version number or a version ARN of the stack\'s group, or a model name', () => {
    expect(prepare({ mode: 'deploy', modelPackage: '3' })).toMatchObject({ modelPackage: `${PREFIX}-models/3`, training: null, transform: null, registry: null });
    const arn = `arn:aws:sagemaker:us-east-1:123456789012:model-package/${PREFIX}-models/12`;
    expect(prepare({ mode: 'deploy', modelPackage: arn }).modelPackage).toBe(arn);
    const byName = prepare({ mode: 'deploy', modelName: 'caltech-model-1' });
    expect(byName.endpoint).toMatchObject({ modelName: 'caltech-model-1', name: `${PREFIX}-endpoint` });
    expect(byName.modelPackage).toBeNull();
  });

  test('mode deploy rejects wrong combinations before any SageMaker call', () => {
    expect(onlyProblemOf({ mode: 'deploy' })).toMatch(/^modelPackage: missing; mode "deploy" deploys a model package version/);
    expect(onlyProblemOf({ mode: 'deploy', modelPackage: '1', modelName: 'm' })).toMatch(/^modelName: "m" cannot be combined with modelPackage "1"/);
    expect(onlyProblemOf({ mode: 'deploy', modelPackage: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/other-models/1' })).toMatch(
      /^modelPackage: "arn:aws:sagemaker:us-east-1:123456789012:model-package\/other-models\/1" is not a version of this stack's model package group "imageclassificationpipeline-models"/,
    );
    expect(onlyProblemOf({ mode: 'deploy', modelPackage: '1', registry: {} })).toMatch(/^registry: \{\} is not used in mode "deploy"/);
    expect(onlyProblemOf({ mode: 'train', modelPackage: '1' })).toMatch(/^modelPackage: "1" is not used in mode "train".*only used in mode "deploy"/);
  });
});
