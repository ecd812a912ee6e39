import { Option, type Command } from 'commander';
import { evalClassify } from '../../actions/evalClassify.ts';
import { evalClassifyModel, EvalClassifyModelOptions, type EvalClassifyModelReport } from '../../actions/evalClassifyModel.ts';
import { calibrationMarkdown } from '../../decoders/recognize/calibration.ts';
import { DejaError } from '../../core/errors.ts';
import { evalLinear } from './evalClassifyLinear.ts';
import { intOption, jsonOption, openCollection, printJson, progressFor, schemaOption, withCollection } from '../common.ts';

function kList(value: string): number[] {
  const ks = value.split(',').map(Number);
  if (ks.some((k) => !Number.isInteger(k) || k < 1 || k > 1000))
    throw new DejaError('BAD_ARGUMENT', `Expected comma-separated integers between 1 and 1000 for --k but received ${JSON.stringify(value)}`);
  return ks;
}

/**
 * `deja eval classify --test <folder|csv>`: accuracy of label transfer vs k, with a confusion matrix;
 * `deja eval classify --model <name|file>`: accuracy, confusion and calibration of a classification network.
 */
export function registerEvalClassify(evalCommand: Command): void {
  withCollection(evalCommand.command('classify'))
    .description('accuracy of k-NN label transfer on labelled test photos (one folder per class, or a CSV); with --model, of a classification network (accuracy, confusion, ECE)')
    .option('-t, --test <paths...>', "test folders/archives (label = folder name) or one CSV of file,label (required for k-NN; with --model the default is the card's split in the shared data)")
    .option('--labels <csv>', 'CSV of file,label for the test photos instead of folder names')
    .option('-e, --encoder <spec>', 'encoder, or a weighted combination like gist+tiny:w=2,1', 'tiny')
    .option('-k, --k <list>', 'numbers of voting neighbours, comma-separated', kList, [1, 3, 5, 10, 20, 50])
    .addOption(new Option('-w, --weighting <w>', 'vote weighting by distance').choices(['uniform', 'inverse', 'kernel']).default('kernel'))
    .option('--limit <n>', 'evaluate a seeded random subset of this many test photos (with --model: the first n photos of each class, in source order)', intOption('--limit', 1, 10_000_000))
    .option('--seed <n>', 'seed of the subset', intOption('--seed', 0, 2 ** 31 - 1), 1)
    .option('--pca <d>', 'reduce descriptors to d principal components first (exact search in the reduced space; default off)', intOption('--pca', 1, 100_000))
    .option('--pca-sample <n>', 'collection rows the PCA is trained on', intOption('--pca-sample', 2, 20_000), 10_000)
    .option('-m, --model <name|file.onnx>', 'evaluate this classification network instead (a card from `deja models`, or an .onnx file with its card beside it); no collection needed')
    .addOption(schemaOption(EvalClassifyModelOptions, 'batch', '--batch <n>', 'with --model: photos per network run'))
    .addOption(schemaOption(EvalClassifyModelOptions, 'threads', '--threads <n>', 'with --model: onnxruntime intra-op threads'))
    .addOption(schemaOption(EvalClassifyModelOptions, 'provider', '--provider <name>', 'with --model: where the network runs'))
    .addOption(schemaOption(EvalClassifyModelOptions, 'bins', '--bins <n>', 'with --model: confidence bins of the ECE'))
    .option('-o, --out <dir>', 'with --model: folder for reliability.png and confusion.png (created when its parent exists)')
    .option('--manifest <file>', "with --model: the manifest.json model names are looked up in (default: the package's)")
    .option('--linear <model.json>', 'evaluate this linear classifier instead (from `deja train-linear`; needs --test; --limit, --bins, --out as with --model); no collection needed')
    .option('-q, --quiet', 'no progress output')
    .addOption(jsonOption())
    .action(async (opts) => {
      if (opts.model && opts.linear) throw new DejaError('BAD_ARGUMENT', 'give --model or --linear, not both', { hint: 'evaluate one classifier at a time' });
      if (opts.model) return evalModel(opts);
      if (opts.linear) return evalLinear(opts);
      if (!opts.test)
        throw new DejaError('BAD_ARGUMENT', "required option '-t, --test <paths...>' not specified", { hint: 'see `deja eval classify --help` (only --model evaluations default to the card\'s split)' });
      const collection = openCollection(opts);
      try {
        const r = await evalClassify(
          collection,
          { test: opts.test, labels: opts.labels, encoder: opts.encoder, k: opts.k, weighting: opts.weighting, limit: opts.limit, seed: opts.seed, pca: opts.pca, pcaSample: opts.pcaSample },
          progressFor(opts),
        );
        if (opts.json) return printJson(r);
        const out = process.stdout;
        out.write(`${r.tests} test photos, ${r.collectionSize} labelled photos, ${r.classes.length} classes, encoder ${r.encoder}${r.pca ? ` (PCA to ${r.pca} dims)` : ''}, ${r.weighting} vote\n`);
        for (const a of r.accuracyByK) out.write(`  k=${String(a.k).padEnd(4)} accuracy ${(100 * a.accuracy).toFixed(2)}%\n`);
        const pcaPart = r.pca ? `; PCA train + project collection ${r.seconds.pca.toFixed(2)} s` : '';
        out.write(`search: ${r.seconds.search.toFixed(2)} s (${r.queriesPerSecond.toFixed(0)} queries/s)${pcaPart}; total ${r.seconds.total.toFixed(1)} s\n`);
        if (r.unknownLabels) out.write(`${r.unknownLabels} test photos have labels the collection lacks (counted wrong)\n`);
        if (r.skipped.length) out.write(`${r.skipped.length} test photos skipped (first: ${r.skipped[0].path}: ${r.skipped[0].reason})\n`);
        out.write(`confusion at k=${r.confusion.k}:\n${r.confusion.markdown}\n`);
      } finally {
        collection.close();
      }
    });
}

