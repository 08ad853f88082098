/**
 * What the bucket's owner applies: the role's trust and permissions policies and the `aws iam` commands from the API's
 * `setup`, plus the one command the console itself needs, a bucket CORS rule admitting this console's origin (uploads
 * and downloads go from the browser straight to S3, and multipart needs each part's ETag: see docs/console.md).
 */
import type { Volume } from '../types';
import { CopyBlock } from './copy-button';

type Setup = NonNullable<Volume['setup']>;

const quoted = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** `aws s3api put-bucket-cors` letting `origin` GET, PUT and HEAD the bucket and read the ETag header. */
export function corsCommand(bucket: string, origin: string): string {
  const rules = {
    CORSRules: [
      {
        AllowedOrigins: [origin],
        AllowedMethods: ['GET', 'PUT', 'HEAD'],
        AllowedHeaders: ['*'],
        ExposeHeaders: ['ETag'],
        MaxAgeSeconds: 3000,
      },
    ],
  };
  return `aws s3api put-bucket-cors --bucket ${quoted(bucket)} --cors-configuration ${quoted(JSON.stringify(rules))}`;
}

export function VolumeSetup({ volume, setup }: { volume: Pick<Volume, 'bucket' | 'auth' | 'externalId'>; setup: Setup }) {
  const cors = corsCommand(volume.bucket, location.origin);
  return (
    <>
      <p>
        Run these commands as an administrator of the account that owns <code>{volume.bucket}</code> (aws cli v2), in order. They give the
        role <code>{volume.auth.roleArn}</code> the trust and permissions below
        {volume.externalId ? (
          <>
            {' '}
            (the trust policy requires the external id <code>{volume.externalId}</code>)
          </>
        ) : null}
        .
      </p>
      <section aria-labelledby="setup-commands" class="setup-commands">
        <h3 id="setup-commands">Commands</h3>
        {setup.commands.map((command, index) => (
          <CopyBlock key={command} text={command} label={`Command ${index + 1} of ${setup.commands.length + 1}`} />
        ))}
        <CopyBlock text={cors} label={`Command ${setup.commands.length + 1} of ${setup.commands.length + 1}: the bucket's CORS rule`} />
        <p class="hint">
          The last command lets this console (<code>{location.origin}</code>) upload and download from your browser straight to S3 and read
          each part's <code>ETag</code>, which multipart uploads need. It replaces the bucket's CORS rules: if the bucket has some, add this
          rule to them instead.
        </p>
      </section>
      <section aria-labelledby="setup-policies">
        <h3 id="setup-policies">The policies these commands apply</h3>
        <CopyBlock text={JSON.stringify(setup.trustPolicy, null, 2)} label="Trust policy" />
        <CopyBlock text={JSON.stringify(setup.permissionsPolicy, null, 2)} label="Permissions policy" />
      </section>
    </>
  );
}
