#!/usr/bin/env python3
"""FAISS reference for bench/ann.ts: the same vectors, read from raw little-endian .f32 files.

Prints one JSON object on stdout:
  flat:  IndexFlatL2 batched search of the first --flat-queries queries (ms/query) and single-query
         latency (ms, median of --single runs), with recall@k against --gt when given;
  hnsw:  IndexHNSWFlat(dim, M) build time (s), serialized size (bytes), and for each efSearch the
         single-query and batched latency (ms/query) and recall@k against --gt.
Run: /usr/bin/python3 bench/faiss_reference.py --base b.f32 --queries q.f32 --dim 128 [--gt gt.i32] ...
"""
import argparse
import json
import os
import sys
import tempfile
import time

import faiss
import numpy as np


def read_f32(path, dim):
    a = np.fromfile(path, dtype="<f4")
    assert a.size % dim == 0, f"{path}: {a.size} floats is not a multiple of dim {dim}"
    return a.reshape(-1, dim)


def recall(found, truth, k):
    hits = 0
    for f, t in zip(found, truth):
        hits += len(set(f[:k].tolist()) & set(t[:k].tolist()))
    return hits / (truth.shape[0] * k)


def single_latency_ms(index, xq, k, runs):
    times = []
    for i in range(runs):
        q = xq[i : i + 1]
        t = time.perf_counter()
        index.search(q, k)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return times[len(times) // 2]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True)
    p.add_argument("--queries", required=True)
    p.add_argument("--dim", type=int, required=True)
    p.add_argument("--gt", help="int32 labels, (gt_queries, k) row-major: exact neighbours of the first queries")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--flat-queries", type=int, default=1000, help="queries for the batched flat search")
    p.add_argument("--single", type=int, default=200, help="single-query searches timed")
    p.add_argument("--hnsw-m", type=int, default=32)
    p.add_argument("--efc", type=int, default=128)
    p.add_argument("--efs", default="32,64,128")
    p.add_argument("--no-hnsw", action="store_true")
    args = p.parse_args()

    xb = read_f32(args.base, args.dim)
    xq = read_f32(args.queries, args.dim)
    k = args.k
    gt = None
    if args.gt:
        gt = np.fromfile(args.gt, dtype="<i4").reshape(-1, k)
    out = {"faiss": faiss.__version__, "threads": faiss.omp_get_max_threads(), "n": int(xb.shape[0]), "dim": args.dim}

    flat = faiss.IndexFlatL2(args.dim)
    flat.add(xb)
    nflat = min(args.flat_queries, xq.shape[0])
    t = time.perf_counter()
    _, labels = flat.search(xq[:nflat], k)
    batched = (time.perf_counter() - t) * 1000 / nflat
    out["flat"] = {
        "queries": nflat,
        "batched_ms": batched,
        "single_ms": single_latency_ms(flat, xq, k, min(args.single, 50)),
        "recall": recall(labels, gt[:nflat], k) if gt is not None and gt.shape[0] >= nflat else None,
    }
    del flat

    if not args.no_hnsw:
        hnsw = faiss.IndexHNSWFlat(args.dim, args.hnsw_m)
        hnsw.hnsw.efConstruction = args.efc
        t = time.perf_counter()
        hnsw.add(xb)
        build = time.perf_counter() - t
        with tempfile.TemporaryDirectory() as d:
            f = os.path.join(d, "hnsw.faiss")
            faiss.write_index(hnsw, f)
            size = os.path.getsize(f)
        nq = gt.shape[0] if gt is not None else min(1000, xq.shape[0])
        runs = []
        for ef in [int(e) for e in args.efs.split(",")]:
            hnsw.hnsw.efSearch = ef
            t = time.perf_counter()
            _, labels = hnsw.search(xq[:nq], k)
            batched = (time.perf_counter() - t) * 1000 / nq
            runs.append({
                "ef": ef,
                "batched_ms": batched,
                "single_ms": single_latency_ms(hnsw, xq, k, min(args.single, nq)),
                "recall": recall(labels, gt, k) if gt is not None else None,
            })
        out["hnsw"] = {"m": args.hnsw_m, "efc": args.efc, "build_s": build, "bytes": size, "runs": runs}

    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
