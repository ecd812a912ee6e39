import type { Command } from 'commander';
import { reconstruct, ReconstructOptions } from '../../actions/reconstruct.ts';
import { jsonOption, printJson, progressFor, schemaOption } from '../common.ts';

/** `deja reconstruct <folder> --out <dir>`: cameras and points from photos of one scene (COLMAP text model + PLY); defaults, choices and bounds from `ReconstructOptions`. */
export function register(program: Command): void {
  program
    .command('reconstruct')
    .description('structure from motion: cameras and a 3D point cloud from a folder of overlapping photos (COLMAP text model + PLY)')
    .argument('<folder>', 'folder of photos of one scene (one camera, or many with --cameras per-image / auto)')
    .requiredOption('-o, --out <dir>', 'output folder for cameras.txt, images.txt, points3D.txt, points.ply, topview.png and scene.json')
    .addOption(schemaOption(ReconstructOptions, 'cameraModel', '--camera-model <model>', 'simple-radial (f and k1 refined) or pinhole (K of --K held)'))
    .option('--K <K.txt>', 'intrinsics of the photos at their stored size, 3 × 3 (needed with pinhole)')
    .addOption(schemaOption(ReconstructOptions, 'cameras', '--cameras <setup>', 'shared (one camera), per-image (f from EXIF, refined per photo) or auto (per-image when sizes or EXIF differ)'))
    .addOption(schemaOption(ReconstructOptions, 'maxFeatures', '--max-features <n>', 'SIFT features kept per photo (the strongest)'))
    .addOption(schemaOption(ReconstructOptions, 'siftContrast', '--sift-contrast <t>', 'SIFT contrast threshold (default: 0.02 as COLMAP, for per-image cameras; 0.04 as OpenCV, for one camera)'))
    .addOption(schemaOption(ReconstructOptions, 'matcher', '--matcher <matcher>', 'exhaustive (every pair) or vocab (vocabulary-tree retrieval)'))
    .addOption(schemaOption(ReconstructOptions, 'retrievalK', '--retrieval-k <n>', 'with vocab: pairs retrieved per photo'))
    .addOption(schemaOption(ReconstructOptions, 'maxSize', '--max-size <px>', 'longer side photos are shrunk to before SIFT'))
    .addOption(schemaOption(ReconstructOptions, 'threads', '--threads <n>', 'SIFT and matching worker threads'))
    .addOption(schemaOption(ReconstructOptions, 'minRegistrationInliers', '--min-inliers <n>', 'least 2D–3D inliers that register a photo (default: 20 with per-image cameras, 30 with one)'))
    .addOption(schemaOption(ReconstructOptions, 'seed', '--seed <n>', 'seed of RANSAC and the vocabulary tree'))
    .option('--database <file>', 'SfM database of features and verified matches, reused by a rerun (default: <out>/database.sqlite)')
    .option('--no-database', 'keep no features or matches between runs')
    .option('-q, --quiet', 'no progress output')
    .addOption(jsonOption())
    .action(async (folder: string, opts) => {
      const r = await reconstruct(
        { folder, out: opts.out, cameraModel: opts.cameraModel, K: opts.K, cameras: opts.cameras, maxFeatures: opts.maxFeatures, siftContrast: opts.siftContrast, matcher: opts.matcher, retrievalK: opts.retrievalK, maxSize: opts.maxSize, threads: opts.threads, minRegistrationInliers: opts.minInliers, seed: opts.seed, database: opts.database },
        progressFor(opts),
      );
      if (opts.json) return printJson(r);
      const s = r.summary, st = r.stages, out = process.stdout;
      for (const k of r.skipped) out.write(`skipped ${k.path}: ${k.reason}\n`);
      for (const d of r.duplicates) out.write(`near-identical (no baseline): ${d.a} and ${d.b}, ${d.inliers} matches, median shift ${d.medianShift.toFixed(1)} px\n`);
      for (const im of r.images) if (!im.registered) out.write(`not registered: ${im.name}: ${im.reason}\n`);
      if (r.cameraSetup.cameras === 'per-image') {
        const fs = r.images.filter((im) => im.registered && im.camera).map((im) => im.camera!.params[0]).sort((a, b) => a - b);
        const sources = r.images.reduce<Record<string, number>>((acc, im) => ({ ...acc, [im.focal!.source]: (acc[im.focal!.source] ?? 0) + 1 }), {});
        const swept = r.images.filter((im) => im.focal?.swept != null).length;
        out.write(`per-image cameras (${r.cameraSetup.why}): start f from ${Object.entries(sources).map(([k, n]) => `${k} ${n}`).join(', ')}${swept ? ` (${swept} guesses swept ×0.5 … ×12 at registration)` : ''}; refined f ${fs.length ? `${fs[0].toFixed(0)} … ${fs[fs.length - 1].toFixed(0)} px (median ${fs[fs.length >> 1].toFixed(0)})` : 'none'}\n`);
      }
      out.write(`registered ${s.registered}/${r.images.length} photos, ${s.points} points, mean track length ${s.meanTrackLength.toFixed(2)}, mean reprojection error ${s.meanReprojectionError.toFixed(2)} px; ${r.cameraSetup.cameras === 'per-image' ? `${r.images.filter((im) => im.registered).length} SIMPLE_RADIAL cameras` : `${r.camera.model} ${r.camera.params.map((p) => +p.toPrecision(6)).join(' ')}`}\n`);
      out.write(`top view: ${r.topView}\n`);
      out.write(`seconds: decode ${st.decode.seconds.toFixed(1)}, SIFT ${st.features.seconds.toFixed(1)} (contrast ${st.features.contrast}${st.features.fromDatabase ? `; ${st.features.fromDatabase} photos from the database` : ''}), matching ${st.matching.seconds.toFixed(1)} (${st.matching.pairs} pairs${st.matching.fromDatabase ? `, ${st.matching.fromDatabase} from the database` : ''}), mapping ${st.mapping.seconds.toFixed(1)}, export ${st.export.seconds.toFixed(1)}; total ${r.seconds.toFixed(1)} → ${r.files[0].replace(/[^/]*$/, '')}\n`);
    });
}
