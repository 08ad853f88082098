/**
 * A volume's members: admins add a member by subject with an access, change a member's access and remove one; the
 * owner's row is shown but cannot be changed or removed (the API refuses it too). Every member may see the list
 * (the API lets them: whoever shares the data may see who else has it); only admins get the controls.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, segment } from '../api';
import type { User } from '../auth';
import { ConfirmButton } from '../components/confirm-button';
import { ErrorMessage } from '../components/error-message';
import { PageTitle } from '../components/layout';
import { Pager, usePages } from '../components/pager';
import { useLoad } from '../components/use-load';
import { when } from '../format';
import type { Member, MemberPage, Volume } from '../types';

type Access = Member['access'];
const ACCESS: Array<{ value: Access; label: string }> = [
  { value: 'read', label: 'read: list and download' },
  { value: 'write', label: 'write: also upload and delete' },
  { value: 'admin', label: 'admin: also members, audit, settings' },
];

export function MembersPage({ volume, user }: { volume: Volume; user: User }) {
  const pages = usePages();
  const members = useLoad(
    () => api.get<MemberPage>(`/volumes/${segment(volume.id)}/members`, { nextToken: pages.token }),
    [volume.id, pages.token],
  );
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  const admin = volume.access.membership === 'admin';

  /** Runs one change, then says what happened (or the API's message) and reloads the list. */
  const change = async (work: () => Promise<unknown>, said: string): Promise<boolean> => {
    setError(undefined);
    setDone('');
    try {
      await work();
      setDone(said);
      members.reload();
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    }
  };
  const put = (subject: string, access: Access) =>
    change(() => api.put(`/volumes/${segment(volume.id)}/members/${segment(subject)}`, { access }), `${subject} now has ${access} access.`);

  return (
    <>
      <PageTitle title="Members" />
      {admin ? (
        <AddMemberForm onAdd={put} />
      ) : (
        <p>
          Only the volume's admins add, change or remove members; your access is <strong>{volume.access.membership}</strong>.
        </p>
      )}
      <ErrorMessage error={error} title="Not changed" />
      <p class="visually-hidden" aria-live="polite">
        {done}
      </p>
      {done ? <p class="notice">{done}</p> : null}
      <h2>Who has access</h2>
      <ErrorMessage error={members.error} />
      {members.loading && !members.data ? <p aria-busy="true">Loading the members…</p> : null}
      {members.data ? (
        <div class="table-wrap">
          <table class="responsive sharing" aria-busy={members.loading}>
            <caption class="visually-hidden">Members of {volume.name}</caption>
            <thead>
              <tr>
                <th scope="col">Subject</th>
                <th scope="col">Access</th>
                <th scope="col">Added</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.data.items.map((member) => (
                <MemberRow
                  key={member.subject}
                  member={member}
                  admin={admin}
                  self={member.subject === user.subject}
                  onPut={put}
                  onRemove={() =>
                    change(
                      () => api.del(`/volumes/${segment(volume.id)}/members/${segment(member.subject)}`),
                      `${member.subject} was removed.`,
                    )
                  }
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pager pages={pages} nextToken={members.data?.nextToken} label="members" />
    </>
  );
}

function MemberRow({
  member,
  admin,
  self,
  onPut,
  onRemove,
}: {
  member: Member;
  admin: boolean;
  self: boolean;
  onPut: (subject: string, access: Access) => Promise<boolean>;
  onRemove: () => Promise<boolean>;
}) {
  // What the admin picked and has not saved, and what was saved before the list's reload brings it back: a reload
  // that lands after the admin picked again must not undo the new pick (the row stays mounted, keyed by subject).
  const [chosen, setChosen] = useState<Access | undefined>();
  const [saved, setSaved] = useState<Access | undefined>();
  const [saving, setSaving] = useState(false);
  useEffect(() => setSaved(undefined), [member.access]);
  const current = saved ?? member.access;
  const access = chosen ?? current;
  const fixed = member.owner;
  const selectId = `access-${member.subject}`;
  const save = async () => {
    setSaving(true);
    if (await onPut(member.subject, access)) {
      setSaved(access);
      setChosen((picked) => (picked === access ? undefined : picked));
    }
    setSaving(false);
  };
  return (
    <tr>
      <td class="key" data-label="Subject">
        {member.subject}
        {member.owner ? <span class="badge">owner</span> : null}
        {self ? <span class="badge">you</span> : null}
      </td>
      <td data-label="Access">
        {admin ? (
          <span class="inline-form">
            <label for={selectId} class="visually-hidden">
              Access of {member.subject}
            </label>
            <select
              id={selectId}
              value={access}
              disabled={fixed}
              title={fixed ? "The owner's membership is always admin and cannot be changed." : undefined}
              onChange={(e) => setChosen(e.currentTarget.value as Access)}
            >
              {ACCESS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
            {fixed ? null : (
              <button
                type="button"
                class="secondary"
                disabled={access === current || saving}
                aria-busy={saving}
                aria-label={`Save the access of ${member.subject}`}
                onClick={save}
              >
                {saving ? 'Saving…' : 'Save'}
              </button>
            )}
          </span>
        ) : (
          member.access
        )}
      </td>
      <td data-label="Added">
        {when(member.addedAt)} by {member.addedBy}
      </td>
      <td data-label="Actions">
        {admin || self ? (
          <ConfirmButton
            label={self ? 'Leave' : 'Remove'}
            description={self ? 'Leave this volume' : `Remove ${member.subject}`}
            question={self ? 'Leave this volume? You lose access at once.' : `Remove ${member.subject}? They lose access at once.`}
            confirm={self ? 'Yes, leave' : 'Yes, remove'}
            onConfirm={onRemove}
            disabled={fixed}
          />
        ) : null}
        {fixed ? <span class="hint">The owner's membership cannot be changed or removed.</span> : null}
      </td>
    </tr>
  );
}

function AddMemberForm({ onAdd }: { onAdd: (subject: string, access: Access) => Promise<boolean> }) {
  const [subject, setSubject] = useState('');
  const [access, setAccess] = useState<Access>('read');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    if (await onAdd(subject.trim(), access)) setSubject('');
    setBusy(false);
  };
  return (
    <form onSubmit={submit} aria-labelledby="add-member-heading">
      <h2 id="add-member-heading">Add a member</h2>
      <label for="member-subject">
        Subject
        <span class="hint">The person's subject at the identity provider (the "sub" of their sign-in)</span>
      </label>
      <input
        id="member-subject"
        type="text"
        required
        autoComplete="off"
        value={subject}
        onInput={(e) => setSubject(e.currentTarget.value)}
      />
      <label for="member-access">Access</label>
      <select id="member-access" value={access} onChange={(e) => setAccess(e.currentTarget.value as Access)}>
        {ACCESS.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <div class="actions">
        <button type="submit" disabled={busy} aria-busy={busy}>
          {busy ? 'Adding…' : 'Add member'}
        </button>
      </div>
    </form>
  );
}
