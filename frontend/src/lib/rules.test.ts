import { describe, expect, it } from "vitest";
import type {
  BoxRegion,
  ClassificationRegion,
  KeypointsRegion,
  MaskRegion,
  MultilabelRegion,
  PolygonRegion,
  PolylineRegion,
  RatingRegion,
  Region,
  TranscriptionRegion,
} from "./regions";
import { checkRegions, defaultAttributes, type Problem, problemsByRegion } from "./rules";
import type { Label, Schema } from "./schema";

const objects: Label = {
  name: "objects",
  type: "bbox",
  source: "image",
  classes: [{ name: "car" }, { name: "person" }],
  attributes: [
    { name: "occluded", type: "bool", default: false },
    { name: "quality", type: "enum", values: ["good", "bad"], required: true },
    { name: "count", type: "number", min: 0, max: 10 },
    { name: "note", type: "text", max_length: 5 },
  ],
  rules: { max_instances: 2, min_width: 4, min_height: 4, inside_image: true },
};

const schema: Schema = {
  data: [{ name: "image", type: "image" }],
  labels: [
    objects,
    {
      name: "outline",
      type: "polygon",
      source: "image",
      classes: [{ name: "road" }],
      rules: { min_area: 20, inside_image: true, min_instances: 1 },
    },
    {
      name: "path",
      type: "polyline",
      source: "image",
      classes: [{ name: "lane" }],
      rules: { min_points: 3, inside_image: true },
    },
    {
      name: "pose",
      type: "keypoints",
      source: "image",
      classes: [{ name: "person", keypoints: ["nose", "left_eye", "right_eye"] }],
      rules: { inside_image: true },
    },
    {
      name: "paint",
      type: "mask",
      source: "image",
      classes: [{ name: "sky" }],
      rules: { min_area: 3 },
    },
    {
      name: "weather",
      type: "classification",
      source: "image",
      classes: [{ name: "sunny" }, { name: "rain" }],
      rules: { required: true },
    },
    { name: "tags", type: "multilabel", source: "image", classes: [{ name: "a" }, { name: "b" }] },
    { name: "stars", type: "rating", source: "image", scale: { min: 1, max: 3 } },
    { name: "caption", type: "transcription", source: "image", rules: { max_length: 10 } },
  ],
};

const IMAGE = { width: 100, height: 80 };

const box: BoxRegion = {
  id: "r1",
  label: "objects",
  type: "bbox",
  value: { class: "car", x: 10, y: 10, width: 20, height: 10, rotation: 30 },
  attributes: { quality: "good", count: 3, note: "ok" },
};
const polygon: PolygonRegion = {
  id: "r2",
  label: "outline",
  type: "polygon",
  value: { class: "road", points: [[0, 0], [10, 0], [10, 10], [0, 10]] },
};
const polyline: PolylineRegion = {
  id: "r3",
  label: "path",
  type: "polyline",
  value: { class: "lane", points: [[0, 0], [5, 5], [10, 0]] },
};
const pose: KeypointsRegion = {
  id: "r4",
  label: "pose",
  type: "keypoints",
  value: { class: "person", points: [[50, 40, 2], [0, 0, 0], [55, 38, 1]] },
};
const mask: MaskRegion = {
  id: "r5",
  label: "paint",
  type: "mask",
  value: { class: "sky", rle: { size: [80, 100], counts: [10, 5, 7985] } },
};
const weather: ClassificationRegion = {
  id: "r6",
  label: "weather",
  type: "classification",
  value: { class: "sunny" },
};
const tags: MultilabelRegion = {
  id: "r7",
  label: "tags",
  type: "multilabel",
  value: { classes: ["a", "b"] },
};
const stars: RatingRegion = { id: "r8", label: "stars", type: "rating", value: { rating: 2 } };
const caption: TranscriptionRegion = {
  id: "r9",
  label: "caption",
  type: "transcription",
  value: { text: "a road", region: "r1" },
};

const VALID: Region[] = [box, polygon, polyline, pose, mask, weather, tags, stars, caption];

/** VALID with the region of the same id swapped for `region`. */
function replaced(region: Region): Region[] {
  return VALID.map((r) => (r.id === region.id ? region : r));
}

