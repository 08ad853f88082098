/**
 * What the smoke test asks of the HTTP API, as a user with a bearer token: find their volume by name
 * (`GET /volumes`, paged), create a gateway access key limited to it (`POST /access-keys`) and revoke it
 * (`DELETE /access-keys/{id}`). A refusal becomes an ApiError with the API's code and message, never the token.
 */

export interface VolumeSummary {
  id: string;
  name: string;
  status: string;
  region: string;
  /** What the caller may do with the data: `read` (a read-only volume or a read membership) or `write`. */
  data: 'read' | 'write';
}

export interface GatewayKey {
  accessKeyId: string;
  secretAccessKey: string;
}

export class ApiError extends Error {}

/** The shortest a key may live (the API's minimum): the smoke test revokes it anyway, this bounds a missed revoke. */
const KEY_SECONDS = 900;

export function apiClient(apiUrl: string, token: string) {
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    let response: Response;
    try {
      response = await fetch(`${apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new ApiError(`${method} ${path}: the API did not answer (${(error as Error).cause ?? (error as Error).message})`);
    }
    const text = await response.text();
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed };
  };
  const refused = (what: string, reply: { status: number; body: any }) => {
    const code = reply.body?.code ? ` ${reply.body.code}` : '';
    const message = reply.body?.message ? ` (${reply.body.message})` : '';
    const hint = reply.status === 401 ? ': is the token expired, or for another issuer?' : '';
    return new ApiError(`${what}: ${reply.status}${code}${message}${hint}`);
  };

  return {
    /** The caller's volume named `name`, or undefined when they are a member of none by that name. */
    async findVolume(name: string): Promise<VolumeSummary | undefined> {
      let nextToken: string | undefined;
      do {
        const reply = await call('GET', `/volumes?limit=100${nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : ''}`);
        if (reply.status !== 200) throw refused('GET /volumes', reply);
        const found = (reply.body.items as any[]).find((v) => v.name === name);
        if (found)
          return {
            id: found.id,
            name: found.name,
            status: found.status,
            region: found.region,
            data: found.access?.data === 'write' ? 'write' : 'read',
          };
        nextToken = reply.body.nextToken;
      } while (nextToken);
      return undefined;
    },

    async createKey(volumeId: string): Promise<GatewayKey & { expiresAt: string }> {
      const reply = await call('POST', '/access-keys', { volumes: [volumeId], expiresIn: KEY_SECONDS });
      if (reply.status !== 201) throw refused('POST /access-keys', reply);
      return { accessKeyId: reply.body.accessKeyId, secretAccessKey: reply.body.secretAccessKey, expiresAt: reply.body.expiresAt };
    },

    async revokeKey(accessKeyId: string): Promise<void> {
      const reply = await call('DELETE', `/access-keys/${encodeURIComponent(accessKeyId)}`);
      if (reply.status !== 204) throw refused(`DELETE /access-keys/${accessKeyId}`, reply);
    },
  };
}

export type ApiClient = ReturnType<typeof apiClient>;
