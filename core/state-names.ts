/**
 * The names of the pipeline's states, as they show in the Step Functions console and in execution
 * histories. The state machine (lib/), the local run engine and the command line (cli/) all use these.
 */
export const STATE_NAMES = {
  prepareRun: 'Prepare run',
  requestAccepted: 'Request accepted?',
  resolveImage: 'Resolve image',
  chooseMode: 'Choose steps for mode',
  incrementalOrNot: 'Incremental training?',
  describeBaseTrainingJob: 'Describe base training job',
  readBaseTrainingJob: 'Read base training job',
  baseTrainingJobCompatible: 'Base training job compatible?',
  addBaseModelChannel: 'Add base model channel',
  useBaseModel: 'Use base model',
  tuneOrTrain: 'Tune hyperparameters?',
  buildTuningRequest: 'Build tuning request',
  tune: 'Tune model',
  bestTrainingJobFound: 'Best training job found?',
  noBestTrainingJob: 'Tune model found no best training job',
  describeBestTrainingJob: 'Describe best training job',
  bestTrainingJobHasModel: 'Best training job has a model?',
  bestTrainingJobWithoutModel: 'Best training job has no model',
  readTuningResult: 'Read tuning result',
  spotOrOnDemand: 'Spot training?',
  buildTrainingRequest: 'Build training request',
  buildSpotTrainingRequest: 'Build spot training request',
  train: 'Train model',
  trainingOutOfSpotTime: 'Spot wait exceeded?',
  spotWaitExceeded: 'Train model ran out of spot wait',
  readTrainingResult: 'Read training result',
  accuracyGate: 'Accuracy gate?',
  noValidationAccuracy: 'No validation accuracy',
  startMetricSearch: 'Look for validation accuracy',
  metricsLeft: 'Metrics left?',
  readMetric: 'Read next metric',
  isValidationAccuracy: 'Is it validation accuracy?',
  skipMetric: 'Skip metric',
  checkAccuracy: 'Validation accuracy below gate?',
  accuracyBelowGate: 'Accuracy below gate',
  accuracyMissing: 'Validation accuracy missing',
  createModel: 'Create model',
  registerModel: 'Register model',
  deployAfterTraining: 'Deploy endpoint?',
  noEndpoint: 'No endpoint',
  deployFromPackage: 'Deploy a model package?',
  deployExistingModel: 'Deploy existing model',
  describeModelPackage: 'Describe model package',
  modelPackageApproved: 'Model package approved?',
  modelPackageNotApproved: 'Model package not approved',
  createModelFromPackage: 'Create model from package',
  endpointConfigEncrypted: 'Encrypt endpoint config?',
  buildEndpointConfig: 'Build endpoint config',
  buildUnencryptedEndpointConfig: 'Build endpoint config (local storage)',
  createEndpointConfig: 'Create endpoint config',
  findEndpoint: 'Find endpoint',
  endpointLookupFailed: 'Endpoint found?',
  endpointLookupError: 'Endpoint lookup failed',
  createEndpoint: 'Create endpoint',
  updateEndpoint: 'Update endpoint',
  startEndpointPoll: 'Start endpoint poll',
  waitForEndpoint: 'Wait for endpoint',
  describeEndpoint: 'Describe endpoint',
  endpointReady: 'Endpoint in service?',
  countEndpointPoll: 'Count endpoint poll',
  endpointFailed: 'Endpoint failed',
  endpointRolledBack: 'Endpoint update rolled back',
  endpointNotReady: 'Endpoint not ready in time',
  readEndpoint: 'Read endpoint',
  transformAfterTraining: 'Transform after training?',
  transform: 'Run batch transform',
  countTransformOutputs: 'Count transform outputs',
  transformOutputsTruncated: 'More than one page of outputs?',
  transformFailedPartWay: 'Run batch transform failed part-way',
  transformFailedAfterManyOutputs: 'Run batch transform failed after many outputs',
  transformOutputsNotCounted: 'Run batch transform failed (outputs not counted)',
  summarizeByMode: 'Summarize by mode',
  summarizeFull: 'Summarize full run',
  summarizeTraining: 'Summarize training run',
  summarizeTransform: 'Summarize transform run',
  summarizeDeploy: 'Summarize deploy run',
  notifySuccess: 'Notify success',
  succeeded: 'Run succeeded',
  requestRejected: 'Request rejected',
  notifyFailure: 'Notify failure',
  failed: 'Run failed',
} as const;

/** Tag put on every training job, model and transform job a run creates. */
export const RUN_ID_TAG = 'ic-pipeline:run-id';

/** Error of a run whose request was rejected in Prepare run: the user's mistake, not an operational fault. */
export const RUN_REQUEST_REJECTED_ERROR = 'RunRequestRejected';

/**
 * Error of a run whose model missed the accuracy gate (`minValidationAccuracy`), or whose training reported
 * no validation accuracy to check: an operational outcome (a model that did not learn enough), counted by the
 * failed-runs alarm.
 */
export const ACCURACY_BELOW_GATE_ERROR = 'AccuracyBelowGate';

/** The metric the accuracy gate reads (by this exact name) and that tuning maximizes. */
export const VALIDATION_ACCURACY_METRIC = 'validation:accuracy';
