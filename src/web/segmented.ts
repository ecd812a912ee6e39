/**
 * A segmented control: radio buttons drawn as one row of joined buttons, so arrow keys, the
 * accessible names and the checked state are the browser's own.
 */
import { el } from './dom.ts';

export interface SegmentedOption<V extends string> {
  value: V;
  label: string;
}

/**
 * @param name the radio group's name, and the data-testid prefix: each radio is `${name}-${value}`
 * @param label the group's visible label, also its accessible name
 * @param onChange called with the newly checked value
 */
export function segmented<V extends string>(name: string, label: string, options: SegmentedOption<V>[], selected: V, onChange: (value: V) => void): HTMLElement {
  const radios = options.map((o) => {
    const radio = el('input', { type: 'radio', name, value: o.value, checked: o.value === selected, 'data-testid': `${name}-${o.value}` });
    radio.addEventListener('change', () => radio.checked && onChange(o.value));
    return el('label', { class: 'segment' }, radio, el('span', {}, o.label));
  });
  const labelId = `${name}-label`;
  return el(
    'div',
    { class: 'segmented-field' },
    el('span', { id: labelId, class: 'field-label' }, label),
    el('div', { role: 'radiogroup', class: 'segmented', 'aria-labelledby': labelId, 'data-testid': name }, ...radios),
  );
}
