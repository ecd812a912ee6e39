/**
 * The mapper's result in COLMAP's model terms (camera ids, image ids and point ids from 1; qvec; pixel
 * coordinates shifted by +0.5 to COLMAP's convention, where (0.5, 0.5) is the centre of the top-left
 * pixel). The shape matches `io/colmapModel.ts`'s `ColmapTextModel`, which writes it.
 */
import { quaternionFromRotation } from '../../math/quaternion.ts';
import type { MapperResult } from './mapperResult.ts';

/** The model: one shared camera (or one per registered image), the registered images, the points. */
export interface ColmapModelData {
  cameras: { id: number; model: string; width: number; height: number; params: number[] }[];
  images: { id: number; qvec: number[]; tvec: number[]; cameraId: number; name: string; xy: Float64Array; point3DIds: Int32Array }[];
  points: { id: number; xyz: number[]; rgb: number[]; error: number; track: Int32Array }[];
}

/**
 * Converts a reconstruction to COLMAP's model: image id = input index + 1, point id = index + 1,
 * camera id 1 (shared) or, with per-image cameras, camera id = image id; every keypoint of a registered image listed as a 2D point (POINT3D_ID −1 when it observes none).
 *
 * @param result - `incrementalMapper`'s output.
 * @param keypoints - each input image's keypoints (`count × 4`, x and y first, (0, 0) the centre of the top-left pixel).
 * @param names - each input image's file name.
 * @param rgb - `3 × points.count` colour bytes (`pointColours`); mid-gray when omitted.
 * @example await writeColmapModel(out, colmapModelOf(rec, features.map((f) => f.keypoints), names, pointColours(rec.points, keypoints, photos)));
 */
export function colmapModelOf(result: MapperResult, keypoints: readonly Float32Array[], names: readonly string[], rgb?: Uint8Array): ColmapModelData {
  const ids = keypoints.map((k) => new Int32Array(k.length / 4).fill(-1));
  const { points } = result;
  const outPoints: ColmapModelData['points'] = [];
  for (let p = 0; p < points.count; p++) {
    const track = new Int32Array(2 * (points.offsets[p + 1] - points.offsets[p]));
    for (let o = points.offsets[p], t = 0; o < points.offsets[p + 1]; o++, t += 2) {
      track[t] = points.image[o] + 1;
      track[t + 1] = points.feature[o];
      ids[points.image[o]][points.feature[o]] = p + 1;
    }
    outPoints.push({ id: p + 1, xyz: Array.from(points.xyz.subarray(3 * p, 3 * p + 3)), rgb: rgb ? Array.from(rgb.subarray(3 * p, 3 * p + 3)) : [128, 128, 128], error: points.error[p], track });
  }
  const images = result.images.filter((im) => im.registered).map((im) => {
    const k = keypoints[im.index], xy = new Float64Array(k.length / 2);
    for (let f = 0; f < k.length / 4; f++) [xy[2 * f], xy[2 * f + 1]] = [k[4 * f] + 0.5, k[4 * f + 1] + 0.5];
    return { id: im.index + 1, qvec: quaternionFromRotation(im.pose!.R), tvec: Array.from(im.pose!.t), cameraId: result.cameras ? im.index + 1 : 1, name: names[im.index], xy, point3DIds: ids[im.index] };
  });
  const cameras = result.cameras
    ? result.images.filter((im) => im.registered).map((im) => colmapCamera(im.index + 1, result.cameras![im.index]))
    : [colmapCamera(1, result.camera)];
  return { cameras, images, points: outPoints };
}

/** A camera in COLMAP's pixel convention (principal point shifted by +0.5). */
function colmapCamera(id: number, c: MapperResult['camera']): ColmapModelData['cameras'][number] {
  const params = c.params.slice();
  const [cxAt, cyAt] = c.model === 'PINHOLE' ? [2, 3] : [1, 2];
  params[cxAt] += 0.5;
  params[cyAt] += 0.5;
  return { id, model: c.model, width: c.width, height: c.height, params };
}
