/**
 * The run summary: the output of a succeeded execution and the body of the success notification. The
 * state machine (lib/) builds it with exactly these keys in every mode, `null` where a mode did not make
 * something; the command line (cli/) reads it back with this type.
 */
import type { RunMode } from './vocabularies';
import type { RunRequestSource } from './request-file';

/** One entry of SageMaker's FinalMetricDataList. */
export interface MetricValue {
  readonly MetricName: string;
  readonly Value: number;
  readonly Timestamp?: string;
}

/** What a tuning job found (DescribeHyperParameterTuningJob), in the summary of a run that tuned. */
export interface TuningSummary {
  readonly tuningJobName: string;
  /** The training job with the best objective: the one the model is created from. */
  readonly bestTrainingJobName: string;
  /** The values the tuning job chose for the best training job (strings, as SageMaker reports them). */
  readonly tunedHyperparameters: Readonly<Record<string, string>>;
  /** The best job's objective (validation:accuracy); null when SageMaker reported none. */
  readonly objectiveMetric: { readonly MetricName: string; readonly Value: number; readonly Type?: string } | null;
  /** Training jobs by status: Completed, InProgress, RetryableError, NonRetryableError, Stopped. */
  readonly trainingJobStatusCounters: Readonly<Record<string, number>>;
  /** Training jobs by objective status: Succeeded, Pending, Failed. */
  readonly objectiveStatusCounters: Readonly<Record<string, number>>;
}

export interface RunSummary {
  readonly runId: string;
  readonly runName: string | null;
  readonly mode: RunMode;
  readonly executionArn: string;
  /** The request file, when the run was started by an upload. */
  readonly source: RunRequestSource | null;
  /** With tuning, the best training job of the tuning job. */
  readonly trainingJobName: string | null;
  /** The tuning job and its best training job, when the run tuned (`tuning`). */
  readonly tuning: TuningSummary | null;
  /** The earlier training job this run continued from (`baseTrainingJob`). */
  readonly baseTrainingJob: string | null;
  /** The accuracy gate the model passed (`minValidationAccuracy`). */
  readonly minValidationAccuracy: number | null;
  /** `s3://…/model.tar.gz` */
  readonly modelArtifacts: string | null;
  /** The training job's final metrics (empty when SageMaker reported none). */
  readonly metrics: readonly MetricValue[] | null;
  readonly trainingTimeInSeconds: number | null;
  /** What SageMaker bills; with spot, less than the training time: the saving is 1 - billable / training. */
  readonly billableTimeInSeconds: number | null;
  /** Whether the training job used managed spot training (as SageMaker describes the job). */
  readonly spot: boolean | null;
  readonly trainingInstanceType: string | null;
  readonly trainingInstanceCount: number | null;
  readonly modelName: string | null;
  readonly modelArn: string | null;
  /** The model package version the run registered (modes full and train) or deployed (mode deploy). */
  readonly modelPackageArn: string | null;
  /** The endpoint the run deployed to; null when it deployed none. An endpoint bills every hour it exists. */
  readonly endpointName: string | null;
  /** The endpoint's status when the run ended (`InService`); null when the run deployed none. */
  readonly endpointStatus: string | null;
  readonly transformJobName: string | null;
  /** `s3://…/runs/<run id>/predictions/` */
  readonly predictions: string | null;
  readonly transformInstanceType: string | null;
  readonly transformInstanceCount: number | null;
  /** When the transform job started and ended (as Step Functions passes SageMaker times: epoch milliseconds); null when not reported. */
  readonly transformStartTime: number | string | null;
  readonly transformEndTime: number | string | null;
}

/** The failure record (`$.failure`) and the body of the failure notification. */
export interface RunFailure {
  /** Null when the run failed before it had an id (Prepare run). */
  readonly runId: string | null;
  /** The state that failed. */
  readonly state: string;
  readonly error: string;
  readonly cause: string;
  /** The trained model that was not used, when the run stopped after training (the accuracy gate); else null. */
  readonly modelArtifacts: string | null;
}

/** The value of metric `name` (e.g. `validation:accuracy`) in a summary's metrics, by its exact name. */
export function metricValue(metrics: readonly MetricValue[] | null | undefined, name: string): number | undefined {
  return metrics?.find((metric) => metric.MetricName === name)?.Value;
}
