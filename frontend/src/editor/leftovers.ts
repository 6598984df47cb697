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
      if (caught.status === 0 || caught.status === 401 || caught.status >= 500) return; // try again later
      if (work.kind === "submit") {
        // Refused (e.g. the task moved on): the server keeps such work as the author's draft.
        store.removeItem(key);
      } else if (caught.code === "stale_draft" || caught.status === 404) {
        store.removeItem(key);
      }
    }
  }
}
