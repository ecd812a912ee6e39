import { DejaError } from '../../core/errors.ts';
import { contactSheet } from '../../io/sheet.ts';
import type { LinearModel } from '../../decoders/recognize/linearModel.ts';
import { linearTemplates, pixelLayoutOf } from '../../decoders/recognize/linearTemplates.ts';

/** Pixels per template side in the sheet: a 32×32 template enlarged 3×. */
const TILE = 96;

/**
 * The learned templates of raw-pixel linear models as one PNG: a row per model, a tile per class
 * (`linearTemplates`: W_c / σ reshaped to the thumbnail, min–max scaled per template), captioned with the
 * class and the model's name.
 * @param rows the models, each with the name its row is captioned with (e.g. `softmax`, `svm`)
 * @param title the line above the grid
 * @throws DejaError BAD_ARGUMENT when a model's features are not a thumbnail's pixels
 * @example fs.writeFileSync('templates.png', await linearTemplateSheet([{ name: 'softmax', model }], 'CIFAR-10 templates'))
 */
export async function linearTemplateSheet(rows: readonly { name: string; model: LinearModel }[], title: string): Promise<Buffer> {
  const tiles = rows.flatMap(({ name, model }) => {
    const spec = model.provenance.descriptor.spec;
    const layout = pixelLayoutOf(spec);
    if (!layout) throw notPixels(spec);
    const scale = Math.max(1, Math.floor(TILE / layout.width));
    return linearTemplates(model, layout, scale).map((image, c) => ({ image, caption: `${model.classes[c]}\n${name}` }));
  });
  return contactSheet(tiles, { columns: Math.max(...rows.map((r) => r.model.classes.length)), tileSize: TILE, title }, 'png');
}

/** The one-line refusal of a template picture for features that are not pixels. */
export function notPixels(spec: string): DejaError {
  return new DejaError('BAD_ARGUMENT', `templates are pictures of raw-pixel weights, and ${spec} features are not pixels`, {
    hint: 'draw --templates for --features pixels (or another tiny/tiny-gray spec); leave it out for gist',
  });
}
