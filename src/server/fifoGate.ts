/**
 * At most `limit` holders at once, the rest served in arrival order. The search work of a request is
 * CPU-bound on the event loop; without a gate, requests whose upload happened to finish decoding first
 * jump the queue and a few wait many times longer than the rest (a p99 far above the p50 under load).
 */
export class FifoGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
