import { assert } from '../core/errors.ts';

const NONE = -1;
const TERMINAL = -2;
const ORPHAN = -3;
const FREE = 0;
const SOURCE = 1;
const SINK = 2;

/**
 * Min-cut / max-flow on a sparse graph with the Boykov–Kolmogorov algorithm: two search trees grown
 * from the terminals, augmentation along the paths where they meet, and adoption of orphans so the
 * trees are reused instead of rebuilt (the algorithm of choice for grid graphs in vision).
 *
 * Storage is typed arrays: arcs come in sister pairs (`a ^ 1` is the reverse arc of `a`).
 *
 * References: Y. Boykov, V. Kolmogorov, "An Experimental Comparison of Min-Cut/Max-Flow Algorithms
 * for Energy Minimization in Vision", PAMI 26(9), 2004, §3.
 *
 * @example
 * const g = new MaxFlowGraph(2);
 * g.addTerminal(0, 5, 0); g.addTerminal(1, 0, 4); g.addEdge(0, 1, 3, 0);
 * g.maxFlow(); // 3
 */
export class MaxFlowGraph {
  readonly nodeCount: number;
  private arcCount = 0;
  private head: Int32Array;
  private nextArc: Int32Array;
  private cap: Float64Array;
  private readonly first: Int32Array;
  private readonly trCap: Float64Array;
  private readonly parent: Int32Array;
  private readonly tree: Uint8Array;
  private readonly ts: Int32Array;
  private readonly dist: Int32Array;
  private flow = 0;

  /**
   * @param nodeCount number of non-terminal nodes
   * @param edgeHint expected number of `addEdge` calls (arrays grow if exceeded)
   */
  constructor(nodeCount: number, edgeHint = 4 * nodeCount) {
    assert(Number.isInteger(nodeCount) && nodeCount >= 0, 'node count');
    this.nodeCount = nodeCount;
    const arcs = Math.max(2, 2 * edgeHint);
    this.head = new Int32Array(arcs);
    this.nextArc = new Int32Array(arcs);
    this.cap = new Float64Array(arcs);
    this.first = new Int32Array(nodeCount).fill(NONE);
    this.trCap = new Float64Array(nodeCount);
    this.parent = new Int32Array(nodeCount).fill(NONE);
    this.tree = new Uint8Array(nodeCount);
    this.ts = new Int32Array(nodeCount);
    this.dist = new Int32Array(nodeCount);
  }

  /** Edge i → j with capacity `capIJ` and j → i with `capJI` (both ≥ 0). */
  addEdge(i: number, j: number, capIJ: number, capJI: number): void {
    assert(i !== j && i >= 0 && j >= 0 && i < this.nodeCount && j < this.nodeCount, `edge ${i}-${j}`);
    assert(capIJ >= 0 && capJI >= 0, 'edge capacities are non-negative');
    if (this.arcCount + 2 > this.head.length) this.grow();
    const a = this.arcCount;
    this.arcCount += 2;
    this.head[a] = j;
    this.cap[a] = capIJ;
    this.nextArc[a] = this.first[i];
    this.first[i] = a;
    this.head[a + 1] = i;
    this.cap[a + 1] = capJI;
    this.nextArc[a + 1] = this.first[j];
    this.first[j] = a + 1;
  }

  /** Terminal links: source → i with `capSource`, i → sink with `capSink` (≥ 0; Infinity allowed on one side). */
  addTerminal(i: number, capSource: number, capSink: number): void {
    assert(capSource >= 0 && capSink >= 0, 'terminal capacities are non-negative');
    const both = Math.min(capSource, capSink);
    if (both > 0 && Number.isFinite(both)) this.flow += both;
    const net = capSource === Infinity ? Infinity : capSink === Infinity ? -Infinity : capSource - capSink;
    this.trCap[i] += net;
  }

  private grow(): void {
    const n = this.head.length * 2;
    const head = new Int32Array(n);
    const next = new Int32Array(n);
    const cap = new Float64Array(n);
    head.set(this.head);
    next.set(this.nextArc);
    cap.set(this.cap);
    this.head = head;
    this.nextArc = next;
    this.cap = cap;
  }

  /** True when node i ends on the source side of the minimum cut (call after `maxFlow`). */
  isSourceSide(i: number): boolean {
    return this.tree[i] === SOURCE;
  }

