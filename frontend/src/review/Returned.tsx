/**
 * What the annotator sees of work a reviewer sent back: each review's error categories and
 * comment, and the notes pinned to regions (a click selects the region on the image).
 * Everything is rendered as text.
 */
import type { Returned } from "./api";

export function ReturnedPanel({ returned, onSelect }: { returned: Returned; onSelect: (regionId: string) => void }) {
  const reviews = returned.reviews.filter((r) => r.verdict === "reject");
  const present = new Set(returned.annotation.regions.map((r) => r.id));
  return (
    <section className="panel returned" aria-labelledby="returned-heading">
      <h2 id="returned-heading" className="panel__title">
        Sent back to you
      </h2>
      {reviews.length === 0 && <p>A reviewer sent this work back to you.</p>}
      <ul className="returned-list">
        {reviews.map((review) => (
          <li key={review.id}>
            {review.error_categories.length > 0 && (
              <p>
                <strong>{review.error_categories.join(", ")}</strong>
              </p>
            )}
            {review.comment && <p className="returned__comment">{review.comment}</p>}
            {review.region_comments.length > 0 && (
              <ul className="pin-list" aria-label="Notes on regions">
                {review.region_comments.map((c, i) => (
                  <li key={c.id ?? i}>
                    {present.has(c.region_id) ? (
                      <button type="button" className="link-button returned__pin" onClick={() => onSelect(c.region_id)}>
                        {c.region_id}
                      </button>
                    ) : (
                      <strong>{c.region_id}</strong>
                    )}
                    : <span>{c.body}</span>
                  </li>
                ))}
              </ul>
            )}
            <p className="muted">{formatWhen(review.created_at)}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}

function formatWhen(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : `Reviewed ${date.toLocaleString()}`;
}
