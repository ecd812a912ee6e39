/**
 * Moved to `shared/photoImage.ts` (helpers several actions share are not actions). This re-export
 * remains only for classify.ts, which is being changed on another branch; once it imports
 * `./shared/photoImage.ts`, delete this file and its entry in scripts/checkLayers.ts ACTION_EDGES.
 */
export { collectionImage, queryImage, queryPhoto } from './shared/photoImage.ts';
