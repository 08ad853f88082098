/** In-process mutual exclusion for the short critical sections that commit files and update the index. */
import { ReadWriteLock } from '../read-write-lock';

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
 * A bucket's lock: object commits share it (`shared`), bucket-wide changes hold it alone (`run`); first come,
 * first served, as {@link ReadWriteLock}.
 */
export class SharedMutex extends ReadWriteLock {
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    return this.exclusive(async () => fn());
  }
}