const added = (...extra: Region[]): Region[] => [...VALID, ...extra];
const without = (...ids: string[]): Region[] => VALID.filter((r) => !ids.includes(r.id));
const boxWith = (value: Partial<BoxRegion["value"]>): BoxRegion => ({
  ...box,
  value: { ...box.value, ...value },
});
const boxAttributes = (attributes: BoxRegion["attributes"]): BoxRegion => ({ ...box, attributes });
const polygonOf = (points: PolygonRegion["value"]["points"]): PolygonRegion => ({
  ...polygon,
  value: { ...polygon.value, points },
});
const maskOf = (rle: MaskRegion["value"]["rle"]): MaskRegion => ({
  ...mask,
  value: { ...mask.value, rle },
});
const poseOf = (points: KeypointsRegion["value"]["points"], cls = "person"): KeypointsRegion => ({
  ...pose,
  value: { class: cls, points },
});
const smallBox = (id: string): BoxRegion => ({
  id,
  label: "objects",
  type: "bbox",
  value: { class: "car", x: 0, y: 0, width: 5, height: 5 },
  attributes: { quality: "bad" },
});
/** Not a visibility the type allows, but one a bad import could carry. */
const three = 3 as 0 | 1 | 2;

function codes(problems: readonly Problem[]): [string | null, string][] {
  return problems.map((p) => [p.regionId, p.code]);
}

