import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { RunSummary } from '../../core/run-summary';
import { at, parameters, passState, type PathRef } from './asl';

/** What a mode made: each part's fields are read from its step's result, or null. */
export interface SummaryParts {
  readonly training: boolean;
  readonly model: boolean;
  readonly transform: boolean;
  /** Registered a model package version (`$.modelPackage`) and went through the endpoint step (`$.endpoint`). */
  readonly registry: boolean;
  /** Mode deploy: the model and version come from the request. */
  readonly deploy?: boolean;
}

/**
 * The run summary (`$.summary`, a `RunSummary`): the same keys in every mode, `null` where the mode
 * did not make something. The table is typed by `RunSummary`, so a key added to the contract in core/
 * must be built here too.
 */
export function summaryFields(parts: SummaryParts): { readonly [K in keyof RunSummary]: PathRef | null } {
  return {
    runId: at('$.run.runId'),
    runName: at('$.run.runName'),
    mode: at('$.run.mode'),
    executionArn: at('$$.Execution.Id'),
    source: at('$.run.source'),
    trainingJobName: parts.training ? at('$.trainingJob.TrainingJobName') : null,
    tuning: parts.training ? at('$.trainingJob.tuning') : null,
    // Null in mode "transform" (Prepare run).
    baseTrainingJob: at('$.run.baseTrainingJob'),
    minValidationAccuracy: at('$.run.minValidationAccuracy'),
    modelArtifacts: parts.training ? at('$.trainingJob.ModelArtifacts') : null,
    metrics: parts.training ? at('$.trainingJob.FinalMetricDataList') : null,
    trainingTimeInSeconds: parts.training ? at('$.trainingJob.TrainingTimeInSeconds') : null,
    billableTimeInSeconds: parts.training ? at('$.trainingJob.BillableTimeInSeconds') : null,
    spot: parts.training ? at('$.trainingJob.EnableManagedSpotTraining') : null,
    trainingInstanceType: parts.training ? at('$.trainingJob.ResourceConfig.InstanceType') : null,
    trainingInstanceCount: parts.training ? at('$.trainingJob.ResourceConfig.InstanceCount') : null,
    // Mode "transform" classifies with the request's existing model.
    modelName: parts.deploy ? at('$.run.endpoint.modelName') : parts.model ? at('$.run.names.model') : at('$.run.transform.modelName'),
    modelArn: parts.model ? at('$.model.ModelArn') : null,
    modelPackageArn: parts.registry ? at('$.modelPackage.ModelPackageArn') : null,
    endpointName: parts.registry ? at('$.endpoint.EndpointName') : null,
    endpointStatus: parts.registry ? at('$.endpoint.EndpointStatus') : null,
    transformJobName: parts.transform ? at('$.transformJob.TransformJobName') : null,
    predictions: parts.transform ? at('$.transformJob.S3OutputPath') : null,
    transformInstanceType: parts.transform ? at('$.run.transform.transformResources.InstanceType') : null,
    transformInstanceCount: parts.transform ? at('$.run.transform.transformResources.InstanceCount') : null,
    transformStartTime: parts.transform ? at('$.transformJob.described.TransformStartTime') : null,
    transformEndTime: parts.transform ? at('$.transformJob.described.TransformEndTime') : null,
  };
}

/** A Pass state that writes the summary of a run with `parts` to `$.summary`. */
export function summaryState(scope: Construct, stateName: string, parts: SummaryParts): sfn.CustomState {
  return passState(scope, stateName, parameters(summaryFields(parts)), '$.summary');
}
