import { publicModels } from '../../actions/models.ts';
import { defineRoute } from '../route.ts';
import { ModelList } from '../responses.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/models',
  summary: "The model cards of the server's manifest (without file paths), each with its file's state, and the classifiers a classify request may name",
  tag: 'recognition',
  response: ModelList,
  returns: 'the cards and the names of the usable classification models',
  handle: ({ ctx }) => publicModels(ctx.settings.manifest),
});
