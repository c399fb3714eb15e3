import { trainingInstanceWarning } from '../core/instance-types';
import type { PreparedRun } from '../lambda/prepare-run/index';

/** Warnings about a prepared run: a training instance of a family AWS is retiring. */
export function runWarnings(run: PreparedRun): string[] {
  const warning = run.training ? trainingInstanceWarning(run.training.resourceConfig.InstanceType) : undefined;
  return warning === undefined ? [] : [warning];
}

/** A readable summary of a validated run: what it would train, where it reads and writes. */
export function describePreparedRun(run: PreparedRun): string[] {
  const lines = [`mode ${run.mode}${run.runName ? `, run name ${run.runName}` : ''}`, `run id ${run.runId} (job and model name; derived from the execution name)`];
  if (run.training) {
    const t = run.training;
    const r = t.resourceConfig;
    lines.push(
      `training   ${r.InstanceCount} x ${r.InstanceType}, ${r.VolumeSizeInGB} GB volume, at most ${t.stoppingCondition.MaxRuntimeInSeconds} s, input mode ${t.inputMode}`,
      `  data     ${t.inputDataConfig.map((c) => `${c.ChannelName}=${c.DataSource.S3DataSource.S3Uri}`).join('  ')}`,
      `  hyperparameters ${Object.entries(t.hyperparameters).map(([k, v]) => `${k}=${v}`).join(' ')}`,
      `  model to ${t.outputPath}`,
    );
    if (t.spot) {
      lines.push(
        `  spot     managed spot training: the job may take ${t.stoppingCondition.MaxWaitTimeInSeconds} s in all, waiting for capacity included; checkpoints in ${t.checkpointUri}`,
      );
    }
  }
  if (run.transform) {
    const x = run.transform;
    lines.push(
      `transform  ${x.transformResources.InstanceCount} x ${x.transformResources.InstanceType}, ${x.batchStrategy}, ${x.maxConcurrentTransforms} concurrent x ${x.maxPayloadInMB} MB, ${x.contentType}`,
      `  model    ${x.modelName}`,
      `  images   ${x.batchInput}`,
      `  predictions to ${x.outputPath}`,
    );
  }
  return lines;
}
