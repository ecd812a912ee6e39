/** Every API route; a new one is one file plus one line here. */
import type { RouteSpec } from '../route.ts';
import health from './health.ts';
import info from './info.ts';
import ingest from './ingest.ts';
import methods from './methods.ts';
import photos from './photos.ts';
import photosGeo from './photosGeo.ts';
import thumbnail from './thumbnail.ts';
import original from './original.ts';
import search from './search.ts';
import classify from './classify.ts';
import models from './models.ts';
import attack from './attack.ts';
import locate from './locate.ts';
import locateSequence from './locateSequence.ts';
import complete from './complete.ts';
import colorize from './colorize.ts';
import duplicates from './duplicates.ts';
import reconstruct from './reconstruct.ts';
import { jobEvents, jobFile, jobStatus } from './jobs.ts';

export const routes: RouteSpec[] = [health, info, ingest, methods, photos, photosGeo, thumbnail, original, search, classify, models, attack, locate, locateSequence, complete, colorize, duplicates, reconstruct, jobStatus, jobEvents, jobFile];
