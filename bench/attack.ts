/**
 * `npm run bench:attack`: adversarial examples against the shipped CIFAR-10 classifiers (issue 13 §5),
 * through `deja eval attack` (src/actions/evalAttack.ts): FGSM and PGD at ε = 1 … 16/255 on the first
 * `--limit` test images of each class, EOT (80 model runs a photo) on the first `--eot-limit`, and the
 * one-pixel attack (Su et al.: differential evolution, population 400, F = 0.5) at 1, 3 and 5 pixels on
 * the first `--one-pixel-limit` (up to 40,000 model runs a photo). Every model of models/manifest.json
 * with an input-gradient graph gets the gradient rows; adversarially trained models (`-madry`) sit
 * beside their clean twins in the summary table. Writes bench/attack.md, one section per model: a run
 * with `--models` redoes those models and keeps the others' sections as their last run wrote them.
 *
 * `--parts` runs only some parts (`gradient` = FGSM and PGD, `eot`, `one-pixel`) and adds them to each model's
 * kept section, replacing an earlier run of the same part: the one-pixel part alone can take hours.
 *
 *   npm run bench:attack -- [--limit 100] [--eot-limit 20] [--one-pixel-limit 10] [--models cifar-resnet20,cifar-resnet20-madry]
 *     [--parts gradient,eot,one-pixel] [--threads 1]
 */
import path from 'node:path';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { consoleProgress } from '../src/core/progress.ts';
import { evalAttack, type EvalAttackReport } from '../src/actions/evalAttack.ts';
import { evalAttackMarkdown } from '../src/cli/commands/evalAttack.ts';
import { readManifest } from '../src/nn/modelRegistry.ts';
import { machineLine, today } from './machine.ts';
import { keptSection, readSections } from './reportSections.ts';

const { values } = parseArgs({
  options: {
    limit: { type: 'string', default: '100' },
    'eot-limit': { type: 'string', default: '20' },
    'one-pixel-limit': { type: 'string', default: '10' },
    models: { type: 'string' },
    parts: { type: 'string', default: 'gradient,eot,one-pixel' },
    threads: { type: 'string', default: '1' },
    out: { type: 'string', default: path.resolve(import.meta.dirname, 'attack.md') },
  },
});
const out = values.out;
const cards = readManifest().models.filter((m) => m.task === 'classification' && m.trained !== false && m.gradient && m.classes?.length === 10);
const wanted = values.models ? new Set(values.models.split(',')) : null;
const models = cards.filter((m) => !wanted || wanted.has(m.name)).map((m) => m.name);
const limits = { gradient: Number(values.limit), eot: Number(values['eot-limit']), onePixel: Number(values['one-pixel-limit']) };
/** Each part: its methods, its photo limit and the flag that sets it. */
const PART_RUNS = {
  gradient: { methods: ['fgsm', 'pgd'], limit: limits.gradient, flag: '--limit' },
  eot: { methods: ['eot'], limit: limits.eot, flag: '--eot-limit' },
  'one-pixel': { methods: ['one-pixel'], limit: limits.onePixel, flag: '--one-pixel-limit' },
} as const;
type Part = keyof typeof PART_RUNS;
const PARTS = Object.keys(PART_RUNS) as Part[];
const parts = values.parts.split(',') as Part[];
for (const p of parts)
  if (!PARTS.includes(p)) {
    process.stderr.write(`bench:attack: unknown part ${p} in --parts (use ${PARTS.join(', ')})\n`);
    process.exit(2);
  }
const allParts = PARTS.every((p) => parts.includes(p));
const threads = Number(values.threads);

/** What the summary table needs of one attack run, kept in its section so later partial runs can rebuild the table. */
interface SummaryRun {
  photos: number;
  cleanAccuracy: number;
  rows: { method: string; strength: string; successRate: number }[];
}

const fresh = new Map<string, string[]>();
for (const model of models) {
  const command = `npm run bench:attack -- --models ${model} --limit ${limits.gradient} --eot-limit ${limits.eot} --one-pixel-limit ${limits.onePixel}`;
  // A run of some parts only starts from the model's kept section, less the parts it redoes.
  const kept = allParts ? null : keptParts(readSections(out).get(model) ?? '', parts);
  const lines = kept ? kept.lines : [`## ${model}`, '', `\`${command}${threads > 1 ? ` --threads ${threads}` : ''}\` on ${today()}, ${machineLine()}.`, ''];
  const summary: SummaryRun[] = kept ? kept.summary : [];
  for (const part of PARTS) {
    const { methods, limit, flag } = PART_RUNS[part];
    if (limit <= 0 || !parts.includes(part)) continue;
    process.stderr.write(`${model}: ${methods.join(', ')} on ${limit} photos of each class\n`);
    const r = await evalAttack({ model, limit, methods: methods as never, threads }, consoleProgress());
    const body = evalAttackMarkdown(r);
    if (kept) {
      lines.push(`<!-- part:${part} -->`, `### ${methods.join(', ')}: \`npm run bench:attack -- --models ${model} --parts ${part} ${flag} ${limit} --threads ${threads}\` on ${today()}, ${machineLine()}`, '', body, `<!-- /part:${part} -->`, '');
    } else lines.push(body, '');
    summary.push(summaryRun(r));
    fresh.set(model, [...lines, `<!-- data:${JSON.stringify(summary)} -->`, '']);
    write(); // as each part ends: the one-pixel part can take hours
  }
}
write();
process.stderr.write(`wrote ${out}\n`);

