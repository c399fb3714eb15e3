import { createHash } from 'node:crypto';
import { ENDPOINT_POLL_SECONDS } from '../core/endpoint';
import { DEFAULT_MAX_PAYLOAD_IN_MB, DEFAULT_MAX_RUNTIME_IN_SECONDS, MAX_PAYLOAD_IN_MB, MAX_RUNTIME_IN_SECONDS } from '../core/api-limits';
import { REFERENCE_HYPERPARAMETERS } from '../core/hyperparameters';
import { runPrefix } from '../core/s3-layout';
import { imageUriFor } from '../core/image-uri';
import { hasInstanceStorage } from '../core/instance-types';
import { VALIDATION_ACCURACY_METRIC } from '../core/state-names';
import {
  SAGEMAKER_ERROR_NAMES,
  StepFunctionsTaskError,
  serviceErrorCause,
} from './sagemaker-errors';
import {
  constraintViolations,
  isPlainObject,
  parameterProblems,
  renderValue,
  SAGEMAKER_APIS,
  type SageMakerApi,
  validationMessage,
} from './sagemaker-request-model';
import { partitionOf } from './definition';

export { SAGEMAKER_ERROR_NAMES, StepFunctionsTaskError } from './sagemaker-errors';
export type { SageMakerApi } from './sagemaker-request-model';

/**
 * SageMaker, as the pipeline's Step Functions SageMaker tasks see it (the optimized integrations for
 * training, tuning, models and transform; the AWS SDK integration for DescribeTrainingJob), for running the
 * synthesized state machine locally with aws-local-stepfunctions:
 *
 * ```ts
 * const sageMaker = new SageMakerStandIn({ outcomes: { training: { status: 'Failed', failureReason: 'AlgorithmError: …' } } });
 * await new StateMachine(definition).run(input, {
 *   overrides: { taskResourceLocalHandlers: { ...lambdas, ...sageMaker.handlersFor({ train: 'Train model', createModel: 'Create model', transform: 'Run batch transform' }) } },
 * }).result;
 * expect(sageMaker.calls.map((call) => call.api)).toEqual(['CreateTrainingJob']);
 * ```
 *
 * Each call goes, in order, through what happens on AWS: Step Functions' check of the resolved Parameters
 * (unknown field or wrong JSON type → `States.Runtime`, which no Retry or Catch matches); SageMaker's
 * validation against `sagemaker-api-limits.json` (→ `SageMaker.AmazonSageMakerException`, the service's
 * "N validation errors detected: …" message); the documented limits the machine-readable model lacks;
 * the configured transient failures (throttling, `ResourceLimitExceeded`); name reuse; and finally the
 * configured outcome. `.sync` jobs that end Failed or Stopped reject with `States.TaskFailed` and the
 * Describe* answer as JSON Cause, as Step Functions reports them. Every call, rejected or not, is recorded
 * in {@link SageMakerStandIn.calls}. Times, Region, account and request ids are fixed by the options, so
 * answers are deterministic.
 */
export class SageMakerStandIn {
  /** Every call, in order, including rejected ones. */
  readonly calls: SageMakerCall[] = [];

  private readonly region: string;
  private readonly account: string;
  private readonly partition: string;
  private readonly trainingSeconds: number;
  private readonly spotSavingsPercent: number;
  private readonly transformSeconds: number;
  private readonly finalMetrics: Readonly<Record<string, number>>;
  private readonly localStorageFamilies: readonly string[] | undefined;
  private readonly outcomes: SageMakerOutcomes;
  private readonly artifactBucket: string;
  private clock: number;
  private requestCount = 0;
  /** Calls that passed validation, per API: what the transient failures count. */
  private readonly validCalls = Object.fromEntries(SAGEMAKER_APIS.map((api) => [api, 0])) as Record<SageMakerApi, number>;
  /**
   * Names in use per resource type, lower-cased: SageMaker lower-cases names in ARNs, so names that differ
   * only in case are taken to collide (an assumption; the documented rule is only "unique per account and Region").
   */
  private readonly namesInUse = Object.fromEntries(SAGEMAKER_APIS.map((api) => [api, new Set<string>()])) as Record<SageMakerApi, Set<string>>;
  /**
   * The S3 objects the simulated jobs wrote, as `s3://bucket/key` (today: the outputs of a transform job
   * that failed part-way, `outcomes.transform.outputsWritten`), in the order written.
   */
  readonly writtenObjects: string[] = [];
  /** The endpoints, by lower-cased name (`outcomes.existingEndpoint` adds one before the run). */
  private readonly endpoints = new Map<string, SimulatedEndpoint>();
  /** Model package versions per lower-cased group name, in version order. */
  private readonly modelPackages = new Map<string, Record<string, unknown>[]>();
  /** Every training job this stand-in ran (alone or for a tuning job), by lower-cased name, for DescribeTrainingJob. */
  private readonly trainingJobs = new Map<string, DescribeTrainingJobResponse>();

  constructor(options: SageMakerStandInOptions = {}) {
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? '123456789012';
    this.partition = partitionOf(this.region);
    this.trainingSeconds = options.trainingSeconds ?? 1800;
    this.spotSavingsPercent = options.spotSavingsPercent ?? 70;
    if (!(this.spotSavingsPercent >= 0 && this.spotSavingsPercent < 100)) {
      throw new Error('SageMakerStandIn: spotSavingsPercent must be from 0 to below 100');
    }
    this.transformSeconds = options.transformSeconds ?? 300;
    this.finalMetrics = options.finalMetrics ?? DEFAULT_FINAL_METRICS;
    this.localStorageFamilies = options.localStorageInstanceFamilies;
    this.outcomes = options.outcomes ?? {};
    this.artifactBucket = options.artifactBucket ?? 'artifact-bucket';
    this.clock = new Date(options.startTime ?? '2025-01-06T09:00:00.000Z').getTime();
    if (Number.isNaN(this.clock)) throw new Error(`SageMakerStandIn: startTime ${String(options.startTime)} is not a date`);
    if (!Number.isInteger(this.trainingSeconds) || this.trainingSeconds < MIN_TRAINING_SECONDS) {
      throw new Error(`SageMakerStandIn: trainingSeconds must be an integer >= ${MIN_TRAINING_SECONDS}`);
    }
    if (!Number.isInteger(this.transformSeconds) || this.transformSeconds < 1) {
      throw new Error('SageMakerStandIn: transformSeconds must be a positive integer');
    }
    const existing = this.outcomes.existingEndpoint;
    if (existing !== undefined) {
      this.namesInUse.CreateEndpointConfig.add(existing.configName.toLowerCase());
      if (existing.name !== undefined) this.addExistingEndpoint(existing.name, existing.configName);
    }
  }

  /** `arn:aws:states:::sagemaker:createTrainingJob.sync`: creates the job and answers when it has ended. */
  async createTrainingJobSync(request: unknown, context: CallContext = {}): Promise<DescribeTrainingJobResponse> {
    return this.call('CreateTrainingJob', request, context, (valid) => {
      const name = valid.TrainingJobName as string;
      const arn = this.arn('training-job', name);
      this.reserveName('CreateTrainingJob', name, arn);
      const description = this.trainingJobDescription(valid, name, arn, this.outcomes.training ?? { status: 'Completed' });
      this.trainingJobs.set(name.toLowerCase(), description);
      if (description.TrainingJobStatus !== 'Completed') {
        throw new StepFunctionsTaskError(SAGEMAKER_ERROR_NAMES.taskFailed, JSON.stringify(description));
      }
      return description;
    });
  }

  /** `arn:aws:states:::sagemaker:createModel`: answers `{ ModelArn }`. */
  async createModel(request: unknown, context: CallContext = {}): Promise<CreateModelResponse> {
    return this.call('CreateModel', request, context, (valid, requestId) => {
      const name = valid.ModelName as string;
      const arn = this.arn('model', name);
      if (this.namesInUse.CreateModel.has(name.toLowerCase())) {
        // CreateModel has no ResourceInUse error: SageMaker answers a ValidationException.
        throw serviceError(SAGEMAKER_ERROR_NAMES.validation, 'ValidationException', `Cannot create already existing model "${arn}".`, requestId);
      }
      const outcome = this.outcomes.createModel;
      if (outcome?.status === 'Error') {
        throw serviceError(outcome.errorName ?? SAGEMAKER_ERROR_NAMES.validation, outcome.errorCode ?? 'ValidationException', outcome.message, requestId);
      }
      this.namesInUse.CreateModel.add(name.toLowerCase());
      this.clock += 1000;
      return { ModelArn: arn };
    });
  }

  /** `arn:aws:states:::sagemaker:createTransformJob.sync`: creates the job and answers when it has ended. */
  async createTransformJobSync(request: unknown, context: CallContext = {}): Promise<DescribeTransformJobResponse> {
    return this.call('CreateTransformJob', request, context, (valid) => {
      const name = valid.TransformJobName as string;
      const arn = this.arn('transform-job', name);
      this.reserveName('CreateTransformJob', name, arn);
      const outcome = this.outcomes.transform ?? { status: 'Completed' };
      const description = this.describeTransformJob(valid, name, arn, outcome);
      if (outcome.status === 'Failed') this.writePartialOutputs(description, outcome.outputsWritten ?? 0);
      if (description.TransformJobStatus !== 'Completed') {
        throw new StepFunctionsTaskError(SAGEMAKER_ERROR_NAMES.taskFailed, JSON.stringify(description));
      }
      return description;
    });
  }

