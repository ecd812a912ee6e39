import path from 'node:path';
import { collectionInfo } from '../../actions/info.ts';
import { defineRoute } from '../route.ts';
import { Info } from '../responses.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/info',
  summary: 'What the collection holds: photos, duplicates, geotagged and labelled counts, encoders (as `deja info --json`)',
  tag: 'collection',
  response: Info,
  returns: 'the collection summary (as `deja info --json`) and its folder name',
  handle: ({ ctx }) => ({ name: path.basename(ctx.collection.dir), ...collectionInfo(ctx.collection) }),
});
