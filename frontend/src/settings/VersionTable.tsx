import type { ReactNode } from "react";
import { DateTime } from "./common";

interface Published {
  version: number;
  note: string;
  created_at: string;
}

/** Published versions of a document, newest first, with their notes and dates, and per row
 * what the page offers for that version (`action`). */
export function VersionTable<V extends Published>({ versions, action }: { versions: readonly V[]; action?: (version: V) => ReactNode }) {
  const newest = versions[versions.length - 1]?.version;
  return (
    <table className="versions__table">
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Note</th>
          <th scope="col">Published</th>
          {action && (
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {[...versions].reverse().map((v) => (
          <tr key={v.version}>
            <td>
              v{v.version}
              {v.version === newest && <span className="muted"> (current)</span>}
            </td>
            <td className="versions__note">{v.note || <span className="muted">no note</span>}</td>
            <td>
              <DateTime iso={v.created_at} />
            </td>
            {action && <td>{action(v)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