  /**
   * `arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync`: creates the tuning job, runs its training
   * jobs (named `<tuning job name>-<3 digits>-<8 hex>`, as SageMaker names them; each answers DescribeTrainingJob
   * afterwards) and answers the DescribeHyperParameterTuningJob of the ended job. Tuned values are spread over
   * each range (Grid: every combination); the job in the middle gets `finalMetrics`' validation:accuracy and is
   * the best, the others 0.01 less per job away from it. `outcomes.training` applies to every training job.
   */
  async createHyperParameterTuningJobSync(request: unknown, context: CallContext = {}): Promise<DescribeHyperParameterTuningJobResponse> {
    return this.call('CreateHyperParameterTuningJob', request, context, (valid) => {
      const name = valid.HyperParameterTuningJobName as string;
      const arn = this.arn('hyper-parameter-tuning-job', name);
      this.reserveName('CreateHyperParameterTuningJob', name, arn);
      const description = this.runTuningJob(valid, name, arn);
      if (description.HyperParameterTuningJobStatus !== 'Completed') {
        throw new StepFunctionsTaskError(SAGEMAKER_ERROR_NAMES.taskFailed, JSON.stringify(description));
      }
      return description;
    });
  }

  /**
   * `arn:aws:states:::aws-sdk:sagemaker:describeTrainingJob`: a training job this stand-in ran, or an earlier
   * run's (`outcomes.earlierTrainingJob`; by default a completed job of the reference configuration whose model
   * is under the artifact bucket's `runs/`). An unknown job (`{ exists: false }`) fails with
   * `SageMaker.ResourceNotFoundException`: the service model's error of DescribeTrainingJob, named as the SDK
   * integration names errors (`<Service>.<Exception>`).
   */
  async describeTrainingJob(request: unknown, context: CallContext = {}): Promise<DescribeTrainingJobResponse> {
    return this.call('DescribeTrainingJob', request, context, (valid, requestId) => {
      const name = valid.TrainingJobName as string;
      const known = this.trainingJobs.get(name.toLowerCase()) ?? this.earlierTrainingJob(name);
      if (known === undefined) {
        throw serviceError(SAGEMAKER_ERROR_NAMES.resourceNotFound, 'ResourceNotFound', `Requested resource not found: training job ${name}`, requestId);
      }
      return jsonCopy<DescribeTrainingJobResponse>(known);
    });
  }


