/**
 * The HTML of a run report: `index.html` (the run, charts drawn as inline SVG here), `data.js` (the
 * gallery's data, a script so that the report works from disk) and the gallery script and style from
 * ./assets. Every text that comes from AWS (names, keys, the request) is escaped: it is data, not HTML.
 */
import type { EvaluationDocument } from '../evaluation/metrics';
import { formatDuration, formatTime } from '../format';
import type { EpochResult } from '../training-log';

export interface ReportModel {
  readonly generatedAt: Date;
  readonly run: {
    readonly runId: string;
    readonly executionName: string;
    readonly executionArn: string;
    readonly consoleUrl: string;
    readonly status: string;
    readonly mode: string;
    readonly startDate?: Date;
    readonly stopDate?: Date;
  };
  /** The execution input (the run request), shown as JSON. */
  readonly request: unknown;
  readonly hyperparameters: Readonly<Record<string, string>>;
  readonly metrics: readonly { readonly name: string; readonly value: number }[];
  readonly training?: { readonly jobName: string; readonly instance?: string; readonly trainingSeconds?: number; readonly billableSeconds?: number; readonly spot?: boolean };
  readonly transform?: { readonly jobName: string; readonly instance?: string; readonly seconds?: number; readonly input?: string };
  /** What the run cost, when the prices are known; else why not. */
  readonly cost: { readonly text: string; readonly known: boolean };
  readonly epochs: readonly EpochResult[];
  /** Why there are no epochs, when there are none. */
  readonly epochsNote?: string;
  readonly trainingLogUrl?: string;
  readonly classNames: { readonly source: string; readonly fromDataset: boolean };
  readonly counts: readonly { readonly classIndex: number; readonly className: string; readonly count: number }[];
  readonly images: number;
  readonly withThumbnail: number;
  readonly lowConfidence: number;
  readonly lowConfidenceBelow: number;
  readonly medianConfidence?: number;
  readonly predictions: string;
  readonly warnings: readonly string[];
  /** The evaluation on the labelled inputs (as `evaluate --json` computes it), when any input is labelled. */
  readonly evaluation?: EvaluationDocument;
}

/** The one sentence on why these figures, not the training job's validation accuracy, are the ones to trust. */
export const TRUST_SENTENCE =
  'The algorithm crops images in training and resizes them at inference, so accuracy on the test images (these figures) is the number to trust, not the validation accuracy the training job reported.';

const pctOrDash = (value: number | null) => (value === null ? '-' : `${(value * 100).toFixed(1)}%`);

/**
 * The evaluation section: headline figures, the per-class table (sorted by the gallery script when a
 * heading is clicked; worst recall first to begin with), the confusion heat map (drawn by the script on a
 * canvas, with hover) and the inputs without output.
 */
