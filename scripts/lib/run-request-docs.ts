/**
 * The run request's JSON Schema (run-request.schema.json) and reference (docs/run-request.md), generated
 * from the one schema in core/request.ts: each field's type, limits and "allowed" wording come from its
 * spec, its description from its `doc`, and the defaults from the reference tables the Prepare run code
 * applies (REFERENCE_TRAINING, REFERENCE_TRANSFORM, DEFAULT_TUNING, the default mode). `npm run docs` writes
 * both files; test/scripts/run-request-docs.test.ts fails when a committed file is stale.
 */
import { allowedValues, HYPERPARAMETERS, REFERENCE_HYPERPARAMETERS } from '../../core/hyperparameters';
import { REFERENCE_TRAINING, REFERENCE_TRANSFORM } from '../../core/prepare-run';
import { runRequestSchema } from '../../core/request';
import type { JsonSchema, Spec } from '../../core/schema';
import { DEFAULT_TUNING, TUNABLE_HYPERPARAMETERS } from '../../core/tuning';
import { DEFAULT_RUN_MODE } from '../../core/vocabularies';

/** Where the generated files go, relative to the repository root. */
export const JSON_SCHEMA_FILE = 'run-request.schema.json';
export const REFERENCE_FILE = 'docs/run-request.md';

/** JSON Schema draft-07: the newest draft that every common editor (VS Code, JetBrains) fully supports. */
const DRAFT = 'http://json-schema.org/draft-07/schema#';

/** The JSON default of each field that has one value as its default, by path (`training.instanceType`). */
export function jsonDefaults(): Map<string, unknown> {
  const defaults = new Map<string, unknown>([['mode', DEFAULT_RUN_MODE]]);
  for (const [name, value] of Object.entries(REFERENCE_TRAINING)) defaults.set(`training.${name}`, value);
  for (const [name, value] of Object.entries(REFERENCE_TRANSFORM)) defaults.set(`transform.${name}`, value);
  for (const name of ['strategy', 'maxJobs', 'maxParallelJobs', 'earlyStopping'] as const) defaults.set(`tuning.${name}`, DEFAULT_TUNING[name]);
  return defaults;
}

/** `schema` with the `default` of every field in `defaults` added, walking `properties` of nested objects. */
function withDefaults(schema: JsonSchema, defaults: ReadonlyMap<string, unknown>, path: readonly string[] = []): JsonSchema {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  const result: Record<string, unknown> = { ...schema };
  if (path.length > 0 && defaults.has(path.join('.'))) result.default = defaults.get(path.join('.'));
  if (properties !== undefined && schema.additionalProperties === false) {
    result.properties = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, withDefaults(property, defaults, [...path, name])]));
  }
  return result;
}

/** The JSON Schema document of a run request. */
export function runRequestJsonSchema(): JsonSchema {
  return {
    $schema: DRAFT,
    title: 'ic-pipeline run request',
    description:
      'The input of an execution of the image-classification pipeline: every field is optional, and {} runs the ' +
      'Caltech-256 reference configuration. Checked in full, with the rules between fields, by `ic-pipeline validate`.',
    ...withDefaults(runRequestSchema.jsonSchema, jsonDefaults()),
  };
}

/** The file's text: two-space JSON and a final newline. */
export function runRequestJsonSchemaText(): string {
  return `${JSON.stringify(runRequestJsonSchema(), null, 2)}\n`;
}

/**
 * A table cell: no line breaks, a `|` that does not end the cell, and outside `code` spans `<` and `>` as
 * entities, so that `s3://<bucket>/` is not read as an HTML tag.
 */
const cell = (text: string) =>
  text
    .split('`')
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('`')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');

/** The spec's own fields when it is a section. */
const fieldsOf = (spec: Spec<unknown, boolean>) => (spec as { fields?: Record<string, Spec<unknown, boolean>> }).fields;