  /**
   * `arn:aws:states:::aws-sdk:sagemaker:createModelPackage`: a new version of the group, numbered from 1 within
   * the group (https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-models.html); answers
   * `{ ModelPackageArn }` (CreateModelPackage, https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModelPackage.html).
   * A versioned package needs its group: without ModelPackageGroupName it is an unversioned one, which needs a
   * ModelPackageName (the pipeline never creates those).
   */
  async createModelPackage(request: unknown, context: CallContext = {}): Promise<{ ModelPackageArn: string }> {
    return this.call('CreateModelPackage', request, context, (valid, requestId) => {
      const group = typeof valid.ModelPackageGroupName === 'string' ? valid.ModelPackageGroupName.replace(/^arn:.*\//, '') : undefined;
      if (group === undefined) {
        throw serviceError(SAGEMAKER_ERROR_NAMES.validation, 'ValidationException', 'ModelPackageName is required for an unversioned model package.', requestId);
      }
      const versions = this.modelPackageVersions(group);
      const version = versions.length + 1;
      const arn = `${this.arn('model-package', group)}/${version}`;
      this.clock += 1000;
      versions.push({
        ModelPackageGroupName: group,
        ModelPackageVersion: version,
        ModelPackageArn: arn,
        ModelPackageName: group,
        ModelPackageDescription: valid.ModelPackageDescription,
        CreationTime: this.clock,
        InferenceSpecification: valid.InferenceSpecification,
        ModelPackageStatus: 'Completed',
        ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
        CertifyForMarketplace: false,
        // ModelApprovalStatus: "PendingManualApproval" when the request sets none (API reference, ModelApprovalStatus).
        ModelApprovalStatus: valid.ModelApprovalStatus ?? 'PendingManualApproval',
        MetadataProperties: valid.MetadataProperties,
        CustomerMetadataProperties: valid.CustomerMetadataProperties,
        LastModifiedTime: this.clock,
      });
      return { ModelPackageArn: arn };
    });
  }

  /**
   * `arn:aws:states:::aws-sdk:sagemaker:describeModelPackage`: a version by `<group>/<version>` or its ARN. Fields
   * the request did not set are left out, as SageMaker leaves them out. An unknown version: a ValidationException.
   */
  async describeModelPackage(request: unknown, context: CallContext = {}): Promise<Record<string, unknown>> {
    return this.call('DescribeModelPackage', request, context, (valid, requestId) => {
      const name = String(valid.ModelPackageName);
      const match = /(?:model-package\/)?([^/:]+)\/(\d+)$/.exec(name);
      const found = match ? this.modelPackageVersions(match[1] as string).find((v) => v.ModelPackageVersion === Number(match[2])) : undefined;
      if (found === undefined) {
        throw serviceError(SAGEMAKER_ERROR_NAMES.validation, 'ValidationException', `ModelPackage ${name} does not exist.`, requestId);
      }
      return jsonCopy<Record<string, unknown>>(withoutUndefined(found));
    });
  }

  /** `arn:aws:states:::aws-sdk:sagemaker:createEndpointConfig`: answers `{ EndpointConfigArn }`. */
  async createEndpointConfig(request: unknown, context: CallContext = {}): Promise<{ EndpointConfigArn: string }> {
    return this.call('CreateEndpointConfig', request, context, (valid, requestId) => {
      const name = String(valid.EndpointConfigName);
      const arn = this.arn('endpoint-config', name);
      if (this.namesInUse.CreateEndpointConfig.has(name.toLowerCase())) {
        throw serviceError(SAGEMAKER_ERROR_NAMES.validation, 'ValidationException', `Cannot create already existing endpoint configuration "${arn}".`, requestId);
      }
      this.namesInUse.CreateEndpointConfig.add(name.toLowerCase());
      this.clock += 1000;
      return { EndpointConfigArn: arn };
    });
  }

  /** `arn:aws:states:::aws-sdk:sagemaker:createEndpoint`: starts Creating; answers `{ EndpointArn }`. */
  async createEndpoint(request: unknown, context: CallContext = {}): Promise<{ EndpointArn: string }> {
    return this.call('CreateEndpoint', request, context, (valid, requestId) => {
      const name = String(valid.EndpointName);
      const arn = this.arn('endpoint', name);
      if (this.endpointNamed(name) !== undefined) {
        throw serviceError(SAGEMAKER_ERROR_NAMES.validation, 'ValidationException', `Cannot create already existing endpoint "${arn}".`, requestId);
      }
      const config = this.knownEndpointConfig(String(valid.EndpointConfigName), requestId);
      this.clock += 1000;
      this.endpoints.set(name.toLowerCase(), {
        EndpointName: name,
        EndpointArn: arn,
        EndpointConfigName: config,
        EndpointStatus: 'Creating',
        CreationTime: this.clock,
        LastModifiedTime: this.clock,
        pendingConfig: null,
        describesLeft: this.endpointOutcome.pollsUntilDone ?? 2,
      });
      return { EndpointArn: arn };
    });
  }

  /**
   * `arn:aws:states:::aws-sdk:sagemaker:updateEndpoint`: starts Updating; the endpoint keeps serving its current
   * config until the new one is in service, and goes back to it (InService, with a FailureReason) when the new
   * one fails. Only an InService endpoint can be updated ("DeleteEndpoint is the only operation that can be
   * performed on a failed endpoint", EndpointSummary).
   */
  async updateEndpoint(request: unknown, context: CallContext = {}): Promise<{ EndpointArn: string }> {
    return this.call('UpdateEndpoint', request, context, (valid, requestId) => {
      const name = String(valid.EndpointName);
      const endpoint = this.endpointNamed(name);
      if (endpoint === undefined) {
        throw serviceError(SAGEMAKER_ERROR_NAMES.validation, 'ValidationException', `Could not find endpoint "${this.arn('endpoint', name)}".`, requestId);
      }
      if (endpoint.EndpointStatus !== 'InService') {
        throw serviceError(SAGEMAKER_ERROR_NAMES.validation, 'ValidationException', `Cannot update in-progress endpoint "${endpoint.EndpointArn}".`, requestId);
      }
      endpoint.pendingConfig = this.knownEndpointConfig(String(valid.EndpointConfigName), requestId);
      endpoint.EndpointStatus = 'Updating';
      delete endpoint.FailureReason;
      this.clock += 1000;
      endpoint.LastModifiedTime = this.clock;
      endpoint.describesLeft = this.endpointOutcome.pollsUntilDone ?? 2;
      return { EndpointArn: endpoint.EndpointArn };
    });
  }

  /**
   * `arn:aws:states:::aws-sdk:sagemaker:describeEndpoint`: each answer advances a Creating or Updating endpoint;
   * after `outcomes.endpoint.pollsUntilDone` answers it ends as the outcome says. FailureReason only when the
   * endpoint failed or an update rolled back; ProductionVariants only once instances serve. An unknown endpoint:
   * a ValidationException "Could not find endpoint" (DescribeEndpoint has no ResourceNotFound error).
   */
  async describeEndpoint(request: unknown, context: CallContext = {}): Promise<Record<string, unknown>> {
    return this.call('DescribeEndpoint', request, context, (valid, requestId) => {
      const name = String(valid.EndpointName);
      const endpoint = this.endpointNamed(name);
      if (endpoint === undefined) {
        throw serviceError(SAGEMAKER_ERROR_NAMES.validation, 'ValidationException', `Could not find endpoint "${this.arn('endpoint', name)}".`, requestId);
      }
      this.clock += ENDPOINT_POLL_SECONDS * 1000;
      if (endpoint.EndpointStatus === 'Creating' || endpoint.EndpointStatus === 'Updating') {
        endpoint.describesLeft -= 1;
        if (endpoint.describesLeft <= 0) this.finishEndpoint(endpoint);
      }
      const answer: Record<string, unknown> = { ...endpoint };
      delete answer.pendingConfig;
      delete answer.describesLeft;
      const serving = answer.EndpointStatus === 'InService' || answer.EndpointStatus === 'Updating';
      return jsonCopy<Record<string, unknown>>({
        ...answer,
        ...(serving ? { ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 1, DesiredInstanceCount: 1, CurrentWeight: 1, DesiredWeight: 1 }] } : {}),
      });
    });
  }

  /** An endpoint InService since a day before the run, on `configName`. */
  private addExistingEndpoint(name: string, configName: string): SimulatedEndpoint {
    const endpoint: SimulatedEndpoint = {
      EndpointName: name,
      EndpointArn: this.arn('endpoint', name),
      EndpointConfigName: configName,
      EndpointStatus: 'InService',
      CreationTime: this.clock - 86_400_000,
      LastModifiedTime: this.clock - 86_400_000,
      pendingConfig: null,
      describesLeft: 0,
    };
    this.endpoints.set(name.toLowerCase(), endpoint);
    return endpoint;
  }

  /** The endpoint `name`: a known one, or (with `existingEndpoint` without a name) the one that existed before the run. */
  private endpointNamed(name: string): SimulatedEndpoint | undefined {
    const known = this.endpoints.get(name.toLowerCase());
    if (known !== undefined) return known;
    const existing = this.outcomes.existingEndpoint;
    return existing !== undefined && existing.name === undefined ? this.addExistingEndpoint(name, existing.configName) : undefined;
  }

  private get endpointOutcome(): EndpointOutcome {
    return this.outcomes.endpoint ?? { status: 'InService' };
  }

  private finishEndpoint(endpoint: SimulatedEndpoint): void {
    const outcome = this.endpointOutcome;
    endpoint.LastModifiedTime = this.clock;
    const reason = outcome.failureReason ?? 'The primary container for production variant AllTraffic did not pass the ping health check (simulated).';
    if (endpoint.pendingConfig !== null) {
      if (outcome.status === 'Failed') {
        endpoint.EndpointStatus = 'InService';
        endpoint.FailureReason = reason;
      } else {
        endpoint.EndpointStatus = outcome.status;
        endpoint.EndpointConfigName = endpoint.pendingConfig;
      }
      endpoint.pendingConfig = null;
      return;
    }
    endpoint.EndpointStatus = outcome.status;
    if (outcome.status === 'Failed') endpoint.FailureReason = reason;
  }

  /** The endpoint config `name` if this stand-in created it, else CreateEndpoint's and UpdateEndpoint's ValidationException. */
  private knownEndpointConfig(name: string, requestId: string): string {
    if (!this.namesInUse.CreateEndpointConfig.has(name.toLowerCase())) {
      throw serviceError(SAGEMAKER_ERROR_NAMES.validation, 'ValidationException', `Could not find endpoint configuration "${this.arn('endpoint-config', name)}".`, requestId);
    }
    return name;
  }

  private modelPackageVersions(group: string): Record<string, unknown>[] {
    const key = group.toLowerCase();
    let versions = this.modelPackages.get(key);
    if (versions === undefined) {
      versions = (this.outcomes.registeredVersions ?? []).map((approval, index) => ({
        ModelPackageGroupName: group,
        ModelPackageVersion: index + 1,
        ModelPackageArn: `${this.arn('model-package', group)}/${index + 1}`,
        ModelPackageName: group,
        CreationTime: this.clock,
        ModelPackageStatus: 'Completed',
        ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
        ModelApprovalStatus: approval,
        InferenceSpecification: {
          Containers: [{ Image: `811284229777.dkr.ecr.${this.region}.amazonaws.com/image-classification:1`, ModelDataUrl: `s3://${this.artifactBucket}/runs/earlier-run-0000000${index + 1}/model/model.tar.gz` }],
          SupportedContentTypes: ['application/x-image', 'image/jpeg', 'image/png'],
          SupportedResponseMIMETypes: ['application/json'],
        },
        CertifyForMarketplace: false,
      }));
      this.modelPackages.set(key, versions);
    }
    return versions;
  }

  /**
   * Local handlers for `taskResourceLocalHandlers`, keyed by the given state names (omit a state the
   * definition does not have). Answers are plain JSON, as Step Functions passes them on.
   */
  handlersFor(stateNames: {
    train?: string;
    createModel?: string;
    transform?: string;
    tune?: string;
    /** The states that call DescribeTrainingJob through the AWS SDK integration. */
    describeTrainingJob?: readonly string[];
    registerModel?: string;
    describeModelPackage?: string;
    createModelFromPackage?: string;
    createEndpointConfig?: string;
    createEndpoint?: string;
    updateEndpoint?: string;
    /** The states that call DescribeEndpoint. */
    describeEndpoint?: readonly string[];
  }): Record<string, LocalTaskHandler> {
    const handlers: Record<string, LocalTaskHandler> = {};
    const add = (stateName: string | undefined, call: (input: unknown, context: CallContext) => Promise<unknown>) => {
      if (stateName !== undefined) handlers[stateName] = async (input) => toJson(await call(input, { stateName }));
    };
    add(stateNames.train, (input, context) => this.createTrainingJobSync(input, context));
    add(stateNames.createModel, (input, context) => this.createModel(input, context));
    add(stateNames.transform, (input, context) => this.createTransformJobSync(input, context));
    add(stateNames.tune, (input, context) => this.createHyperParameterTuningJobSync(input, context));
    for (const stateName of stateNames.describeTrainingJob ?? []) add(stateName, (input, context) => this.describeTrainingJob(input, context));
    add(stateNames.registerModel, (input, context) => this.createModelPackage(input, context));
    add(stateNames.describeModelPackage, (input, context) => this.describeModelPackage(input, context));
    add(stateNames.createModelFromPackage, (input, context) => this.createModel(input, context));
    add(stateNames.createEndpointConfig, (input, context) => this.createEndpointConfig(input, context));
    add(stateNames.createEndpoint, (input, context) => this.createEndpoint(input, context));
    add(stateNames.updateEndpoint, (input, context) => this.updateEndpoint(input, context));
    for (const stateName of stateNames.describeEndpoint ?? []) add(stateName, (input, context) => this.describeEndpoint(input, context));
    return handlers;
  }

  /** The recorded calls to one API. */
  callsTo(api: SageMakerApi): SageMakerCall[] {
    return this.calls.filter((call) => call.api === api);
  }

  private async call<T>(
    api: SageMakerApi,
    request: unknown,
    context: CallContext,
    act: (valid: Record<string, unknown>, requestId: string) => T,
  ): Promise<T> {
    const call: SageMakerCall = { api, request: snapshot(request) };
    this.calls.push(call);
    try {
      const requestId = this.nextRequestId();
      const valid = this.validate(api, request, context, requestId);
      this.failTransiently(api, valid, requestId);
      const response = act(valid, requestId);
      call.response = snapshot(response);
      return response;
    } catch (error) {
      call.error = error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
      throw error;
    }
  }

  private validate(api: SageMakerApi, request: unknown, context: CallContext, requestId: string): Record<string, unknown> {
    const problems = parameterProblems(api, request);
    if (problems.length > 0 || !isPlainObject(request)) {
      const where = context.stateName === undefined ? '' : `An error occurred while executing the state '${context.stateName}'. `;
      throw new StepFunctionsTaskError(
        SAGEMAKER_ERROR_NAMES.runtime,
        `${where}The Parameters '${JSON.stringify(request)}' could not be used to start the Task: [${problems.join(', ')}]`,
        { retryable: false, catchable: false },
      );
    }
    const violations = constraintViolations(api, request);
    if (violations.length > 0) {
      throw serviceError(SAGEMAKER_ERROR_NAMES.validation, 'ValidationException', validationMessage(violations), requestId);
    }
    const limitViolations = this.documentedLimitViolations(api, request);
    if (limitViolations.length > 0) {
      throw serviceError(SAGEMAKER_ERROR_NAMES.validation, 'ValidationException', limitViolations.join('; '), requestId);
    }
    return request;
  }

  /** The limits `sagemaker-api-limits.json` lists under documentedLimits (not in the service model). */
  private documentedLimitViolations(api: SageMakerApi, request: Record<string, unknown>): string[] {
    const violations: string[] = [];
    if (api === 'CreateTrainingJob') violations.push(...this.trainingDefinitionViolations(request, ''));
    if (api === 'CreateHyperParameterTuningJob') {
      const definition = request.TrainingJobDefinition;
      if (isPlainObject(definition)) violations.push(...this.trainingDefinitionViolations(definition, 'trainingJobDefinition.'));
      violations.push(...tuningViolations(request));
    }
    if (api === 'CreateTransformJob') {
      const maxPayload = request.MaxPayloadInMB;
      const maxConcurrent = request.MaxConcurrentTransforms;
      if (typeof maxPayload === 'number' && maxPayload > MAX_PAYLOAD_IN_MB) {
        violations.push(`Invalid MaxPayloadInMB '${maxPayload}' at 'maxPayloadInMB': the maximum payload size is ${MAX_PAYLOAD_IN_MB} MB`);
      }
      if (typeof maxPayload === 'number' && typeof maxConcurrent === 'number' && maxPayload * maxConcurrent > MAX_PAYLOAD_IN_MB) {
        violations.push(
          `MaxConcurrentTransforms x MaxPayloadInMB (${maxConcurrent} x ${maxPayload} = ${maxConcurrent * maxPayload}) ` +
            `must not exceed ${MAX_PAYLOAD_IN_MB} MB (at 'maxConcurrentTransforms' and 'maxPayloadInMB')`,
        );
      }
    }
    return violations;
  }

  /**
   * The documented limits of one training job's definition: a CreateTrainingJob request, or the
   * TrainingJobDefinition of a tuning job (`where` prefixes the member paths in messages).
   */
  private trainingDefinitionViolations(request: Record<string, unknown>, where: string): string[] {
    const violations: string[] = [];
    const maxRuntime = member(request, 'StoppingCondition', 'MaxRuntimeInSeconds');
    if (typeof maxRuntime === 'number' && maxRuntime > MAX_RUNTIME_IN_SECONDS) {
      violations.push(
        `Invalid MaxRuntimeInSeconds '${maxRuntime}' at '${where}stoppingCondition.maxRuntimeInSeconds': ` +
          `the maximum runtime of a training job is ${MAX_RUNTIME_IN_SECONDS} seconds (28 days)`,
      );
    }
    const maxWait = member(request, 'StoppingCondition', 'MaxWaitTimeInSeconds');
    // The developer guide: "Set EnableManagedSpotTraining to True and specify the MaxWaitTimeInSeconds."
    if (request.EnableManagedSpotTraining === true && maxWait === undefined) {
      violations.push(
        `Managed spot training (EnableManagedSpotTraining: true) needs a MaxWaitTimeInSeconds at '${where}stoppingCondition.maxWaitTimeInSeconds'`,
      );
    }
    if (typeof maxWait === 'number') {
      if (request.EnableManagedSpotTraining !== true) {
        violations.push(`MaxWaitTimeInSeconds at '${where}stoppingCondition.maxWaitTimeInSeconds' is only valid with managed spot training (EnableManagedSpotTraining: true)`);
      } else if (typeof maxRuntime === 'number' && maxWait < maxRuntime) {
        violations.push(
          `Invalid MaxWaitTimeInSeconds '${maxWait}' at '${where}stoppingCondition.maxWaitTimeInSeconds': ` +
            `it must be greater than or equal to MaxRuntimeInSeconds (${maxRuntime})`,
        );
      }
    }
    const instanceType = member(request, 'ResourceConfig', 'InstanceType');
    const volumeKey = member(request, 'ResourceConfig', 'VolumeKmsKeyId');
    if (typeof instanceType === 'string' && volumeKey !== undefined && volumeKey !== null && this.hasLocalStorage(instanceType)) {
      violations.push(
        `VolumeKmsKeyId at '${where}resourceConfig.volumeKmsKeyId' is not supported for instance type ${instanceType}: ` +
          `its storage volumes are local NVMe instance storage, encrypted by the instance's hardware module`,
      );
    }
    return violations;
  }

  private hasLocalStorage(instanceType: string): boolean {
    if (this.localStorageFamilies === undefined) return hasInstanceStorage(instanceType);
    return this.localStorageFamilies.includes(instanceType.slice(0, instanceType.lastIndexOf('.')));
  }

  private failTransiently(api: SageMakerApi, request: Record<string, unknown>, requestId: string): void {
    const attempt = ++this.validCalls[api];
    const throttled = this.outcomes.throttledCalls?.[api] ?? 0;
    const limited = this.outcomes.resourceLimitExceededCalls?.[api] ?? 0;
    if (attempt <= throttled) {
      throw serviceError(SAGEMAKER_ERROR_NAMES.throttling, 'ThrottlingException', 'Rate exceeded', requestId);
    }
    if (attempt <= throttled + limited) {
      throw serviceError(SAGEMAKER_ERROR_NAMES.resourceLimitExceeded, 'ResourceLimitExceeded', resourceLimitMessage(api, request), requestId);
    }
  }

  private reserveName(api: 'CreateTrainingJob' | 'CreateTransformJob' | 'CreateHyperParameterTuningJob', name: string, arn: string): void {
    const key = name.toLowerCase();
    if (this.namesInUse[api].has(key)) {
      const kind = { CreateTrainingJob: 'training job', CreateTransformJob: 'transform job', CreateHyperParameterTuningJob: 'hyperparameter tuning job' }[api];
      const message = `${kind.charAt(0).toUpperCase()}${kind.slice(1)} names must be unique within an AWS account and region, and a ${kind} with this name already exists (${arn})`;
      throw serviceError(SAGEMAKER_ERROR_NAMES.resourceInUse, 'ResourceInUse', message, this.lastRequestId());
    }
    this.namesInUse[api].add(key);
  }

  /**
   * The DescribeTrainingJob answer of a job in `outcome`'s status. What SageMaker leaves out, status by status
   * (DescribeTrainingJob, https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeTrainingJob.html:
   * "Some of the attributes below only appear if the training job successfully starts"; TrainingEndTime,
   * TrainingTimeInSeconds, BillableTimeInSeconds and FailureReason are optional members):
   * - InProgress and Stopping: no ModelArtifacts (nothing is uploaded yet), no FinalMetricDataList, no
   *   TrainingEndTime, TrainingTimeInSeconds or BillableTimeInSeconds (the job has not ended); the last
   *   secondary status transition has no EndTime.
   * - Failed: no ModelArtifacts and no FinalMetricDataList; FailureReason says why.
   * - Stopped: no ModelArtifacts and no FinalMetricDataList. (An algorithm may save a model in the 120 s a stop
   *   allows, StopTrainingJob; the stand-in takes the case the pipeline must survive, a stop with no model.)
   * - Completed: everything, ModelArtifacts included (`withoutOptionalFields` leaves out the metrics and times).
   */
  private trainingJobDescription(
    request: Record<string, unknown>,
    name: string,
    arn: string,
    outcome: TrainingJobState,
    finalMetrics: Readonly<Record<string, number>> = this.finalMetrics,
  ): DescribeTrainingJobResponse {
    const created = this.clock;
    const started = created + STARTING_SECONDS * 1000;
    const ended = started + this.trainingSeconds * 1000;
    const downloaded = started + DOWNLOADING_SECONDS * 1000;
    const trained = ended - UPLOADING_SECONDS * 1000;
    const transitions: SecondaryStatusTransition[] = [
      { Status: 'Starting', StartTime: created, EndTime: started, StatusMessage: 'Preparing the instances for training' },
      { Status: 'Downloading', StartTime: started, EndTime: downloaded, StatusMessage: 'Downloading input data' },
    ];
    let secondaryStatus: string;
    const running = outcome.status === 'InProgress' || outcome.status === 'Stopping';
    if (outcome.status === 'InProgress') {
      transitions.push({ Status: 'Training', StartTime: downloaded, StatusMessage: 'Training image download completed. Training in progress.' });
      secondaryStatus = 'Training';
    } else if (outcome.status === 'Stopping') {
      transitions.push(
        { Status: 'Training', StartTime: downloaded, EndTime: trained, StatusMessage: 'Training image download completed. Training in progress.' },
        { Status: 'Stopping', StartTime: trained, StatusMessage: 'Stopping the training job' },
      );
      secondaryStatus = 'Stopping';
    } else if (outcome.status === 'Completed') {
      transitions.push(
        { Status: 'Training', StartTime: downloaded, EndTime: trained, StatusMessage: 'Training image download completed. Training in progress.' },
        { Status: 'Uploading', StartTime: trained, EndTime: ended, StatusMessage: 'Uploading generated training model' },
        { Status: 'Completed', StartTime: ended, EndTime: ended, StatusMessage: 'Training job completed' },
      );
      secondaryStatus = 'Completed';
    } else if (outcome.status === 'Failed') {
      transitions.push(
        { Status: 'Training', StartTime: downloaded, EndTime: ended, StatusMessage: 'Training image download completed. Training in progress.' },
        { Status: 'Failed', StartTime: ended, EndTime: ended, StatusMessage: 'Training job failed' },
      );
      secondaryStatus = 'Failed';
    } else {
      secondaryStatus = outcome.secondaryStatus ?? 'Stopped';
      const stopMessages: Record<string, string> = {
        MaxRuntimeExceeded: 'Training job stopped: it reached its maximum runtime',
        MaxWaitTimeExceeded: 'Training job stopped: it did not complete within MaxWaitTimeInSeconds (managed spot training)',
      };
      transitions.push(
        { Status: 'Training', StartTime: downloaded, EndTime: trained, StatusMessage: 'Training image download completed. Training in progress.' },
        { Status: 'Stopping', StartTime: trained, EndTime: ended, StatusMessage: 'Stopping the training job' },
        {
          Status: secondaryStatus,
          StartTime: ended,
          EndTime: ended,
          StatusMessage: stopMessages[secondaryStatus] ?? 'Training job stopped',
        },
      );
    }
    // A running job was last modified at its last transition; an ended one a little after it ended.
    const lastModified = running ? (transitions[transitions.length - 1]?.StartTime ?? created) : ended + LAST_MODIFIED_DELAY_SECONDS * 1000;
    this.clock = Math.max(lastModified, ended) + 1000;
    const outputPath = String(member(request, 'OutputDataConfig', 'S3OutputPath'));
    const failureReason = outcome.status === 'Failed' || outcome.status === 'Stopped' ? outcome.failureReason : undefined;
    const description = jsonCopy<DescribeTrainingJobResponse>({
      TrainingJobName: name,
      TrainingJobArn: arn,
      ModelArtifacts: outcome.status === 'Completed' ? { S3ModelArtifacts: `${withTrailingSlash(outputPath)}${name}/output/model.tar.gz` } : undefined,
      TrainingJobStatus: outcome.status,
      SecondaryStatus: secondaryStatus,
      FailureReason: failureReason,
      HyperParameters: request.HyperParameters ?? {},
      AlgorithmSpecification: { EnableSageMakerMetricsTimeSeries: false, ...asObject(request.AlgorithmSpecification) },
      RoleArn: request.RoleArn,
      InputDataConfig: Array.isArray(request.InputDataConfig) ? request.InputDataConfig.map(withChannelDefaults) : undefined,
      OutputDataConfig: request.OutputDataConfig,
      ResourceConfig: request.ResourceConfig,
      VpcConfig: request.VpcConfig,
      StoppingCondition: request.StoppingCondition ?? { MaxRuntimeInSeconds: DEFAULT_MAX_RUNTIME_IN_SECONDS },
      CreationTime: created,
      TrainingStartTime: started,
      TrainingEndTime: running ? undefined : ended,
      LastModifiedTime: lastModified,
      SecondaryStatusTransitions: transitions,
      FinalMetricDataList:
        outcome.status === 'Completed'
          ? Object.entries(finalMetrics).map(([MetricName, Value]) => ({ MetricName, Value, Timestamp: ended }))
          : undefined,
      EnableNetworkIsolation: request.EnableNetworkIsolation ?? false,
      EnableInterContainerTrafficEncryption: request.EnableInterContainerTrafficEncryption ?? false,
      EnableManagedSpotTraining: request.EnableManagedSpotTraining ?? false,
      CheckpointConfig: request.CheckpointConfig,
      TrainingTimeInSeconds: running ? undefined : this.trainingSeconds,
      // With spot, SageMaker reports the saving as billable time below the training time.
      BillableTimeInSeconds: running
        ? undefined
        : request.EnableManagedSpotTraining === true
          ? Math.round(this.trainingSeconds * (1 - this.spotSavingsPercent / 100))
          : this.trainingSeconds,
      Environment: request.Environment,
      RetryStrategy: request.RetryStrategy,
      ExperimentConfig: request.ExperimentConfig,
    });
    if (outcome.status === 'Completed' && outcome.withoutOptionalFields) {
      for (const field of ['FinalMetricDataList', 'TrainingTimeInSeconds', 'BillableTimeInSeconds'] as const) delete description[field];
    }
    return description;
  }

  /** Runs the training jobs of a tuning job and describes the ended tuning job. */
  private runTuningJob(request: Record<string, unknown>, name: string, arn: string): DescribeHyperParameterTuningJobResponse {
    const config = asObject(request.HyperParameterTuningJobConfig);
    const definition = asObject(request.TrainingJobDefinition);
    const created = this.clock;
    const ranges = tuningRanges(config.ParameterRanges);
    const limits = asObject(config.ResourceLimits);
    const combinations = config.Strategy === 'Grid' ? gridCombinations(ranges) : undefined;
    const count = typeof limits.MaxNumberOfTrainingJobs === 'number' ? limits.MaxNumberOfTrainingJobs : (combinations?.length ?? 1);
    const objective = asObject(config.HyperParameterTuningJobObjective);
    const objectiveName = typeof objective.MetricName === 'string' ? objective.MetricName : VALIDATION_ACCURACY_METRIC;
    const bestIndex = Math.ceil(count / 2);
    const outcome = this.outcomes.training ?? { status: 'Completed' };
    const jobs: { description: DescribeTrainingJobResponse; tuned: Record<string, string>; objective?: number }[] = [];
    for (let index = 1; index <= count; index++) {
      const tuned = combinations?.[index - 1] ?? spreadValues(ranges, index, count);
      const jobName = `${name}-${String(index).padStart(3, '0')}-${createHash('sha256').update(`${name}/${index}`).digest('hex').slice(0, 8)}`;
      const metrics = { ...this.finalMetrics };
      const accuracy = metrics[VALIDATION_ACCURACY_METRIC];
      if (accuracy !== undefined) metrics[VALIDATION_ACCURACY_METRIC] = Math.max(0, Math.round((accuracy - 0.01 * Math.abs(index - bestIndex)) * 1e4) / 1e4);
      const trainingRequest = {
        ...definition,
        TrainingJobName: jobName,
        HyperParameters: { ...asObject(definition.StaticHyperParameters), ...tuned },
        Tags: request.Tags,
      };
      const description = this.trainingJobDescription(trainingRequest, jobName, this.arn('training-job', jobName), outcome, metrics);
      description.TuningJobArn = arn;
      this.trainingJobs.set(jobName.toLowerCase(), description);
      const reported = description.FinalMetricDataList?.find((metric) => metric.MetricName === objectiveName)?.Value;
      jobs.push({ description, tuned, ...(reported === undefined ? {} : { objective: reported }) });
    }
    const forced = this.outcomes.tuning;
    const scored = jobs.filter((job) => job.description.TrainingJobStatus === 'Completed' && job.objective !== undefined);
    const best = scored.reduce<(typeof scored)[number] | undefined>((top, job) => (top === undefined || (job.objective ?? 0) > (top.objective ?? 0) ? job : top), undefined);
    if (best !== undefined && forced?.status === 'Completed' && forced.bestTrainingJobStopped === true) {
      // Early stopping stops a job after it reported the objective: Stopped, with its metrics, without a model.
      Object.assign(best.description, { TrainingJobStatus: 'Stopped', SecondaryStatus: 'Stopped' });
      delete best.description.ModelArtifacts;
    }
    const completed = jobs.filter((job) => job.description.TrainingJobStatus === 'Completed');
    const status = forced?.status ?? (completed.length === 0 ? 'Failed' : 'Completed');
    // FailureReason only of a Failed tuning job (a stopped one has none).
    const failureReason =
      forced?.status === 'Failed'
        ? forced.failureReason
        : status === 'Failed'
          ? 'All training jobs failed. See the training jobs of this tuning job for their FailureReason.'
          : undefined;
    const ended = this.clock;
    this.clock = ended + 1000;
    return jsonCopy<DescribeHyperParameterTuningJobResponse>({
      HyperParameterTuningJobName: name,
      HyperParameterTuningJobArn: arn,
      HyperParameterTuningJobConfig: request.HyperParameterTuningJobConfig,
      TrainingJobDefinition: request.TrainingJobDefinition,
      HyperParameterTuningJobStatus: status,
      CreationTime: created,
      HyperParameterTuningEndTime: ended,
      LastModifiedTime: ended,
      TrainingJobStatusCounters: {
        Completed: completed.length,
        InProgress: 0,
        RetryableError: 0,
        NonRetryableError: jobs.filter((job) => job.description.TrainingJobStatus === 'Failed').length,
        Stopped: jobs.filter((job) => job.description.TrainingJobStatus === 'Stopped').length,
      },
      ObjectiveStatusCounters: { Succeeded: scored.length, Pending: 0, Failed: jobs.length - scored.length },
      BestTrainingJob:
        best === undefined
          ? undefined
          : {
              TrainingJobName: best.description.TrainingJobName,
              TrainingJobArn: best.description.TrainingJobArn,
              TuningJobName: name,
              CreationTime: best.description.CreationTime,
              TrainingStartTime: best.description.TrainingStartTime,
              TrainingEndTime: best.description.TrainingEndTime,
              TrainingJobStatus: best.description.TrainingJobStatus,
              TunedHyperParameters: best.tuned,
              FinalHyperParameterTuningJobObjectiveMetric: { Type: objective.Type ?? 'Maximize', MetricName: objectiveName, Value: best.objective },
              ObjectiveStatus: 'Succeeded',
            },
      FailureReason: failureReason,
    });
  }

  /** An earlier run's training job, as `outcomes.earlierTrainingJob` describes it; undefined when it does not exist. */
  private earlierTrainingJob(name: string): DescribeTrainingJobResponse | undefined {
    const earlier = this.outcomes.earlierTrainingJob ?? {};
    if (earlier.exists === false) return undefined;
    const status = earlier.status ?? 'Completed';
    let image: string;
    try {
      image = imageUriFor(this.region);
    } catch {
      image = `${this.account}.dkr.ecr.${this.region}.amazonaws.com/image-classification:1`;
    }
    const request = {
      TrainingJobName: name,
      RoleArn: `arn:${this.partition}:iam::${this.account}:role/earlier-run`,
      AlgorithmSpecification: { TrainingImage: earlier.trainingImage ?? image, TrainingInputMode: 'File' },
      HyperParameters: earlier.hyperparameters ?? REFERENCE_HYPERPARAMETERS,
      OutputDataConfig: { S3OutputPath: `s3://${this.artifactBucket}/${runPrefix(name, 'model')}` },
      ResourceConfig: { InstanceType: 'ml.g4dn.xlarge', InstanceCount: 1, VolumeSizeInGB: 50 },
      StoppingCondition: { MaxRuntimeInSeconds: 360_000 },
    };
    const outcome: TrainingJobState =
      status === 'Failed'
        ? { status, failureReason: earlier.failureReason ?? 'AlgorithmError: (simulated earlier failure)' }
        : status === 'Stopped'
          ? { status, failureReason: earlier.failureReason }
          : { status };
    const description = this.trainingJobDescription(request, name, this.arn('training-job', name), outcome);
    // Only a completed job has a model to point elsewhere.
    if (earlier.modelArtifacts !== undefined && status === 'Completed') description.ModelArtifacts = { S3ModelArtifacts: earlier.modelArtifacts };
    return description;
  }


  private describeTransformJob(request: Record<string, unknown>, name: string, arn: string, outcome: TransformOutcome): DescribeTransformJobResponse {
    const created = this.clock;
    const started = created + STARTING_SECONDS * 1000;
    const ended = started + this.transformSeconds * 1000;
    this.clock = ended + 1000;
    return jsonCopy<DescribeTransformJobResponse>({
      TransformJobName: name,
      TransformJobArn: arn,
      TransformJobStatus: outcome.status,
      FailureReason: outcome.status === 'Failed' ? outcome.failureReason : undefined,
      ModelName: request.ModelName,
      MaxConcurrentTransforms: request.MaxConcurrentTransforms,
      ModelClientConfig: request.ModelClientConfig,
      MaxPayloadInMB: request.MaxPayloadInMB ?? DEFAULT_MAX_PAYLOAD_IN_MB,
      BatchStrategy: request.BatchStrategy,
      Environment: request.Environment ?? {},
      TransformInput: { CompressionType: 'None', SplitType: 'None', ...asObject(request.TransformInput) },
      TransformOutput: { AssembleWith: 'None', ...asObject(request.TransformOutput) },
      TransformResources: request.TransformResources,
      CreationTime: created,
      TransformStartTime: started,
      TransformEndTime: ended,
      DataProcessing: { InputFilter: '$', OutputFilter: '$', JoinSource: 'None', ...asObject(request.DataProcessing) },
      ExperimentConfig: request.ExperimentConfig,
    });
  }

  /** The `.out` files of the first `count` inputs (`image-00001.jpg` …), under the job's S3OutputPath. */
  private writePartialOutputs(description: DescribeTransformJobResponse, count: number): void {
    const outputPath = String((description.TransformOutput as { S3OutputPath?: unknown }).S3OutputPath ?? '');
    const base = outputPath.endsWith('/') ? outputPath : `${outputPath}/`;
    for (let i = 1; i <= count; i += 1) this.writtenObjects.push(`${base}image-${String(i).padStart(5, '0')}.jpg.out`);
  }

  private arn(resourceType: string, name: string): string {
    // SageMaker lower-cases the name in a resource ARN.
    return `arn:${this.partition}:sagemaker:${this.region}:${this.account}:${resourceType}/${name.toLowerCase()}`;
  }

  private nextRequestId(): string {
    this.requestCount += 1;
    return this.lastRequestId();
  }

  private lastRequestId(): string {
    return `00000000-0000-4000-8000-${String(this.requestCount).padStart(12, '0')}`;
  }
}

