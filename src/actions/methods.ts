import { methodMenu, type MethodInfo } from '../core/methodRegistry.ts';
import { ATTACK_METHODS, DEFAULT_ATTACK_METHOD } from '../decoders/attack/methods.ts';
import { COLORIZE_METHODS, DEFAULT_COLORIZE_METHOD } from '../decoders/colorize/methods.ts';
import { COMPLETE_METHODS, DEFAULT_COMPLETE_METHOD } from '../decoders/complete/methods.ts';
import { DEFAULT_LOCATE_METHOD, LOCATE_METHODS } from '../decoders/locate/methods.ts';

/** One capability's methods as a menu: the default and every method, in registry order. */
export interface MethodMenu<M extends MethodInfo = MethodInfo> {
  default: string;
  methods: M[];
}

/** A completion method in the menu; `usesScenes`: it matches scenes of the collection (and takes `scenes`). */
export type CompleteMethodInfo = MethodInfo & { usesScenes: boolean };

/** An attack method in the menu: whether it needs the model's input-gradient graph, and what its strength is measured in. */
export type AttackMethodInfo = MethodInfo & { gradient: boolean; strength: 'eps' | 'pixels' };

/** Every capability's method menu, as `GET /api/methods` answers: what the web page's menus show. */
export interface MethodMenus {
  complete: MethodMenu<CompleteMethodInfo>;
  colorize: MethodMenu;
  locate: MethodMenu;
  attack: MethodMenu<AttackMethodInfo>;
}

/** The method menus, from the method registries. */
export function methodMenus(): MethodMenus {
  return {
    complete: {
      default: DEFAULT_COMPLETE_METHOD,
      methods: methodMenu(COMPLETE_METHODS).map((m) => ({ ...m, usesScenes: COMPLETE_METHODS[m.name as keyof typeof COMPLETE_METHODS].usesScenes })),
    },
    colorize: { default: DEFAULT_COLORIZE_METHOD, methods: methodMenu(COLORIZE_METHODS) },
    locate: { default: DEFAULT_LOCATE_METHOD, methods: methodMenu(LOCATE_METHODS) },
    attack: {
      default: DEFAULT_ATTACK_METHOD,
      methods: methodMenu(ATTACK_METHODS).map((m) => {
        const { gradient, strength } = ATTACK_METHODS[m.name as keyof typeof ATTACK_METHODS];
        return { ...m, gradient, strength };
      }),
    },
  };
}
