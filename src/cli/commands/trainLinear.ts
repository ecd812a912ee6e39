import type { Command } from 'commander';
import { DejaError } from '../../core/errors.ts';
import { DEFAULT_LAMBDAS, DEFAULT_LEARNING_RATES, trainLinear, TrainLinearOptions, type TrainLinearReport } from '../../actions/trainLinear.ts';
import { jsonOption, printJson, progressFor, schemaOption } from '../common.ts';

function numberList(name: string) {
  return (value: string): number[] => {
    const list = value.split(',').map((v) => Number(v.trim()));
    if (list.length === 0 || list.some((v) => !Number.isFinite(v) || v < 0))
      throw new DejaError('BAD_ARGUMENT', `Expected comma-separated non-negative numbers for ${name} but received ${JSON.stringify(value)}`);
    return list;
  };
}

/** `deja train-linear --source <photos> --out model.json`: a softmax or SVM linear classifier by SGD; options from `TrainLinearOptions`. */
export function register(program: Command): void {
  program
    .command('train-linear')
    .description('train a linear classifier (softmax or multiclass SVM, L2-regularised, minibatch SGD with momentum) on labelled photos, without a collection')
    .requiredOption('-s, --source <paths...>', 'labelled training photos: folders or .tar/.tar.gz archives of <class>/<photo>')
    .requiredOption('-o, --out <model.json>', 'the model file to write')
    .addOption(schemaOption(TrainLinearOptions, 'features', '-f, --features <spec>', 'pixels (raw 32×32 RGB), gist, or any encoder spec such as gist(size=32)'))
    .addOption(schemaOption(TrainLinearOptions, 'loss', '-l, --loss <loss>', 'softmax cross-entropy or multiclass SVM hinge (margin 1)'))
    .addOption(schemaOption(TrainLinearOptions, 'lambda', '--lambda <λ>', 'L2 penalty λ of λ‖W‖² (default: chosen on validation photos)'))
    .addOption(schemaOption(TrainLinearOptions, 'learningRate', '--learning-rate <η>', 'first-epoch SGD step size (default: chosen on validation photos)'))
    .option('--lambdas <list>', 'λ candidates of the validation search, comma-separated', numberList('--lambdas'), [...DEFAULT_LAMBDAS])
    .option('--learning-rates <list>', `step-size candidates of the validation search, comma-separated (default: ${DEFAULT_LEARNING_RATES.softmax.join(',')} for softmax, ${DEFAULT_LEARNING_RATES.svm.join(',')} for svm)`, numberList('--learning-rates'))
    .addOption(schemaOption(TrainLinearOptions, 'epochs', '-e, --epochs <n>', 'passes over the photos for the final model'))
    .addOption(schemaOption(TrainLinearOptions, 'searchEpochs', '--search-epochs <n>', 'passes of each validation-search run'))
    .addOption(schemaOption(TrainLinearOptions, 'batch', '--batch <n>', 'photos per minibatch'))
    .addOption(schemaOption(TrainLinearOptions, 'momentum', '--momentum <μ>', 'SGD momentum'))
    .addOption(schemaOption(TrainLinearOptions, 'lrDecay', '--lr-decay <f>', 'step size multiplied by this after every epoch'))
    .addOption(schemaOption(TrainLinearOptions, 'validation', '--validation <share>', 'share of each class held out to choose λ and the step size'))
    .addOption(schemaOption(TrainLinearOptions, 'limit', '--limit <n>', 'the first n photos of each class, in source order'))
    .addOption(schemaOption(TrainLinearOptions, 'seed', '--seed <n>', 'seed of the validation split, initial weights and shuffles'))
    .option('--labels <csv>', 'CSV of file,label for the photos instead of folder names')
    .option('--templates <file.png>', 'with pixel features: also draw the learned templates, one per class')
    .addOption(schemaOption(TrainLinearOptions, 'threads', '--threads <n>', 'encoding threads (default: all cores)'))
    .option('-q, --quiet', 'no progress output')
    .addOption(jsonOption())
    .action(async (opts) => {
      const r = await trainLinear(
        {
          source: opts.source,
          out: opts.out,
          features: opts.features,
          loss: opts.loss,
          lambda: opts.lambda,
          learningRate: opts.learningRate,
          lambdas: opts.lambdas,
          learningRates: opts.learningRates,
          epochs: opts.epochs,
          searchEpochs: opts.searchEpochs,
          batch: opts.batch,
          momentum: opts.momentum,
          lrDecay: opts.lrDecay,
          validation: opts.validation,
          limit: opts.limit,
          seed: opts.seed,
          labels: opts.labels,
          templates: opts.templates,
          threads: opts.threads,
        },
        progressFor(opts),
      );
      if (opts.json) return printJson(r);
      process.stdout.write(trainReportText(r) + '\n');
    });
}

function trainReportText(r: TrainLinearReport): string {
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  const lines = [`${r.loss} on ${r.features.spec} (${r.features.dim}-D): ${r.photos.total} photos, ${r.classes.length} classes`];
  if (r.validation) {
    lines.push(`validation search (${r.validation.photos} held-out photos, each run on ${r.validation.trainPhotos}):`);
    for (const c of r.validation.grid) lines.push(`  λ=${c.lambda} η₀=${c.learningRate}: ${c.diverged ? 'diverged' : pct(c.accuracy)}`);
  }
  const how = (chosen: boolean) => (chosen ? 'chosen on validation' : 'given');
  lines.push(`λ=${r.lambda} (${how(r.chosenOnValidation.lambda)}), η₀=${r.learningRate} (${how(r.chosenOnValidation.learningRate)}); ${r.epochs} epochs, final objective ${r.history.at(-1)?.loss.toFixed(4)}`);
  lines.push(`training accuracy ${pct(r.trainAccuracy)}; encode ${r.seconds.encode.toFixed(1)} s, search ${r.seconds.search.toFixed(1)} s, train ${r.seconds.train.toFixed(1)} s`);
  if (r.skipped.length) lines.push(`${r.skipped.length} photos skipped (first: ${r.skipped[0].path}: ${r.skipped[0].reason})`);
  lines.push(`wrote ${r.model}${r.templates ? ` and ${r.templates}` : ''}`);
  return lines.join('\n');
}
