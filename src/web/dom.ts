/** Small DOM helpers: element creation with attributes, and the labelled controls every tab uses. */

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined>;

/**
 * Creates an element. Attributes go through setAttribute (`class`, `data-testid`, `aria-label`...);
 * boolean true sets an empty attribute, false or undefined leaves it out.
 * @example el('button', { type: 'button', 'data-testid': 'run' }, 'Run')
 */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) if (c !== null && c !== undefined && c !== false) parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
}

/** Replaces all children of `parent`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** A `<label>` wrapping its control, so the control's accessible name is the label text. */
export function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  return el('label', { class: 'field' }, el('span', { class: 'field-label' }, text), control);
}

/** A number input with bounds. */
export function numberInput(testid: string, value: number, min: number, max: number): HTMLInputElement {
  return el('input', { type: 'number', value, min, max, step: 1, inputmode: 'numeric', 'data-testid': testid });
}

/** A `<select>` of the given values. */
export function select(testid: string, values: readonly string[], selected: string): HTMLSelectElement {
  const s = el('select', { 'data-testid': testid });
  for (const v of values) s.append(el('option', { value: v, selected: v === selected }, v));
  return s;
}

/** An integer read from a number input, clamped to its bounds; `fallback` when empty or not a number. */
export function intValue(input: HTMLInputElement, fallback: number): number {
  const v = Math.round(Number(input.value));
  if (input.value.trim() === '' || !Number.isFinite(v)) return fallback;
  return Math.min(Number(input.max || v), Math.max(Number(input.min || v), v));
}

/** An integer from an optional number input: undefined when left blank (the server's default applies). */
export function optionalInt(input: HTMLInputElement): number | undefined {
  return input.value.trim() === '' ? undefined : intValue(input, Number(input.min || 1));
}

/** The one-line error slot of a tab: message and hint, announced to screen readers. */
export function errorSlot(testid: string): { node: HTMLElement; show: (text: string) => void; clear: () => void } {
  const node = el('p', { class: 'error', role: 'alert', 'data-testid': testid, hidden: true });
  return {
    node,
    show: (text) => {
      node.textContent = text;
      node.hidden = false;
    },
    clear: () => {
      node.textContent = '';
      node.hidden = true;
    },
  };
}

/** An image with alt text (loaded eagerly: results are few, and screenshots should show them all). */
export function thumb(src: string, alt: string, testid?: string): HTMLImageElement {
  return el('img', { src, alt, decoding: 'async', 'data-testid': testid });
}

export const fmt = {
  /** Descriptor distances span 1e-7 (the photo itself) to thousands (raw pixel encoders). */
  distance: (d: number) => (d === 0 ? '0' : Math.abs(d) < 1e-3 ? d.toExponential(1) : Math.abs(d) >= 100 ? d.toFixed(1) : d.toPrecision(3)),
  /** Degrees with a hemisphere letter (kept on the number's line); 4 decimals is about 10 m, 2 about 1 km. */
  degrees: (v: number, pos: string, neg: string, digits = 4) => `${Math.abs(v).toFixed(digits)}°\u00a0${v >= 0 ? pos : neg}`,
  latLon: (lat: number, lon: number, digits = 4) => `${fmt.degrees(lat, 'N', 'S', digits)}, ${fmt.degrees(lon, 'E', 'W', digits)}`,
  percent: (f: number) => `${(f * 100).toFixed(f < 0.1 ? 1 : 0)} %`,
  /** A capture time as the camera wrote it, in the photo's own local time (not the browser's): `2023-10-12 11:54`. */
  takenAt: (iso: string) => iso.replace(/^(\d{4}-\d\d-\d\d)T(\d\d:\d\d).*$/, '$1 $2'),
  seconds: (s: number) => `${s.toFixed(s < 10 ? 2 : 1)} s`,
  bytes: (b: number) => (b < 1e6 ? `${(b / 1e3).toFixed(0)} kB` : b < 1e9 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e9).toFixed(2)} GB`),
};
