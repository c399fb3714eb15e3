/**
 * The names of the pipeline's states, as they show in the Step Functions console and in execution
 * histories. The state machine (lib/), the local run engine and the command line (cli/) all use these.
 */
export const STATE_NAMES = {
  prepareRun: 'Prepare run',
  requestAccepted: 'Request accepted?',
  resolveImage: 'Resolve image',
  chooseMode: 'Choose steps for mode',
  spotOrOnDemand: 'Spot training?',
  buildTrainingRequest: 'Build training request',
  buildSpotTrainingRequest: 'Build spot training request',
  train: 'Train model',
  trainingOutOfSpotTime: 'Spot wait exceeded?',
  spotWaitExceeded: 'Train model ran out of spot wait',
  readTrainingResult: 'Read training result',
  createModel: 'Create model',
  transformAfterTraining: 'Transform after training?',
  transform: 'Run batch transform',
  summarizeByMode: 'Summarize by mode',
  summarizeFull: 'Summarize full run',
  summarizeTraining: 'Summarize training run',
  summarizeTransform: 'Summarize transform run',
  notifySuccess: 'Notify success',
  succeeded: 'Run succeeded',
  requestRejected: 'Request rejected',
  notifyFailure: 'Notify failure',
  failed: 'Run failed',
} as const;

export type StateName = (typeof STATE_NAMES)[keyof typeof STATE_NAMES];

/** Tag put on every training job, model and transform job a run creates. */
export const RUN_ID_TAG = 'ic-pipeline:run-id';

/** Error of a run whose request was rejected in Prepare run: the user's mistake, not an operational fault. */
export const RUN_REQUEST_REJECTED_ERROR = 'RunRequestRejected';
