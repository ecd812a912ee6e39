/**
 * The geolocation methods: the registry behind `deja locate --method`, the HTTP API's `method` field,
 * the OpenAPI enum and the menus. A new method is one file plus one line here.
 */
import { methodNames, type MethodEntry } from '../../core/methodRegistry.ts';

export const LOCATE_METHODS = {
  im2gps: { description: 'im2gps (Hays & Efros 2008): mean-shift over the votes of the k nearest geotagged photos, with the collection prior' },
  planet: {
    description: 'PlaNet (Weyand et al. 2016): a softmax over adaptive geographic cells, trained on the collection\'s geotagged photos on top of the descriptor; answers the most probable cell',
  },
} as const satisfies Record<string, MethodEntry>;

export type LocateMethodName = keyof typeof LOCATE_METHODS;
export const LOCATE_METHOD_NAMES = methodNames(LOCATE_METHODS);
export const DEFAULT_LOCATE_METHOD: LocateMethodName = 'im2gps';
