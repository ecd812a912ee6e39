/**
 * Locate: where on Earth photos were taken, from the GPS of the collection's photos most like them.
 * One photo at a time (IM2GPS), or a trip: several photos located jointly along their capture times.
 */
import { segmented } from '../segmented.ts';
import { locatePhotoMode } from './locatePhoto.ts';
import { locateTripMode } from './locateTrip.ts';
import { tabPanel, type Tab } from './common.ts';

type Mode = 'photo' | 'trip';

export function locateTab(): Tab {
  // Each mode keeps its own form and results, so switching back and forth loses nothing.
  const modes: Record<Mode, HTMLElement> = { photo: locatePhotoMode(), trip: locateTripMode() };
  const show = (mode: Mode) => {
    for (const [m, node] of Object.entries(modes)) node.hidden = m !== mode;
  };
  const switcher = segmented<Mode>('locate-mode', 'What to locate', [{ value: 'photo', label: 'One photo' }, { value: 'trip', label: 'A trip (several photos)' }], 'photo', show);
  show('photo');
  const intro = 'Estimate where photos were taken from the GPS of the photos most like them; a trip’s photos are located together, along their capture times.';
  return { id: 'locate', title: 'Locate', node: tabPanel('locate', 'Locate', intro, switcher, modes.photo, modes.trip) };
}
