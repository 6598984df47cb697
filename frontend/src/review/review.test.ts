import { describe, expect, it } from "vitest";
import type { Region } from "../lib/regions";
import { ApiClient } from "../api/client";
import { parseCategories, returnedCount, returnedOf, scoresByAnswer, taskConsensus, type ConsensusResponse } from "./api";
import { annotatorColor } from "./colors";
import { clusterShapes, convexIou, iou, matchAnswers, polygonIou } from "./matching";
import { holds, regionContent, takeRegions, takeWhole } from "./merge";

const box = (id: string, x: number, y = 0, cls = "car", w = 10, h = 10, rotation = 0): Region =>
  ({ id, label: "objects", type: "bbox", value: { class: cls, x, y, width: w, height: h, rotation } }) as Region;
const scene = (id: string, cls: string): Region => ({ id, label: "scene", type: "classification", value: { class: cls } }) as Region;

describe("IoU", () => {
  it("boxes exactly, rotated ones too", () => {
    expect(iou(box("a", 0) as never, box("b", 5) as never)).toBeCloseTo(50 / 150);
    expect(iou(box("a", 0) as never, box("b", 20) as never)).toBe(0);
    // A square turned 45° about its centre against itself unturned: the octagon over the union.
    const turned = iou(box("a", 0) as never, box("b", 0, 0, "car", 10, 10, 45) as never);
    const octagon = 100 * (2 * Math.SQRT2 - 2); // 82.84…
    expect(turned).toBeCloseTo(octagon / (200 - octagon), 6);
  });

  it("polygons: exact when convex, sampled otherwise", () => {
    const square: [number, number][] = [[0, 0], [10, 0], [10, 10], [0, 10]];
    const shifted: [number, number][] = [[5, 0], [15, 0], [15, 10], [5, 10]];
    expect(convexIou(square, shifted)).toBeCloseTo(1 / 3);
    const ell: [number, number][] = [[0, 0], [10, 0], [10, 5], [5, 5], [5, 10], [0, 10]]; // area 75
    expect(polygonIou(ell, square)).toBeCloseTo(0.75, 2);
  });
});

describe("matching", () => {
  it("clusters one region per annotator, same class only, while every pair has IoU >= 0.5", () => {
    const groups = clusterShapes("objects", [[box("a1", 0), box("a2", 50)], [box("b1", 1), box("b2", 50, 0, "person")], [box("c1", 2)]] as never, 3);
    const members = groups.map((g) => g.members.map((m) => `${m.answer}:${m.regionId}`));
    expect(members).toEqual([["0:a1", "1:b1", "2:c1"], ["0:a2"], ["1:b2"]]);
    expect(groups[0]?.support).toBe(1);
    expect(groups[0]?.agreement).toBeGreaterThan(0.5);
    expect(groups[1]?.agreement).toBeNull();
  });

  it("complete linkage: a chain whose ends overlap too little is not one object", () => {
    // a–b and b–c overlap by 0.67, a–c by 0.43: b joins one of them only.
    const groups = clusterShapes("objects", [[box("a", 0)], [box("b", 2)], [box("c", 4)]] as never, 3);
    expect(groups.map((g) => g.members.length).sort()).toEqual([1, 2]);
  });

  it("takes the server's clusters (members by annotator email and index within the label) and matches the rest here", () => {
    const answers = [
      { author_id: 7, regions: [scene("s", "day"), box("r1", 0), box("r2", 100)] },
      { author_id: 9, regions: [box("q1", 1), box("q2", 101), scene("t", "day")] },
    ];
    const consensus: ConsensusResponse = {
      task_id: 1,
      annotators: ["bob@x", "ann@x"], // not the answers' order
      labels: [
        {
          label: "objects",
          type: "bbox",
          method: "fused_clusters",
          regions: [{ ...box("consensus-0", 0.5), id: "consensus-0" }],
          consensus: { regions: [{ members: [[1, 0], [0, 0]], support: 1, agreement: 0.8 }] },
        },
      ],
      scores: [],
    };
    const emails = new Map([[7, "ann@x"], [9, "bob@x"]]);
    const matches = matchAnswers(answers as never, consensus, (id) => emails.get(id) ?? null);
    const server = matches.filter((m) => m.source === "server");
    expect(server).toHaveLength(1);
    expect(server[0]?.members).toEqual([{ answer: 0, regionId: "r1" }, { answer: 1, regionId: "q1" }]);
    expect(server[0]?.consensus?.id).toBe("consensus-0");
    const browser = matches.filter((m) => m.source === "browser");
    expect(browser.map((m) => m.members.map((x) => x.regionId))).toEqual([["s", "t"], ["r2", "q2"]]);
  });

  it("without a consensus everything is matched in the browser", () => {
    const matches = matchAnswers([{ author_id: 1, regions: [box("a", 0)] }, { author_id: 2, regions: [box("b", 0)] }] as never, null, () => null);
    expect(matches).toHaveLength(1);
    expect(matches[0]?.agreement).toBe(1);
  });
});

