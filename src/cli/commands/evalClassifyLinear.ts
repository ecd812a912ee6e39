import { evalClassifyLinear, type EvalClassifyLinearReport } from '../../actions/evalClassifyLinear.ts';
import { DejaError } from '../../core/errors.ts';
import { calibrationMarkdown } from '../../decoders/recognize/calibration.ts';
import { printJson, progressFor } from '../common.ts';

/** `deja eval classify --linear model.json --test <photos>`: the linear model's accuracy, confusion and ECE. */
export async function evalLinear(opts: Record<string, any>): Promise<void> {
  if (!opts.test)
    throw new DejaError('BAD_ARGUMENT', "required option '-t, --test <paths...>' not specified", { hint: 'a linear model names no test set: pass --test <folder|archive> with one subfolder per class' });
  const r = await evalClassifyLinear(
    { linear: opts.linear, test: opts.test, labels: opts.labels, limit: opts.limit, bins: opts.bins, out: opts.out },
    progressFor(opts),
  );
  if (opts.json) return printJson(r);
  process.stdout.write(linearReportMarkdown(r) + '\n');
}

/** The linear model's evaluation as markdown: the summary row, the confusion matrix and the calibration bins. */
function linearReportMarkdown(r: EvalClassifyLinearReport): string {
  const pct = (v: number) => (Number.isNaN(v) ? '–' : `${(100 * v).toFixed(2)}%`);
  const p = r.provenance;
  const lines = [
    `${r.tests} test photos from ${r.test.join(', ')}${r.limitPerClass ? `, the first ${r.limitPerClass} of each class` : ''}; ${r.classes.length} classes`,
    '',
    '| model | loss | features | λ | trained on | photos | accuracy | ECE |',
    '|---|---|---|---:|---:|---:|---:|---:|',
    `| ${r.model} | ${r.loss} | ${p.descriptor.spec} | ${p.lambda} | ${p.trainPhotos} | ${r.tests} | ${pct(r.accuracy)} | ${pct(r.calibration.ece)} |`,
    '',
    'confusion (rows: true class; recall = per-class accuracy):',
    '',
    r.confusion.markdown,
    '',
    `calibration of the softmax of the scores (${r.calibration.bins.length} equal-width bins; mean confidence ${pct(r.calibration.meanConfidence)})${r.loss === 'svm' ? ': an SVM\'s scores are margins, not log-probabilities' : ''}:`,
    '',
    calibrationMarkdown({ ...r.calibration, accuracy: r.accuracy }),
  ];
  if (r.otherLabels.length) lines.push('', `left out, labels that are not classes of the model: ${r.otherLabels.map((o) => `${o.label} (${o.count})`).join(', ')}`);
  if (r.skipped.length) lines.push('', `${r.skipped.length} test photos skipped (first: ${r.skipped[0].path}: ${r.skipped[0].reason})`);
  if (r.files) lines.push('', `wrote ${r.files.reliability} and ${r.files.confusion}`);
  lines.push('', `encode ${r.seconds.encode.toFixed(1)} s, predict ${r.seconds.predict.toFixed(2)} s; total ${r.seconds.total.toFixed(1)} s`);
  return lines.join('\n');
}
