/** The project's members with their role and tier: add by email, change role or tier,
 * remove (after a confirmation). The server's refusals are shown where they happened. */
import { useCallback, useEffect, useState } from "react";
import { isApiError } from "../api/errors";
import type { ProjectRole } from "../api/types";
import { useAuth } from "../components/authContext";
import { addMember, listMembers, removeMember, ROLES, TIERS, updateMember, type Member, type Tier } from "./api";
import { useFailure } from "./common";

export function MembersSettings({ projectId }: { projectId: number }) {
  const { client } = useAuth();
  const fail = useFailure();
  const [members, setMembers] = useState<Member[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rowErrors, setRowErrors] = useState<Record<number, string>>({});
  const [confirming, setConfirming] = useState<number | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const load = useCallback(() => {
    listMembers(client, projectId).then(setMembers, (caught: unknown) => setError(fail(caught, "load the members")));
  }, [client, projectId, fail]);
  useEffect(load, [load]);

  async function change(member: Member, changes: { role?: ProjectRole; tier?: Tier }) {
    setRowErrors((e) => ({ ...e, [member.user_id]: "" }));
    setStatus(null);
    try {
      const updated = await updateMember(client, projectId, member.user_id, changes);
      setMembers((list) => list?.map((m) => (m.user_id === updated.user_id ? updated : m)) ?? null);
      setStatus(`${updated.email} is now ${updated.role}, ${updated.tier}.`);
    } catch (caught) {
      const message = fail(caught, "change the member");
      if (message) setRowErrors((e) => ({ ...e, [member.user_id]: message }));
    }
  }

  async function remove(member: Member) {
    setStatus(null);
    try {
      await removeMember(client, projectId, member.user_id);
      setConfirming(null);
      setMembers((list) => list?.filter((m) => m.user_id !== member.user_id) ?? null);
      setStatus(`${member.email} was removed from the project.`);
    } catch (caught) {
      setConfirming(null);
      const message = fail(caught, "remove the member");
      if (message) setRowErrors((e) => ({ ...e, [member.user_id]: message }));
    }
  }

  if (error) {
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  }
  if (!members) return <p role="status">Loading the members…</p>;
  return (
    <div className="members-settings">
      <AddMember
        projectId={projectId}
        onAdded={(m) => {
          setMembers((list) => [...(list ?? []), m]);
          setStatus(`${m.email} was added as ${m.role}, ${m.tier}.`);
        }}
      />
      <p role="status" className="success members-settings__status">
        {status}
      </p>
      <table className="members-table">
        <caption>Members ({members.length})</caption>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Tier</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.user_id}>
              <th scope="row">{m.email}</th>
              <td>{m.name || <span className="muted">—</span>}</td>
              <td>
                <select aria-label={`Role of ${m.email}`} value={m.role} onChange={(e) => void change(m, { role: e.target.value as ProjectRole })}>
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <select aria-label={`Tier of ${m.email}`} value={m.tier} onChange={(e) => void change(m, { tier: e.target.value as Tier })}>
                  {TIERS.map((t) => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </select>
              </td>
              <td className="members-table__actions">
                {confirming === m.user_id ? (
                  <span role="group" aria-label={`Confirm removing ${m.email}`}>
                    <span>Remove {m.email}?</span>{" "}
                    <button type="button" className="danger" onClick={() => void remove(m)}>
                      Yes, remove
                    </button>{" "}
                    <button type="button" className="secondary" onClick={() => setConfirming(null)}>
                      Cancel
                    </button>
                  </span>
                ) : (
                  <button type="button" className="secondary" onClick={() => setConfirming(m.user_id)}>
                    Remove<span className="visually-hidden"> {m.email}</span>
                  </button>
                )}
                {rowErrors[m.user_id] && (
                  <p role="alert" className="error">
                    {rowErrors[m.user_id]}
                  </p>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AddMember({ projectId, onAdded }: { projectId: number; onAdded: (m: Member) => void }) {
  const { client } = useAuth();
  const fail = useFailure();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<ProjectRole>("annotator");
  const [tier, setTier] = useState<Tier>("junior");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit() {
    setError(null);
    if (email.trim() === "") {
      setError("Enter the email of a user to add.");
      return;
    }
    setBusy(true);
    try {
      onAdded(await addMember(client, projectId, email.trim(), role, tier));
      setEmail("");
    } catch (caught) {
      // 404: no such user; 409: already a member; 422: a malformed field. All name the email.
      setError(isApiError(caught) && caught.status === 404 ? `${caught.message}.` : fail(caught, "add the member"));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="add-member"
      aria-label="Add a member"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h2>Add a member</h2>
      <div className="add-member__fields">
        <div className="field">
          <label htmlFor="member-email">Email</label>
          <input
            id="member-email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "member-email-error" : undefined}
          />
        </div>
        <div className="field">
          <label htmlFor="member-role">Role</label>
          <select id="member-role" value={role} onChange={(e) => setRole(e.target.value as ProjectRole)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="member-tier">Tier</label>
          <select id="member-tier" value={tier} onChange={(e) => setTier(e.target.value as Tier)}>
            {TIERS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={busy}>
          {busy ? "Adding…" : "Add member"}
        </button>
      </div>
      {error && (
        <p id="member-email-error" role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