describe("colours", () => {
  it("are distinct per annotator and stable", () => {
    const colours = Array.from({ length: 20 }, (_, i) => annotatorColor(i));
    expect(new Set(colours).size).toBe(20);
    expect(annotatorColor(3)).toBe(colours[3]);
    for (const c of colours) expect(c).toMatch(/^#[0-9a-f]{6}$/);
    expect(() => annotatorColor(-1)).toThrow(/at least 0/);
  });
});

describe("merge", () => {
  it("takes regions under fresh ids and one item answer per label", () => {
    const final = takeWhole([box("r1", 0), scene("r2", "day")]);
    expect(final.map((r) => r.id)).toEqual(["r1", "r2"]);
    const merged = takeRegions(final, [box("r1", 50), scene("x", "night")]);
    expect(merged.map((r) => [r.id, r.label])).toEqual([["r1", "objects"], ["r2", "objects"], ["r3", "scene"]]);
    expect(merged.filter((r) => r.label === "scene").map((r) => (r.value as { class: string }).class)).toEqual(["night"]);
    expect(new Set(merged.map((r) => r.id)).size).toBe(merged.length);
    expect(holds(merged, box("other-id", 50))).toBe(true);
    expect(holds(merged, box("r1", 51))).toBe(false);
  });

  it("content ignores ids, scores and key order", () => {
    const a = { id: "a", label: "objects", type: "bbox", value: { x: 1, class: "car", y: 2, width: 3, height: 4 }, score: 0.9 } as unknown as Region;
    const b = { label: "objects", id: "b", type: "bbox", value: { class: "car", height: 4, width: 3, y: 2, x: 1 } } as unknown as Region;
    expect(regionContent(a)).toBe(regionContent(b));
  });
});

describe("reading the server defensively", () => {
  it("categories as objects or names; anything else is none", () => {
    expect(parseCategories([{ name: "wrong_class", description: "Wrong class" }, "missed", { nope: 1 }])).toEqual([
      { name: "wrong_class", description: "Wrong class" },
      { name: "missed", description: "" },
    ]);
    expect(parseCategories(undefined)).toEqual([]);
  });

  it("each answer's score against the consensus, keeping only well-formed ones", async () => {
    const raw = {
      task_id: 4, annotators: ["a@x", "b@x"], labels: [],
      scores: [{ annotation_id: 11, score: 0.75 }, { annotation_id: 12, score: null }, { annotation_id: "13", score: 1 }, { score: 0.5 }],
    };
    const client = new ApiClient({ fetch: async () => new Response(JSON.stringify(raw), { status: 200 }) });
    const scores = scoresByAnswer(await taskConsensus(client, 1, 4));
    expect([...scores]).toEqual([[11, 0.75], [12, null]]);
    expect(scoresByAnswer(null).size).toBe(0);
  });

  it("returned work and its count", () => {
    expect(returnedOf({ task: null, lease: null, answers: [], draft: null, reason: null })).toBeNull();
    const back = returnedOf({
      task: null, lease: null, answers: [], draft: null, reason: null,
      returned: { annotation: { id: 3, regions: [box("r1", 0)] }, reviews: [{ verdict: "reject", error_categories: ["missed"], comment: "see" }] },
    } as never);
    expect(back?.reviews[0]?.region_comments).toEqual([]);
    expect(returnedCount({ label: { available: 1, more: false, mine: 1, returned: 2 } as never })).toBe(2);
    expect(returnedCount({ label: { available: 1, more: false, mine: 1 } })).toBe(0);
  });
});

describe("matching at scale", () => {
  it("matches 3 answers of 2,000 boxes each quickly, every box with its copies", () => {
    const grid = (shift: number) => Array.from({ length: 2000 }, (_, i) => box(`b${i}`, (i % 50) * 30 + shift, Math.floor(i / 50) * 30, "car", 20, 20));
    const groups = clusterShapes("objects", [grid(0), grid(1), grid(2)] as never, 3);
    expect(groups).toHaveLength(2000);
    expect(groups.every((g) => g.members.length === 3 && new Set(g.members.map((m) => m.regionId)).size === 1)).toBe(true);
  });
});
