/**
 * `GET /volumes/{id}/nextflow-config`: the `aws { … }` block that points Nextflow at the S3 proxy for a volume,
 * ready to paste into `nextflow.config`. Nextflow needs path-style addressing and the endpoint; whenever
 * `accessKey` is set it needs `secretKey` too. The key pair is left as placeholders, never a real secret: the
 * caller creates a gateway access key limited to the volume (`POST /access-keys`), which outlives any token,
 * as a long run needs. A web-identity volume can only be reached with the caller's own token as the access key
 * id (any secret), so its block says that instead. Members only (others get 404, as everywhere).
 */
import { loadVisible } from '../volumes/access';
import type { Caller } from '../volumes/deps';
import type { VolumeRepository } from '../volumes/ports';

export interface NextflowConfig {
  volume: { id: string; name: string };
  /** Where the proxy is, or null when the deployment has not said (PROXY_PUBLIC_URL). */
  proxyUrl: string | null;
  /** The block, with placeholders for the key pair. */
  config: string;
  /** What to do before it works. */
  notes: string[];
}

const quoted = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export async function nextflowConfig(repo: VolumeRepository, caller: Pick<Caller, 'subject'>, volumeId: string, proxyUrl: string | undefined): Promise<NextflowConfig> {
  const { volume } = await loadVisible(repo, volumeId, caller.subject);
  const byToken = volume.auth.type === 'web-identity';
  const endpoint = proxyUrl ?? '<the S3 proxy URL of this deployment>';
  const config = [
    `// volume-gateway: volume "${volume.name}" through the S3 proxy; in paths it is the bucket: s3://${volume.name}/…`,
    'aws {',
    byToken ? `  accessKey = '<YOUR_TOKEN>'  // your token itself: this volume is reached with it` : `  accessKey = '<ACCESS_KEY_ID>'`,
    byToken ? `  secretKey = 'N/A'  // any value: Nextflow requires one` : `  secretKey = '<SECRET_ACCESS_KEY>'`,
    `  region = ${quoted(volume.region)}`,
    '  client {',
    '    s3PathStyleAccess = true',
    `    endpoint = ${quoted(endpoint)}`,
    '  }',
    '}',
    `// workDir = 's3://${volume.name}/work'`,
    '',
  ].join('\n');
  const notes = byToken
    ? ['This volume is reached with your own token (web-identity): put it as accessKey. The run stops working when the token expires.']
    : [
        `Create a gateway access key limited to this volume: POST /access-keys {"volumes": ["${volume.id}"]}, and put its accessKeyId and secretAccessKey in place of the placeholders. Keep the secret out of version control.`,
      ];
  if (volume.requireMfa) notes.push('This volume requires MFA: create the key (or get the token) from a session signed in with MFA.');
  if (volume.status !== 'active') notes.push(`The volume is ${volume.status}: it serves no data until its admin verifies it.`);
  if (!proxyUrl) notes.push('This deployment does not say where its S3 proxy is (PROXY_PUBLIC_URL): ask its operator for the endpoint.');
  return { volume: { id: volume.id, name: volume.name }, proxyUrl: proxyUrl ?? null, config, notes };
}
