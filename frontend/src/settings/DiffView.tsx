/** A line diff shown as a table: each changed line says "added" or "removed" in words (and
 * with + and −), not by colour alone; unchanged stretches are folded between hunks. */
import { useMemo } from "react";
import { diffLines, toHunks, type LineChange } from "./lineDiff";

const SIGN = { same: " ", added: "+", removed: "−" } as const;
const WORD = { same: "unchanged", added: "added", removed: "removed" } as const;

export function DiffView({ before, after, caption }: { before: string; after: string; caption: string }) {
  const diff = useMemo(() => diffLines(before, after), [before, after]);
  const hunks = useMemo(() => toHunks(diff.changes), [diff]);
  const summary = `${diff.added} line${diff.added === 1 ? "" : "s"} added, ${diff.removed} removed`;
  if (hunks.length === 0) return <p className="muted">{caption}: no differences.</p>;
  return (
    <div className="diff">
      {!diff.exact && <p className="muted">These versions differ too much for a line-by-line comparison; all old lines are shown removed and all new lines added.</p>}
      <table className="diff__table">
        <caption>
          {caption}: {summary}
        </caption>
        <thead>
          <tr>
            <th scope="col">Old line</th>
            <th scope="col">New line</th>
            <th scope="col">Change</th>
            <th scope="col">Text</th>
          </tr>
        </thead>
        {hunks.map((hunk, h) => (
          <tbody key={h}>
            {h > 0 && (
              <tr className="diff__fold">
                <td colSpan={4}>… unchanged lines …</td>
              </tr>
            )}
            {hunk.changes.map((change, i) => (
              <Row key={i} change={change} />
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}

function Row({ change }: { change: LineChange }) {
  return (
    <tr className={`diff__row diff__row--${change.kind}`}>
      <td className="diff__number">{change.kind === "added" ? "" : change.oldLine}</td>
      <td className="diff__number">{change.kind === "removed" ? "" : change.newLine}</td>
      <td className="diff__kind">
        <span aria-hidden="true">{SIGN[change.kind]}</span>
        <span className={change.kind === "same" ? "visually-hidden" : "diff__word"}>{WORD[change.kind]}</span>
      </td>
      <td className="diff__text">{change.kind === "added" ? <ins>{change.text}</ins> : change.kind === "removed" ? <del>{change.text}</del> : change.text}</td>
    </tr>
  );
}
