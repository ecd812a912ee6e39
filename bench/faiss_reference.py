#!/usr/bin/env python3
"""FAISS reference for bench/ann.ts: the same vectors, read from raw little-endian .f32 files.

Prints one JSON object on stdout:
  flat:  IndexFlatL2 batched search of the first --flat-queries queries (ms/query) and single-query
         latency (ms, median of --single runs), with recall@k against --gt when given;
  hnsw:  IndexHNSWFlat(dim, M) build time (s), serialized size (bytes), and for each efSearch the
         single-query and batched latency (ms/query) and recall@k against --gt;
  numpy: with --numpy, the practical BLAS limit of batched exact search on the same queries: the
         GEMM alone (queries x base^T in blocks of base rows, one reused output block, ms/query and
         GFLOP/s) and the whole k-NN (GEMM, then squared distances and argpartition per block, merged
         into a running top-k), with recall@k of the latter against --gt;
  blas:  the BLAS library this process loaded (FAISS and numpy on Debian both link libblas.so.3).
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


def loaded_blas():
    """Directory and file of the BLAS shared library mapped into this process (e.g. openblas-pthread/libblas.so.3)."""
    with open("/proc/self/maps") as f:
        libs = sorted({l.split()[-1] for l in f if "blas" in l.lower() and ".so" in l})
    return ", ".join("/".join(p.split("/")[-2:]) for p in libs) or "unknown"


def numpy_knn(xb, xq, k, block=50_000, gemm_only=False):
    """Exact k-NN by blocks of base rows: s = xq . blk^T (one GEMM per block into a reused buffer), then
    d = |b|^2 - 2 s (|q|^2 is constant per query, added at the end) and argpartition over the block,
    merged with the running top-k. Returns (distances, labels, seconds)."""
    nq, n = xq.shape[0], xb.shape[0]
    block = min(block, n)
    buf = np.empty((nq, block), dtype=np.float32)
    best_d = np.full((nq, k), np.inf, dtype=np.float32)
    best_i = np.full((nq, k), -1, dtype=np.int64)
    norms = np.einsum("ij,ij->i", xb, xb)
    rows = np.arange(nq)[:, None]
    t = time.perf_counter()
    for i in range(0, n, block):
        blk = xb[i : i + block]
        out = buf if blk.shape[0] == block else np.empty((nq, blk.shape[0]), dtype=np.float32)
        np.dot(xq, blk.T, out=out)
        if gemm_only:
            continue
        d = norms[i : i + blk.shape[0]] - 2 * out
        kk = min(k, blk.shape[0])
        part = np.argpartition(d, kk - 1, axis=1)[:, :kk]
        cand_d = np.concatenate([best_d, d[rows, part]], axis=1)
        cand_i = np.concatenate([best_i, part + i], axis=1)
        keep = np.argpartition(cand_d, k - 1, axis=1)[:, :k]
        best_d, best_i = cand_d[rows, keep], cand_i[rows, keep]
    order = np.argsort(best_d, axis=1)
    best_d, best_i = best_d[rows, order], best_i[rows, order]
    seconds = time.perf_counter() - t
    return best_d + np.einsum("ij,ij->i", xq, xq)[:, None], best_i, seconds


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
    p.add_argument("--numpy", action="store_true", help="also time numpy's GEMM and GEMM + argpartition k-NN")
    args = p.parse_args()

    xb = read_f32(args.base, args.dim)
    xq = read_f32(args.queries, args.dim)
    k = args.k
    gt = None
    if args.gt:
        gt = np.fromfile(args.gt, dtype="<i4").reshape(-1, k)
    out = {"faiss": faiss.__version__, "threads": faiss.omp_get_max_threads(), "n": int(xb.shape[0]), "dim": args.dim, "blas": loaded_blas()}

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

    if args.numpy:
        xqn = np.ascontiguousarray(xq[:nflat])
        numpy_knn(xb, xqn[: min(50, nflat)], k, gemm_only=True)  # warm-up: BLAS threads, pages
        _, _, gemm_s = numpy_knn(xb, xqn, k, gemm_only=True)
        _, labels, knn_s = numpy_knn(xb, xqn, k)
        out["numpy"] = {
            "numpy": np.__version__,
            "queries": nflat,
            "gemm_ms": gemm_s * 1000 / nflat,
            "gemm_gflops": 2.0 * nflat * xb.shape[0] * args.dim / gemm_s / 1e9,
            "knn_ms": knn_s * 1000 / nflat,
            "recall": recall(labels, gt[:nflat], k) if gt is not None and gt.shape[0] >= nflat else None,
        }

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