export function evaluationHtml(d: EvaluationDocument): string {
  const figure = (metric: string, label: string, value: string, detail: string) =>
    `<div class="figure" data-metric="${metric}"><b>${escapeHtml(value)}</b><span>${escapeHtml(label)}</span><small>${escapeHtml(detail)}</small></div>`;
  const figures = [
    figure('accuracy', 'accuracy', pctOrDash(d.accuracy), `${d.correct.toLocaleString('en-US')} of ${d.labeled.toLocaleString('en-US')} labelled`),
    figure('top-k', `top-${d.topK.k} accuracy`, pctOrDash(d.topK.accuracy), `${d.topK.correct.toLocaleString('en-US')} of ${d.labeled.toLocaleString('en-US')}`),
    figure('macro-precision', 'macro precision', pctOrDash(d.macro.precision), 'mean over predicted classes'),
    figure('macro-recall', 'macro recall', pctOrDash(d.macro.recall), 'mean over classes with support'),
    figure('macro-f1', 'macro F1', pctOrDash(d.macro.f1), 'mean over classes with both'),
  ].join('');
  const counts =
    `${d.images.toLocaleString('en-US')} inputs: ${d.labeled.toLocaleString('en-US')} labelled with an output, ${d.unlabeled.toLocaleString('en-US')} unlabelled` +
    `, ${d.missingOutputs.length.toLocaleString('en-US')} without output.`;
  const worstFirst = [...d.perClass].sort(
    (a, b) => (a.recall === null ? 2 : a.recall) - (b.recall === null ? 2 : b.recall) || b.support - a.support || a.classIndex - b.classIndex,
  );
  const num = (value: number | null) => (value === null ? '' : String(value));
  const rows = worstFirst
    .map(
      (c) =>
        `<tr data-class-index="${c.classIndex}"><td data-value="${escapeHtml(c.class)}">${escapeHtml(c.class)}</td>` +
        `<td data-value="${c.support}">${c.support}</td><td data-value="${c.predicted}">${c.predicted}</td>` +
        `<td data-value="${num(c.precision)}">${pctOrDash(c.precision)}</td><td data-value="${num(c.recall)}">${pctOrDash(c.recall)}</td>` +
        `<td data-value="${num(c.f1)}">${pctOrDash(c.f1)}</td></tr>`,
    )
    .join('');
  const heading = (key: string, label: string, type: 'text' | 'number') => `<th><button type="button" data-sort="${key}" data-type="${type}">${label}</button></th>`;
  const table =
    `<div class="scroll"><table id="per-class" class="data"><thead><tr>${heading('0', 'class', 'text')}${heading('1', 'support', 'number')}` +
    `${heading('2', 'predicted', 'number')}${heading('3', 'precision', 'number')}${heading('4', 'recall', 'number')}${heading('5', 'F1', 'number')}</tr></thead>` +
    `<tbody>${rows}</tbody></table></div>`;
  const confused = d.mostConfused.length
    ? `<ol id="most-confused">${d.mostConfused.slice(0, 10).map((p) => `<li><b>${p.count}</b> ${escapeHtml(p.actual)} → ${escapeHtml(p.predicted)}</li>`).join('')}</ol>`
    : '<p class="note">No labelled input was predicted as another class.</p>';
  const missing = d.missingOutputs.length
    ? `<details id="missing-outputs"><summary>${d.missingOutputs.length.toLocaleString('en-US')} input${d.missingOutputs.length === 1 ? '' : 's'} with no output</summary><ul>${d.missingOutputs
        .slice(0, 1000)
        .map((key) => `<li><code>${escapeHtml(key)}</code></li>`)
        .join('')}</ul>${d.missingOutputs.length > 1000 ? '<p class="note">… the rest with <code>ic-pipeline evaluate --json</code>.</p>' : ''}</details>`
    : '';
  return (
    `<section id="evaluation"><h2>How good the model is (labelled inputs)</h2>` +
    `<div class="figures">${figures}</div>` +
    `<p class="note" id="evaluation-counts">${escapeHtml(counts)} A label is the folder that holds an image, matched to a class name.</p>` +
    `<p id="trust">${escapeHtml(TRUST_SENTENCE)}</p>` +
    `${missing}` +
    `<div class="grid2"><div><h3>Per class</h3><p class="note">Worst recall first; click a heading to sort.</p>${table}</div>` +
    `<div><h3>Confusion matrix</h3><p class="note">Rows: actual class; columns: predicted class; darker: a larger share of the row. Hover a cell for its count.</p>` +
    `<label class="note"><input type="checkbox" id="errors-only"> only classes with errors</label>` +
    `<div id="confusion-wrap"><canvas id="confusion" aria-label="Confusion matrix"></canvas><div id="confusion-tip" role="status"></div></div>` +
    `<h3>Most confused (actual → predicted)</h3>${confused}</div></div></section>`
  );
}

/** A marker in every report's index.html: a folder with it may be written over by a new report. */
export const REPORT_MARKER = '<meta name="generator" content="ic-pipeline report">';

/** Classes drawn in the chart; the rest are counted in one line below it. */
export const CHART_CLASSES = 25;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

