/**
 * What to paste to use a new gateway access key, for one of its volumes: the Nextflow block the API writes
 * (`GET /volumes/{id}/nextflow-config`) with the key pair put in for its placeholders, an aws cli profile for the
 * S3 proxy holding the key, and the README's `credential_process` profile (bin/volume-gateway.mjs), which gets the
 * volume's own short AWS credentials with the user's sign-in token, straight to S3, for runs that should not go
 * through the proxy.
 */
import { useState } from 'preact/hooks';
import { api, segment } from '../api';
import { config } from '../config';
import type { Volume } from '../types';
import { CopyBlock } from './copy-button';
import { ErrorMessage } from './error-message';
import { useLoad } from './use-load';

interface NextflowConfig {
  volume: { id: string; name: string };
  proxyUrl: string | null;
  config: string;
  notes: string[];
}

export interface KeyPair {
  accessKeyId: string;
  secretAccessKey: string;
}

const PROXY_PLACEHOLDER = '<the S3 proxy URL of this deployment>';

/** A profile name the aws cli takes: the volume's name, which volume names already fit. */
const profileName = (volume: Volume) => `vg-${volume.name}`;

export function proxyProfile(volume: Volume, key: KeyPair): string {
  return [
    '# ~/.aws/config: the S3 proxy with this access key',
    `[profile ${profileName(volume)}]`,
    `region = ${volume.region}`,
    `aws_access_key_id = ${key.accessKeyId}`,
    `aws_secret_access_key = ${key.secretAccessKey}`,
    's3 =',
    '    addressing_style = path',
    '',
  ].join('\n');
}

export function proxyCommand(volume: Volume, endpoint: string): string {
  return `aws --profile ${profileName(volume)} --endpoint-url ${endpoint} s3 ls s3://${volume.name}/`;
}

/** As README.md writes it: the CLI reads the token from VOLUME_GATEWAY_TOKEN (or --token-file), never the command line. */
export function credentialProcessProfile(volume: Volume, apiUrl: string): string {
  return [
    "# ~/.aws/config: the volume's own AWS credentials (an hour each, renewed by the CLI), straight to S3",
    `[profile ${volume.name}]`,
    `region = ${volume.region}`,
    `credential_process = /path/to/volume-gateway/bin/volume-gateway.mjs credentials --volume ${volume.name} --api ${apiUrl}`,
    '',
  ].join('\n');
}

export function KeySnippets({ volumes, keyPair }: { volumes: Volume[]; keyPair: KeyPair }) {
  const [chosen, setChosen] = useState(volumes[0]?.id ?? '');
  const volume = volumes.find((candidate) => candidate.id === chosen) ?? volumes[0];
  if (!volume) {
    return <p>Join or register a volume to get a Nextflow config and aws cli profiles for this key.</p>;
  }
  return (
    <section aria-labelledby="key-snippets-heading">
      <h3 id="key-snippets-heading">Use it</h3>
      {volumes.length > 1 ? (
        <>
          <label for="snippets-volume">Volume</label>
          <select id="snippets-volume" value={volume.id} onChange={(e) => setChosen(e.currentTarget.value)}>
            {volumes.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name}
              </option>
            ))}
          </select>
        </>
      ) : null}
      <VolumeSnippets key={volume.id} volume={volume} keyPair={keyPair} />
    </section>
  );
}

function VolumeSnippets({ volume, keyPair }: { volume: Volume; keyPair: KeyPair }) {
  const nextflow = useLoad(() => api.get<NextflowConfig>(`/volumes/${segment(volume.id)}/nextflow-config`), [volume.id]);
  const endpoint = nextflow.data?.proxyUrl ?? config().nodeProxyUrl ?? config().proxyUrl ?? PROXY_PLACEHOLDER;
  const block = nextflow.data?.config
    .replace('<ACCESS_KEY_ID>', keyPair.accessKeyId)
    .replace('<SECRET_ACCESS_KEY>', keyPair.secretAccessKey)
    .replace(PROXY_PLACEHOLDER, endpoint);
  return (
    <>
      <h4>Nextflow</h4>
      <ErrorMessage error={nextflow.error} title="The Nextflow config could not be read" />
      {nextflow.loading ? <p aria-busy="true">Writing the Nextflow config…</p> : null}
      {block ? (
        <>
          <CopyBlock label="Nextflow config" text={block} />
          <p class="hint">Paste it into nextflow.config. Keep it out of version control: it holds the secret.</p>
          {volume.auth.type === 'web-identity' ? (
            <p class="hint">This volume is reached with your own token, not an access key: follow the block's comment.</p>
          ) : null}
        </>
      ) : null}
      <h4>aws cli, boto3 and rclone through the S3 proxy</h4>
      <CopyBlock label="Proxy profile" text={proxyProfile(volume, keyPair)} />
      <CopyBlock label="Proxy command" text={proxyCommand(volume, endpoint)} />
      <h4>Straight to S3 with credential_process</h4>
      <p class="hint">
        Not the key: the aws cli runs the volume-gateway CLI for the volume's own credentials, with your sign-in token in{' '}
        <code>VOLUME_GATEWAY_TOKEN</code>. Paths are then in the real bucket: <code>s3://{`${volume.bucket}/${volume.prefix}`}</code>.
      </p>
      <CopyBlock label="credential_process profile" text={credentialProcessProfile(volume, config().apiUrl)} />
    </>
  );
}
