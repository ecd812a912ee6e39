import type { Command } from 'commander';
import { LocateOptions, locatePhoto, locateSequence, type LocateReport, type LocateSequenceReport } from '../../actions/locate.ts';
import { DejaError } from '../../core/errors.ts';
import { formatKm } from '../../core/formatDistance.ts';
import { haversineKm } from '../../math/greatCircle.ts';
import { excludeSelfOption, intOption, jsonOption, numberOption, openCollection, printJson, progressFor, schemaOption, selfInCollectionNote, withCollection } from '../common.ts';

/** `deja locate <photo>` and `deja locate --sequence <folder>`: where photos were taken (IM2GPS; Kalogerakis et al. 2009). */
export function register(program: Command): void {
  withCollection(program.command('locate'))
    .description('estimate where a photo was taken from the geotagged photos of the collection (im2gps)')
    .argument('[photo]', 'photo file')
    .option('--sequence <folder>', 'locate a folder of photos jointly, using their capture times')
    .addOption(schemaOption(LocateOptions, 'method', '--method <name>', 'how the position is decoded from the descriptors'))
    .option('-e, --encoder <spec>', 'scene descriptors, combined like gist+tiny+lab-hist:w=1,1,1', 'gist+tiny+lab-hist')
    .option('-k, --k <n>', 'neighbours that vote (default: √n clamped to 5…120)', intOption('--k', 1, 10000))
    .option('--bandwidth <km>', 'mean-shift bandwidth in km (default: from the collection spread)', numberOption('--bandwidth', 1e-4, 20000))
    .option('--uniform', 'one vote per neighbour (im2gps) instead of votes weighted by match distance')
    .option('--no-mirror', 'do not also match the mirrored photo')
    .option('--max-gap <hours>', 'with --sequence: a longer gap starts a new trip', numberOption('--max-gap', 1e-3, 1e6), 24)
    .option('--prior-weight <gamma>', 'weight γ of the collection prior: auto (chosen on the collection\'s own photos), a number ≥ 0 (0: no prior, the votes\' mode), or constant (always the collection medoid)', priorWeightOption, 'auto')
    .option('--map <png>', 'write a map of the neighbours, modes and estimate')
    .option('--world', 'draw the whole world on the map instead of zooming')
    .addOption(excludeSelfOption(true))
    .option('--no-exclude-self', 'keep the photo among its neighbours when it is in the collection (its own position then votes)')
    .addOption(jsonOption())
    .action(async (photo: string | undefined, opts) => {
      if (!photo === !opts.sequence) throw new DejaError('BAD_ARGUMENT', 'give either a photo or --sequence <folder>', { hint: 'deja locate photo.jpg  or  deja locate --sequence trip/' });
      if (opts.sequence && opts.method !== 'im2gps') throw new DejaError('BAD_ARGUMENT', `--sequence decodes trips with im2gps's votes; --method ${opts.method} locates single photos`, { hint: 'drop --method, or locate the photos one at a time' });
      const collection = openCollection(opts);
      const common = { encoder: opts.encoder, k: opts.k, bandwidthKm: opts.bandwidth, weighting: opts.uniform ? 'uniform' : 'match', mirror: opts.mirror, excludeSelf: opts.excludeSelf !== false } as const;
      try {
        if (opts.sequence) {
          const r = await locateSequence(collection, opts.sequence, { ...common, maxGapHours: opts.maxGap }, progressFor(opts));
          if (opts.json) printJson(r);
          else process.stdout.write(sequenceText(r));
          return;
        }
        const r = await locatePhoto(collection, photo!, { ...common, method: opts.method, priorWeight: opts.priorWeight, map: opts.map, mapRegion: opts.world ? 'world' : 'auto' });
        if (opts.json) return printJson(r);
        selfInCollectionNote(r);
        process.stdout.write(photoText(r));
      } finally {
        collection.close();
      }
    });
}

