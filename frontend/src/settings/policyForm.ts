/**
 * The workflow policy (docs/workflow.md, "The policy") as a form, and back: what the inputs
 * hold, the policy they mean, and the PATCH that names only the fields that changed.
 *
 * The form turns text into numbers and lists and reports what it cannot read ("enter a
 * number"); ranges and cross-field rules are the server's to check, and its 422 names the
 * field (`workflow.overlap`), which `fieldOfError` maps back to the input.
 */
import type { Stage } from "../api/types";
import { TIERS, type Policy, type Tier } from "./api";

export const STAGES: readonly Stage[] = ["label", "review", "adjudicate"];

export interface Category {
  name: string;
  description: string;
}

export interface BatchTiers {
  batch: string;
  tiers: Tier[];
}

export interface PolicyForm {
  overlap: string;
  overlap_sample: string;
  consensus_threshold: string;
  review_sample: string;
  /** Empty: off. */
  review_below_gold_accuracy: string;
  min_gold_answers: string;
  gold_rate: string;
  reject_to: string;
  lease_seconds: string;
  ordering: string;
  /** One batch per line. */
  batch_order: string;
  stage_tiers: Record<Stage, Tier[]>;
  batch_tiers: BatchTiers[];
  /** Empty: none. */
  pilot_batch: string;
  calibration_batch: string;
  adaptive: boolean;
  min_overlap: string;
  stable_agreement: string;
  window: string;
  recheck: string;
  /** Null when the server's policy has no error taxonomy field. */
  review_categories: Category[] | null;
}

/** The adaptive-overlap inputs and their defaults (used when it is switched on). */
export const ADAPTIVE_DEFAULTS = { min_overlap: 1, stable_agreement: 0.85, window: 20, recheck: 0.1 } as const;
type AdaptiveKey = keyof typeof ADAPTIVE_DEFAULTS;
const ADAPTIVE_KEYS = Object.keys(ADAPTIVE_DEFAULTS) as AdaptiveKey[];

const INTEGERS = ["overlap", "min_gold_answers", "lease_seconds"] as const;
const NUMBERS = ["overlap_sample", "consensus_threshold", "review_sample", "gold_rate"] as const;
const CHOICES = ["reject_to", "ordering"] as const;

/** Form inputs whose errors belong to one policy field; the form's own field names. */
export type FormField = keyof PolicyForm | AdaptiveKey;