async function evalModel(opts: Record<string, any>): Promise<void> {
  const r = await evalClassifyModel(
    { model: opts.model, test: opts.test, labels: opts.labels, limit: opts.limit, batch: opts.batch, threads: opts.threads, provider: opts.provider, bins: opts.bins, out: opts.out, manifest: opts.manifest },
    progressFor(opts),
  );
  if (opts.json) return printJson(r);
  process.stdout.write(modelReportMarkdown(r) + '\n');
}

/** The model evaluation as markdown: the summary row beside the card's claims, the confusion matrix and the calibration bins. */
function modelReportMarkdown(r: EvalClassifyModelReport): string {
  const pct = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '–' : `${(100 * v).toFixed(2)}%`);
  const test = `${r.test.join(', ')}${r.testFromCard ? " (the card's split)" : ''}`;
  const lines = [
    `${r.tests} test photos from ${test}${r.limitPerClass ? `, the first ${r.limitPerClass} of each class` : ''}; ${r.classes.length} classes`,
    '',
    '| model | photos | accuracy | ECE | card accuracy | card ECE | photos/s |',
    '|---|---:|---:|---:|---:|---:|---:|',
    `| ${r.model} | ${r.tests} | ${pct(r.accuracy)} | ${pct(r.calibration.ece)} | ${pct(r.card.metrics?.accuracy)} | ${pct(r.card.metrics?.ece)} | ${r.photosPerSecond.toFixed(1)} |`,
    '',
    'confusion (rows: true class; recall = per-class accuracy):',
    '',
    r.confusion.markdown,
    '',
    `calibration (${r.calibration.bins.length} equal-width bins; mean confidence ${pct(r.calibration.meanConfidence)}):`,
    '',
    calibrationMarkdown({ ...r.calibration, accuracy: r.accuracy }),
  ];
  if (r.otherLabels.length) lines.push('', `left out, labels that are not classes of ${r.model}: ${r.otherLabels.map((o) => `${o.label} (${o.count})`).join(', ')}`);
  if (r.skipped.length) lines.push('', `${r.skipped.length} test photos skipped (first: ${r.skipped[0].path}: ${r.skipped[0].reason})`);
  if (r.files) lines.push('', `wrote ${r.files.reliability} and ${r.files.confusion}`);
  lines.push('', `decode ${r.seconds.decode.toFixed(1)} s, inference ${r.seconds.inference.toFixed(1)} s (batch ${r.run.batch}, ${r.run.threads} thread${r.run.threads > 1 ? 's' : ''}, ${r.run.provider}); total ${r.seconds.total.toFixed(1)} s`);
  return lines.join('\n');
}