// ---------------------------------------------------------------------------------------------------
// Options and answers
// ---------------------------------------------------------------------------------------------------

export interface SageMakerStandInOptions {
  /** Region in ARNs. @default 'us-east-1' */
  readonly region?: string;
  /** Account in ARNs. @default '123456789012' */
  readonly account?: string;
  /** The fake clock's first reading; every job advances it. @default '2025-01-06T09:00:00.000Z' */
  readonly startTime?: Date | string;
  /** TrainingTimeInSeconds (and billable time) of every training job; at least 100. @default 1800 */
  readonly trainingSeconds?: number;
  /**
   * Managed spot training's saving: a spot job's BillableTimeInSeconds is TrainingTimeInSeconds less this
   * share. @default 70
   */
  readonly spotSavingsPercent?: number;
  /** Transform duration of every transform job. @default 300 */
  readonly transformSeconds?: number;
  /**
   * FinalMetricDataList of a completed training job, metric name → value.
   * @default { 'train:accuracy': 0.9, 'validation:accuracy': 0.85 }
   */
  readonly finalMetrics?: Readonly<Record<string, number>>;
  /**
   * Instance families (`ml.g4dn`) with local NVMe storage, for which CreateTrainingJob rejects a
   * ResourceConfig.VolumeKmsKeyId.
   * @default - core's table (core/instance-types.ts), the same one Prepare run uses
   */
  readonly localStorageInstanceFamilies?: readonly string[];
  /** How calls end. @default - every call succeeds and every job completes */
  readonly outcomes?: SageMakerOutcomes;
  /** The artifact bucket, where an earlier run's model is (DescribeTrainingJob of an earlier job). @default 'artifact-bucket' */
  readonly artifactBucket?: string;
}

