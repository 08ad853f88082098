/**
 * The dev issuer's sign-in state (sessions, interactions, codes, grants) held in memory, one store per issuer: a restart
 * signs everyone out, which is what a development issuer wants. oidc-provider's own in-memory adapter is shared by
 * every provider in the process and announces itself on stderr; this is the documented adapter interface
 * (oidc-provider's example/my_adapter.js) over a Map, expiry checked on read.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  /** Epoch milliseconds; Infinity for no expiry. */
  expiresAt: number;
}

export function memoryAdapterFactory(now: () => number = Date.now): (model: string) => Adapter {
  const entries = new Map<string, Entry>();
  /** Secondary indexes: `uid:<uid>` and `userCode:<code>` name a model's key. */
  const index = new Map<string, string>();

  const live = (key: string | undefined): AdapterPayload | undefined => {
    if (key === undefined) return undefined;
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) entries.delete(key);
    return entry && entry.expiresAt > now() ? entry.payload : undefined;
  };

  // Expired entries, and index entries naming none, go at most once a minute (a long `npm start` signs in many times).
  let swept = now();
  const sweep = () => {
    if (now() - swept < 60_000) return;
    swept = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= swept) entries.delete(key);
    for (const [name, key] of index) if (!entries.has(key)) index.delete(name);
  };

  return (model) => {
    const keyOf = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        sweep();
        const key = keyOf(id);
        entries.set(key, { payload, expiresAt: expiresIn > 0 ? now() + expiresIn * 1000 : Number.POSITIVE_INFINITY });
        if (payload.uid) index.set(`uid:${model}:${payload.uid}`, key);
        if (payload.userCode) index.set(`userCode:${model}:${payload.userCode}`, key);
      },
      find: async (id) => live(keyOf(id)),
      findByUid: async (uid) => live(index.get(`uid:${model}:${uid}`)),
      findByUserCode: async (userCode) => live(index.get(`userCode:${model}:${userCode}`)),
      async consume(id) {
        const payload = live(keyOf(id));
        if (payload) payload.consumed = Math.floor(now() / 1000);
      },
      async destroy(id) {
        entries.delete(keyOf(id));
      },
      async revokeByGrantId(grantId) {
        // A replayed authorization code revokes everything issued under its grant, in every model.
        for (const [key, entry] of entries) if (entry.payload.grantId === grantId) entries.delete(key);
      },
    };
  };
}
