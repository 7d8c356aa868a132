/** A counting semaphore: at most `permits` holders at once, others wait in arrival order. */
export class Semaphore {
  private readonly waiting: Array<() => void> = [];
  private available: number;

  constructor(permits: number) {
    this.available = permits;
  }

  /** Runs `work` while holding a permit. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.available > 0) this.available -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.available += 1;
    }
  }
}
