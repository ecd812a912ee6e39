/**
 * A value read at most once per `ttlMs`, however many clients ask: callers within the window share the
 * last answer, and callers while a read is in flight share that read. So polling pages cannot turn into
 * one Redis connection each.
 */
export class Throttled<T> {
  private last: { at: number; value: T } | undefined;
  private pending: Promise<T> | undefined;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<T> {
    if (this.last && this.now() - this.last.at < this.ttlMs) return Promise.resolve(this.last.value);
    if (!this.pending) {
      this.pending = this.read().then(
        (value) => {
          this.last = { at: this.now(), value };
          this.pending = undefined;
          return value;
        },
        (err) => {
          this.pending = undefined;
          throw err;
        },
      );
    }
    return this.pending;
  }
}