export interface SageMakerOutcomes {
  /** How every training job ends. @default { status: 'Completed' } */
  readonly training?: TrainingOutcome;
  /** Whether CreateModel succeeds. @default { status: 'Created' } */
  readonly createModel?: CreateModelOutcome;
  /** How every transform job ends. @default { status: 'Completed' } */
  readonly transform?: TransformOutcome;
  /**
   * How every tuning job ends. @default - Completed when at least one of its training jobs completed
   * (`training` applies to each of them), else Failed
   */
  readonly tuning?: TuningJobOutcome;
  /**
   * What DescribeTrainingJob answers for a job this stand-in did not run (an earlier run's, the base of
   * incremental training). @default - a Completed job of the reference configuration, trained by the
   * image-classification image of the Region, its model under the artifact bucket's `runs/`
   */
  readonly earlierTrainingJob?: EarlierTrainingJobOutcome;
  /**
   * The first N valid calls of an API are throttled ("Rate exceeded", `SageMaker.AmazonSageMakerException`).
   * @default - none
   */
  readonly throttledCalls?: Partial<Record<SageMakerApi, number>>;
  /**
   * After the throttled ones, the next N valid calls of an API fail with `SageMaker.ResourceLimitExceededException`.
   * @default - none
   */
  readonly resourceLimitExceededCalls?: Partial<Record<SageMakerApi, number>>;
  /** How every endpoint creation or update ends. @default { status: 'InService' } after 2 DescribeEndpoint answers */
  readonly endpoint?: EndpointOutcome;
  /**
   * An endpoint that exists before the run, InService with `configName`; without `name`, whatever endpoint the
   * run deploys to. @default - none
   */
  readonly existingEndpoint?: { readonly name?: string; readonly configName: string };
  /**
   * Versions registered before the run, in every group: their approval statuses, version 1 first.
   * @default - none
   */
  readonly registeredVersions?: readonly ('Approved' | 'PendingManualApproval' | 'Rejected')[];
}

