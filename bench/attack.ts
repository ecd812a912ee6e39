/**
 * `npm run bench:attack`: adversarial examples against the shipped CIFAR-10 classifiers (issue 13 §5),
 * through `deja eval attack` (src/actions/evalAttack.ts): FGSM, PGD and EOT at ε = 1 … 16/255 on the
 * first `--limit` test images of each class, and the one-pixel attack (Su et al.: differential
 * evolution, population 400, F = 0.5) at 1, 3 and 5 pixels on fewer (it costs up to 40,000 model runs a
 * photo). Every model of models/manifest.json with an input-gradient graph gets the gradient rows;
 * adversarially trained models (`-madry`) sit beside their clean twins. Writes bench/attack.md.
 *
 *   npm run bench:attack -- [--limit 100] [--one-pixel-limit 10] [--models cifar-airbench,cifar-resnet20]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { consoleProgress } from '../src/core/progress.ts';
import { evalAttack } from '../src/actions/evalAttack.ts';
import { evalAttackMarkdown } from '../src/cli/commands/evalAttack.ts';
import { readManifest } from '../src/nn/modelRegistry.ts';
import { machineLine, today } from './machine.ts';

const { values } = parseArgs({
  options: {
    limit: { type: 'string', default: '100' },
    'one-pixel-limit': { type: 'string', default: '10' },
    models: { type: 'string' },
    out: { type: 'string', default: path.resolve(import.meta.dirname, 'attack.md') },
  },
});
const cards = readManifest().models.filter((m) => m.task === 'classification' && m.trained !== false && m.gradient && m.classes?.length === 10);
const wanted = values.models ? new Set(values.models.split(',')) : null;
const models = cards.filter((m) => !wanted || wanted.has(m.name)).map((m) => m.name);
const t0 = performance.now();
const md: string[] = [
  '# Adversarial examples against the shipped CIFAR-10 classifiers',
  '',
  `\`npm run bench:attack -- --limit ${values.limit} --one-pixel-limit ${values['one-pixel-limit']}\` on ${today()}, ${machineLine()}.`,
  'Only test images the model classifies correctly are attacked; success = the model then answers another class.',
  'Anchors: FGSM at ε = 0.1 gave 87 % error on a CIFAR-10 maxout network (Goodfellow et al. 2015); one-pixel attacks',
  'succeed on 68–72 % of CIFAR-10 images against the paper\'s networks (Su et al. 2019), 23 % in a Keras ResNet re-implementation.',
  '',
];
if (!models.length) md.push('No CIFAR-10 classification model with an input-gradient graph is shipped yet (models/manifest.json).', '');
for (const model of models) {
  process.stderr.write(`${model}: fgsm, pgd, eot\n`);
  const gradient = await evalAttack({ model, limit: Number(values.limit), methods: ['fgsm', 'pgd', 'eot'] }, consoleProgress());
  md.push(`## ${model}`, '', evalAttackMarkdown(gradient), '');
  fs.writeFileSync(values.out, md.join('\n')); // written as each part ends: the one-pixel part can take hours
  process.stderr.write(`${model}: one-pixel\n`);
  const onePixel = await evalAttack({ model, limit: Number(values['one-pixel-limit']), methods: ['one-pixel'] }, consoleProgress());
  md.push(evalAttackMarkdown(onePixel), '');
  fs.writeFileSync(values.out, md.join('\n'));
}
md.push(`Run time: ${((performance.now() - t0) / 60_000).toFixed(1)} min.`, '');
fs.writeFileSync(values.out, md.join('\n'));
process.stderr.write(`wrote ${values.out}\n`);
