/**
 * Paints a hole mask over a photo with the pointer (mouse, touch or pen, through Pointer Events).
 * The mask canvas has the photo's pixel size; strokes are kept as a list so they can be undone and
 * replayed. Exported as a PNG of the same size: white = hole, black = keep.
 */
import { el } from './dom.ts';
import { canvasBlob } from './downscale.ts';

type Stroke = { kind: 'paint' | 'erase'; radius: number; points: [number, number][] } | { kind: 'clear' };

export interface MaskPainter {
  node: HTMLElement;
  /** Shows a new photo (a canvas of its pixels) and starts an empty mask of its size. */
  setPhoto(photo: HTMLCanvasElement): void;
  /** Brush diameter in screen pixels (the size the user sees, whatever the photo's scale). */
  setBrush(diameter: number): void;
  setEraser(on: boolean): void;
  undo(): void;
  clear(): void;
  canUndo(): boolean;
  /** Mask pixels that are hole. */
  holePixels(): number;
  /** The mask as a PNG: white hole on black, the photo's pixel size. */
  maskPng(): Promise<Blob>;
  /** Called after every change of the mask (stroke end, undo, clear, new photo). */
  onChange(listener: () => void): void;
}

const HOLE_ALPHA = 128; // painted pixels at least half covered count as hole

export function maskPainter(testid = 'mask'): MaskPainter {
  const photoCanvas = el('canvas', { class: 'painter-photo', 'aria-hidden': 'true' });
  const mask = el('canvas', { class: 'painter-mask', role: 'img', 'aria-label': 'Hole mask: drag over the photo to paint the hole', 'data-testid': `${testid}-canvas` });
  const cursor = el('div', { class: 'painter-cursor', hidden: true });
  const node = el('div', { class: 'painter', 'data-testid': testid, hidden: true }, photoCanvas, mask, cursor);
  const ctx = mask.getContext('2d', { willReadFrequently: true })!;
  let strokes: Stroke[] = [];
  let active: (Stroke & { kind: 'paint' | 'erase' }) | null = null;
  let brush = 36;
  let erase = false;
  const listeners: (() => void)[] = [];
  const changed = () => listeners.forEach((l) => l());

  /** Screen pixels per photo pixel right now. */
  const scale = () => mask.getBoundingClientRect().width / mask.width || 1;
  const toPhoto = (e: PointerEvent): [number, number] => {
    const r = mask.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * mask.width, ((e.clientY - r.top) / r.height) * mask.height];
  };

  const drawSegment = (s: Stroke & { kind: 'paint' | 'erase' }, from: number) => {
    ctx.globalCompositeOperation = s.kind === 'erase' ? 'destination-out' : 'source-over';
    ctx.strokeStyle = ctx.fillStyle = '#ff2d55';
    ctx.lineWidth = 2 * s.radius;
    ctx.lineCap = ctx.lineJoin = 'round';
    const pts = s.points;
    if (pts.length === 1) {
      ctx.beginPath();
      ctx.arc(pts[0][0], pts[0][1], s.radius, 0, 2 * Math.PI);
      ctx.fill();
      return;
    }
    ctx.beginPath();
    ctx.moveTo(...pts[Math.max(0, from - 1)]);
    for (let i = Math.max(1, from); i < pts.length; i++) ctx.lineTo(...pts[i]);
    ctx.stroke();
  };

  const redraw = () => {
    ctx.globalCompositeOperation = 'source-over';
    ctx.clearRect(0, 0, mask.width, mask.height);
    const start = strokes.findLastIndex((s) => s.kind === 'clear') + 1;
    for (const s of strokes.slice(start)) if (s.kind !== 'clear') drawSegment(s, 0);
  };

  const moveCursor = (e: PointerEvent) => {
    const r = node.getBoundingClientRect();
    cursor.hidden = e.pointerType === 'touch';
    cursor.style.width = cursor.style.height = `${brush}px`;
    cursor.style.transform = `translate(${e.clientX - r.left - brush / 2}px, ${e.clientY - r.top - brush / 2}px)`;
    cursor.classList.toggle('erase', erase);
  };

  mask.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 || !e.isPrimary) return;
    e.preventDefault();
    mask.setPointerCapture(e.pointerId);
    active = { kind: erase ? 'erase' : 'paint', radius: brush / 2 / scale(), points: [toPhoto(e)] };
    strokes.push(active);
    drawSegment(active, 0);
  });
  mask.addEventListener('pointermove', (e) => {
    moveCursor(e);
    if (!active) return;
    const from = active.points.length;
    // Coalesced events keep fast strokes smooth; browsers without them (Safari < 17) give the event alone.
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) active.points.push(toPhoto(ev));
    drawSegment(active, from);
  });
  const end = () => {
    if (!active) return;
    active = null;
    changed();
  };
  mask.addEventListener('pointerup', end);
  mask.addEventListener('pointercancel', end);
  mask.addEventListener('pointerleave', () => (cursor.hidden = true));

  return {
    node,
    setPhoto(photo) {
      for (const c of [photoCanvas, mask]) {
        c.width = photo.width;
        c.height = photo.height;
      }
      photoCanvas.getContext('2d')!.drawImage(photo, 0, 0);
      // Tall photos would not fit the screen at full width: cap the displayed height at 70 % of it.
      node.style.width = `min(100%, ${((70 * photo.width) / photo.height).toFixed(2)}vh)`;
      node.hidden = false;
      strokes = [];
      redraw();
      changed();
    },
    setBrush: (d) => (brush = d),
    setEraser: (on) => (erase = on),
    undo() {
      if (strokes.pop()) {
        redraw();
        changed();
      }
    },
    clear() {
      if (strokes.length && strokes[strokes.length - 1].kind !== 'clear') {
        strokes.push({ kind: 'clear' }); // undoable, unlike a reset
        redraw();
        changed();
      }
    },
    canUndo: () => strokes.length > 0,
    holePixels() {
      if (!mask.width) return 0;
      const a = ctx.getImageData(0, 0, mask.width, mask.height).data;
      let n = 0;
      for (let i = 3; i < a.length; i += 4) if (a[i] >= HOLE_ALPHA) n++;
      return n;
    },
    maskPng() {
      const out = document.createElement('canvas');
      out.width = mask.width;
      out.height = mask.height;
      const src = ctx.getImageData(0, 0, mask.width, mask.height).data;
      const img = new ImageData(mask.width, mask.height);
      for (let i = 0; i < src.length; i += 4) {
        const v = src[i + 3] >= HOLE_ALPHA ? 255 : 0;
        img.data[i] = img.data[i + 1] = img.data[i + 2] = v;
        img.data[i + 3] = 255;
      }
      out.getContext('2d')!.putImageData(img, 0, 0);
      return canvasBlob(out, 'image/png');
    },
    onChange: (l) => void listeners.push(l),
  };
}
