/**
 * A volume's overview: its fields, status and last verification. Admins verify again, see the setup again (the wizard's
 * step 2, also the way to finish a pending or failed volume), revoke every session, and delete it; the last two ask first.
 */
import { useState } from 'preact/hooks';
import { api, segment } from '../api';
import type { User } from '../auth';
import { CopyBlock } from '../components/copy-button';
import { ErrorMessage } from '../components/error-message';
import { PageTitle } from '../components/layout';
import { StatusBadge } from '../components/status-badge';
import { Checklist, VerifyButton } from '../components/verification';
import { when } from '../format';
import { href, navigate } from '../router';
import type { Volume } from '../types';

interface Revoked {
  sessionsRevokedAt: string;
  command: string;
}

export function VolumePage({ volume, reload, user }: { volume: Volume; reload: () => void; user: User }) {
  const admin = volume.access.membership === 'admin';
  const verification = volume.lastVerification;
  return (
    <>
      <PageTitle title={volume.name}>
        {volume.name} <StatusBadge status={volume.status} />
      </PageTitle>
      {volume.description ? <p>{volume.description}</p> : null}
      {volume.status !== 'active' && admin ? (
        <p class="notice">
          This volume is {volume.status}: apply the setup to its role, then verify.{' '}
          <a href={href({ page: 'register', id: volume.id, step: 'setup' })}>Finish the setup</a>
        </p>
      ) : null}
      <dl class="fields">
        <dt>Bucket</dt>
        <dd>
          <code>{volume.bucket}</code>
        </dd>
        <dt>Prefix</dt>
        <dd>{volume.prefix ? <code>{volume.prefix}</code> : 'the whole bucket'}</dd>
        <dt>Region</dt>
        <dd>{volume.region}</dd>
        <dt>Mode</dt>
        <dd>{volume.accessMode}</dd>
        <dt>Role</dt>
        <dd>
          <code>{volume.auth.roleArn}</code> ({volume.auth.type})
        </dd>
        {volume.externalId ? (
          <>
            <dt>External id</dt>
            <dd>
              <code>{volume.externalId}</code>
            </dd>
          </>
        ) : null}
        <dt>MFA required</dt>
        <dd>{volume.requireMfa ? 'yes' : 'no'}</dd>
        <dt>Owner</dt>
        <dd>
          {volume.owner}
          {volume.owner === user.subject ? ' (you)' : ''}
        </dd>
        <dt>My access</dt>
        <dd>
          {volume.access.membership} ({volume.access.data === 'write' ? 'read and write data' : 'read data'})
        </dd>
        <dt>Registered</dt>
        <dd>{when(volume.createdAt)}</dd>
        {volume.sessionsRevokedAt ? (
          <>
            <dt>Sessions revoked</dt>
            <dd>{when(volume.sessionsRevokedAt)}</dd>
          </>
        ) : null}
      </dl>
      <section aria-labelledby="last-verification">
        <h2 id="last-verification">Last verification</h2>
        {verification ? (
          <>
            <p>
              {when(verification.at)}: <StatusBadge status={verification.status} />
            </p>
            <Checklist checks={verification.checks} label="Last verification checks" />
          </>
        ) : (
          <p>Not verified yet.</p>
        )}
        {admin ? <VerifyButton volumeId={volume.id} onVerified={reload} /> : null}
      </section>
      {admin ? <AdminActions volume={volume} reload={reload} /> : null}
    </>
  );
}

function AdminActions({ volume, reload }: { volume: Volume; reload: () => void }) {
  const [confirming, setConfirming] = useState<'revoke' | 'delete'>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [revoked, setRevoked] = useState<Revoked>();
  const id = segment(volume.id);

  const act = async (action: 'revoke' | 'delete') => {
    setBusy(true);
    setError(undefined);
    try {
      if (action === 'revoke') {
        setRevoked(await api.post<Revoked>(`/volumes/${id}/revoke-sessions`));
        setConfirming(undefined);
        reload();
      } else {
        await api.del(`/volumes/${id}`);
        navigate({ page: 'volumes' });
      }
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="manage">
      <h2 id="manage">Manage</h2>
      <ErrorMessage error={error} title="That did not work" />
      <div class="actions">
        <a class="button secondary" href={href({ page: 'register', id: volume.id, step: 'setup' })}>
          Show the setup commands
        </a>
        <button type="button" class="danger" onClick={() => setConfirming('revoke')} disabled={busy}>
          Revoke sessions…
        </button>
        <button type="button" class="danger" onClick={() => setConfirming('delete')} disabled={busy}>
          Delete volume…
        </button>
      </div>
      {confirming ? (
        <div class="confirm-panel" role="alertdialog" aria-labelledby="confirm-text">
          <p id="confirm-text">
            {confirming === 'revoke'
              ? `Revoke every session of ${volume.name} issued until now? Members' credentials and presigned URLs stop working; they can ask for new ones.`
              : `Delete ${volume.name}? Its registration and memberships are removed; the bucket and its data are not touched.`}
          </p>
          <div class="actions">
            <button type="button" class="danger" onClick={() => void act(confirming)} disabled={busy}>
              {confirming === 'revoke' ? 'Yes, revoke sessions' : 'Yes, delete the volume'}
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(undefined)} disabled={busy}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      {revoked ? (
        <div class="notice" role="status">
          <p>
            Sessions issued before {when(revoked.sessionsRevokedAt)} are revoked in the gateway. To end the credentials already handed out,
            the role's owner runs:
          </p>
          <CopyBlock text={revoked.command} label="Revoke command" />
        </div>
      ) : null}
    </section>
  );
}
