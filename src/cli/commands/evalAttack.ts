import path from 'node:path';
import { Option, type Command } from 'commander';
import { evalAttack, EvalAttackOptions, type EvalAttackReport } from '../../actions/evalAttack.ts';
import { DejaError, unknownName } from '../../core/errors.ts';
import { parseEpsilonList } from '../../decoders/attack/epsilon.ts';
import { ATTACK_METHOD_NAMES } from '../../decoders/attack/methods.ts';
import { intOption, jsonOption, printJson, progressFor, schemaOption } from '../common.ts';

function methodList(value: string): string[] {
  const names = value.split(',').map((s) => s.trim());
  for (const n of names) if (!(ATTACK_METHOD_NAMES as readonly string[]).includes(n)) throw unknownName('attack method', n, ATTACK_METHOD_NAMES);
  return names;
}

function pixelList(value: string): number[] {
  return value.split(',').map((v) => intOption('--pixels', 1, 100)(v.trim()));
}

/** `deja eval attack --model <name>`: success rate, wrong-class confidence and norms of attacks against ε (or pixels), on photos classified correctly. */
export function registerEvalAttack(evalCommand: Command): void {
  evalCommand
    .command('attack')
    .description('evaluate adversarial attacks on a classification network: success rate against ε (fgsm, pgd, eot) or pixels (one-pixel) on the test photos it classifies correctly')
    .requiredOption('-m, --model <name|file.onnx>', 'a classification card from `deja models`, or an .onnx file with its card beside it')
    .option('-t, --test <paths...>', "labelled test photos, one folder per class (default: the card's split in the shared data)")
    .addOption(schemaOption(EvalAttackOptions, 'limit', '--limit <n>', 'the first n test photos of each class'))
    .addOption(new Option('--method <list>', `attacks, comma-separated: ${ATTACK_METHOD_NAMES.join(', ')}`).argParser(methodList).default(['fgsm', 'pgd'], 'fgsm,pgd'))
    .addOption(new Option('--eps <list>', 'L∞ radii, comma-separated fractions or numbers').argParser((v) => parseEpsilonList(v, '--eps')).default([1, 2, 4, 8, 16].map((k) => k / 255), '1/255,2/255,4/255,8/255,16/255'))
    .addOption(new Option('--pixels <list>', 'one-pixel: pixel counts, comma-separated').argParser(pixelList).default([1, 3, 5], '1,3,5'))
    .addOption(schemaOption(EvalAttackOptions, 'steps', '--steps <n>', 'pgd, eot: gradient steps'))
    .addOption(schemaOption(EvalAttackOptions, 'population', '--population <n>', 'one-pixel: candidates per generation'))
    .addOption(schemaOption(EvalAttackOptions, 'iterations', '--iterations <n>', 'one-pixel: generations at most'))
    .addOption(schemaOption(EvalAttackOptions, 'samples', '--samples <n>', 'eot: transformations averaged per step'))
    .addOption(schemaOption(EvalAttackOptions, 'draws', '--draws <n>', 'fresh random transformations each adversarial example is tested under (0: none)'))
    .addOption(schemaOption(EvalAttackOptions, 'seed', '--seed <n>'))
    .addOption(schemaOption(EvalAttackOptions, 'batch', '--batch <n>', 'images per network run'))
    .addOption(schemaOption(EvalAttackOptions, 'threads', '--threads <n>', 'onnxruntime intra-op threads'))
    .addOption(schemaOption(EvalAttackOptions, 'provider', '--provider <name>', 'where the network runs'))
    .option('--manifest <file>', "the manifest.json model names are looked up in (default: the package's)")
    .option('-q, --quiet', 'no progress output')
    .addOption(jsonOption())
    .action(async (opts) => {
      if (!opts.method.length) throw new DejaError('BAD_ARGUMENT', '--method names no attack');
      const r = await evalAttack(
        {
          model: opts.model, test: opts.test, limit: opts.limit, methods: opts.method, eps: opts.eps, pixels: opts.pixels, steps: opts.steps, population: opts.population,
          iterations: opts.iterations, samples: opts.samples, draws: opts.draws, seed: opts.seed, batch: opts.batch, threads: opts.threads, provider: opts.provider, manifest: opts.manifest,
        },
        progressFor(opts),
      );
      if (opts.json) return printJson(r);
      process.stdout.write(evalAttackMarkdown(r) + '\n');
    });
}

/** The evaluation as markdown: what was attacked, then one row per method and strength. */
export function evalAttackMarkdown(r: EvalAttackReport): string {
  const pct = (v: number | null) => (v === null ? '–' : `${(100 * v).toFixed(1)}%`);
  const num = (v: number | null, d = 4) => (v === null ? '–' : v.toFixed(d));
  const lines = [
    `${r.model}: ${r.photos} test photos (the first ${r.limitPerClass} of each class of ${r.test.map(relativeToHere).join(', ')}${r.testFromCard ? ", the card's split" : ''}); ` +
      `attacked the ${r.correct} it classifies correctly (clean accuracy ${pct(r.cleanAccuracy)}), untargeted, judged as 8-bit images`,
    '',
    `| method | ε / pixels | success | mean wrong-class confidence | mean L∞ | mean L∞ ×255 | mean L2 | mean pixels changed | success under ${r.draws} random transforms | runs per photo | seconds |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.rows.map((w) =>
      `| ${w.method} | ${w.epsText ?? `${w.pixels} px`} | ${pct(w.successRate)} (${w.successes}/${w.attacked}) | ${pct(w.meanWrongConfidence)} | ${num(w.meanLinf)} | ${num(w.meanLinf === null ? null : w.meanLinf * 255, 1)} | ${num(w.meanL2)} | ${num(w.meanPixels, 1)} | ${pct(w.robustness)} | ${w.queriesPerPhoto.toFixed(0)} | ${w.seconds.toFixed(1)} |`,
    ),
    '',
    'Confidence and norms are means over the successful adversarial examples (norms of x′ − x in pixel units of [0, 1], over the crop the model sees); success under random transforms is over every attacked photo: the share of its transformed views (rotation ±15°, scale 0.9–1.1, shift ±10 %, brightness ±0.1, JPEG 60–95 half the time) the model misclassifies.',
  ];
  if (r.skipped.length) lines.push('', `${r.skipped.length} test photos skipped (first: ${relativeToHere(r.skipped[0].path)}: ${r.skipped[0].reason})`);
  lines.push('', `total ${r.seconds.toFixed(1)} s (batch ${r.run.batch}, ${r.run.threads} thread${r.run.threads > 1 ? 's' : ''}, ${r.run.provider}; steps ${r.run.steps}, eot samples ${r.run.samples}, one-pixel population ${r.run.population} × ${r.run.iterations})`);
  return lines.join('\n');
}

/** A path as seen from the working directory, so tables written into the repository name no machine's folders. */
function relativeToHere(p: string): string {
  return path.isAbsolute(p) ? path.relative(process.cwd(), p) || '.' : p;
}
