/**
 * The task browser's filters and sort: one table that the URL, the form and the API query
 * all follow, so a link from the dashboard (`/projects/1/tasks?annotator=7&gold=true`) opens
 * exactly the list the server returns for the same parameters.
 */

export const TASK_STATES = ["label", "review", "adjudicate", "done", "frozen"] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const SORTS = [
  "id", "-id", "priority", "-priority", "agreement", "-agreement", "score", "-score", "updated", "-updated",
] as const;
export type Sort = (typeof SORTS)[number];

type Kind = "state" | "id" | "bool" | "text" | "number" | "time";

/** Every filter the server's task list takes, by its query-parameter name. */
export const FILTERS = {
  state: "state",
  annotator: "id",
  batch: "text",
  gold: "bool",
  flagged: "bool",
  error_category: "text",
  label: "text",
  class: "text",
  guideline_version: "id",
  agreement_min: "number",
  agreement_max: "number",
  score_min: "number",
  score_max: "number",
  submitted_from: "time",
  submitted_to: "time",
} as const satisfies Record<string, Kind>;

export type FilterName = keyof typeof FILTERS;
export const FILTER_NAMES = Object.keys(FILTERS) as FilterName[];

/** The filters in force: each a string exactly as it goes into the query. */
export type Filters = Partial<Record<FilterName, string>>;

export interface TaskQuery {
  filters: Filters;
  sort: Sort;
}

export interface QueryProblem {
  name: string;
  message: string;
}

/** Read a URL's query into filters, keeping only valid values; every value refused, and
 * every unknown name, comes back as a problem to show instead of being silently dropped. */
export function parseQuery(params: URLSearchParams): { query: TaskQuery; problems: QueryProblem[] } {
  const filters: Filters = {};
  const problems: QueryProblem[] = [];
  let sort: Sort = "id";
  for (const [name, raw] of params) {
    const value = raw.trim();
    if (value === "") continue;
    if (name === "sort") {
      if ((SORTS as readonly string[]).includes(value)) sort = value as Sort;
      else problems.push({ name, message: `unknown sort "${value}"; one of ${SORTS.join(", ")}` });
      continue;
    }
    if (!(name in FILTERS)) {
      problems.push({ name, message: `unknown filter "${name}"` });
      continue;
    }
    const filter = name as FilterName;
    const problem = checkValue(FILTERS[filter], value);
    if (problem === null) filters[filter] = normalise(FILTERS[filter], value);
    else problems.push({ name, message: problem });
  }
  if (filters.class !== undefined && filters.label === undefined) {
    problems.push({ name: "class", message: "a class filter needs its label" });
    delete filters.class;
  }
  return { query: { filters, sort }, problems };
}

function checkValue(kind: Kind, value: string): string | null {
  switch (kind) {
    case "state":
      return (TASK_STATES as readonly string[]).includes(value) ? null : `one of ${TASK_STATES.join(", ")}`;
    case "id":
      return /^[1-9]\d{0,9}$/.test(value) ? null : "a positive whole number";
    case "bool":
      return value === "true" || value === "false" ? null : "true or false";
    case "number":
      return Number.isFinite(Number(value)) ? null : "a number";
    case "time":
      return Number.isNaN(Date.parse(value)) || !/(Z|[+-]\d\d:?\d\d)$/i.test(value)
        ? "a date and time with its time zone, e.g. 2026-11-01T00:00:00Z"
        : null;
    case "text":
      return value.length <= 200 ? null : "at most 200 characters";
  }
}

function normalise(kind: Kind, value: string): string {
  return kind === "number" ? String(Number(value)) : value;
}

/** The query string for the app's URL and for the API (the same names and values). */
export function toSearch(query: TaskQuery): string {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) {
    const value = query.filters[name];
    if (value !== undefined && value !== "") params.set(name, value);
  }
  if (query.sort !== "id") params.set("sort", query.sort);
  return params.toString();
}

/** The API query parameters for one page of the list. */
export function apiQuery(query: TaskQuery, cursor: string | null, limit: number): Record<string, string | number> {
  const out: Record<string, string | number> = { limit };
  for (const name of FILTER_NAMES) {
    const value = query.filters[name];
    if (value !== undefined && value !== "") out[name] = value;
  }
  if (query.sort !== "id") out.sort = query.sort;
  if (cursor !== null) out.cursor = cursor;
  return out;
}

/** `query` with one filter set (or removed when `value` is empty); removing a label
 * removes its class too. */
export function withFilter(query: TaskQuery, name: FilterName, value: string): TaskQuery {
  const filters: Filters = { ...query.filters };
  if (value.trim() === "") {
    delete filters[name];
    if (name === "label") delete filters.class;
  } else {
    filters[name] = value.trim();
  }
  return { ...query, filters };
}

const NAMES: Record<FilterName, string> = {
  state: "state",
  annotator: "annotator",
  batch: "batch",
  gold: "gold",
  flagged: "flagged",
  error_category: "error category",
  label: "label",
  class: "class",
  guideline_version: "guideline version",
  agreement_min: "agreement ≥",
  agreement_max: "agreement ≤",
  score_min: "score ≥",
  score_max: "score ≤",
  submitted_from: "submitted from",
  submitted_to: "submitted before",
};

/** One readable line per filter in force, e.g. "annotator: ann@example.com". */
export function describeFilters(filters: Filters, names: { annotator?: (id: string) => string } = {}): string[] {
  return FILTER_NAMES.filter((name) => filters[name] !== undefined).map((name) => {
    const value = filters[name] as string;
    const shown = name === "annotator" && names.annotator ? names.annotator(value) : value;
    return `${NAMES[name]}: ${shown}`;
  });
}
