import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ACCURACY_BELOW_GATE_ERROR, STATE_NAMES, VALIDATION_ACCURACY_METRIC } from '../../core/state-names';
import { at, passState, withDefaults } from './asl';
import type { FailurePath } from './failure-path';

export interface AccuracyGateProps {
  readonly failurePath: FailurePath;
  /** Where a model that passes goes: `Create model`. */
  readonly next: sfn.IChainable;
}

const METRICS = '$.trainingJob.FinalMetricDataList';

/**
 * The accuracy gate (`minValidationAccuracy`), after training or tuning and before `Create model`:
 *
 *   Look for validation accuracy → Metrics left? ── none ──→ Accuracy gate? ── gate ──→ Validation accuracy missing ─┐
 *                                     │                       └─ no gate → No validation accuracy → next        │
 *          ↑                              └─ Read next metric → Is it validation accuracy?     │
 *          └── Skip metric ←──── no ─────────────────────────────┘     └─ yes                  │
 *                                  Validation accuracy below gate? ── below ─→ Accuracy below gate ─┤
 *                                     └─ no gate, at or above → next (the metric stays at $.gate.metric)                                       ↓
 *                                                                          Notify failure → Run failed
 *
 * The metric is read by its exact name, item by item (`States.ArrayGetItem` with an index below
 * `States.ArrayLength`), never by its position in FinalMetricDataList. A JSONPath filter
 * (`[?(@.MetricName == …)]`) would be shorter, but Step Functions answers it with a list while the local
 * runner (aws-local-stepfunctions, jsonpath-plus with `wrap: false`) answers one match with the bare value
 * and no match with a `States.Runtime` error: the two would not run the same definition the same way.
 * Every item gets defaults first (MetricName and Value are optional in MetricData), so no step can fail with
 * `States.Runtime`. Both failures are `AccuracyBelowGate`, and their record carries the model artifact.
 */
export class AccuracyGate extends Construct {
  readonly start: sfn.IChainable;

  constructor(scope: Construct, id: string, props: AccuracyGateProps) {
    super(scope, id);
    const gateFailure = (stateName: string, cause: string) =>
      props.failurePath.fail(stateName, {
        state: STATE_NAMES.checkAccuracy,
        runId: at('$.run.runId'),
        error: ACCURACY_BELOW_GATE_ERROR,
        // States.Format: no braces or single quotes in the literal text. Numbers print as JSON (0.41).
        cause: at(cause),
        modelArtifacts: at('$.trainingJob.ModelArtifacts'),
      });
    const below = gateFailure(
      STATE_NAMES.accuracyBelowGate,
      "States.Format('validation accuracy {} is below the gate {} (minValidationAccuracy): no model was created and " +
        "nothing was classified. The trained model is {} (training job {}).', " +
        '$.gate.metric.Value, $.run.minValidationAccuracyText, $.trainingJob.ModelArtifacts, $.trainingJob.TrainingJobName)',
    );
    const missing = gateFailure(
      STATE_NAMES.accuracyMissing,
      `States.Format('validation accuracy is missing: training job {} reported no ${VALIDATION_ACCURACY_METRIC} metric, so ` +
        "the gate {} (minValidationAccuracy) cannot be checked: no model was created and nothing was classified. " +
        "The trained model is {}.', $.trainingJob.TrainingJobName, $.run.minValidationAccuracyText, $.trainingJob.ModelArtifacts)",
    );

    // Without a gate the metric is still looked for: the model registry records it (Register model).
    const noAccuracy = passState(this, STATE_NAMES.noValidationAccuracy, { metric: { MetricName: '', Value: null } }, '$.gate');
    noAccuracy.next(props.next);
    const missingOrNone = new sfn.Choice(this, STATE_NAMES.accuracyGate)
      .when(sfn.Condition.isNull('$.run.minValidationAccuracy'), noAccuracy)
      .otherwise(missing);
    const check = new sfn.Choice(this, STATE_NAMES.checkAccuracy)
      .when(sfn.Condition.isNull('$.run.minValidationAccuracy'), props.next)
      .when(sfn.Condition.not(sfn.Condition.isNumeric('$.gate.metric.Value')), missingOrNone)
      .when(sfn.Condition.numberLessThanJsonPath('$.gate.metric.Value', '$.run.minValidationAccuracy'), below)
      .otherwise(props.next);

    const metricsLeft = new sfn.Choice(this, STATE_NAMES.metricsLeft);
    const skip = passState(
      this,
      STATE_NAMES.skipMetric,
      { 'index.$': 'States.MathAdd($.gate.index, 1)', 'count.$': '$.gate.count' },
      '$.gate',
    );
    skip.next(metricsLeft);
    const isAccuracy = new sfn.Choice(this, STATE_NAMES.isValidationAccuracy)
      .when(sfn.Condition.stringEquals('$.gate.metric.MetricName', VALIDATION_ACCURACY_METRIC), check)
      .otherwise(skip);
    const readMetric = passState(
      this,
      STATE_NAMES.readMetric,
      {
        'index.$': '$.gate.index',
        'count.$': '$.gate.count',
        'metric.$': withDefaults(`States.ArrayGetItem(${METRICS}, $.gate.index)`, { MetricName: '', Value: null }),
      },
      '$.gate',
    );
    readMetric.next(isAccuracy);
    metricsLeft.when(sfn.Condition.numberLessThanJsonPath('$.gate.index', '$.gate.count'), readMetric).otherwise(missingOrNone);

    const look = passState(this, STATE_NAMES.startMetricSearch, { index: 0, 'count.$': `States.ArrayLength(${METRICS})` }, '$.gate');
    look.next(metricsLeft);

    this.start = look;
  }
}
