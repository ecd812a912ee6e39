#!/usr/bin/python3
"""OpenCV's SIFT as the reference for bench/sift.ts (Debian python3-opencv).

Usage: sift_opencv.py <gray.pgm> <runs> <out.json>

Runs cv2.SIFT_create() with its defaults (3 scales per octave, contrast 0.04, edge 10, sigma 1.6, the
image doubled first, all features kept) on the 8-bit gray image `runs` times with one thread and
`runs` times with OpenCV's default thread count, and writes one JSON object: the OpenCV version, the
wall and CPU seconds of every detectAndCompute, the keypoint count, the keypoints of the last run as
[x, y, size, angle (degrees), response] and their descriptors as base64 little-endian float32 (n x 128).

References: D. Lowe, "Distinctive Image Features from Scale-Invariant Keypoints", IJCV 2004;
OpenCV's SIFT (modules/features2d/src/sift.dispatch.cpp).
"""
import base64
import json
import sys
import time

import cv2
import numpy as np


def timed_runs(gray, runs: int, threads: int):
    cv2.setNumThreads(threads)
    sift = cv2.SIFT_create()
    seconds, cpu = [], []
    keypoints, descriptors = [], None
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        keypoints, descriptors = sift.detectAndCompute(gray, None)
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {"wall": seconds, "cpu": cpu}, keypoints, descriptors


def main(image_file: str, runs: int, out_file: str) -> None:
    gray = cv2.imread(image_file, cv2.IMREAD_GRAYSCALE)
    if gray is None:
        raise SystemExit(f"cannot read {image_file}")
    default_threads = cv2.getNumThreads()
    one, _, _ = timed_runs(gray, runs, 1)
    many, keypoints, descriptors = timed_runs(gray, runs, default_threads)
    rows = [[k.pt[0], k.pt[1], k.size, k.angle, k.response] for k in keypoints]
    desc = np.ascontiguousarray(descriptors, dtype="<f4") if descriptors is not None else np.zeros((0, 128), "<f4")
    result = {
        "version": cv2.__version__,
        "threads": default_threads,
        "one_thread": one,
        "default_threads": many,
        "count": len(keypoints),
        "keypoints": rows,
        "descriptors_f32_base64": base64.b64encode(desc.tobytes()).decode("ascii"),
    }
    with open(out_file, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit("usage: sift_opencv.py <gray.pgm> <runs> <out.json>")
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
