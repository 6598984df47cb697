/** The frame of a dashboard section: its heading, caption and text alternative. */
import { useId, type ReactNode } from "react";
import { Link } from "react-router";

export function Section({
  title,
  caption,
  children,
}: {
  title: string;
  caption: ReactNode;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section className="dash-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <p className="dash-caption">{caption}</p>
      {children}
    </section>
  );
}

/** A chart's text alternative: a table with the same figures and links, one key press
 * away (the summary is focusable), so keyboard and screen-reader users reach every mark. */
export function AsTable({ summary, children }: { summary: string; children: ReactNode }) {
  return (
    <details className="dash-table">
      <summary>{summary}</summary>
      {children}
    </details>
  );
}

/** A link to the tasks behind a figure, or the figure alone when there is none. */
export function TaskLink({ to, children, label }: { to: string | null; children: ReactNode; label?: string }) {
  if (to === null) return <>{children}</>;
  return (
    <Link to={to} aria-label={label}>
      {children}
    </Link>
  );
}

