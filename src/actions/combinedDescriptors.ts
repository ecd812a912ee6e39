/**
 * Moved to `shared/combinedDescriptors.ts` (helpers several actions share are not actions). This
 * re-export remains only for locate.ts and classify.ts, which are being changed on other branches;
 * once they import `./shared/combinedDescriptors.ts`, delete this file and their entries in
 * scripts/checkLayers.ts ACTION_EDGES.
 */
export { combinedDescriptors, type CombinedDescriptors } from './shared/combinedDescriptors.ts';
