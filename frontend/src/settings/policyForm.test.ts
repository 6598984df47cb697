import { describe, expect, it } from "vitest";
import { changedFields, fieldOfError, formFromPolicy, policyFromForm, withoutField, type PolicyForm } from "./policyForm";

/** GET /api/projects/{id}/workflow of a fresh project: every field, defaults included. */
const DEFAULTS = {
  overlap: 1,
  overlap_sample: 1.0,
  consensus_threshold: 0.8,
  review_sample: 0.0,
  review_below_gold_accuracy: null,
  min_gold_answers: 5,
  gold_rate: 0.0,
  reject_to: "author",
  lease_seconds: 1800,
  ordering: "sequential",
  batch_order: [],
  stage_tiers: { label: ["junior", "senior", "expert"], review: ["junior", "senior", "expert"], adjudicate: ["junior", "senior", "expert"] },
  batch_tiers: {},
  pilot_batch: null,
  calibration_batch: null,
  adaptive_overlap: null,
  pilot_approved: false,
};

function patchFor(edit: (form: PolicyForm) => PolicyForm, current: Record<string, unknown> = DEFAULTS) {
  const reading = policyFromForm(edit(formFromPolicy(current)));
  expect(reading.errors).toEqual({});
  return changedFields(current, reading.policy);
}

describe("the workflow form", () => {
  it("sends nothing when nothing was edited", () => {
    expect(patchFor((f) => f)).toEqual({});
    const busy = {
      ...DEFAULTS,
      overlap: 3,
      batch_order: ["b2", "b1"],
      stage_tiers: { label: ["junior", "senior", "expert"], review: ["senior", "expert"], adjudicate: ["expert"] },
      batch_tiers: { hard: ["expert"] },
      pilot_batch: "pilot",
      adaptive_overlap: { min_overlap: 1, stable_agreement: 0.9, window: 30, recheck: 0.2 },
      review_categories: [{ name: "wrong_class", description: "the class is wrong" }],
    };
    expect(patchFor((f) => f, busy)).toEqual({});
  });

  it("names only the changed fields, as numbers", () => {
    expect(patchFor((f) => ({ ...f, overlap: "3", review_sample: " 0.25 " }))).toEqual({ overlap: 3, review_sample: 0.25 });
    expect(patchFor((f) => ({ ...f, consensus_threshold: "0.80" }))).toEqual({});
  });

  it("sends an empty optional field as null and a filled one as its value", () => {
    expect(patchFor((f) => ({ ...f, review_below_gold_accuracy: "0.7", pilot_batch: " pilot " }))).toEqual({
      review_below_gold_accuracy: 0.7,
      pilot_batch: "pilot",
    });
    const withPilot = { ...DEFAULTS, pilot_batch: "pilot", review_below_gold_accuracy: 0.7 };
    expect(patchFor((f) => ({ ...f, review_below_gold_accuracy: "", pilot_batch: "" }), withPilot)).toEqual({
      review_below_gold_accuracy: null,
      pilot_batch: null,
    });
  });

  it("reads the batch order one batch per line and tiers as lists in tier order", () => {
    expect(
      patchFor((f) => ({
        ...f,
        batch_order: "b2\n\n b1 \n",
        stage_tiers: { ...f.stage_tiers, adjudicate: ["expert", "senior"] },
        batch_tiers: [{ batch: "hard", tiers: ["expert"] }],
      })),
    ).toEqual({ batch_order: ["b2", "b1"], stage_tiers: { label: ["junior", "senior", "expert"], review: ["junior", "senior", "expert"], adjudicate: ["senior", "expert"] }, batch_tiers: { hard: ["expert"] } });
  });

  it("switches adaptive overlap on with its four settings, and off as null", () => {
    expect(patchFor((f) => ({ ...f, adaptive: true, window: "40" }))).toEqual({
      adaptive_overlap: { min_overlap: 1, stable_agreement: 0.85, window: 40, recheck: 0.1 },
    });
    const on = { ...DEFAULTS, adaptive_overlap: { min_overlap: 1, stable_agreement: 0.85, window: 20, recheck: 0.1 } };
    expect(patchFor((f) => ({ ...f, adaptive: false }), on)).toEqual({ adaptive_overlap: null });
  });

  it("keeps the error taxonomy only when the server has it, and drops blank rows", () => {
    expect(formFromPolicy(DEFAULTS).review_categories).toBeNull();
    expect("review_categories" in policyFromForm(formFromPolicy(DEFAULTS)).policy).toBe(false);
    const taxonomy = { ...DEFAULTS, review_categories: [{ name: "wrong_class", description: "" }] };
    expect(
      patchFor(
        (f) => ({ ...f, review_categories: [...(f.review_categories ?? []), { name: " missed ", description: "an object left out" }, { name: "", description: "" }] }),
        taxonomy,
      ),
    ).toEqual({ review_categories: [{ name: "wrong_class", description: "" }, { name: "missed", description: "an object left out" }] });
  });

  it("says what it cannot read, by field, instead of sending it", () => {
    const form = formFromPolicy(DEFAULTS);
    const reading = policyFromForm({
      ...form,
      overlap: "2.5",
      gold_rate: "five percent",
      lease_seconds: "",
      batch_tiers: [{ batch: " ", tiers: ["expert"] }],
      adaptive: true,
      window: "x",
    });
    expect(reading.errors).toEqual({
      overlap: 'enter a whole number, not "2.5"',
      gold_rate: 'enter a number such as 0.25, not "five percent"',
      lease_seconds: "enter a number",
      batch_tiers: "every restricted batch needs a name",
      window: 'enter a whole number, not "x"',
    });
  });

  it("leaves ranges to the server, which names the field", () => {
    expect(patchFor((f) => ({ ...f, overlap: "0" }))).toEqual({ overlap: 0 });
    expect(fieldOfError("workflow.overlap")).toBe("overlap");
    expect(fieldOfError("workflow.adaptive_overlap.min_overlap")).toBe("min_overlap");
    expect(fieldOfError("workflow.adaptive_overlap")).toBe("adaptive");
    expect(fieldOfError("workflow.review_categories[1].name")).toBe("review_categories");
    expect(fieldOfError("workflow.pilot_approved")).toBeNull();
    expect(fieldOfError("email")).toBeNull();
    expect(withoutField("workflow.overlap: expected an integer from 1 to 50, got 0", "workflow.overlap")).toBe("expected an integer from 1 to 50, got 0");
  });
});
