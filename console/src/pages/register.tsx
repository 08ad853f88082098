/**
 * Register a volume, as a wizard: 1. the form (`POST /volumes`); 2. the role's policies and the commands to apply them
 * (the answer's `setup`, plus the bucket CORS rule the console needs); 3. verify, each check shown with what to fix.
 * Steps 2 and 3 live in the hash (`#/volumes/new?volume=…&step=…`): a reload resumes, and a pending volume's overview
 * links back to them.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, api, segment } from '../api';
import { ErrorMessage } from '../components/error-message';
import { PageTitle } from '../components/layout';
import { StatusBadge } from '../components/status-badge';
import { useLoad } from '../components/use-load';
import { Checklist, VerifyButton } from '../components/verification';
import { VolumeSetup } from '../components/volume-setup';
import { href, navigate, type Route } from '../router';
import type { Verification, Volume } from '../types';

type Step = 'form' | 'setup' | 'verify';
const STEPS: Array<{ step: Step; label: string }> = [
  { step: 'form', label: 'Describe the volume' },
  { step: 'setup', label: 'Set up the role' },
  { step: 'verify', label: 'Verify' },
];

function Steps({ current }: { current: Step }) {
  return (
    <ol class="steps" aria-label="Steps">
      {STEPS.map((item, index) => (
        <li key={item.step} aria-current={item.step === current ? 'step' : undefined}>
          {index + 1}. {item.label}
        </li>
      ))}
    </ol>
  );
}

const title = (step: Step) => {
  const index = STEPS.findIndex((item) => item.step === step);
  return `Register a volume — step ${index + 1} of 3: ${STEPS[index]!.label.toLowerCase()}`;
};

export function RegisterPage({ route }: { route: Extract<Route, { page: 'register' }> }) {
  if (!route.id) return <RegisterForm />;
  return <RegisterVolume key={route.id} id={route.id} step={route.step ?? 'setup'} />;
}

interface Fields {
  name: string;
  bucket: string;
  prefix: string;
  region: string;
  accessMode: 'read-only' | 'read-write';
  authType: 'role' | 'gateway-oidc';
  roleArn: string;
  requireMfa: boolean;
  description: string;
}

/** The API names the field it refused first (`bucket: must not …`); the matching control is marked invalid. */
const FIELD_OF: Record<string, keyof Fields> = {
  name: 'name',
  bucket: 'bucket',
  prefix: 'prefix',
  region: 'region',
  accessMode: 'accessMode',
  'auth.type': 'authType',
  'auth.roleArn': 'roleArn',
  auth: 'roleArn',
  requireMfa: 'requireMfa',
  description: 'description',
};

