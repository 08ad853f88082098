/**
 * A read/write lock: holders in shared mode run together, one in exclusive mode runs alone; first come, first
 * served, so a waiting exclusive holder is not starved by later shared ones. The local DynamoDB shares it among
 * ordinary requests and takes it alone for transactions and TTL sweeps (no request sees a transaction half
 * applied); the local S3's buckets share it among object commits and take it alone for bucket-wide changes.
 */
export class ReadWriteLock {
  private readers = 0;
  private writing = false;
  private queue: Array<{ exclusive: boolean; start: () => void }> = [];

  async shared<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire(false);
    try {
      return await work();
    } finally {
      this.readers -= 1;
      this.drain();
    }
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire(true);
    try {
      return await work();
    } finally {
      this.writing = false;
      this.drain();
    }
  }

  private acquire(exclusive: boolean): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push({ exclusive, start: resolve });
      this.drain();
    });
  }

  private drain(): void {
    while (this.queue.length > 0 && !this.writing) {
      const next = this.queue[0]!;
      if (next.exclusive) {
        if (this.readers > 0) return;
        this.writing = true;
      } else {
        this.readers += 1;
      }
      this.queue.shift();
      next.start();
    }
  }
}