export interface EndpointOutcome {
  /** `Failed`: a new endpoint ends Failed; an update rolls back (InService on its previous config, with a FailureReason). */
  readonly status: 'InService' | 'Failed';
  readonly failureReason?: string;
  /** DescribeEndpoint answers in Creating or Updating before the end. @default 2 */
  readonly pollsUntilDone?: number;
}

/** An endpoint as the stand-in keeps it: the DescribeEndpoint answer and what is under way. */
interface SimulatedEndpoint {
  EndpointName: string;
  EndpointArn: string;
  EndpointConfigName: string;
  EndpointStatus: string;
  FailureReason?: string;
  CreationTime: number;
  LastModifiedTime: number;
  /** The config an update is switching to; null when none is under way. */
  pendingConfig: string | null;
  describesLeft: number;
}

export type TrainingOutcome =
  | {
      readonly status: 'Completed';
      /**
       * Leave out what DescribeTrainingJob may leave out: FinalMetricDataList, TrainingTimeInSeconds,
       * BillableTimeInSeconds (the pipeline must still end through a notification).
       */
      readonly withoutOptionalFields?: boolean;
    }
  | { readonly status: 'Failed'; readonly failureReason: string }
  | {
      readonly status: 'Stopped';
      /** `MaxWaitTimeExceeded`: a managed spot training job that did not finish within its wait. @default 'Stopped' */
      readonly secondaryStatus?: 'Stopped' | 'MaxRuntimeExceeded' | 'MaxWaitTimeExceeded';
      readonly failureReason?: string;
    };

