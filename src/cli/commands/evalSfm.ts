import type { Command } from 'commander';
import { evalSfm } from '../../actions/evalSfm.ts';
import { jsonOption, printJson } from '../common.ts';

/** `deja eval sfm --model <dir> --gt <dir>`: camera errors of a reconstruction against known cameras. */
export function registerEvalSfm(evalCommand: Command): void {
  evalCommand
    .command('sfm')
    .description('camera errors of a reconstruction (COLMAP text model) against ground-truth cameras: positions and rotations after a similarity alignment, relative rotations')
    .requiredOption('-m, --model <dir>', 'folder with cameras.txt and images.txt (e.g. from deja reconstruct --out)')
    .requiredOption('--gt <dir|csv>', "folder of ground-truth '<image name>.camera' files (Strecha's format), or a reference-camera .csv (file, cx, cy, cz, r11 … r33)")
    .addOption(jsonOption())
    .action((opts) => {
      const r = evalSfm({ model: opts.model, gt: opts.gt });
      if (opts.json) return printJson(r);
      const out = process.stdout;
      out.write(`${r.cameras} cameras aligned (scale ${r.scale.toPrecision(4)})${r.missing.length ? `; ${r.missing.length} not in the model: ${r.missing.slice(0, 8).join(', ')}${r.missing.length > 8 ? ', …' : ''}` : ''}\n`);
      const unit = r.reference === 'strecha' ? ' m' : '';
      out.write(`position error: mean ${r.position.mean.toFixed(4)}${unit}, median ${r.position.median.toFixed(4)}${unit}, max ${r.position.max.toFixed(4)}${unit}\n`);
      const pct = (v: number) => `${(100 * v).toFixed(2)} %`;
      out.write(`position error ÷ reference extent (${r.extent.toPrecision(4)}${unit}): mean ${pct(r.relativePosition.mean)}, median ${pct(r.relativePosition.median)}, max ${pct(r.relativePosition.max)}\n`);
      out.write(`rotation error: mean ${r.rotation.mean.toFixed(3)}°, median ${r.rotation.median.toFixed(3)}°, max ${r.rotation.max.toFixed(3)}°\n`);
      out.write(`relative rotation error (${r.relativeRotation.pairs} pairs, no alignment): mean ${r.relativeRotation.mean.toFixed(3)}°, max ${r.relativeRotation.max.toFixed(3)}°\n`);
    });
}