/** One row per field, nested sections after their parent (`training`, then `training.instanceType`, …). */
function fieldRows(fields: Record<string, Spec<unknown, boolean>>, defaults: ReadonlyMap<string, unknown>, prefix = ''): string[] {
  const rows: string[] = [];
  for (const [name, spec] of Object.entries(fields)) {
    const path = `${prefix}${name}`;
    const json = defaults.has(path) ? `\`${JSON.stringify(defaults.get(path))}\`` : undefined;
    const omitted = [json, spec.doc?.whenOmitted].filter((part) => part !== undefined).join('; ') || '-';
    const required = spec.optional ? '' : ' (required)';
    rows.push(`| \`${path}\`${required} | ${cell(spec.allowed)} | ${cell(omitted)} | ${cell(spec.doc?.description ?? '')} |`);
    const nested = fieldsOf(spec);
    // The reserved source is one row: its fields are the trigger's business, not the user's.
    if (nested !== undefined && name !== 'source') rows.push(...fieldRows(nested, defaults, `${path}.`));
  }
  return rows;
}

function hyperparameterRows(): string[] {
  const tunable = new Map(TUNABLE_HYPERPARAMETERS.map((spec) => [spec.name, spec]));
  return HYPERPARAMETERS.map((spec) => {
    const range = tunable.get(spec.name);
    const tuning =
      range === undefined ? '-' : range.kind === 'categorical' ? range.values.join(', ') : `${range.min} to ${range.max} (${range.kind})`;
    return (
      `| \`${spec.name}\` | ${cell(allowedValues(spec))} | ${REFERENCE_HYPERPARAMETERS[spec.name] ?? '-'} | ` +
      `${spec.algorithmDefault ?? '-'} | ${spec.optimizers?.join(', ') ?? 'all'} | ${cell(tuning)} |`
    );
  });
}

/** docs/run-request.md: hand-written framing around tables generated from the schema and the reference tables. */
export function runRequestMarkdown(): string {
  return `<!-- Generated by \`npm run docs\` from core/request.ts (the run request schema and its field docs), core/hyperparameters.ts and core/tuning.ts. Do not edit: change those and run \`npm run docs\`. -->

# Run request reference

A run request is one JSON object; every field is optional, and \`{}\` runs the Caltech-256 reference
configuration. The same shape is used when starting a run from the Step Functions console, by uploading a
request file to the data bucket (\`requests/*.json\`) and from the command line (\`ic-pipeline start
--request file.json\`). Unknown fields are errors (only \`Comment\` and \`$schema\` are accepted and ignored), and so are
fields the chosen mode does not use: a request is rejected before any SageMaker call, each problem naming
the field, the bad value and what is allowed. \`ic-pipeline validate file.json\` checks a request offline
with the same code. Back to the [README](../README.md).

Editors check and complete request files with the JSON Schema \`${JSON_SCHEMA_FILE}\`, shipped at the root of
the package. The files \`ic-pipeline prepare-data\` writes name it in their \`"$schema"\` field; in a file of
your own, add

\`\`\`json
{ "$schema": "./node_modules/ic-pipeline/${JSON_SCHEMA_FILE}" }
\`\`\`

with the path from the file to the schema. The schema checks each field's type and limits; the rules
between fields (below) and the S3 buckets are checked by \`ic-pipeline validate\` and by the pipeline.

## Fields

| Field | Allowed | When left out | Description |
|---|---|---|---|
${fieldRows(runRequestSchema.fields, jsonDefaults()).join('\n')}

## Hyperparameters

\`hyperparameters\` is merged over the reference values of the Caltech-256 run; every other hyperparameter of
the algorithm can be set, and every value reaches SageMaker as a string. Numbers, booleans and strings are
accepted (\`"0.1"\` as well as \`0.1\`). The hyperparameters with a range can be tuned (\`tuning.ranges\`).

| Name | Allowed | Reference run | Algorithm default | Read by optimizers | Tuning range |
|---|---|---|---|---|---|
${hyperparameterRows().join('\n')}

Rules between fields: \`checkpoint_frequency\` at most \`epochs\`; \`lr_scheduler_step\` lists epochs below
\`epochs\`; \`use_pretrained_model=1\` needs \`num_layers\` of 18, 34, 50, 101, 152 or 200 and \`image_shape\`
\`3,224,224\`; \`resize\` is required for image-file training (\`training.contentType\`
\`application/x-image\`) and must be larger than the height and width in \`image_shape\`;
\`use_weighted_loss\` needs \`multi_label=1\`; \`kv_store\` needs more than one training instance; an
optimizer-specific hyperparameter (set or tuned) needs an optimizer that reads it; a hyperparameter is
either fixed in \`hyperparameters\` or tuned in \`tuning.ranges\`, not both.
`;
}