/** A training job's status as DescribeTrainingJob answers it: how a job ended, or that it still runs. */
type TrainingJobState = TrainingOutcome | { readonly status: 'InProgress' } | { readonly status: 'Stopping' };

export type TuningJobOutcome =
  | {
      readonly status: 'Completed';
      /**
       * The best training job (the one with the best objective) ended Stopped, as a job early stopping stops
       * after it reported the objective does, and its DescribeTrainingJob answer has no ModelArtifacts, as the
       * stand-in answers for every stopped job. @default false
       */
      readonly bestTrainingJobStopped?: boolean;
    }
  | { readonly status: 'Failed'; readonly failureReason: string }
  | { readonly status: 'Stopped' };

export type EarlierTrainingJobOutcome =
  /** There is no such job: `SageMaker.ResourceNotFoundException`. */
  | { readonly exists: false }
  | {
      readonly exists?: true;
      /**
       * Its status now. An earlier job may still be running (InProgress, Stopping): DescribeTrainingJob answers
       * whatever the status. @default 'Completed'
       */
      readonly status?: 'Completed' | 'InProgress' | 'Stopping' | 'Failed' | 'Stopped';
      /** Failed (and Stopped, when given). @default - Failed: 'AlgorithmError: (simulated earlier failure)' */
      readonly failureReason?: string;
      /** Another algorithm's image makes it not an image-classification job. @default - the algorithm's image in the Region */
      readonly trainingImage?: string;
      /** @default - the reference run's (REFERENCE_HYPERPARAMETERS) */
      readonly hyperparameters?: Readonly<Record<string, string>>;
      /** Completed only (no other status has a model). @default - `s3://<artifact bucket>/runs/<name>/model/<name>/output/model.tar.gz` */
      readonly modelArtifacts?: string;
    };

export type TransformOutcome =
  | { readonly status: 'Completed' }
  | {
      readonly status: 'Failed';
      readonly failureReason: string;
      /**
       * Outputs the job wrote before it failed: SageMaker goes on with the other inputs when one input
       * fails, and their outputs stay ("Job shows as failed",
       * https://docs.aws.amazon.com/sagemaker/latest/dg/batch-transform-errors.html#batch-transform-errors-failed).
       * Recorded in {@link SageMakerStandIn.writtenObjects} as `<output path><image>.out`.
       * @default 0
       */
      readonly outputsWritten?: number;
    }
  /** Stopped (StopTransformJob, or the execution was stopped): no FailureReason. */
  | { readonly status: 'Stopped' };

export type CreateModelOutcome =
  | { readonly status: 'Created' }
  | {
      readonly status: 'Error';
      /** @default 'SageMaker.AmazonSageMakerException' */
      readonly errorName?: string;
      /** The service's error code in the Cause. @default 'ValidationException' */
      readonly errorCode?: string;
      readonly message: string;
    };

export interface SageMakerCall {
  readonly api: SageMakerApi;
  /** The request as received (a JSON copy). */
  readonly request: Record<string, unknown>;
  /** The answer, when the call succeeded. */
  response?: unknown;
  /** What the call threw, when it failed. */
  error?: { readonly name: string; readonly message: string };
}

export interface CallContext {
  /** The Task state making the call, for `States.Runtime` causes. */
  readonly stateName?: string;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type LocalTaskHandler = (input: JsonValue) => Promise<JsonValue>;

export interface SecondaryStatusTransition {
  Status: string;
  StartTime: number;
  /** Absent from the transition a running job is in. */
  EndTime?: number;
  StatusMessage: string;
}

/**
 * The DescribeTrainingJob answer a `createTrainingJob.sync` task returns. Timestamps are epoch
 * milliseconds, as Step Functions serializes SageMaker timestamps (an assumption: observed outputs of the
 * SageMaker integrations and SageMaker's EventBridge events carry numbers such as 1654683838000).
 * Request members the job was created without are absent.
 */
export interface DescribeTrainingJobResponse {
  TrainingJobName: string;
  TrainingJobArn: string;
  /** Completed jobs only: SageMaker leaves it out while a job runs, and when it failed or was stopped. */
  ModelArtifacts?: { S3ModelArtifacts: string };
  TrainingJobStatus: 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';
  SecondaryStatus: string;
  /** Failed jobs (and a Stopped job the outcome gives one). */
  FailureReason?: string;
  HyperParameters: Record<string, string>;
  AlgorithmSpecification: Record<string, unknown>;
  RoleArn: string;
  InputDataConfig?: Record<string, unknown>[];
  OutputDataConfig: Record<string, unknown>;
  ResourceConfig?: Record<string, unknown>;
  VpcConfig?: Record<string, unknown>;
  StoppingCondition: Record<string, unknown>;
  CreationTime: number;
  TrainingStartTime: number;
  /** Absent while the job runs (InProgress, Stopping). */
  TrainingEndTime?: number;
  LastModifiedTime: number;
  SecondaryStatusTransitions: SecondaryStatusTransition[];
  FinalMetricDataList?: { MetricName: string; Value: number; Timestamp: number }[];
  EnableNetworkIsolation: boolean;
  EnableInterContainerTrafficEncryption: boolean;
  EnableManagedSpotTraining: boolean;
  CheckpointConfig?: Record<string, unknown>;
  /** Absent while the job runs, and from a completed job's answer with `withoutOptionalFields`. */
  TrainingTimeInSeconds?: number;
  BillableTimeInSeconds?: number;
  Environment?: Record<string, string>;
  RetryStrategy?: Record<string, unknown>;
  ExperimentConfig?: Record<string, unknown>;
  /** Set on the training jobs a tuning job launched. */
  TuningJobArn?: string;
}

/** One training job in a DescribeHyperParameterTuningJob answer (HyperParameterTrainingJobSummary). */
export interface HyperParameterTrainingJobSummary {
  TrainingJobName: string;
  TrainingJobArn: string;
  TuningJobName: string;
  CreationTime: number;
  TrainingStartTime: number;
  TrainingEndTime: number;
  TrainingJobStatus: string;
  TunedHyperParameters: Record<string, string>;
  FinalHyperParameterTuningJobObjectiveMetric: { Type: string; MetricName: string; Value: number };
  ObjectiveStatus: string;
}

/**
 * The DescribeHyperParameterTuningJob answer a `createHyperParameterTuningJob.sync` task returns (timestamps as
 * above), always of an ended job: BestTrainingJob only when a training job reported the objective, FailureReason
 * only when it Failed (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeHyperParameterTuningJob.html).
 */
export interface DescribeHyperParameterTuningJobResponse {
  HyperParameterTuningJobName: string;
  HyperParameterTuningJobArn: string;
  HyperParameterTuningJobConfig: Record<string, unknown>;
  TrainingJobDefinition?: Record<string, unknown>;
  HyperParameterTuningJobStatus: 'Completed' | 'Failed' | 'Stopped';
  CreationTime: number;
  HyperParameterTuningEndTime: number;
  LastModifiedTime: number;
  TrainingJobStatusCounters: Record<'Completed' | 'InProgress' | 'RetryableError' | 'NonRetryableError' | 'Stopped', number>;
  ObjectiveStatusCounters: Record<'Succeeded' | 'Pending' | 'Failed', number>;
  /** Absent when no training job reported the objective. */
  BestTrainingJob?: HyperParameterTrainingJobSummary;
  FailureReason?: string;
}

export interface CreateModelResponse {
  ModelArn: string;
}

/** The DescribeTransformJob answer a `createTransformJob.sync` task returns (timestamps as above). */
export interface DescribeTransformJobResponse {
  TransformJobName: string;
  TransformJobArn: string;
  TransformJobStatus: 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';
  /** Failed jobs only. */
  FailureReason?: string;
  ModelName: string;
  MaxConcurrentTransforms?: number;
  ModelClientConfig?: Record<string, unknown>;
  MaxPayloadInMB: number;
  BatchStrategy?: string;
  Environment: Record<string, string>;
  TransformInput: Record<string, unknown>;
  TransformOutput: Record<string, unknown>;
  TransformResources: Record<string, unknown>;
  CreationTime: number;
  /**
   * Optional members (DescribeTransformJob, https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeTransformJob.html):
   * the stand-in's jobs all start, and all end before a `.sync` task answers, so it always sends both.
   */
  TransformStartTime?: number;
  TransformEndTime?: number;
  DataProcessing: Record<string, unknown>;
  ExperimentConfig?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------
// Constants and helpers
// ---------------------------------------------------------------------------------------------------

const DEFAULT_FINAL_METRICS: Readonly<Record<string, number>> = { 'train:accuracy': 0.9, 'validation:accuracy': 0.85 };
/** The fake timeline: provisioning before a job starts, then download, …, upload at the end. */
const STARTING_SECONDS = 120;
const DOWNLOADING_SECONDS = 60;
const UPLOADING_SECONDS = 30;
const LAST_MODIFIED_DELAY_SECONDS = 5;
const MIN_TRAINING_SECONDS = 100;

function serviceError(name: string, errorCode: string, message: string, requestId: string): StepFunctionsTaskError {
  return new StepFunctionsTaskError(name, serviceErrorCause(message, errorCode, requestId));
}

function resourceLimitMessage(api: SageMakerApi, request: Record<string, unknown>): string {
  const quota =
    api === 'CreateTrainingJob'
      ? `${renderValue(member(request, 'ResourceConfig', 'InstanceType') ?? 'ml.m4.xlarge')} for training job usage`
      : api === 'CreateTransformJob'
        ? `${renderValue(member(request, 'TransformResources', 'InstanceType'))} for transform job usage`
        : 'Maximum number of models';
  return (
    `The account-level service limit '${quota}' is 1 Instances, with current utilization of 1 Instances and a request delta of 1 Instances. ` +
    'Please use AWS Service Quotas to request an increase for this quota. If AWS Service Quotas is not available, contact AWS support to request an increase for this quota.'
  );
}

function member(request: Record<string, unknown>, structureName: string, memberName: string): unknown {
  const structure = request[structureName];
  return isPlainObject(structure) ? structure[memberName] : undefined;
}

function asObject(value: unknown): Record<string, unknown> {
  return isPlainObject(value) ? value : {};
}

function withTrailingSlash(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

/** A channel as DescribeTrainingJob shows it: SageMaker fills in the documented defaults. */
function withChannelDefaults(channel: unknown): Record<string, unknown> {
  const given = asObject(channel);
  const dataSource = asObject(given.DataSource);
  const s3 = dataSource.S3DataSource;
  return {
    CompressionType: 'None',
    RecordWrapperType: 'None',
    ...given,
    DataSource: isPlainObject(s3) ? { ...dataSource, S3DataSource: { S3DataDistributionType: 'FullyReplicated', ...s3 } } : dataSource,
  };
}

/** A JSON copy: what survives being passed between states (no undefined members, no shared objects). */
function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null));
}

