import type { Command } from 'commander';
import { IngestOptions, ingest, type IngestReport } from '../../actions/ingest.ts';
import { queueStatus } from '../../actions/queueStatus.ts';
import { DejaError } from '../../core/errors.ts';
import { silentProgress, type Progress } from '../../core/progress.ts';
import { assertSomeSourceExists } from '../../io/sources.ts';
import { collectionDir, jsonOption, openCollection, printJson, progressFor, schemaOption, withCollection } from '../common.ts';

/** `deja index <sources...>`: defaults and bounds come from `IngestOptions`. */
export function register(program: Command): void {
  withCollection(program.command('index'))
    .description('add photos to the collection: folders, files, .tar/.tar.gz archives or a list file (resumable)')
    .argument('[sources...]', 'photo folders, files, archives or .txt list files (required unless --status)')
    .addOption(schemaOption(IngestOptions, 'encoders', '-e, --encoders <specs>', 'comma-separated encoder specs (see `deja encoders`); the default serves every command'))
    .addOption(schemaOption(IngestOptions, 'labelFromFolder', '--label-from-folder', 'label each photo with its folder name'))
    .addOption(schemaOption(IngestOptions, 'labelsCsv', '--labels <csv>', 'CSV of file,label'))
    .addOption(schemaOption(IngestOptions, 'labelColumn', '--label-column <name>', 'column of the --labels CSV that holds the label (e.g. country)'))
    .addOption(schemaOption(IngestOptions, 'geoCsv', '--geo <csv>', 'CSV of file,latitude,longitude[,time] for photos without EXIF GPS'))
    .addOption(schemaOption(IngestOptions, 'geoOverridesExif', '--geo-overrides-exif', 'let --geo replace positions from EXIF GPS (kept by default)'))
    .addOption(schemaOption(IngestOptions, 'dtype', '--dtype <dtype>', 'storage precision of new descriptor files: float32, float16 (half the disk) or int8 (a quarter)'))
    .option('--float16', 'same as --dtype float16')
    .addOption(schemaOption(IngestOptions, 'threads', '--threads <n>', 'worker threads (default: all cores)'))
    .addOption(schemaOption(IngestOptions, 'pixelLimit', '--pixel-limit <n>', 'refuse images with more pixels than this'))
    .addOption(schemaOption(IngestOptions, 'rebuild', '--rebuild <specs>', 'recompute these encoders’ descriptors (comma-separated); photos that cannot be recomputed keep their old ones'))
    .addOption(schemaOption(IngestOptions, 'limit', '--limit <n>', 'stop after this many new photos'))
    .addOption(schemaOption(IngestOptions, 'queue', '--queue <url>', 'encode on `deja worker` processes through the BullMQ queue at this Redis URL (redis://host:6379)'))
    .addOption(schemaOption(IngestOptions, 'queueInFlight', '--queue-in-flight <n>', 'with --queue: jobs in flight at most'))
    .option('--status', 'with --queue: print the queue’s progress (jobs waiting, active, completed, failed; workers) and exit')
    .option('-q, --quiet', 'no progress output')
    .addOption(jsonOption())
    .action(async (sources: string[], opts) => {
      if (opts.status) return printQueueStatus(opts);
      if (sources.length === 0) throw new DejaError('BAD_ARGUMENT', 'nothing to index', { hint: 'pass photo folders, files, .tar/.tar.gz archives or a list file — see `deja index --help`' });
      assertSomeSourceExists(sources); // before the collection folder is created
      const collection = openCollection(opts, true);
      try {
        const report = await ingest(
          collection,
          sources,
          {
            encoders: opts.encoders,
            labelFromFolder: opts.labelFromFolder,
            labelsCsv: opts.labels,
            labelColumn: opts.labelColumn,
            geoCsv: opts.geo,
            geoOverridesExif: opts.geoOverridesExif,
            dtype: opts.float16 ? 'float16' : opts.dtype,
            threads: opts.threads,
            pixelLimit: opts.pixelLimit,
            rebuild: opts.rebuild,
            limit: opts.limit,
            queue: opts.queue,
            queueInFlight: opts.queueInFlight,
          },
          ingestProgress(opts),
        );
        if (opts.json) return printJson({ collection: collectionDir(opts), ...report });
        const lines = [
          `indexed ${report.added} new photo(s) in ${report.seconds.toFixed(1)} s (${report.photosPerSecond.toFixed(1)}/s) into ${collectionDir(opts)}`,
          `  already present: ${report.alreadyPresent}, exact duplicates: ${report.duplicates}, backfilled: ${report.backfilled}, skipped: ${report.skipped.length}` +
            (report.retried ? `, retried after an earlier skip: ${report.retried}` : '') +
            (report.changed.length ? `, changed since indexed (re-indexed): ${report.changed.length}` : ''),
        ];
        for (const r of report.rebuilt) {
          lines.push(`  rebuilt ${r.spec}: ${r.recomputed} recomputed, ${r.kept.length} kept their old descriptor, ${r.dropped.length} left without one`);
          for (const k of r.kept) lines.push(`  kept the old ${r.spec} descriptor of ${k.path}: ${k.reason}`);
          for (const k of r.dropped) lines.push(`  no ${r.spec} descriptor for ${k.path} (other dimension): ${k.reason}`);
        }
        if (report.labelled) lines.push(`  labelled: ${report.labelled}`);
        if (opts.geo) lines.push(`  geotagged from CSV: ${report.geotagged}, CSV problems: ${report.geoProblems.length}, EXIF GPS kept: ${report.geoKeptExif}`);
        for (const p of report.geoProblems.slice(0, 20)) lines.push(`  geo CSV line ${p.line}: ${p.message}`);
        lines.push(...csvMatchLines(report));
        for (const s of report.skipped) lines.push(`  skipped ${s.path}: ${s.reason}`);
        process.stdout.write(lines.join('\n') + '\n');
      } finally {
        collection.close();
      }
    });
}

