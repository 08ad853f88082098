import { describe, expect, it } from 'vitest';
import { onFirstUse } from '../../../shared/wiring/lazy';

interface Store {
  put(key: string, value: number): Promise<string>;
  size(): Promise<number>;
}

/** A store "module" whose import is counted and fails as many times as asked first. */
function storeModule(failures = 0) {
  const calls = { imports: 0 };
  const entries = new Map<string, number>();
  const importStore = async (): Promise<Store> => {
    calls.imports++;
    if (calls.imports <= failures) throw new Error('chunk failed to load');
    return {
      put: async (key, value) => {
        entries.set(key, value);
        return `${key}=${value}`;
      },
      size: async () => entries.size,
    };
  };
  return { calls, importStore };
}

describe('onFirstUse', () => {
  it('imports nothing until a method is called, then once for every method and call', async () => {
    const { calls, importStore } = storeModule();
    const store = onFirstUse(importStore, ['put', 'size']);
    expect(calls.imports).toBe(0);
    expect(await Promise.all([store.put('a', 1), store.put('b', 2)])).toEqual(['a=1', 'b=2']);
    expect(await store.size()).toBe(2);
    expect(calls.imports).toBe(1);
  });

  it('answers a failed import with its error, and imports again at the next call', async () => {
    const { calls, importStore } = storeModule(1);
    const store = onFirstUse(importStore, ['put', 'size']);
    await expect(store.put('a', 1)).rejects.toThrow('chunk failed to load');
    expect(await store.put('a', 1)).toBe('a=1');
    expect(calls.imports).toBe(2);
  });
});
