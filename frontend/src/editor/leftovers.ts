/**
 * Work a browser kept while it could not reach the server (a closed tab offline, an expired
 * session) is sent when the label stream opens again, before the next task loads: so the
 * server's draft is current when the editor reads it. Drafts go with their base version (a
 * stale one is dropped: newer work exists); submissions with their idempotency key.
 */
import type { ApiClient } from "../api/client";
import { isApiError } from "../api/errors";
import { listPending, type KeyValueStore } from "../lib/draftSync";

export async function sendLeftovers(client: ApiClient, store: KeyValueStore, userId: number, projectId: number): Promise<void> {
  for (const { key, projectId: p, taskId, work } of listPending(store, userId)) {
    if (p !== projectId) continue;
    try {
      if (work.kind === "submit" && work.idempotencyKey) {
        const body = { regions: work.regions, lead_time_s: work.leadTimeS, started_at: work.startedAt };
        await client.submitAnnotation(projectId, taskId, work.schemaVersion === undefined ? body : { ...body, schema_version: work.schemaVersion }, work.idempotencyKey);
      } else {
        await client.saveDraft(projectId, taskId, {
          regions: work.regions,
          lead_time_s: work.leadTimeS,
          started_at: work.startedAt,
          base_version: work.baseVersion,
        });
      }
      store.removeItem(key);
    } catch (caught) {
      if (!isApiError(caught)) throw caught;
      if (caught.status === 0 || caught.status === 401 || caught.status === 408 || caught.status === 429 || caught.status >= 500) {
        return; // not now: try again when the stream opens next, or from the editor
      }
      if (work.kind === "draft") {
        // Newer work exists (stale) or the task is gone; other refusals keep the work.
        if (caught.code === "stale_draft" || caught.status === 404) store.removeItem(key);
      } else if (KEPT_AS_DRAFT.has(caught.code)) {
        store.removeItem(key); // the server kept the regions as the author's draft
      } else {
        // Refused and stored nowhere (e.g. the regions fail the schema): keep them here as a
        // draft, which the editor shows so the annotator can fix and resubmit.
        const { idempotencyKey: _key, schemaVersion: _version, ...rest } = work;
        store.setItem(key, JSON.stringify({ ...rest, kind: "draft" }));
      }
    }
  }
}

/** Submissions the server refuses but keeps as the author's draft (services/annotations). */
const KEPT_AS_DRAFT = new Set(["not_assigned", "schema_changed"]);