/** A kept section's lines without its data line and without the marked parts in `redo`, and its summary runs less those parts. */
function keptParts(section: string, redo: Part[]): { lines: string[]; summary: SummaryRun[] } {
  let text = section.replace(/<!-- data:.* -->\n?/, '');
  for (const p of redo) text = text.replace(new RegExp(`<!-- part:${p} -->[\\s\\S]*?<!-- /part:${p} -->\\n*`), '');
  const data = section.match(/<!-- data:(.*) -->/);
  const old = data ? (JSON.parse(data[1]) as SummaryRun[]) : [];
  const redone = new Set<string>(redo.flatMap((p) => PART_RUNS[p].methods));
  const summary = old.filter((r) => !r.rows.some((w) => redone.has(w.method)));
  const lines = text.replace(/\n+$/, '').split('\n');
  return { lines: [...lines, ''], summary };
}

function summaryRun(r: EvalAttackReport): SummaryRun {
  return { photos: r.photos, cleanAccuracy: r.cleanAccuracy, rows: r.rows.map((w) => ({ method: w.method, strength: w.epsText ?? `${w.pixels} px`, successRate: w.successRate })) };
}

/** The report: header, summary over every model's section (this run's or kept), then the sections. */
function write(): void {
  const old = readSections(out);
  const names = [...new Set([...old.keys(), ...fresh.keys()])].filter((n) => n !== 'summary');
  const sections = names.map((n) => keptSection(out, n, fresh.get(n) ?? null));
  const md = [
    '# Adversarial examples against the shipped CIFAR-10 classifiers',
    '',
    'Generated by `npm run bench:attack` (each model\'s section names its own command, date and machine).',
    'Only test images the model classifies correctly are attacked; success = the model then answers another class.',
    'Anchors: FGSM at ε = 0.1 gave 87 % error on a CIFAR-10 maxout network (Goodfellow et al. 2015); one-pixel attacks',
    "succeed on 68–72 % of CIFAR-10 images against the paper's networks (Su et al. 2019), 23 % in a Keras ResNet re-implementation.",
    '',
    ...summaryTable(sections.join('')),
    ...sections,
  ];
  fs.writeFileSync(out, md.join('\n'));
}

/** Clean accuracy and accuracy under attack (clean × (1 − success)) of every model, one row each. */
function summaryTable(text: string): string[] {
  const columns: [string, string][] = [['fgsm', '2/255'], ['fgsm', '8/255'], ['pgd', '2/255'], ['pgd', '8/255'], ['pgd', '16/255'], ['eot', '8/255'], ['one-pixel', '1 px'], ['one-pixel', '3 px'], ['one-pixel', '5 px']];
  const rows: string[] = [];
  for (const m of text.matchAll(/## (\S+)\n[\s\S]*?<!-- data:(.*) -->/g)) {
    const runs = JSON.parse(m[2]) as SummaryRun[];
    const first = runs[0];
    const cell = (method: string, strength: string) => {
      const run = runs.find((r) => r.rows.some((w) => w.method === method && w.strength === strength));
      const w = run?.rows.find((x) => x.method === method && x.strength === strength);
      return run && w ? `${(100 * run.cleanAccuracy * (1 - w.successRate)).toFixed(1)} % (${run.photos})` : '–';
    };
    rows.push(`| ${m[1]} | ${(100 * first.cleanAccuracy).toFixed(1)} % (${first.photos}) | ${columns.map(([a, b]) => cell(a, b)).join(' | ')} |`);
  }
  if (!rows.length) return ['No CIFAR-10 classification model with an input-gradient graph has been attacked yet (models/manifest.json).', ''];
  return [
    '## Accuracy under attack',
    '',
    'Accuracy on the test photos (their count in brackets: the first n of each class of the card\'s split) before and under each untargeted attack,',
    'as clean accuracy × (1 − success rate). Adversarially trained models (`-madry`) sit beside their clean twins.',
    '',
    `| model | clean | ${columns.map(([a, b]) => `${a} ${b}`).join(' | ')} |`,
    `|---|---:|${columns.map(() => '---:').join('|')}|`,
    ...rows,
    '',
  ];
}
