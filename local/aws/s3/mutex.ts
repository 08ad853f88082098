/** In-process mutual exclusion for the short critical sections that commit files and update the index. */

export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(() => fn());
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** One {@link Mutex} per key, dropped when nobody holds or waits for it. */
export class KeyedMutex {
  private readonly locks = new Map<string, { mutex: Mutex; users: number }>();

  async run<T>(key: string, fn: () => Promise<T> | T): Promise<T> {
    let entry = this.locks.get(key);
    if (!entry) {
      entry = { mutex: new Mutex(), users: 0 };
      this.locks.set(key, entry);
    }
    entry.users++;
    try {
      return await entry.mutex.run(fn);
    } finally {
      if (--entry.users === 0) this.locks.delete(key);
    }
  }
}

/**
 * Many holders at once in shared mode, or one alone in exclusive mode (`run`); first come, first served, so a
 * waiting exclusive holder is not starved by later shared ones.
 */
export class SharedMutex {
  private sharedHolders = 0;
  private exclusiveHeld = false;
  private readonly waiting: Array<{ exclusive: boolean; start: () => void }> = [];

  run<T>(fn: () => Promise<T> | T): Promise<T> {
    return this.hold(true, fn);
  }

  shared<T>(fn: () => Promise<T> | T): Promise<T> {
    return this.hold(false, fn);
  }

  private async hold<T>(exclusive: boolean, fn: () => Promise<T> | T): Promise<T> {
    await new Promise<void>((start) => {
      this.waiting.push({ exclusive, start });
      this.admit();
    });
    try {
      return await fn();
    } finally {
      if (exclusive) this.exclusiveHeld = false;
      else this.sharedHolders--;
      this.admit();
    }
  }

  private admit(): void {
    while (this.waiting.length > 0 && !this.exclusiveHeld) {
      const next = this.waiting[0]!;
      if (next.exclusive) {
        if (this.sharedHolders > 0) return;
        this.exclusiveHeld = true;
      } else this.sharedHolders++;
      this.waiting.shift();
      next.start();
    }
  }
}