/** `auto`, `constant` or a number γ in [0, 64]. */
function priorWeightOption(value: string): 'auto' | 'constant' | number {
  if (value === 'auto' || value === 'constant') return value;
  return numberOption('--prior-weight', 0, 64)(value);
}

const pos = (p: { latitude: number; longitude: number }) => `${p.latitude.toFixed(5)}, ${p.longitude.toFixed(5)}`;
const km = formatKm;

function photoText(r: LocateReport): string {
  const lines = [
    `${r.query}: ${pos(r.estimate)}${r.estimate.place ? ` (${r.estimate.place})` : ''}, confidence ${(r.estimate.confidence * 100).toFixed(0)}%`,
    `  from k=${r.k} geotagged neighbours by ${r.encoder}, bandwidth ${km(r.bandwidthKm)}; 1-NN at ${pos(r.nearestNeighbour)}`,
    r.planet
      ? `  PlaNet: cell ${r.planet.cell + 1} of ${r.planet.cells} (probability ${(r.planet.probability * 100).toFixed(0)}%), classifier trained on ${r.planet.trainedOn} geotagged photos; im2gps's votes below`
      : `  ${priorText(r.prior)}`,
    `  modes:`,
    ...r.modes.map((m, i) => `   ${i + 1}. ${pos(m)}  ${(m.support * 100).toFixed(0)}% (${m.count})${m.place ? `  ${m.place}` : ''}`),
    `  nearest neighbours:`,
    ...r.neighbours.map((n, i) => `   ${String(i + 1).padStart(2)}. ${n.distance.toFixed(3)}  ${pos(n)}${n.voted ? ' *' : '  '} ${n.path}`),
  ];
  if (r.exifGps) lines.push(`  the photo's own EXIF GPS: ${pos(r.exifGps)}`);
  if (r.map) lines.push(`  map: ${r.map}`);
  return lines.join('\n') + '\n';
}

function priorText(p: LocateReport['prior']): string {
  const g = p.gamma === 'constant' ? '∞' : String(p.gamma);
  const how = p.chosenBy === 'calibration' && p.calibration
    ? `γ ${g} chosen on ${p.calibration.photos} of the collection's photos (leave-${p.calibration.holdOut}-out: median ${km(p.calibration.medianKm)}, constant prior ${km(p.calibration.constantMedianKm)})`
    : p.chosenBy === 'default' ? `γ ${g} (default: too few or too many photos to calibrate)` : `γ ${g} (--prior-weight)`;
  if (p.gamma === 0) return `prior: off (--prior-weight 0): the votes' strongest mode`;
  const what = p.chose === 'medoid' ? `the collection medoid (the votes' mode was ${pos(p.mode)})` : `the votes' strongest mode`;
  return `prior: ${what}; ${how}, vote weight ${p.voteWeight.toFixed(2)}`;
}

function sequenceText(r: LocateSequenceReport): string {
  const lines = [`${r.photos.length} photo(s) of ${r.folder} in ${r.trips} trip(s), k=${r.k}, bandwidth ${km(r.bandwidthKm)}, ${r.encoder}:`];
  for (const p of r.photos) {
    const where = p.sequence ? `${pos(p.sequence)}${p.sequence.place ? ` (${p.sequence.place})` : ''}` : `${pos(p.single)} (single photo)`;
    const at = p.sequence ?? p.single;
    const off = p.exifGps ? `  [EXIF GPS ${km(haversineKm(at.latitude, at.longitude, p.exifGps.latitude, p.exifGps.longitude))} away]` : '';
    lines.push(`  ${p.trip === null ? '-' : `trip ${p.trip + 1}`}  ${p.takenAt ?? 'no time'}  ${where}${off}  ${p.path}`);
  }
  for (const w of r.withoutTime) lines.push(`  no capture time, located alone: ${w}`);
  for (const s of r.skipped) lines.push(`  skipped ${s.path}: ${s.reason}`);
  return lines.join('\n') + '\n';
}
