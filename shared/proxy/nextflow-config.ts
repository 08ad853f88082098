/**
 * `GET /volumes/{id}/nextflow-config`: the `aws { … }` block that points Nextflow at the S3 proxy for a volume,
 * ready to paste into `nextflow.config`. Nextflow needs path-style addressing and the endpoint; whenever
 * `accessKey` is set it needs `secretKey` too. The key pair is left as placeholders, never a real secret: the
 * caller creates a gateway access key limited to the volume (`POST /access-keys`), which outlives any token,
 * as a long run needs. A web-identity volume can only be reached with the caller's own token as the access key
 * id (any secret), so its block says that instead. Members only (others get 404, as everywhere).
 *
 * The endpoint is the proxy's Node front when the deployment names it (NODE_PROXY_PUBLIC_URL): Nextflow uploads
 * files whole up to its multipart threshold, and a Lambda function URL refuses any request over about 4.5 MiB
 * (Lambda's own 413, JSON that S3 clients cannot read as an S3 error). Without it the block names the proxy's
 * public URL (PROXY_PUBLIC_URL) and says, in a comment and a note, what to do for writes over 4 MiB when that is
 * a function URL: the Node front, or the volume's vended credentials straight to S3 (`credential_process`).
 */
import { loadVisible } from '../volumes/access';
import type { Caller } from '../volumes/deps';
import type { VolumeRepository } from '../volumes/ports';

export interface NextflowConfig {
  volume: { id: string; name: string };
  /** The endpoint the block names (the Node front when known), or null when the deployment has not said. */
  proxyUrl: string | null;
  /** The block, with placeholders for the key pair. */
  config: string;
  /** What to do before it works. */
  notes: string[];
}

/** Where the deployment's proxy fronts are, as far as it says. */
export interface ProxyFronts {
  /** PROXY_PUBLIC_URL: the proxy's public URL, whichever front it is. */
  publicUrl?: string;
  /** NODE_PROXY_PUBLIC_URL: the Node front's public URL (no request size limit). */
  nodeUrl?: string;
}

const quoted = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** A Lambda function URL's host: `<id>.lambda-url.<region>.on.aws`. */
const isFunctionUrl = (url: string): boolean => {
  try {
    return /\.lambda-url\.[a-z0-9-]+\.on\.aws$/i.test(new URL(url).hostname);
  } catch {
    return false;
  }
};

const WHY_NODE = [
  '// The endpoint is the proxy\'s Node front: Nextflow uploads files whole up to its multipart threshold, and a',
  '// Lambda function URL refuses every request over about 4.5 MiB (Lambda\'s own 413, which S3 clients cannot parse).',
];
const SIZE_NOTE =
  'Writes over 4 MiB fail through a Lambda function URL (Lambda refuses requests over 6 MB, base64 included, with its own JSON 413, which S3 clients report as "413 Request Entity Too Large" or an XML parse error). Use the proxy\'s Node front as endpoint (ask the operator for its URL), or write straight to S3 with the volume\'s vended credentials: a credential_process profile (see the guide) as aws.profile, no endpoint, and paths under the volume\'s real bucket and prefix.';

export async function nextflowConfig(repo: VolumeRepository, caller: Pick<Caller, 'subject'>, volumeId: string, fronts: ProxyFronts): Promise<NextflowConfig> {
  const { volume } = await loadVisible(repo, volumeId, caller.subject);
  const byToken = volume.auth.type === 'web-identity';
  const proxyUrl = fronts.nodeUrl ?? fronts.publicUrl;
  const endpoint = proxyUrl ?? '<the S3 proxy URL of this deployment>';
  const why = fronts.nodeUrl
    ? WHY_NODE
    : fronts.publicUrl && isFunctionUrl(fronts.publicUrl)
      ? ['// The endpoint is a Lambda function URL: writes over 4 MiB fail there with Lambda\'s 413. Use the proxy\'s', '// Node front for them, or credential_process straight to S3 (see the notes).']
      : ['// Writes over 4 MiB need the proxy\'s Node front: if this endpoint is the Lambda function URL, they fail with', '// Lambda\'s 413. Or use credential_process straight to S3 (see the notes).'];
  const config = [
    `// volume-gateway: volume "${volume.name}" through the S3 proxy; in paths it is the bucket: s3://${volume.name}/…`,
    ...why,
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
  if (!proxyUrl) notes.push('This deployment does not say where its S3 proxy is (PROXY_PUBLIC_URL, NODE_PROXY_PUBLIC_URL): ask its operator for the endpoint.');
  if (!fronts.nodeUrl) notes.push(SIZE_NOTE);
  return { volume: { id: volume.id, name: volume.name }, proxyUrl: proxyUrl ?? null, config, notes };
}
