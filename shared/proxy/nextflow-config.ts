/**
 * `GET /volumes/{id}/nextflow-config`: the `aws { … }` block that points Nextflow at the S3 proxy for a volume,
 * ready to paste into `nextflow.config`. Nextflow needs path-style addressing and the endpoint; whenever
 * `accessKey` is set it needs `secretKey` too. The key pair is left as placeholders, never a real secret: the
 * caller creates a gateway access key limited to the volume (`POST /access-keys`), which outlives any token,
 * as a long run needs. A web-identity volume can only be reached with the caller's own token as the access key
 * id (any secret), so its block says that instead. Members only (others get 404, as everywhere).
 *
 * The endpoint is the proxy's Node front when the deployment names it (NODE_PROXY_PUBLIC_URL). A Lambda function
 * URL is never named (docs/function-url.md): AWS renames the Content-Length of a streamed answer, so HeadObject
 * carries no size there and Nextflow would size and copy files wrongly; and Lambda refuses requests over about
 * 4.5 MiB. Without a Node front the block names the proxy's public URL (PROXY_PUBLIC_URL) unless that is a function
 * URL, in which case it has a placeholder; a note says what to do: the Node front, or the volume's vended
 * credentials straight to S3 (`credential_process`).
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

/** A Lambda function URL's host: `<id>.lambda-url.<region>.on.aws` (a trailing dot names the same host). */
const isFunctionUrl = (url: string): boolean => {
  try {
    return /\.lambda-url\.[a-z0-9-]+\.on\.aws\.?$/i.test(new URL(url).hostname);
  } catch {
    return false;
  }
};

const WHY_NODE = [
  "// The endpoint is the proxy's Node front. A Lambda function URL cannot serve Nextflow: AWS renames the",
  '// Content-Length of its streamed answers, so HeadObject gives no object size, and it refuses requests over 4.5 MiB.',
];
const WHY_NOT_FUNCTION_URL = [
  "// This deployment's S3 proxy is a Lambda function URL, which cannot serve Nextflow (see the notes): put the",
  "// proxy's Node front here, or use credential_process straight to S3.",
];
const WHY_UNKNOWN = [
  "// The endpoint must be the proxy's Node front, not a Lambda function URL (HeadObject gives no object size",
  '// there, and requests over 4.5 MiB are refused). Or use credential_process straight to S3 (see the notes).',
];
const NODE_FRONT_NOTE =
  "Nextflow needs the proxy's Node front (the container deployment, docs/deploying.md), not a Lambda function URL. Through a " +
  'function URL, AWS renames the Content-Length of streamed answers (x-amzn-Remapped-Content-Length), so HeadObject carries no ' +
  'object size, and Nextflow sizes and copies files from it; and Lambda refuses requests over 6 MB, base64 included (about 4.5 ' +
  "MiB of data). Ask the operator for the Node front's URL, or write straight to S3 with the volume's vended credentials: a " +
  "credential_process profile (see the guide) as aws.profile, no endpoint, and paths under the volume's real bucket and prefix.";

export async function nextflowConfig(
  repo: VolumeRepository,
  caller: Pick<Caller, 'subject'>,
  volumeId: string,
  fronts: ProxyFronts,
): Promise<NextflowConfig> {
  const { volume } = await loadVisible(repo, volumeId, caller.subject);
  const byToken = volume.auth.type === 'web-identity';
  // A function URL is never named: Nextflow through it would read sizes that are not there.
  const publicIsFunctionUrl = fronts.publicUrl !== undefined && isFunctionUrl(fronts.publicUrl);
  const proxyUrl = fronts.nodeUrl ?? (publicIsFunctionUrl ? undefined : fronts.publicUrl);
  const endpoint = proxyUrl ?? (publicIsFunctionUrl ? '<the Node front URL of this deployment>' : '<the S3 proxy URL of this deployment>');
  const why = fronts.nodeUrl ? WHY_NODE : publicIsFunctionUrl ? WHY_NOT_FUNCTION_URL : WHY_UNKNOWN;
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
        `Create a gateway access key limited to this volume: POST /access-keys {"volumes": ["${volume.id}"]}, and put its accessKeyId ` +
          `and secretAccessKey in place of the placeholders. Keep the secret out of version control. For a key that writes only the ` +
          `run's work directory and reads the rest, create it with scopes instead: POST /access-keys {"scopes": [{"volumeId": ` +
          `"${volume.id}", "access": "read"}, {"volumeId": "${volume.id}", "prefix": "work/", "access": "write"}]} (workDir as below).`,
      ];
  if (volume.requireMfa) notes.push('This volume requires MFA: create the key (or get the token) from a session signed in with MFA.');
  if (volume.status !== 'active') notes.push(`The volume is ${volume.status}: it serves no data until its admin verifies it.`);
  if (!proxyUrl && !publicIsFunctionUrl)
    notes.push(
      'This deployment does not say where its S3 proxy is (PROXY_PUBLIC_URL, NODE_PROXY_PUBLIC_URL): ask its operator for the endpoint.',
    );
  if (!fronts.nodeUrl) notes.push(NODE_FRONT_NOTE);
  return { volume: { id: volume.id, name: volume.name }, proxyUrl: proxyUrl ?? null, config, notes };
}
