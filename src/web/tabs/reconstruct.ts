/**
 * Reconstruct: structure from motion on a few photos of one scene. The photos go to
 * `POST /api/reconstruct` as a job; when it ends the tab shows the summary, topview.png, the 3D viewer
 * (three.js, loaded on demand) and links to the model files (COLMAP text model, PLY, scene.json).
 */
import { api, followJob } from '../api.ts';
import type { ReconstructResult } from '../apiTypes.ts';
import { el, errorSlot, fmt, intValue, labelled, numberInput, replace, select, thumb } from '../dom.ts';
import { jobProgress } from '../jobProgress.ts';
import { photosPicker } from '../photosPicker.ts';
import { figure, runButton, tabPanel, runOnSubmit, type Tab } from './common.ts';

/** The nine numbers of a K typed as "fx 0 cx 0 fy cy 0 0 1" (spaces or commas); null when it is not nine numbers. */
function parseK(text: string): number[] | null {
  const v = text.trim().split(/[\s,]+/).filter(Boolean).map(Number);
  return v.length === 9 && v.every(Number.isFinite) ? v : null;
}

export function reconstructTab(): Tab {
  const picker = photosPicker('reconstruct');
  const cameraModel = select('reconstruct-camera-model', ['simple-radial', 'pinhole'], 'simple-radial');
  const K = el('input', { type: 'text', placeholder: 'fx 0 cx 0 fy cy 0 0 1', 'aria-label': 'K at the photos’ stored size', 'data-testid': 'reconstruct-k', spellcheck: false });
  const kField = labelled('K (pinhole)', K);
  kField.hidden = true;
  cameraModel.addEventListener('change', () => (kField.hidden = cameraModel.value !== 'pinhole'));
  const maxSize = numberInput('reconstruct-max-size', 1024, 64, 2048);
  const matcher = select('reconstruct-matcher', ['exhaustive', 'vocab'], 'exhaustive');
  const button = runButton('reconstruct-run', 'Reconstruct');
  const error = errorSlot('reconstruct-error');
  const progress = jobProgress('reconstruct-progress');
  const results = el('div', { class: 'reconstruct-results', 'data-testid': 'reconstruct-results' });
  const form = el(
    'form',
    { class: 'controls', 'aria-label': 'Reconstruct options' },
    picker.node,
    el('div', { class: 'options' }, labelled('Camera model', cameraModel), kField, labelled('Longer side (px)', maxSize), labelled('Matcher', matcher), button),
  );
  let disposeViewer: (() => void) | null = null;

  const check = () => {
    if (picker.files().length < 2) return 'Choose two or more photos of one scene.';
    if (cameraModel.value === 'pinhole' && !parseK(K.value)) return 'The pinhole model needs K: nine numbers, fx 0 cx 0 fy cy 0 0 1.';
    return null;
  };
  runOnSubmit(form, { button, error, results, progress }, check, async () => {
    disposeViewer?.();
    disposeViewer = null;
    progress.message('uploading');
    const k = cameraModel.value === 'pinhole' ? parseK(K.value)!.join(',') : undefined;
    const job = await api.reconstruct(picker.files(), { cameraModel: cameraModel.value, K: k, maxSize: intValue(maxSize, 1024), matcher: matcher.value });
    const r = await followJob(job, progress.update);
    progress.finish(`done: ${r.summary.registered} of ${r.images.length} photos registered, ${r.summary.points} points in ${fmt.seconds(r.seconds)}`);
    await show(r);
  });

  async function show(r: ReconstructResult) {
    const s = r.summary;
    const viewerHost = el('div', { class: 'scene-viewer', 'data-testid': 'reconstruct-viewer-host' }, el('p', { class: 'intro' }, 'Loading the 3D view…'));
    const unregistered = r.images.filter((i) => !i.registered);
    const link = (href: string, name: string) => el('a', { href, download: name, 'data-testid': `reconstruct-file-${name.replace('.', '-')}` }, name);
    replace(
      results,
      el(
        'dl',
        { class: 'facts', 'data-testid': 'reconstruct-summary' },
        el('dt', {}, 'Registered'), el('dd', {}, `${s.registered} of ${r.images.length} photos`),
        el('dt', {}, 'Points'), el('dd', {}, `${s.points} (mean track length ${s.meanTrackLength.toFixed(2)})`),
        el('dt', {}, 'Reprojection error'), el('dd', {}, `${s.meanReprojectionError.toFixed(2)} px (mean)`),
        el('dt', {}, 'Camera'), el('dd', {}, `${r.camera.model} ${r.camera.params.map((p) => +p.toPrecision(5)).join(' ')} at ${r.camera.width}×${r.camera.height}`),
      ),
      unregistered.length ? el('ul', { class: 'warning', 'data-testid': 'reconstruct-unregistered' }, ...unregistered.map((i) => el('li', {}, `${i.name}: ${i.reason}`))) : null,
      r.skipped.length ? el('ul', { class: 'warning' }, ...r.skipped.map((k) => el('li', {}, `${k.path}: ${k.reason}`))) : null,
      el('h3', {}, '3D view (drag to orbit, scroll or pinch to zoom)'),
      viewerHost,
      el('div', { class: 'panels' }, figure(thumb(r.files.topView, 'The points from above, with the cameras', 'reconstruct-topview'), 'Top view: points from above, cameras in yellow by photo index', 'reconstruct-topview-panel')),
      el(
        'p',
        { class: 'summary', 'data-testid': 'reconstruct-files' },
        'Model files: ',
        link(r.files.cameras, 'cameras.txt'), ', ', link(r.files.images, 'images.txt'), ', ', link(r.files.points3D, 'points3D.txt'), ' (COLMAP text model), ',
        link(r.files.ply, 'points.ply'), ', ', link(r.files.topView, 'topview.png'), ', ', link(r.files.scene, 'scene.json'), '.',
      ),
    );
    try {
      const [scene, { sceneViewer }] = await Promise.all([api.viewerScene(r.files.scene), import('../sceneViewer.ts')]);
      disposeViewer = sceneViewer(viewerHost, scene).dispose;
    } catch (err) {
      // No WebGL (or the scene did not load): the top view and the files still stand.
      replace(viewerHost, el('p', { class: 'warning', 'data-testid': 'reconstruct-viewer-error' }, `The 3D view is unavailable here: ${err instanceof Error ? err.message : String(err)}`));
    }
  }

  return {
    id: 'reconstruct',
    title: 'Reconstruct',
    node: tabPanel('reconstruct', 'Reconstruct', 'Cameras and a coloured 3D point cloud from overlapping photos of one scene (structure from motion).', form, error.node, progress.node, results),
  };
}
