/**
 * `npm run bench:locate-prior`: kNN mean-shift before and after the collection prior (`chooseWithPrior`,
 * Hays & Efros 2008 §4), against the chance and constant-prior (medoid) rows, in one run: leave-one-out and
 * leave-trip-out on geotagged-europe-trips, leave-one-out on world-streetview. Reuses (or builds) the
 * collections of `npm run bench:locate` and replaces its own section at the end of bench/locate.md,
 * keeping the rest of the file.
 *
 *   npm run bench:locate-prior -- [--work bench/out/locate]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Collection } from '../src/store/collection.ts';
import { ingest } from '../src/actions/ingest.ts';
import { evalLocate, type EvalLocateReport } from '../src/actions/evalLocate.ts';
import { loadGeoReference } from '../src/actions/locate.ts';
import { calibratePriorWeight, FALLBACK_PRIOR_WEIGHT } from '../src/actions/locate/prior.ts';
import { formatPriorWeight } from '../src/decoders/locate/locateWithPrior.ts';
import { consoleProgress } from '../src/core/progress.ts';
import { machineLine, today } from './machine.ts';

const data = path.resolve(import.meta.dirname, '../../shared/data');
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: path.resolve(import.meta.dirname, 'locate.md') },
    work: { type: 'string', default: path.resolve(import.meta.dirname, 'out/locate') },
  },
});
const ENCODERS = ['gist', 'tiny', 'lab-hist'];
const RUNS = [
  { set: 'geotagged-europe-trips', source: 'geotagged-europe-trips/images', holdOut: 'photo' as const },
  { set: 'geotagged-europe-trips', source: 'geotagged-europe-trips/images', holdOut: 'trip' as const },
  { set: 'world-streetview', source: 'world-streetview/images', geoCsv: 'world-streetview/photos.csv', holdOut: 'photo' as const },
];
const HEADING = '## Collection prior: kNN mean-shift before and after';

const lines: string[] = [];
const defaults: string[] = [];
for (const run of RUNS) {
  if (!fs.existsSync(path.join(data, run.source))) {
    console.error(`${run.set}: data absent, skipped`);
    continue;
  }
  const c = Collection.open(path.join(values.work, run.set), { create: true });
  try {
    await ingest(c, [path.join(data, run.source)], { encoders: ENCODERS, geoCsv: run.geoCsv ? path.join(data, run.geoCsv) : undefined });
    const r = await evalLocate(c, { encoders: ENCODERS, holdOut: run.holdOut }, consoleProgress());
    lines.push(...rowsOf(run.set, r));
    if (run.holdOut === 'photo') {
      const ref = await loadGeoReference(c, ENCODERS.join('+'));
      const cal = calibratePriorWeight(ref, { k: ref.k, bandwidthKm: ref.bandwidthKm, weighting: 'match' });
      defaults.push(cal
        ? `- ${run.set}: γ ${formatPriorWeight(cal.gamma)}, chosen on ${cal.photos} of its ${ref.photos.length} photos (leave-${cal.holdOut}-out; median ${km(cal.medianKm)} there, constant prior ${km(cal.constantMedianKm)})`
        : `- ${run.set}: γ ${FALLBACK_PRIOR_WEIGHT} (too few or too many photos to calibrate)`);
    }
  } finally {
    c.close();
  }
}

function rowsOf(set: string, r: EvalLocateReport): string[] {
  const th = [25, 200, 750, 2500].map((t) => r.rows[0].thresholdsKm.indexOf(t));
  const pick = (f: (m: string, d: string) => boolean) => r.rows.find((x) => f(x.method, x.descriptor))!;
  const combined = ENCODERS.join('+');
  const rows = [
    ['random guess', pick((m) => m.startsWith('random guess'))],
    ['constant prior (medoid)', pick((m) => m.startsWith('constant prior'))],
    ['before: kNN mean-shift', pick((m, d) => m.startsWith('kNN mean-shift (') && d === combined)],
    ['after: + collection prior', pick((m) => m.startsWith('kNN mean-shift + collection prior') && m.includes('γ per fold'))],
    ['fixed γ 0.5 (fallback of deja locate)', pick((m) => m.startsWith('kNN mean-shift + collection prior') && m.includes('fixed γ'))],
  ] as const;
  const gamma = rows[3][1].method.match(/γ per fold ([^)]*)/)?.[1] ?? '';
  return rows.map(([name, row]) => `| ${set} | ${r.protocol.replace(/ \(trips split.*\)/, '')} | ${name}${name.startsWith('after') ? ` (γ ${gamma})` : ''} | ${km(row.medianKm)} | ${th.map((i) => `${(row.shares[i] * 100).toFixed(1)}%`).join(' | ')} |`);
}
function km(v: number): string {
  return v >= 1 ? `${v.toFixed(0)} km` : `${Math.round(v * 1000)} m`;
}

const section = `${HEADING}

\`npm run bench:locate-prior\` on ${today()}, ${machineLine()}; descriptors ${ENCODERS.join(' + ')} combined.

*Random guess*: each test photo is guessed at a uniformly random allowed collection photo's position, the
error measured to the test photo's truth (exact expectation). *Constant prior*: the collection's medoid (the
photo minimising the summed great-circle distance to the others, recomputed without the held-out photos),
the same guess for every test photo: the bar any estimate must clear. *After*: the estimate is the
strongest mode or the medoid, whichever has the smaller expected error under the mixture
λ·votes + (1 − λ)·collection, λ = confidence^γ (im2gps's collection distribution as the prior; a confidence
gate: the medoid wins below a per-photo confidence threshold). γ is cross-fitted: each trip's γ is chosen on
all the other trips (europe-trips: 91 folds; without capture times, 10 folds by index), from
{off, 0.25, 0.5, 1, 2, 4, ∞}, and the choice keeps ∞ (the constant prior) unless the best γ beats it at the
median by more than one bootstrap standard error (resampling trips; the one-standard-error rule), so a
split where the pixels say nothing gets the constant prior itself. The "(γ …)" column counts the folds per
γ. \`deja locate\` makes the same choice on up to 200 of the collection's own photos (leave-trip-out) by
default (\`--prior-weight auto\`); *fixed γ 0.5* is what it falls back to where the collection is too small
or too large to calibrate. Medoid answers trade continent-level hits for a smaller median (compare the
750 and 2500 km columns with plain kNN's).

| set | protocol | method | median error | 25 km | 200 km | 750 km | 2500 km |
|---|---|---|---:|---:|---:|---:|---:|
${lines.join('\n')}

What \`deja locate\` (default \`--prior-weight auto\`) chooses on each whole collection, for photos from outside it:

${defaults.join('\n')}

Reproduce: \`npm run bench:locate-prior\` (builds or reuses the collections under bench/out/locate/).
`;
const old = fs.existsSync(values.out) ? fs.readFileSync(values.out, 'utf8') : '';
const at = old.indexOf(HEADING);
fs.writeFileSync(values.out, (at >= 0 ? old.slice(0, at) : old.endsWith('\n') || !old ? old + (old ? '\n' : '') : old + '\n\n') + section);
console.error(section);
