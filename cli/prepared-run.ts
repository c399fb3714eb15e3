import { trainingInstanceWarning } from '../core/instance-types';
import { describeRanges } from '../core/tuning';
import type { PreparedRun } from '../core/prepare-run';

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
        `  spot     managed spot training: the job may take ${t.stoppingCondition.MaxWaitTimeInSeconds} s in all, waiting for capacity included; ` +
          (t.checkpointUri ? `checkpoints in ${t.checkpointUri}` : 'no checkpoints with tuning (an interrupted job starts again)'),
      );
    }
    if (t.tuning) {
      const u = t.tuning;
      lines.push(
        `  tuning   tuning job ${run.names.tuningJob}: ${u.strategy}, ${u.maxJobs} training jobs, ${u.maxParallelJobs} at a time, early stopping ${u.earlyStopping}; ` +
          'maximizes validation:accuracy; the model is created from the best job',
        `    ranges ${describeRanges(u.ranges)}`,
      );
    }
    if (run.baseTrainingJob && t.incremental) {
      const requested = Object.entries(t.incremental.requestedHyperparameters).filter(([, value]) => value !== null);
      const inherited = Object.entries(t.incremental.requestedHyperparameters).filter(([, value]) => value === null).map(([name]) => name);
      lines.push(
        `  base     continues from training job ${run.baseTrainingJob} (its model as the "model" channel)` +
          (inherited.length > 0 ? `; takes its ${inherited.join(', ')}` : '') +
          (requested.length > 0 ? `; checks ${requested.map(([name, value]) => `${name}=${value}`).join(' ')} against it` : ''),
      );
    }
    if (run.minValidationAccuracyText !== null) {
      lines.push(`  gate     validation:accuracy must reach ${run.minValidationAccuracyText}, or the run stops before the model is created`);
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
