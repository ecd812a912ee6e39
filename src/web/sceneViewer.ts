/**
 * The interactive 3D view of a reconstruction (three.js): the coloured points as `THREE.Points`, each
 * camera as a wire frustum (line segments from its centre to the corners of its image at a short
 * depth), orbit / zoom / pan with `OrbitControls`. Loaded on demand by the Reconstruct tab, so three.js
 * stays out of the page's first bundle. Renders only when the view changes (no idle animation loop).
 */
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { ViewerScene } from './apiTypes.ts';

type Vec = [number, number, number];

/** R is camFromWorld, row-major: its rows are the camera's x, y, z axes in the world. */
const axis = (R: number[], row: number): Vec => [R[3 * row], R[3 * row + 1], R[3 * row + 2]];

/** The median of each coordinate of `3 × n` values: a centre that a few far points do not drag away. */
function medianPoint(xyz: number[]): Vec {
  const n = xyz.length / 3;
  if (n === 0) return [0, 0, 0];
  return [0, 1, 2].map((d) => {
    const v = Float64Array.from({ length: n }, (_, k) => xyz[3 * k + d]).sort();
    return v[Math.floor(n / 2)];
  }) as Vec;
}

/** The frusta: 8 segments per camera (4 edges from the centre, 4 around the image rectangle) at `depth` world units. */
function frustumSegments(scene: ViewerScene, depth: number): Float32Array {
  const out = new Float32Array(scene.cameras.length * 8 * 2 * 3);
  let o = 0;
  for (const c of scene.cameras) {
    const [x, y, z] = [axis(c.rotation, 0), axis(c.rotation, 1), axis(c.rotation, 2)];
    const corner = (u: number, v: number): Vec => {
      // Camera ray through pixel (u, v): ((u − w/2)/f, (v − h/2)/f, 1), scaled to depth, rotated to the world.
      const a = ((u - c.width / 2) / c.focal) * depth, b = ((v - c.height / 2) / c.focal) * depth;
      return [0, 1, 2].map((d) => c.centre[d] + a * x[d] + b * y[d] + depth * z[d]) as Vec;
    };
    const corners = [corner(0, 0), corner(c.width, 0), corner(c.width, c.height), corner(0, c.height)];
    const push = (p: ArrayLike<number>) => {
      out.set([p[0], p[1], p[2]], o);
      o += 3;
    };
    for (let i = 0; i < 4; i++) {
      push(c.centre), push(corners[i]);
      push(corners[i]), push(corners[(i + 1) % 4]);
    }
  }
  return out;
}

export interface SceneViewer {
  canvas: HTMLCanvasElement;
  /** Stops rendering and frees the GPU buffers. */
  dispose(): void;
}

/**
 * Draws a reconstruction into `host` (filling its width, 4 : 3, at most 70 % of the window's height).
 *
 * @throws Error when the browser has no WebGL (the caller shows a line instead).
 */
export function sceneViewer(host: HTMLElement, scene: ViewerScene): SceneViewer {
  const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
  renderer.setClearColor(0x181a1e);
  const canvas = renderer.domElement;
  canvas.dataset.testid = 'reconstruct-viewer';
  canvas.setAttribute('aria-label', `3D view: ${scene.points.count} points and ${scene.cameras.length} cameras; drag to orbit, scroll to zoom`);
  host.replaceChildren(canvas);

  const world = new THREE.Scene();
  const { xyz, rgb, count } = scene.points;
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.Float32BufferAttribute(xyz, 3));
  const colours = new Float32Array(3 * count), colour = new THREE.Color();
  for (let k = 0; k < count; k++) {
    // The model's colours are sRGB bytes; three.js blends in linear light.
    colour.setRGB(rgb[3 * k] / 255, rgb[3 * k + 1] / 255, rgb[3 * k + 2] / 255, THREE.SRGBColorSpace);
    colours.set([colour.r, colour.g, colour.b], 3 * k);
  }
  geometry.setAttribute('color', new THREE.BufferAttribute(colours, 3));
  const points = new THREE.Points(geometry, new THREE.PointsMaterial({ size: 3, sizeAttenuation: false, vertexColors: true }));
  world.add(points);

  const centre = medianPoint(xyz);
  const spread = scene.cameras.length
    ? Math.max(...scene.cameras.map((c) => Math.hypot(c.centre[0] - centre[0], c.centre[1] - centre[1], c.centre[2] - centre[2])))
    : 1;
  const frusta = new THREE.BufferGeometry();
  frusta.setAttribute('position', new THREE.BufferAttribute(frustumSegments(scene, 0.08 * spread), 3));
  world.add(new THREE.LineSegments(frusta, new THREE.LineBasicMaterial({ color: 0xffd24a })));

  // Up is the cameras' mean −y axis (photos are mostly taken upright), as in topview.png.
  const up = new THREE.Vector3();
  for (const c of scene.cameras) up.sub(new THREE.Vector3(...axis(c.rotation, 1)));
  if (up.lengthSq() < 1e-12) up.set(0, -1, 0);
  up.normalize();
  const view = new THREE.PerspectiveCamera(50, 4 / 3, spread / 1000, spread * 100);
  view.up.copy(up);
  // Start behind and above the cameras' mean centre, looking at the scene's median point.
  const meanCentre = new THREE.Vector3();
  for (const c of scene.cameras) meanCentre.add(new THREE.Vector3(...c.centre).divideScalar(scene.cameras.length || 1));
  const target = new THREE.Vector3(...centre);
  const back = meanCentre.clone().sub(target);
  if (back.lengthSq() < 1e-12) back.set(0, 0, -spread);
  view.position.copy(target).add(back.multiplyScalar(1.6)).addScaledVector(up, 0.5 * spread);
  const controls = new OrbitControls(view, canvas);
  controls.target.copy(target);
  controls.update();

  const render = () => renderer.render(world, view);
  const resize = () => {
    const width = Math.max(200, host.clientWidth), height = Math.min(Math.round((width * 3) / 4), Math.round(window.innerHeight * 0.7));
    renderer.setSize(width, height);
    view.aspect = width / height;
    view.updateProjectionMatrix();
    render();
  };
  controls.addEventListener('change', render);
  const observer = new ResizeObserver(resize);
  observer.observe(host);
  resize();
  return {
    canvas,
    dispose: () => {
      observer.disconnect();
      controls.dispose();
      geometry.dispose();
      frusta.dispose();
      renderer.dispose();
    },
  };
}
