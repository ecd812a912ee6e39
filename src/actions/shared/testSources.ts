import path from 'node:path';
import { DejaError, isDejaError } from '../../core/errors.ts';
import type { Image } from '../../core/image.ts';
import { decodeImage } from '../../io/decode.ts';
import type { SourceItem } from '../../io/sources.ts';
import { readSplitMembers, sharedDataDir, sharedSplit } from '../../io/sharedData.ts';
import type { ClassifierContract } from '../../nn/classifierModel.ts';

/**
 * The test sources: those given, else the shared data set the card's split names, with the card's list
 * of held-out members when the split is a subset of that set (`members`, else null: every photo).
 */
export function testSources(c: ClassifierContract, given: string[] | undefined): { test: string[]; fromCard: boolean; members: Set<string> | null } {
  if (given) return { test: given.map((p) => path.resolve(p)), fromCard: false, members: null };
  const split = sharedSplit(c.card.split);
  if (!split)
    throw new DejaError('BAD_ARGUMENT', `the card of ${c.name} names no shared test set to evaluate on${c.card.split ? ` (split: ${JSON.stringify(c.card.split)})` : ''}`, {
      file: c.manifest,
      hint: 'pass --test <folder|archive> with one subfolder per class',
    });
  if (!split.exists)
    throw new DejaError('NOT_FOUND', `the test set of ${c.name}, ${split.name}, is not in the shared data folder`, {
      file: split.path,
      hint: `pass --test <folder|archive>, or set DEJA_DATA to the folder holding ${split.name.split('/')[0]}/ (now ${sharedDataDir()})`,
    });
  const members = c.card.splitMembers ? readSplitMembers(path.join(path.dirname(c.manifest), c.card.splitMembers), c.card.recipe) : null;
  return { test: [split.path], fromCard: true, members };
}

/** A test photo's pixels, shrunk to about the model's input size; null (and a skipped entry) when it cannot be read. */
export async function decodeOrSkip(item: SourceItem, size: number, skipped: { path: string; reason: string }[]): Promise<Image | null> {
  try {
    return (await decodeImage(item.read(), { minSide: size, name: item.path })).image;
  } catch (e) {
    if (!isDejaError(e)) throw e;
    skipped.push({ path: item.path, reason: e.message });
    return null;
  }
}
