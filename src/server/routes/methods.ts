import { methodMenus } from '../../actions/methods.ts';
import { defineRoute } from '../route.ts';
import { MethodMenus } from '../responses.ts';

export default defineRoute({
  method: 'GET',
  url: '/api/methods',
  summary: "Each capability's methods from its registry (name, one-line description, the default): the web page's menus",
  tag: 'collection',
  response: MethodMenus,
  returns: 'each capability\'s default method and its methods with one-line descriptions',
  handle: () => methodMenus(),
});