  /** Runs the algorithm; returns the max-flow value (= min-cut cost). */
  maxFlow(): number {
    const n = this.nodeCount;
    const queue = new Int32Array(n + 1);
    const inQueue = new Uint8Array(n);
    let qHead = 0;
    let qLen = 0;
    const activate = (i: number): void => {
      if (inQueue[i]) return;
      inQueue[i] = 1;
      queue[(qHead + qLen) % queue.length] = i;
      qLen++;
    };
    for (let i = 0; i < n; i++) {
      if (this.trCap[i] > 0) this.tree[i] = SOURCE;
      else if (this.trCap[i] < 0) this.tree[i] = SINK;
      else continue;
      this.parent[i] = TERMINAL;
      this.ts[i] = 0;
      this.dist[i] = 1;
      activate(i);
    }
    const orphans: number[] = [];
    let time = 0;
    const { head, nextArc, cap, tree, parent } = this;
    while (qLen > 0) {
      const i = queue[qHead];
      qHead = (qHead + 1) % queue.length;
      qLen--;
      inQueue[i] = 0;
      if (tree[i] === FREE) continue;
      let meet = NONE;
      const t = tree[i];
      for (let a = this.first[i]; a !== NONE; a = nextArc[a]) {
        if ((t === SOURCE ? cap[a] : cap[a ^ 1]) <= 0) continue;
        const j = head[a];
        if (tree[j] === FREE) {
          tree[j] = t;
          parent[j] = a ^ 1;
          this.ts[j] = this.ts[i];
          this.dist[j] = this.dist[i] + 1;
          activate(j);
        } else if (tree[j] !== t) {
          meet = t === SOURCE ? a : a ^ 1;
          break;
        } else if (this.ts[j] <= this.ts[i] && this.dist[j] > this.dist[i]) {
          parent[j] = a ^ 1;
          this.ts[j] = this.ts[i];
          this.dist[j] = this.dist[i] + 1;
        }
      }
      time++;
      if (meet === NONE) continue;
      activate(i);
      this.augment(meet, orphans);
      while (orphans.length) this.adopt(orphans.pop() as number, orphans, time, activate);
    }
    return this.flow;
  }

  /** Pushes the bottleneck along source → … → tail(a) → head(a) → … → sink. */
  private augment(a: number, orphans: number[]): void {
    const { head, cap, parent, trCap } = this;
    let b = cap[a];
    for (let i = head[a ^ 1]; ; ) {
      const pa = parent[i];
      if (pa === TERMINAL) {
        b = Math.min(b, trCap[i]);
        break;
      }
      b = Math.min(b, cap[pa ^ 1]);
      i = head[pa];
    }
    for (let i = head[a]; ; ) {
      const pa = parent[i];
      if (pa === TERMINAL) {
        b = Math.min(b, -trCap[i]);
        break;
      }
      b = Math.min(b, cap[pa]);
      i = head[pa];
    }
    assert(b > 0 && Number.isFinite(b), 'augmenting path has finite positive capacity');
    cap[a] -= b;
    cap[a ^ 1] += b;
    for (let i = head[a ^ 1]; ; ) {
      const pa = parent[i];
      if (pa === TERMINAL) {
        trCap[i] -= b;
        if (trCap[i] <= 0) this.makeOrphan(i, orphans);
        break;
      }
      cap[pa] += b;
      cap[pa ^ 1] -= b;
      if (cap[pa ^ 1] <= 0) this.makeOrphan(i, orphans);
      i = head[pa];
    }
    for (let i = head[a]; ; ) {
      const pa = parent[i];
      if (pa === TERMINAL) {
        trCap[i] += b;
        if (trCap[i] >= 0) this.makeOrphan(i, orphans);
        break;
      }
      cap[pa ^ 1] += b;
      cap[pa] -= b;
      if (cap[pa] <= 0) this.makeOrphan(i, orphans);
      i = head[pa];
    }
    this.flow += b;
  }

  private makeOrphan(i: number, orphans: number[]): void {
    this.parent[i] = ORPHAN;
    orphans.push(i);
  }

  /** Finds orphan i a new parent in its tree whose path reaches the terminal, or frees it. */
  private adopt(i: number, orphans: number[], time: number, activate: (i: number) => void): void {
    const { head, nextArc, cap, tree, parent, ts, dist } = this;
    const t = tree[i];
    let best = NONE;
    let dMin = Infinity;
    for (let a = this.first[i]; a !== NONE; a = nextArc[a]) {
      if ((t === SOURCE ? cap[a ^ 1] : cap[a]) <= 0) continue;
      let j = head[a];
      if (tree[j] !== t || parent[j] === NONE) continue;
      let d = 0;
      for (;;) {
        if (ts[j] === time) {
          d += dist[j];
          break;
        }
        const pj = parent[j];
        d++;
        if (pj === TERMINAL) {
          ts[j] = time;
          dist[j] = 1;
          break;
        }
        if (pj === ORPHAN) {
          d = Infinity;
          break;
        }
        j = head[pj];
      }
      if (d === Infinity) continue;
      if (d < dMin) {
        best = a;
        dMin = d;
      }
      for (let k = head[a]; ts[k] !== time; k = head[parent[k]]) {
        ts[k] = time;
        dist[k] = d--;
      }
    }
    if (best !== NONE) {
      parent[i] = best;
      ts[i] = time;
      dist[i] = dMin + 1;
      return;
    }
    for (let a = this.first[i]; a !== NONE; a = nextArc[a]) {
      const j = head[a];
      if (tree[j] !== t || parent[j] === NONE) continue;
      if ((t === SOURCE ? cap[a ^ 1] : cap[a]) > 0) activate(j);
      const pj = parent[j];
      if (pj !== TERMINAL && pj !== ORPHAN && head[pj] === i) this.makeOrphan(j, orphans);
    }
    tree[i] = FREE;
    parent[i] = NONE;
  }
}