function text(value: unknown): string {
  return value === null || value === undefined ? "" : String(value);
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function tierList(value: unknown): Tier[] {
  return Array.isArray(value) ? TIERS.filter((t) => value.includes(t)) : [...TIERS];
}

export function formFromPolicy(policy: Policy): PolicyForm {
  const adaptive = policy.adaptive_overlap === null || policy.adaptive_overlap === undefined ? null : record(policy.adaptive_overlap);
  const stages = record(policy.stage_tiers);
  const batches = record(policy.batch_tiers);
  const categories = policy.review_categories;
  return {
    overlap: text(policy.overlap),
    overlap_sample: text(policy.overlap_sample),
    consensus_threshold: text(policy.consensus_threshold),
    review_sample: text(policy.review_sample),
    review_below_gold_accuracy: text(policy.review_below_gold_accuracy),
    min_gold_answers: text(policy.min_gold_answers),
    gold_rate: text(policy.gold_rate),
    reject_to: text(policy.reject_to),
    lease_seconds: text(policy.lease_seconds),
    ordering: text(policy.ordering),
    batch_order: Array.isArray(policy.batch_order) ? policy.batch_order.map(String).join("\n") : "",
    stage_tiers: { label: tierList(stages.label), review: tierList(stages.review), adjudicate: tierList(stages.adjudicate) },
    batch_tiers: Object.entries(batches).map(([batch, tiers]) => ({ batch, tiers: tierList(tiers) })),
    pilot_batch: text(policy.pilot_batch),
    calibration_batch: text(policy.calibration_batch),
    adaptive: adaptive !== null,
    min_overlap: text(adaptive?.min_overlap ?? ADAPTIVE_DEFAULTS.min_overlap),
    stable_agreement: text(adaptive?.stable_agreement ?? ADAPTIVE_DEFAULTS.stable_agreement),
    window: text(adaptive?.window ?? ADAPTIVE_DEFAULTS.window),
    recheck: text(adaptive?.recheck ?? ADAPTIVE_DEFAULTS.recheck),
    review_categories: Array.isArray(categories)
      ? categories.map((c) => ({ name: text(record(c).name), description: text(record(c).description) }))
      : null,
  };
}

export interface FormReading {
  /** Every policy field the form holds, as the API spells it. */
  policy: Policy;
  /** What could not be read, by form field. */
  errors: Partial<Record<FormField, string>>;
}

function readNumber(raw: string, integer: boolean): number | string {
  const trimmed = raw.trim();
  if (trimmed === "") return "enter a number";
  if (integer ? !/^-?\d+$/.test(trimmed) : !/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) {
    return integer ? `enter a whole number, not "${trimmed}"` : `enter a number such as 0.25, not "${trimmed}"`;
  }
  return Number(trimmed);
}

/** The policy the form means, or what stops it from meaning one. */
export function policyFromForm(form: PolicyForm): FormReading {
  const errors: Partial<Record<FormField, string>> = {};
  const policy: Policy = {};
  const number = (field: FormField, raw: string, integer: boolean): number | null => {
    const value = readNumber(raw, integer);
    if (typeof value === "string") {
      errors[field] = value;
      return null;
    }
    return value;
  };
  for (const key of INTEGERS) policy[key] = number(key, form[key], true);
  for (const key of NUMBERS) policy[key] = number(key, form[key], false);
  policy.review_below_gold_accuracy =
    form.review_below_gold_accuracy.trim() === "" ? null : number("review_below_gold_accuracy", form.review_below_gold_accuracy, false);
  for (const key of CHOICES) policy[key] = form[key];
  policy.batch_order = form.batch_order
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  policy.stage_tiers = Object.fromEntries(STAGES.map((stage) => [stage, TIERS.filter((t) => form.stage_tiers[stage].includes(t))]));
  const batchTiers: Record<string, Tier[]> = {};
  for (const row of form.batch_tiers) {
    const batch = row.batch.trim();
    if (batch === "") errors.batch_tiers = "every restricted batch needs a name";
    else if (batch in batchTiers) errors.batch_tiers = `the batch "${batch}" is listed twice`;
    else batchTiers[batch] = TIERS.filter((t) => row.tiers.includes(t));
  }
  policy.batch_tiers = batchTiers;
  policy.pilot_batch = form.pilot_batch.trim() === "" ? null : form.pilot_batch.trim();
  policy.calibration_batch = form.calibration_batch.trim() === "" ? null : form.calibration_batch.trim();
  if (form.adaptive) {
    policy.adaptive_overlap = Object.fromEntries(
      ADAPTIVE_KEYS.map((key) => [key, number(key, form[key], key === "min_overlap" || key === "window")]),
    );
  } else {
    policy.adaptive_overlap = null;
  }
  if (form.review_categories !== null) {
    const categories: Category[] = [];
    const seen = new Set<string>();
    for (const row of form.review_categories) {
      const name = row.name.trim();
      const description = row.description.trim();
      if (name === "" && description === "") continue; // an empty row added and left
      if (name === "") errors.review_categories = "every error category needs a name";
      else if (seen.has(name)) errors.review_categories = `the category "${name}" is listed twice`;
      seen.add(name);
      categories.push({ name, description });
    }
    policy.review_categories = categories;
  }
  return { policy, errors };
}

/** JSON with sorted keys, so equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The PATCH body: the fields of `edited` whose value differs from the server's `current`. */
export function changedFields(current: Policy, edited: Policy): Policy {
  const changes: Policy = {};
  for (const [key, value] of Object.entries(edited)) {
    if (canonical(value) !== canonical(current[key])) changes[key] = value;
  }
  return changes;
}

/** The form field a server error names: `workflow.adaptive_overlap.window` → `window`,
 * `workflow.overlap` → `overlap`; null when it names no field of the form. */
export function fieldOfError(name: unknown): FormField | null {
  if (typeof name !== "string" || !name.startsWith("workflow.")) return null;
  const path = name.slice("workflow.".length);
  if (path.startsWith("adaptive_overlap.")) {
    const key = path.slice("adaptive_overlap.".length);
    return (ADAPTIVE_KEYS as string[]).includes(key) ? (key as AdaptiveKey) : "adaptive";
  }
  if (path === "adaptive_overlap") return "adaptive";
  const field = path.split(/[.[]/)[0] ?? "";
  const known: readonly string[] = [...INTEGERS, ...NUMBERS, ...CHOICES, "review_below_gold_accuracy", "batch_order", "stage_tiers", "batch_tiers", "pilot_batch", "calibration_batch", "review_categories"];
  return known.includes(field) ? (field as FormField) : null;
}

/** A server message without the field it is shown next to: "workflow.overlap: expected …"
 * → "expected …". */
export function withoutField(message: string, name: unknown): string {
  const prefix = typeof name === "string" ? `${name}: ` : "";
  return prefix && message.startsWith(prefix) ? message.slice(prefix.length) : message;
}