function jsonCopy<T>(value: unknown): T {
  return (value === undefined ? null : JSON.parse(JSON.stringify(value))) as T;
}

function toJson(value: unknown): JsonValue {
  return jsonCopy<JsonValue>(value);
}

function snapshot(value: unknown): Record<string, unknown> {
  const copy = toJson(value);
  return isPlainObject(copy) ? copy : { value: copy };
}

// ---------------------------------------------------------------------------------------------------
// Tuning jobs
// ---------------------------------------------------------------------------------------------------

/** One range of a tuning job's ParameterRanges, as the stand-in reads it. */
interface TunedRange {
  readonly name: string;
  readonly kind: 'integer' | 'continuous' | 'categorical';
  readonly min?: number;
  readonly max?: number;
  readonly scaling?: string;
  readonly values?: readonly string[];
}

function tuningRanges(parameterRanges: unknown): TunedRange[] {
  const ranges = asObject(parameterRanges);
  const list = (key: string) => (Array.isArray(ranges[key]) ? (ranges[key] as unknown[]).map(asObject) : []);
  return [
    ...list('IntegerParameterRanges').map((r) => ({ name: String(r.Name), kind: 'integer' as const, min: Number(r.MinValue), max: Number(r.MaxValue), scaling: String(r.ScalingType ?? 'Auto') })),
    ...list('ContinuousParameterRanges').map((r) => ({ name: String(r.Name), kind: 'continuous' as const, min: Number(r.MinValue), max: Number(r.MaxValue), scaling: String(r.ScalingType ?? 'Auto') })),
    ...list('CategoricalParameterRanges').map((r) => ({ name: String(r.Name), kind: 'categorical' as const, values: Array.isArray(r.Values) ? r.Values.map(String) : [] })),
  ];
}

/** Job `index` of `count`: each numeric range sampled at index/(count+1) (on a log scale when Logarithmic), each list in turn. */
function spreadValues(ranges: readonly TunedRange[], index: number, count: number): Record<string, string> {
  const at = index / (count + 1);
  const values: Record<string, string> = {};
  for (const range of ranges) {
    if (range.kind === 'categorical') {
      values[range.name] = range.values?.[(index - 1) % Math.max(1, range.values.length)] ?? '';
      continue;
    }
    const min = range.min ?? 0;
    const max = range.max ?? 0;
    const value = range.scaling === 'Logarithmic' && min > 0 ? Math.exp(Math.log(min) + (Math.log(max) - Math.log(min)) * at) : min + (max - min) * at;
    values[range.name] = range.kind === 'integer' ? String(Math.round(value)) : String(Number(value.toPrecision(6)));
  }
  return values;
}

/** Every combination of the categorical values, in order (grid search). */
function gridCombinations(ranges: readonly TunedRange[]): Record<string, string>[] {
  let combinations: Record<string, string>[] = [{}];
  for (const range of ranges) {
    combinations = combinations.flatMap((combination) => (range.values ?? []).map((value) => ({ ...combination, [range.name]: value })));
  }
  return combinations;
}

/**
 * The documented rules of a tuning job that the API model lacks (sagemaker-api-limits.json, documentedLimits):
 * Grid takes categorical ranges only, Hyperband needs early stopping Off, logarithmic scaling needs values
 * above 0, reverse logarithmic a continuous range within 0 <= x < 1, a hyperparameter is static or tuned, not
 * both, and there are at most 100 in all, counting `_tuning_objective_metric`.
 */
function tuningViolations(request: Record<string, unknown>): string[] {
  const violations: string[] = [];
  const config = asObject(request.HyperParameterTuningJobConfig);
  const ranges = tuningRanges(config.ParameterRanges);
  const numeric = ranges.filter((range) => range.kind !== 'categorical');
  if (config.Strategy === 'Grid' && numeric.length > 0) {
    violations.push(`The Grid strategy supports only categorical parameter ranges; found integer or continuous ranges for ${numeric.map((r) => r.name).join(', ')}`);
  }
  if (config.Strategy === 'Hyperband' && config.TrainingJobEarlyStoppingType !== undefined && config.TrainingJobEarlyStoppingType !== 'Off') {
    violations.push(`TrainingJobEarlyStoppingType must be Off with the Hyperband strategy, not ${renderValue(config.TrainingJobEarlyStoppingType)}`);
  }
  for (const range of numeric) {
    const min = range.min ?? Number.NaN;
    const max = range.max ?? Number.NaN;
    if (!(min < max)) violations.push(`The MinValue ${min} of ${range.name} must be less than its MaxValue ${max}`);
    if (range.scaling === 'Logarithmic' && !(min > 0)) violations.push(`Logarithmic scaling of ${range.name} requires a range above 0`);
    if (range.scaling === 'ReverseLogarithmic' && (range.kind === 'integer' || !(min >= 0 && max < 1))) {
      violations.push(`ReverseLogarithmic scaling of ${range.name} requires a continuous range within 0 <= x < 1.0`);
    }
  }
  const resourceLimits = asObject(config.ResourceLimits);
  if (
    typeof resourceLimits.MaxNumberOfTrainingJobs === 'number' &&
    typeof resourceLimits.MaxParallelTrainingJobs === 'number' &&
    resourceLimits.MaxParallelTrainingJobs > resourceLimits.MaxNumberOfTrainingJobs
  ) {
    violations.push('MaxParallelTrainingJobs must not exceed MaxNumberOfTrainingJobs');
  }
  const definition = asObject(request.TrainingJobDefinition);
  const staticNames = Object.keys(asObject(definition.StaticHyperParameters));
  const both = ranges.map((range) => range.name).filter((name) => staticNames.includes(name));
  if (both.length > 0) violations.push(`Hyperparameters ${both.join(', ')} are both static and tunable`);
  const total = staticNames.length + ranges.length + 1;
  if (total > 100) violations.push(`${total} hyperparameters, static, tunable and _tuning_objective_metric, exceed the maximum of 100`);
  return violations;
}
