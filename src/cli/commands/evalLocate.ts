import { Option, type Command } from 'commander';
import { formatKm } from '../../core/formatDistance.ts';
import { evalLocate, type EvalLocateReport } from '../../actions/evalLocate.ts';
import { consoleProgress } from '../../core/progress.ts';
import { intOption, jsonOption, numberOption, openCollection, printJson, withCollection } from '../common.ts';

/** `deja eval locate`: the im2gps accuracy table (Hays & Efros 2008 §4; PlaNet thresholds). */
export function registerEvalLocate(evalCommand: Command): void {
  withCollection(evalCommand.command('locate'))
    .description('geolocation accuracy: share within 50 m … 2500 km and median error, per method and descriptor')
    .option('--test <folder|csv>', 'test photos (EXIF GPS) or a CSV file,latitude,longitude[,time]; default: leave-one-out on the collection')
    .option('-e, --encoders <specs>', 'descriptors to compare, alone and combined (comma-separated)', 'gist,tiny,lab-hist')
    .option('-k, --k <n>', 'neighbours that vote', intOption('--k', 1, 10000))
    .option('--bandwidth <km>', 'mean-shift bandwidth in km', numberOption('--bandwidth', 1e-4, 20000))
    .option('--uniform', 'one vote per neighbour instead of match-weighted votes')
    .addOption(new Option('--hold-out <what>', 'leave-one-out unit: the photo, or its whole trip').choices(['photo', 'trip']).default('photo'))
    .option('--max-gap <hours>', 'gap that splits trips', numberOption('--max-gap', 1e-3, 1e6), 24)
    .option('--sample <n>', 'evaluate a seeded random subset of at most n test photos', intOption('--sample', 1, 2 ** 31))
    .addOption(jsonOption())
    .action(async (opts) => {
      const collection = openCollection(opts);
      try {
        const r = await evalLocate(
          collection,
          { test: opts.test, encoders: String(opts.encoders).split(',').map((s) => s.trim()).filter(Boolean), k: opts.k, bandwidthKm: opts.bandwidth, weighting: opts.uniform ? 'uniform' : 'match', holdOut: opts.holdOut, maxGapHours: opts.maxGap, sample: opts.sample },
          // Progress on stderr also with --json (a bar on a terminal, a line every few seconds otherwise): stdout stays pure JSON.
          consoleProgress(),
        );
        if (opts.json) printJson(r);
        else process.stdout.write(evalLocateTable(r));
      } finally {
        collection.close();
      }
    });
}

/** The report as a Markdown table (also used by bench/locate.ts). */
export function evalLocateTable(r: EvalLocateReport): string {
  const th = r.rows[0]?.thresholdsKm ?? [];
  const label = formatKm;
  const lines = [
    `${r.protocol}: ${r.tested} test photos, ${r.geotagged} geotagged in the collection, k=${r.k}, bandwidth ${label(r.bandwidthKm < 1 ? r.bandwidthKm : Math.round(r.bandwidthKm))}, query latency ${r.latencyMs.toFixed(1)} ms`,
    '',
    `| method | descriptor | ${th.map(label).join(' | ')} | median error |`,
    `|---|---|${th.map(() => '---:').join('|')}|---:|`,
    ...r.rows.map((row) => `| ${row.method} | ${row.descriptor} | ${row.shares.map((s) => `${(s * 100).toFixed(1)}%`).join(' | ')} | ${formatKm(row.medianKm)} |`),
  ];
  for (const s of r.skipped.slice(0, 20)) lines.push(`skipped ${s.path}: ${s.reason}`);
  return lines.join('\n') + '\n';
}