function kvTable(rows: readonly (readonly [string, string | undefined])[]): string {
  const cells = rows.filter(([, value]) => value !== undefined && value !== '').map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${value}</td></tr>`);
  return `<table class="kv">${cells.join('')}</table>`;
}

/** Horizontal bars: images per predicted class, most first; a bar filters the gallery by its class. */
export function classChartSvg(counts: ReportModel['counts'], total: number): string {
  const shown = counts.slice(0, CHART_CLASSES);
  const max = Math.max(1, ...shown.map((c) => c.count));
  const row = 18;
  const label = 170;
  const width = 600;
  const barRoom = width - label - 70;
  const height = shown.length * row + 4;
  const bars = shown.map((c, i) => {
    const y = i * row + 2;
    const w = Math.max(1, Math.round((c.count / max) * barRoom));
    const name = c.className.length > 26 ? `${c.className.slice(0, 25)}…` : c.className;
    return (
      `<g><title>${escapeHtml(c.className)}: ${c.count} image${c.count === 1 ? '' : 's'}</title>` +
      `<text x="${label - 6}" y="${y + 12}" text-anchor="end">${escapeHtml(name)}</text>` +
      `<rect class="bar" data-filter-class="${c.classIndex}" x="${label}" y="${y + 2}" width="${w}" height="${row - 5}" rx="2"></rect>` +
      `<text x="${label + w + 6}" y="${y + 12}">${c.count} (${percent(c.count / Math.max(1, total))})</text></g>`
    );
  });
  return `<svg role="img" aria-label="Images per predicted class" width="100%" viewBox="0 0 ${width} ${height}" preserveAspectRatio="xMinYMin meet">${bars.join('')}</svg>`;
}

/** Train and validation accuracy per epoch, 0 to 1. */
export function epochChartSvg(epochs: readonly EpochResult[]): string {
  const width = 600;
  const height = 230;
  const left = 40;
  const right = 16;
  const top = 10;
  const bottom = 30;
  const n = Math.max(1, epochs.length - 1);
  const x = (i: number) => left + (epochs.length === 1 ? (width - left - right) / 2 : (i / n) * (width - left - right));
  const y = (v: number) => top + (1 - Math.max(0, Math.min(1, v))) * (height - top - bottom);
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((v) => `<line class="axis" x1="${left}" x2="${width - right}" y1="${y(v)}" y2="${y(v)}"></line><text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(2)}</text>`)
    .join('');
  const step = Math.ceil(epochs.length / 12);
  const labels = epochs
    .map((e, i) => (i % step === 0 || i === epochs.length - 1 ? `<text x="${x(i)}" y="${height - 10}" text-anchor="middle">${e.epoch}</text>` : ''))
    .join('');
  const line = (field: 'trainAccuracy' | 'validationAccuracy', cls: string) => {
    const points = epochs.map((e, i) => (e[field] === undefined ? undefined : `${x(i).toFixed(1)},${y(e[field] as number).toFixed(1)}`)).filter(Boolean);
    const dots = epochs
      .map((e, i) => (e[field] === undefined ? '' : `<circle cx="${x(i).toFixed(1)}" cy="${y(e[field] as number).toFixed(1)}" r="3" class="${cls}"><title>Epoch[${e.epoch}] ${field === 'trainAccuracy' ? 'train' : 'validation'} accuracy ${(e[field] as number).toFixed(4)}</title></circle>`))
      .join('');
    return points.length ? `<polyline class="${cls}" points="${points.join(' ')}"></polyline>${dots}` : '';
  };
  return (
    `<svg role="img" aria-label="Accuracy per epoch" width="100%" viewBox="0 0 ${width} ${height}" preserveAspectRatio="xMinYMin meet">` +
    `${grid}${labels}${line('trainAccuracy', 'trn')}${line('validationAccuracy', 'val')}</svg>`
  );
}

export function renderIndexHtml(model: ReportModel): string {
  const { run } = model;
  const seconds = run.startDate && run.stopDate ? (run.stopDate.getTime() - run.startDate.getTime()) / 1000 : undefined;
  const runTable = kvTable([
    ['Run id', `<code>${escapeHtml(run.runId)}</code>`],
    ['Execution', `<a href="${escapeHtml(run.consoleUrl)}">${escapeHtml(run.executionName)}</a>`],
    ['Status', escapeHtml(run.status)],
    ['Mode', escapeHtml(run.mode)],
    ['Started', escapeHtml(formatTime(run.startDate))],
    ['Duration', escapeHtml(formatDuration(seconds))],
    ['Training job', model.training ? escapeHtml(`${model.training.jobName}${model.training.instance ? ` · ${model.training.instance}` : ''}`) : undefined],
    [
      'Training time',
      model.training?.trainingSeconds !== undefined
        ? escapeHtml(`${formatDuration(model.training.trainingSeconds)} (billable ${formatDuration(model.training.billableSeconds)}${model.training.spot ? ', spot' : ''})`)
        : undefined,
    ],
    ['Transform job', model.transform ? escapeHtml(`${model.transform.jobName}${model.transform.instance ? ` · ${model.transform.instance}` : ''}${model.transform.seconds !== undefined ? ` · ${formatDuration(model.transform.seconds)}` : ''}`) : undefined],
    ['Cost', escapeHtml(model.cost.text)],
    ['Images', escapeHtml(`${model.images.toLocaleString('en-US')} classified from ${model.transform?.input ?? 'the batch input'}`)],
    ['Predictions', `<code>${escapeHtml(model.predictions)}</code>`],
    ['Class names', escapeHtml(`${model.classNames.source}${model.classNames.fromDataset ? ' (the dataset the run trained on)' : ''}`)],
  ]);
  const metrics = model.metrics.length
    ? kvTable(model.metrics.map((m) => [m.name, escapeHtml(String(m.value))] as const))
    : '<p class="note">SageMaker reported no final metrics for this run.</p>';
  const hyperparameters = Object.keys(model.hyperparameters).length
    ? kvTable(Object.entries(model.hyperparameters).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, `<code>${escapeHtml(v)}</code>`] as const))
    : '<p class="note">No training job: this run classified with an existing model.</p>';
  const moreClasses = model.counts.length > CHART_CLASSES ? `<p class="note">… and ${model.counts.length - CHART_CLASSES} more classes (filter below to see them).</p>` : '';
  const epochs = model.epochs.length
    ? `${epochChartSvg(model.epochs)}<div class="legend note"><span><i style="background:var(--accent)"></i>validation accuracy</span><span><i style="background:var(--train)"></i>train accuracy</span> (x: epoch, numbered as the log does)</div>`
    : `<p class="note">${escapeHtml(model.epochsNote ?? 'No epoch lines in the training log.')}</p>`;
  const warnings = model.warnings.length
    ? `<section id="warnings"><h2>Warnings</h2><ul>${model.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul></section>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${REPORT_MARKER}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Run ${escapeHtml(run.runId)} · ic-pipeline report</title>
<link rel="stylesheet" href="report.css">
</head>
<body>
<header>
<h1>Run ${escapeHtml(run.runId)}</h1>
<div class="sub">${escapeHtml(`${model.images.toLocaleString('en-US')} images · median top-class confidence about ${model.medianConfidence === undefined ? '-' : percent(model.medianConfidence)} · ${model.lowConfidence.toLocaleString('en-US')} below ${percent(model.lowConfidenceBelow)} · report made ${formatTime(model.generatedAt)}`)}</div>
</header>
<main>
${warnings}
<div class="grid2">
<section id="run"><h2>The run</h2>${runTable}
<details><summary>Request (the execution input)</summary><pre>${escapeHtml(JSON.stringify(model.request, null, 2))}</pre></details>
</section>
<section id="training"><h2>Metrics and hyperparameters</h2>${metrics}
<details><summary>Hyperparameters</summary>${hyperparameters}</details>
</section>
</div>
${model.evaluation ? evaluationHtml(model.evaluation) : ''}
<div class="grid2">
<section id="classes"><h2>Images per predicted class</h2>${classChartSvg(model.counts, model.images)}${moreClasses}</section>
<section id="epochs"><h2>Accuracy per epoch</h2>${epochs}${model.trainingLogUrl ? `<p class="note"><a href="${escapeHtml(model.trainingLogUrl)}">The training log</a> in the CloudWatch console.</p>` : ''}</section>
</div>
<section id="images"><h2>Every image</h2>
<div class="controls">
<label>Class <select id="class-filter"><option value="">all predicted classes</option></select></label>
<label>Sort <select id="sort"><option value="confidence-desc">most confident first</option><option value="confidence-asc">least confident first</option><option value="name">file name</option></select></label>
<label>File name <input id="search" type="search" placeholder="contains…"></label>
${model.evaluation ? '<label><input id="wrong-only" type="checkbox"> wrong only</label>' : ''}
<span id="count"></span>
</div>
<div id="gallery"></div>
<div id="more"></div>
</section>
</main>
<script src="data.js"></script>
<script src="report.js"></script>
</body>
</html>
`;
}

/** One gallery entry: thumbnail path (or null), image name, then class index and probability of the best classes. */
export type GalleryEntry = [string | null, string, ...number[]];

/** What the gallery script needs of an evaluation: each image's label, and the confusion matrix as sparse cells. */
export interface GalleryEvaluation {
  /** Per gallery entry, in the same order: its label (class index), or -1 when unlabelled. */
  readonly labels: readonly number[];
  /** The non-zero cells of the confusion matrix: [actual, predicted, count]. */
  readonly cells: readonly (readonly [number, number, number])[];
  /** The number of classes (the matrix is n × n). */
  readonly n: number;
}

/** The sparse cells of a confusion matrix. */
export function confusionCells(matrix: readonly (readonly number[])[]): [number, number, number][] {
  const cells: [number, number, number][] = [];
  matrix.forEach((row, i) => row.forEach((count, j) => count > 0 && cells.push([i, j, count])));
  return cells;
}

/** `data.js`: the class names and one compact array per image (and the evaluation, when there is one). */
export function renderDataJs(classNames: readonly string[], images: readonly GalleryEntry[], lowConfidence: number, evaluation?: GalleryEvaluation): string {
  // JSON is valid JavaScript; U+2028/2029 are escaped for older parsers, `<` so that no text can end a script.
  const json = JSON.stringify({ lowConfidence, classes: classNames, images, ...(evaluation ? { evaluation } : {}) })
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
    .replace(/</g, '\\u003c');
  return `window.IC_REPORT = ${json};\n`;
}