describe("checkRegions agrees with the server's validate", () => {
  // Each expectation is what accord.core.validation.validate returned for the same regions,
  // schema and a 100x80 image (or no media where `image` is undefined).
  it.each<[string, Region[], typeof IMAGE | undefined, [string | null, string][]]>([
    ["a valid list", VALID, IMAGE, []],
    ["a valid list without an image size", VALID, undefined, []],
    [
      "unknown_label",
      replaced({ ...weather, label: "mood" }),
      IMAGE,
      [["r6", "unknown_label"], [null, "required"]],
    ],
    [
      "type_mismatch",
      added({ ...smallBox("t1"), label: "outline", attributes: {} }),
      IMAGE,
      [["t1", "type_mismatch"]],
    ],
    [
      "duplicate_id",
      added({ id: "r6", label: "tags", type: "multilabel", value: { classes: ["a"] } }),
      IMAGE,
      [["r6", "duplicate_id"], ["r6", "multiple_answers"]],
    ],
    [
      "unknown_region",
      replaced({ ...caption, value: { text: "x", region: "r42" } }),
      IMAGE,
      [["r9", "unknown_region"]],
    ],
    ["unknown_region after a delete", without("r1"), IMAGE, [["r9", "unknown_region"]]],
    ["unknown_class", replaced(boxWith({ class: "bus" })), IMAGE, [["r1", "unknown_class"]]],
    [
      "unknown_class, multilabel",
      replaced({ ...tags, value: { classes: ["a", "c"] } }),
      IMAGE,
      [["r7", "unknown_class"]],
    ],
    [
      "duplicate_class",
      replaced({ ...tags, value: { classes: ["a", "a"] } }),
      IMAGE,
      [["r7", "duplicate_class"]],
    ],
    ["no_classes", replaced({ ...tags, value: { classes: [] } }), IMAGE, [["r7", "no_classes"]]],
    [
      "missing_attribute",
      replaced(boxAttributes({ count: 3 })),
      IMAGE,
      [["r1", "missing_attribute"]],
    ],
    [
      "unknown_attribute",
      replaced(boxAttributes({ quality: "good", colour: "red" })),
      IMAGE,
      [["r1", "unknown_attribute"]],
    ],
    [
      "attribute_type, bool",
      replaced(boxAttributes({ quality: "good", occluded: "yes" })),
      IMAGE,
      [["r1", "attribute_type"]],
    ],
    [
      "attribute_type, enum",
      replaced(boxAttributes({ quality: 1 })),
      IMAGE,
      [["r1", "attribute_type"]],
    ],
    [
      "attribute_type, number",
      replaced(boxAttributes({ quality: "good", count: true })),
      IMAGE,
      [["r1", "attribute_type"]],
    ],
    [
      "attribute_type, text",
      replaced(boxAttributes({ quality: "good", note: 5 })),
      IMAGE,
      [["r1", "attribute_type"]],
    ],
    [
      "value_not_allowed",
      replaced(boxAttributes({ quality: "ok" })),
      IMAGE,
      [["r1", "value_not_allowed"]],
    ],
    [
      "out_of_range, above max",
      replaced(boxAttributes({ quality: "good", count: 12 })),
      IMAGE,
      [["r1", "out_of_range"]],
    ],
    [
      "out_of_range, below min",
      replaced(boxAttributes({ quality: "good", count: -1 })),
      IMAGE,
      [["r1", "out_of_range"]],
    ],
    [
      "too_long, attribute",
      replaced(boxAttributes({ quality: "good", note: "abcdef" })),
      IMAGE,
      [["r1", "too_long"]],
    ],
    // Five emoji are five characters to Python (ten UTF-16 units to JavaScript's .length).
    [
      "code points, not UTF-16 units",
      replaced(boxAttributes({ quality: "good", note: "😀😀😀😀😀" })),
      IMAGE,
      [],
    ],
    ["out_of_range, score", replaced({ ...box, score: 1.5 }), IMAGE, [["r1", "out_of_range"]]],
    [
      "out_of_range, rating",
      replaced({ ...stars, value: { rating: 4 } }),
      IMAGE,
      [["r8", "out_of_range"]],
    ],
    [
      "too_long, transcription",
      replaced({ ...caption, value: { text: "a very long caption", region: "r1" } }),
      IMAGE,
      [["r9", "too_long"]],
    ],
    ["required", without("r6"), IMAGE, [[null, "required"]]],
    ["too_few_instances", without("r2"), IMAGE, [[null, "too_few_instances"]]],
    [
      "too_many_instances",
      added(smallBox("b2"), smallBox("b3")),
      IMAGE,
      [[null, "too_many_instances"]],
    ],
    [
      "multiple_answers",
      added(
        { ...weather, id: "w2", value: { class: "rain" } },
        { ...stars, id: "s2", value: { rating: 1 } },
      ),
      IMAGE,
      [["w2", "multiple_answers"], ["s2", "multiple_answers"]],
    ],
    [
      "invalid_size, box",
      replaced(boxWith({ width: -5 })),
      IMAGE,
      [["r1", "invalid_size"], ["r1", "too_small"]],
    ],
    [
      "too_small, box",
      replaced(boxWith({ width: 3, height: 3.999 })),
      IMAGE,
      [["r1", "too_small"], ["r1", "too_small"]],
    ],
    [
      "invalid_size, mask",
      replaced(maskOf({ size: [0, 100], counts: [] })),
      IMAGE,
      [["r5", "invalid_size"], ["r5", "mask_size"]],
    ],
    [
      "too_small, polygon",
      replaced(polygonOf([[0, 0], [4, 0], [4, 4], [0, 4]])),
      IMAGE,
      [["r2", "too_small"]],
    ],
    [
      "too_small, mask",
      replaced(maskOf({ size: [80, 100], counts: [10, 2, 7988] })),
      IMAGE,
      [["r5", "too_small"]],
    ],
    [
      "no min_area on compressed counts",
      replaced(maskOf({ size: [80, 100], counts: ":2]m7" })),
      IMAGE,
      [],
    ],
    [
      "mask_counts",
      replaced(maskOf({ size: [80, 100], counts: [10, 5] })),
      IMAGE,
      [["r5", "mask_counts"]],
    ],
    [
      "mask_size",
      replaced(maskOf({ size: [40, 50], counts: [2000] })),
      IMAGE,
      [["r5", "too_small"], ["r5", "mask_size"]],
    ],
    [
      "outside_image, rotated box",
      replaced(boxWith({ x: 80, y: 60, width: 20, height: 20, rotation: 45 })),
      IMAGE,
      [["r1", "outside_image"]],
    ],
    // Turned 180° or 90°, a box filling the image has corners ~1e-15 px outside: tolerated.
    [
      "a whole-image box turned 180°",
      replaced(boxWith({ x: 0, y: 0, width: 100, height: 80, rotation: 180 })),
      IMAGE,
      [],
    ],
    [
      "a whole-image box turned 90°",
      replaced(boxWith({ x: 10, y: -10, width: 80, height: 100, rotation: 90 })),
      IMAGE,
      [],
    ],
    [
      "a whole-image box turned 0.0001°",
      replaced(boxWith({ x: 0, y: 0, width: 100, height: 80, rotation: 0.0001 })),
      IMAGE,
      [["r1", "outside_image"]],
    ],
    [
      "on the image's edge is inside",
      replaced(boxWith({ x: 80, y: 60, width: 20, height: 20, rotation: 0 })),
      IMAGE,
      [],
    ],
    [
      "outside_image needs the size",
      replaced(boxWith({ x: 80, y: 60, width: 20, height: 20, rotation: 45 })),
      undefined,
      [],
    ],
    [
      "outside_image, polygon",
      replaced(polygonOf([[-1, 0], [10, 0], [10, 10], [0, 10]])),
      IMAGE,
      [["r2", "outside_image"]],
    ],
    [
      "outside_image, polyline",
      replaced({ ...polyline, value: { class: "lane", points: [[0, 0], [5, 5], [101, 0]] } }),
      IMAGE,
      [["r3", "outside_image"]],
    ],
    // The unlabelled point (v = 0) at -5 is not checked; the hidden one at y = 81 is.
    [
      "outside_image, keypoints",
      replaced(poseOf([[50, 40, 2], [-5, 0, 0], [55, 81, 1]])),
      IMAGE,
      [["r4", "outside_image"]],
    ],
    [
      "too_few_points, polygon",
      replaced(polygonOf([[0, 0], [10, 0]])),
      IMAGE,
      [["r2", "too_few_points"]],
    ],
    [
      "too_few_points, min_points",
      replaced({ ...polyline, value: { class: "lane", points: [[0, 0], [5, 5]] } }),
      IMAGE,
      [["r3", "too_few_points"]],
    ],
    [
      "self_intersection",
      replaced(polygonOf([[0, 0], [10, 10], [10, 0], [0, 10]])),
      IMAGE,
      [["r2", "self_intersection"]],
    ],
    [
      "self_intersection, touching",
      replaced(polygonOf([[0, 0], [10, 0], [10, 10], [5, 0]])),
      IMAGE,
      [["r2", "self_intersection"]],
    ],
    ["keypoint_count", replaced(poseOf([[50, 40, 2]])), IMAGE, [["r4", "keypoint_count"]]],
    [
      "visibility",
      replaced(poseOf([[50, 40, three], [0, 0, 0], [55, 38, 1]])),
      IMAGE,
      [["r4", "visibility"]],
    ],
    [
      "an unknown keypoint class",
      replaced(poseOf([[1, 1, 2]], "dog")),
      IMAGE,
      [["r4", "unknown_class"]],
    ],
  ])("%s", (_name, regions, image, expected) => {
    expect(codes(checkRegions(schema, regions, image))).toEqual(expected);
  });
});