/** `deja index --queue <url> --status`: the collection's queue, read-only. */
async function printQueueStatus(opts: { queue?: string; json?: boolean; collection?: string }): Promise<void> {
  if (!opts.queue) throw new DejaError('BAD_ARGUMENT', '--status needs --queue <url>', { hint: 'e.g. `deja index --queue redis://localhost:6379 --status`' });
  const collection = openCollection(opts);
  try {
    const s = await queueStatus(collection, { queue: opts.queue });
    if (opts.json) return printJson({ collection: collectionDir(opts), ...s });
    process.stdout.write(
      `queue ${s.name} at ${s.url}: ${s.waiting} waiting, ${s.active} active, ${s.completed} completed (not yet committed), ${s.failed} failed, ${s.delayed} delayed; ${s.workers} worker connection(s)\n`,
    );
  } finally {
    collection.close();
  }
}

/** Progress as usual; with --json (and not --quiet) only the ETA line, on stderr. */
function ingestProgress(opts: { json?: boolean; quiet?: boolean }): Progress {
  if (opts.json && !opts.quiet) return { ...silentProgress, note: (text) => process.stderr.write(`${text}\n`) };
  return progressFor(opts);
}

/** Counts of CSV rows that matched no photo of the sources or several, and the first few by line. */
function csvMatchLines(report: IngestReport): string[] {
  if (report.csvProblems.length === 0) return [];
  const count = (kind: string) => report.csvProblems.filter((p) => p.kind === kind).length;
  const lines = [`  CSV rows matching no photo of these sources: ${count('unmatched')}, matching several: ${count('ambiguous')}, naming a photo again: ${count('repeated')}`];
  // Ambiguous and repeated rows first: they are the ones to fix.
  const shown = [...report.csvProblems.filter((p) => p.kind !== 'unmatched'), ...report.csvProblems.filter((p) => p.kind === 'unmatched')];
  for (const p of shown.slice(0, 10)) lines.push(`  ${p.csv} line ${p.line}: ${p.message}`);
  if (shown.length > 10) lines.push(`  … ${shown.length - 10} more (--json lists them all)`);
  return lines;
}
