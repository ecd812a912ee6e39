#!/usr/bin/python3
"""OpenCV inpainting references for bench/complete.ts (Debian python3-opencv).

Reads a job file with one tab-separated line per query: photo.png, mask.png (white = hole),
out_telea.png, out_ns.png. Writes both inpaintings and prints one JSON object per line:
{"photo": ..., "telea_s": seconds, "ns_s": seconds}.

References: A. Telea, "An Image Inpainting Technique Based on the Fast Marching Method", JGT 2004;
M. Bertalmio, A. Bertozzi, G. Sapiro, "Navier-Stokes, Fluid Dynamics, and Image and Video Inpainting", CVPR 2001.
"""
import json
import sys
import time

import cv2

RADIUS = 5  # inpainting neighbourhood in pixels (OpenCV's sample uses 3-5)


def main(job_file: str) -> None:
    with open(job_file) as f:
        for line in f:
            photo, mask_file, out_telea, out_ns = line.rstrip("\n").split("\t")
            img = cv2.imread(photo, cv2.IMREAD_COLOR)
            mask = cv2.imread(mask_file, cv2.IMREAD_GRAYSCALE)
            if img is None or mask is None:
                raise SystemExit(f"cannot read {photo} or {mask_file}")
            mask = (mask >= 128).astype("uint8") * 255
            t0 = time.perf_counter()
            telea = cv2.inpaint(img, mask, RADIUS, cv2.INPAINT_TELEA)
            t1 = time.perf_counter()
            ns = cv2.inpaint(img, mask, RADIUS, cv2.INPAINT_NS)
            t2 = time.perf_counter()
            cv2.imwrite(out_telea, telea)
            cv2.imwrite(out_ns, ns)
            print(json.dumps({"photo": photo, "telea_s": t1 - t0, "ns_s": t2 - t1}), flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: complete_opencv.py <job.tsv>")
    main(sys.argv[1])
