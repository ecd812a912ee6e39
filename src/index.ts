/** Deja's library API: the same functions the CLI and tests call. */
export { DejaError, isDejaError } from './core/errors.ts';
export type { Image } from './core/image.ts';
export { createImage, toGray, toRgb, flipHorizontal, crop } from './core/image.ts';
export { consoleProgress, silentProgress, type Progress } from './core/progress.ts';
export { rgbToLab, labToRgb } from './imgproc/color.ts';
export { decodeFile, decodeImage } from './io/decode.ts';
export { writeImage, encodeImage } from './io/encode.ts';
export { contactSheet } from './io/sheet.ts';
export type { Encoder, EncoderFactory } from './encoders/encoder.ts';
export { ENCODERS, encoderNames } from './encoders/registry.ts';
export { createEncoder, createEncoderResolved, parseCombinedSpec } from './encoders/factory.ts';
export type { VectorIndex, Neighbours } from './index/vectorIndex.ts';
export { Collection, type PhotoRecord } from './store/collection.ts';
export { ingest, type IngestOptions, type IngestReport } from './actions/ingest.ts';
export { searchPhotos, type SearchOptions, type SearchHit } from './actions/search.ts';
export { searchFile, type SearchResult } from './actions/searchFile.ts';
export { findDuplicates } from './actions/duplicates.ts';
export { collectionInfo } from './actions/info.ts';
