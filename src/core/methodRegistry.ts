/**
 * Method registries: one frozen table per capability (completion, colorization, …) whose keys feed the
 * zod schema (`z.enum(methodNames(registry))`), and through it the CLI's choices, the OpenAPI
 * document and the web page's menus (`GET /api/methods`). A new method is one file plus one line.
 */

/** What every registry entry says about itself. */
export interface MethodEntry {
  /** One line for `--help`, the OpenAPI document and the web page's menu. */
  description: string;
}

/** A method as menus list it. */
export interface MethodInfo {
  name: string;
  description: string;
}

/**
 * The registry's names, in registry order, as the non-empty tuple `z.enum` takes.
 * @example z.enum(methodNames(COMPLETE_METHODS))
 */
export function methodNames<K extends string>(registry: Readonly<Record<K, MethodEntry>>): [K, ...K[]] {
  const names = Object.keys(registry) as K[];
  if (names.length === 0) throw new Error('a method registry needs at least one method');
  return names as [K, ...K[]];
}

/** The registry as a menu: name and description per method, in registry order. */
export function methodMenu(registry: Readonly<Record<string, MethodEntry>>): MethodInfo[] {
  return Object.entries(registry).map(([name, m]) => ({ name, description: m.description }));
}

/** One line listing the methods, for a schema field's description: "`a`: …; `b`: …". */
export function describeMethods(registry: Readonly<Record<string, MethodEntry>>): string {
  return methodMenu(registry)
    .map((m) => `\`${m.name}\`: ${m.description}`)
    .join('; ');
}