function RegisterForm() {
  const [fields, setFields] = useState<Fields>({
    name: '',
    bucket: '',
    prefix: '',
    region: 'us-east-1',
    accessMode: 'read-write',
    authType: 'role',
    roleArn: '',
    requireMfa: false,
    description: '',
  });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Fields>(name: K, value: Fields[K]) => setFields((previous) => ({ ...previous, [name]: value }));
  const invalidField = error instanceof ApiError ? FIELD_OF[error.message.split(':', 1)[0]!.trim()] : undefined;
  const invalid = (name: keyof Fields) =>
    invalidField === name ? { 'aria-invalid': true as const, 'aria-describedby': 'register-error' } : {};
  const text = (name: 'name' | 'bucket' | 'prefix' | 'region' | 'roleArn') => ({
    id: `volume-${name}`,
    type: 'text',
    value: fields[name],
    onInput: (event: JSX.TargetedEvent<HTMLInputElement>) => set(name, event.currentTarget.value),
    autoComplete: 'off',
    spellcheck: false,
    ...invalid(name),
  });

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const volume = await api.post<Volume>('/volumes', {
        name: fields.name.trim(),
        bucket: fields.bucket.trim(),
        ...(fields.prefix.trim() ? { prefix: fields.prefix.trim() } : {}),
        region: fields.region.trim(),
        accessMode: fields.accessMode,
        auth: { type: fields.authType, roleArn: fields.roleArn.trim() },
        requireMfa: fields.requireMfa,
        ...(fields.description.trim() ? { description: fields.description.trim() } : {}),
      });
      navigate({ page: 'register', id: volume.id, step: 'setup' });
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle title={title('form')} />
      <Steps current="form" />
      <p>
        Point a volume at your bucket (or a folder of it). Create the IAM role first, with any trust policy: the next step gives the
        policies and commands to apply to it.
      </p>
      <div id="register-error">
        <ErrorMessage error={error} title="The volume was not registered" />
      </div>
      <form onSubmit={submit} noValidate aria-label="Register a volume">
        <label for="volume-name">
          Name <span class="hint">Unique; S3 clients see it as the bucket name through the gateway (lowercase, digits, - and .)</span>
        </label>
        <input {...text('name')} required />
        <label for="volume-bucket">
          Bucket <span class="hint">The S3 bucket in your account</span>
        </label>
        <input {...text('bucket')} required />
        <label for="volume-prefix">
          Prefix <span class="hint">Optional: the folder inside the bucket that is the volume's root, e.g. projects/run-1</span>
        </label>
        <input {...text('prefix')} />
        <label for="volume-region">
          Region <span class="hint">The bucket's AWS region, e.g. eu-central-1</span>
        </label>
        <input {...text('region')} required />
        <fieldset {...invalid('accessMode')}>
          <legend>Access</legend>
          <label class="choice">
            <input
              type="radio"
              name="accessMode"
              checked={fields.accessMode === 'read-write'}
              onChange={() => set('accessMode', 'read-write')}
            />{' '}
            Read and write
          </label>
          <label class="choice">
            <input
              type="radio"
              name="accessMode"
              checked={fields.accessMode === 'read-only'}
              onChange={() => set('accessMode', 'read-only')}
            />{' '}
            Read only
          </label>
        </fieldset>
        <fieldset {...invalid('authType')}>
          <legend>How the gateway reaches the bucket</legend>
          <label class="choice">
            <input type="radio" name="authType" checked={fields.authType === 'role'} onChange={() => set('authType', 'role')} /> Assume my
            role with an external id <span class="hint">(role) Sessions up to one hour.</span>
          </label>
          <label class="choice">
            <input
              type="radio"
              name="authType"
              checked={fields.authType === 'gateway-oidc'}
              onChange={() => set('authType', 'gateway-oidc')}
            />{' '}
            My role trusts the gateway's OpenID Connect issuer{' '}
            <span class="hint">(gateway-oidc) Sessions up to 12 hours, for long runs.</span>
          </label>
        </fieldset>
        <label for="volume-roleArn">
          Role ARN <span class="hint">e.g. arn:aws:iam::123456789012:role/volume-access</span>
        </label>
        <input {...text('roleArn')} required />
        <label class="choice">
          <input
            type="checkbox"
            checked={fields.requireMfa}
            onChange={(event) => set('requireMfa', event.currentTarget.checked)}
            {...invalid('requireMfa')}
          />{' '}
          Members must have signed in with multi-factor authentication
        </label>
        <label for="volume-description">
          Description <span class="hint">Optional, shown to members</span>
        </label>
        <textarea
          id="volume-description"
          rows={3}
          value={fields.description}
          onInput={(event) => set('description', event.currentTarget.value)}
          {...invalid('description')}
        />
        <div class="actions">
          <button type="submit" disabled={busy}>
            Register and show the setup
          </button>
          <span aria-live="polite">{busy ? 'Registering…' : ''}</span>
        </div>
      </form>
    </>
  );
}

function RegisterVolume({ id, step }: { id: string; step: 'setup' | 'verify' }) {
  const { data: volume, error, reload } = useLoad(() => api.get<Volume>(`/volumes/${segment(id)}`), [id]);
  const [result, setResult] = useState<Verification>();
  if (!volume) {
    return (
      <>
        <PageTitle title={title(step)} />
        <Steps current={step} />
        {error ? <ErrorMessage error={error} /> : <p aria-busy="true">Loading the volume…</p>}
      </>
    );
  }
  const overview = href({ page: 'volume', id });
  if (step === 'setup') {
    return (
      <>
        <PageTitle title={title('setup')} />
        <Steps current="setup" />
        <p>
          <strong>{volume.name}</strong> is registered and <StatusBadge status={volume.status} />.
        </p>
        {volume.setup ? (
          <VolumeSetup volume={volume} setup={volume.setup} />
        ) : (
          <p class="error" role="alert">
            Only the volume's admins see its setup; ask its owner ({volume.owner}).
          </p>
        )}
        <div class="actions">
          <a class="button" href={href({ page: 'register', id, step: 'verify' })}>
            I ran them: verify
          </a>
          <a href={overview}>Finish later</a>
        </div>
      </>
    );
  }
  const checks = result?.checks ?? volume.lastVerification?.checks;
  const status = result?.status ?? volume.status;
  return (
    <>
      <PageTitle title={title('verify')} />
      <Steps current="verify" />
      <p>
        The gateway assumes the role as it will for your members and checks what it may do in <code>{volume.bucket}</code>.
      </p>
      <VerifyButton
        volumeId={id}
        label={checks ? 'Verify again' : 'Verify'}
        onVerified={(verified) => {
          setResult(verified);
          reload();
        }}
      />
      <div aria-live="polite">
        <p>
          Status: <StatusBadge status={status} />
        </p>
        {status === 'active' ? (
          <p class="notice">
            {volume.name} is active. <a href={href({ page: 'browse', id, prefix: '' })}>Browse its files</a> or{' '}
            <a href={overview}>see its overview</a>.
          </p>
        ) : checks ? (
          <p class="error">Fix what the failed checks say (or run the commands again), then verify again.</p>
        ) : null}
        {checks ? <Checklist checks={checks} label="Verification checks" /> : null}
      </div>
      <p>
        <a href={href({ page: 'register', id, step: 'setup' })}>Back to the commands</a>
      </p>
    </>
  );
}
