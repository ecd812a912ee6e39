import { methodMenus } from '../../actions/methods.ts';
import { defineRoute } from '../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/methods',
  summary: "Each capability's methods from its registry (name, one-line description, the default): the web page's menus",
  tag: 'collection',
  returns: 'MethodMenus: { complete: { default, methods: [{ name, description, usesScenes }] }, colorize: { default, methods: [{ name, description }] } }',
  handle: () => methodMenus(),
});
