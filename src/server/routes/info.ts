import path from 'node:path';
import { collectionInfo } from '../../actions/info.ts';
import { defineRoute } from '../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/info',
  summary: 'What the collection holds: photos, duplicates, geotagged and labelled counts, encoders (as `deja info --json`)',
  tag: 'collection',
  returns: 'CollectionInfo plus `name` (the collection folder name)',
  handle: ({ ctx }) => ({ name: path.basename(ctx.collection.dir), ...collectionInfo(ctx.collection) }),
});