describe("problem messages", () => {
  const only = (regions: Region[], image = IMAGE) => checkRegions(schema, regions, image);

  it("name the value and the limit", () => {
    expect(only(replaced(boxWith({ width: 3 })))[0]).toEqual({
      regionId: "r1",
      label: "objects",
      code: "too_small",
      message: "box is 3 px wide; the minimum is 4 px",
    });
    expect(only(replaced(boxWith({ height: 3.999 })))[0]?.message).toBe(
      "box is 3.99 px high; the minimum is 4 px",
    );
    expect(only(replaced(polygonOf([[0, 0], [4, 0], [4, 4], [0, 4]])))[0]?.message).toBe(
      "polygon area is 16 px²; the minimum is 20 px²",
    );
    expect(only(replaced(boxAttributes({ quality: "good", count: 12 })))[0]?.message).toBe(
      '"count" is 12; the maximum is 10',
    );
    expect(only(without("r2"))[0]).toMatchObject({
      regionId: null,
      label: "outline",
      message: '"outline" has 0 regions; the minimum is 1',
    });
  });

  it("say where a shape leaves the image", () => {
    const [problem] = only(replaced(polygonOf([[-1, 0], [10, 0], [10, 10], [0, 10]])));
    expect(problem?.message).toBe(
      "polygon reaches outside the 100×80 image (x -1 to 10, y 0 to 10)",
    );
  });

  it("list the choices", () => {
    expect(only(replaced(boxWith({ class: "bus" })))[0]?.message).toBe(
      '"bus" is not a class of "objects"; choose one of car, person',
    );
    expect(only(replaced(boxAttributes({ quality: "ok" })))[0]?.message).toBe(
      '"quality" is "ok"; choose one of good, bad',
    );
  });

  it("name the keypoints and the point at fault", () => {
    expect(only(replaced(poseOf([[50, 40, 2]])))[0]?.message).toBe(
      '"person" has 3 keypoints (nose, left_eye, right_eye); this region has 1 points',
    );
    expect(only(replaced(poseOf([[50, 40, 2], [0, 0, three], [55, 38, 1]])))[0]?.message).toBe(
      'point "left_eye" has visibility 3; it must be 0, 1 or 2',
    );
  });
});

describe("attributes", () => {
  it("fill in the defaults only", () => {
    expect(defaultAttributes(objects)).toEqual({ occluded: false });
    expect(defaultAttributes({ name: "x", type: "bbox", source: "image" })).toEqual({});
  });

  it("make a new region valid when only defaulted attributes are required", () => {
    const label: Label = {
      ...objects,
      attributes: [
        { name: "quality", type: "enum", values: ["good"], default: "good", required: true },
      ],
    };
    const fresh: BoxRegion = { ...box, attributes: defaultAttributes(label) };
    const problems = checkRegions({ ...schema, labels: [label] }, [fresh], IMAGE);
    expect(problems).toEqual([]);
  });
});

describe("problemsByRegion", () => {
  it("groups problems per region and leaves out those of whole labels", () => {
    const tiny = boxWith({ width: 1, height: 1 });
    const regions = without("r6").map((r) => (r.id === "r1" ? tiny : r));
    const problems = checkRegions(schema, regions, IMAGE);
    const byRegion = problemsByRegion(problems);
    expect([...byRegion.keys()]).toEqual(["r1"]);
    expect(byRegion.get("r1")?.map((p) => p.code)).toEqual(["too_small", "too_small"]);
    expect(problems.some((p) => p.regionId === null)).toBe(true);
  });
});
