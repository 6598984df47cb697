/**
 * Live schema checks for the label editor: the problems the server's `validate`
 * (accord.core.validation, docs/regions.md "Validation") will report at submit, shown while the
 * annotator draws. Same `code` strings and the same conditions, so the editor neither lets
 * through what the server refuses nor blocks what it accepts; only the wording is the UI's.
 * Structural checks (`malformed`) and text, audio, video and relation checks are the server's
 * alone: the editor builds well-formed image regions.
 */
import { boxCorners, polygonArea, selfIntersects } from "./geometry";
import { type Point, type Region, type Rle, regionClass } from "./regions";
import type { Attribute, AttributeValue, Label, LabelRules, Schema } from "./schema";

export interface Problem {
  /** null for a problem of a whole label, such as a required label without regions. */
  regionId: string | null;
  /** The region's label (as written, even when unknown), or the label the problem is about. */
  label: string;
  /** The server's stable code, e.g. "too_small". */
  code: string;
  message: string;
}

export interface ImageSize {
  width: number;
  height: number;
}

/** Slack for "inside the image", as on the server: rotating with sin/cos moves corners ~1e-13. */
const INSIDE_TOLERANCE_PX = 1e-6;
/** Labels with one answer per item: a second region is `multiple_answers`. */
const ONE_ANSWER = new Set(["classification", "multilabel", "rating"]);
const VISIBILITIES = new Set<unknown>([0, 1, 2]);

type Report = (code: string, message: string) => Problem;

/**
 * Every problem with `regions` under `schema`, in the server's order: each region's own
 * problems in list order, then those of whole labels (counts). Pass every region of the task,
 * not only one image's, or the counts are wrong. Without `image`, `outside_image` and
 * `mask_size` are skipped, as the server skips them when the task data gives no size.
 */
export function checkRegions(
  schema: Schema,
  regions: readonly Region[],
  image?: ImageSize,
): Problem[] {
  const problems: Problem[] = duplicateIds(regions);
  const ids = new Set(regions.map((region) => region.id));
  const checked: { region: Region; label: Label }[] = [];
  for (const region of regions) {
    const report: Report = (code, message) => ({
      regionId: region.id,
      label: region.label,
      code,
      message,
    });
    const label = schema.labels.find((candidate) => candidate.name === region.label);
    if (label === undefined) {
      const known = schema.labels.map((l) => l.name).join(", ") || "none";
      problems.push(report("unknown_label", `label "${region.label}" is not one of ${known}`));
    } else if (label.type !== region.type) {
      problems.push(
        report("type_mismatch", `"${label.name}" takes ${label.type} regions, not ${region.type}`),
      );
    } else {
      problems.push(
        ...checkClasses(region, label, report),
        ...checkAttributes(region, label, report),
        ...checkScore(region, report),
        ...checkValue(region, label, image, ids, report),
      );
      checked.push({ region, label });
    }
  }
  problems.push(...checkCounts(schema, checked));
  return problems;
}

/** Each region's problems by region id; problems of whole labels (regionId null) are left out. */
export function problemsByRegion(problems: readonly Problem[]): Map<string, Problem[]> {
  const byRegion = new Map<string, Problem[]>();
  for (const problem of problems) {
    if (problem.regionId === null) continue;
    const list = byRegion.get(problem.regionId);
    if (list) list.push(problem);
    else byRegion.set(problem.regionId, [problem]);
  }
  return byRegion;
}

/**
 * The attribute values a new region starts with: each attribute's `default`. Attributes
 * without one stay unset, so a required one is still reported until the annotator sets it.
 */
export function defaultAttributes(label: Label): Record<string, AttributeValue> {
  const values: Record<string, AttributeValue> = {};
  for (const attribute of label.attributes ?? []) {
    if (attribute.default !== undefined) values[attribute.name] = attribute.default;
  }
  return values;
}

// ---------------------------------------------------------------------------------------

function duplicateIds(regions: readonly Region[]): Problem[] {
  const seen = new Set<string>();
  return regions.flatMap((region) => {
    if (!seen.has(region.id)) {
      seen.add(region.id);
      return [];
    }
    const message = `id "${region.id}" is used twice; each region needs its own`;
    return [{ regionId: region.id, label: region.label, code: "duplicate_id", message }];
  });
}

/** A number for a message: whole numbers as they are, others to two decimals. */
function num(value: number): string {
  return String(Number.isInteger(value) ? value : Math.round(value * 100) / 100);
}

/** A value under a minimum, rounded down, so 3.999 never shows as the minimum 4. */
function under(value: number): string {
  return String(Number.isInteger(value) ? value : Math.floor(value * 100) / 100);
}

/** An area under `min_area`: "polygon area is 12 px²; the minimum is 20 px²". */
function areaBelowMinimum(kind: string, area: number, minimum: number): string {
  return `${kind} area is ${under(area)} px²; the minimum is ${num(minimum)} px²`;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Length in Unicode code points, as the server's Python `len` counts. */
function codePoints(text: string): number {
  return [...text].length;
}

function classNames(label: Label): string {
  return (label.classes ?? []).map((c) => c.name).join(", ") || "none";
}

function unknownClass(name: string, label: Label, report: Report): Problem {
  return report(
    "unknown_class",
    label.classes?.length
      ? `"${name}" is not a class of "${label.name}"; choose one of ${classNames(label)}`
      : `"${label.name}" has no classes; remove "${name}"`,
  );
}

function hasClass(label: Label, name: string): boolean {
  return (label.classes ?? []).some((c) => c.name === name);
}

function checkClasses(region: Region, label: Label, report: Report): Problem[] {
  if (region.type === "multilabel") {
    const chosen = region.value.classes;
    if (chosen.length === 0) {
      return [report("no_classes", `choose at least one class for "${label.name}"`)];
    }
    return chosen.flatMap((name, i) => {
      if (chosen.indexOf(name) < i) {
        return [report("duplicate_class", `class "${name}" is chosen twice`)];
      }
      return hasClass(label, name) ? [] : [unknownClass(name, label, report)];
    });
  }
  const name = regionClass(region);
  return name === undefined || hasClass(label, name) ? [] : [unknownClass(name, label, report)];
}

function checkAttributes(region: Region, label: Label, report: Report): Problem[] {
  const attributes = label.attributes ?? [];
  const given = region.attributes ?? {};
  const problems: Problem[] = [];
  for (const [key, value] of Object.entries(given)) {
    const attribute = attributes.find((a) => a.name === key);
    if (attribute === undefined) {
      const names = attributes.map((a) => a.name).join(", ") || "none";
      problems.push(
        report("unknown_attribute", `"${label.name}" has no attribute "${key}"; it has ${names}`),
      );
      continue;
    }
    const problem = attributeProblem(attribute, value);
    if (problem) problems.push(report(problem.code, problem.message));
  }
  for (const attribute of attributes) {
    if (attribute.required && attribute.default === undefined && !(attribute.name in given)) {
      problems.push(report("missing_attribute", `set "${attribute.name}"; it is required`));
    }
  }
  return problems;
}

/** The server's `attribute_value_problem`, with the code `validate` gives it. */
function attributeProblem(
  attribute: Attribute,
  value: unknown,
): { code: string; message: string } | null {
  const name = `"${attribute.name}"`;
  const wrongType = (expected: string) => ({
    code: "attribute_type",
    message: `${name} must be ${expected}, not ${shown(value)}`,
  });
  switch (attribute.type) {
    case "bool":
      return typeof value === "boolean" ? null : wrongType("true or false");
    case "enum": {
      const allowed = attribute.values ?? [];
      if (typeof value !== "string") return wrongType(`one of ${allowed.join(", ")}`);
      if (allowed.includes(value)) return null;
      return {
        code: "value_not_allowed",
        message: `${name} is ${shown(value)}; choose one of ${allowed.join(", ") || "none"}`,
      };
    }
    case "text": {
      if (typeof value !== "string") return wrongType("text");
      const length = codePoints(value);
      if (attribute.max_length === undefined || length <= attribute.max_length) return null;
      return {
        code: "too_long",
        message: `${name} is ${length} characters long; the maximum is ${attribute.max_length}`,
      };
    }
    case "number": {
      if (typeof value !== "number") return wrongType("a number");
      const outOfRange = (message: string) => ({ code: "out_of_range", message });
      if (!Number.isFinite(value)) return outOfRange(`${name} must be a finite number`);
      if (attribute.min !== undefined && value < attribute.min) {
        return outOfRange(`${name} is ${num(value)}; the minimum is ${num(attribute.min)}`);
      }
      if (attribute.max !== undefined && value > attribute.max) {
        return outOfRange(`${name} is ${num(value)}; the maximum is ${num(attribute.max)}`);
      }
      return null;
    }
  }
}

function checkScore(region: Region, report: Report): Problem[] {
  const { score } = region;
  if (score === undefined || (score >= 0 && score <= 1)) return [];
  return [report("out_of_range", `score is ${num(score)}; a score is from 0 to 1`)];
}

function checkValue(
  region: Region,
  label: Label,
  image: ImageSize | undefined,
  ids: ReadonlySet<string>,
  report: Report,
): Problem[] {
  const rules: LabelRules = label.rules ?? {};
  const inside = (kind: string, points: readonly Point[]) =>
    rules.inside_image ? checkInside(kind, points, image, report) : [];
  switch (region.type) {
    case "bbox": {
      const box = region.value;
      return [...checkBox(box, rules, report), ...inside("box", boxCorners(box))];
    }
    case "polygon": {
      const { points } = region.value;
      return [...checkPolygon(points, rules, report), ...inside("polygon", points)];
    }
    case "polyline": {
      const { points } = region.value;
      const tooFew = checkPointCount(points, "polyline", 2, rules, report);
      return [...tooFew, ...inside("polyline", points)];
    }
    case "keypoints": {
      const { points } = region.value;
      // COCO puts unlabelled points (v = 0) at 0,0: they are not checked against the image.
      const placed = points.filter(([, , v]) => v > 0).map(([x, y]): Point => [x, y]);
      const cls = label.classes?.find((c) => c.name === region.value.class);
      return [...checkKeypoints(points, cls, report), ...inside("keypoints", placed)];
    }
    case "mask":
      return checkMask(region.value.rle, rules, image, report);
    case "rating": {
      const [low, high] = [label.scale?.min ?? 1, label.scale?.max ?? 5];
      const { rating } = region.value;
      if (rating >= low && rating <= high) return [];
      const message = `rating is ${num(rating)}; "${label.name}" rates from ${low} to ${high}`;
      return [report("out_of_range", message)];
    }
    case "transcription": {
      const { text, region: transcribed } = region.value;
      const problems: Problem[] = [];
      if (transcribed !== undefined && !ids.has(transcribed)) {
        const message = `the transcribed region "${transcribed}" is not in this annotation`;
        problems.push(report("unknown_region", message));
      }
      const [length, limit] = [codePoints(text), rules.max_length];
      if (limit !== undefined && length > limit) {
        const message = `text is ${length} characters long; the maximum is ${limit}`;
        problems.push(report("too_long", message));
      }
      return problems;
    }
    case "classification":
    case "multilabel":
    case "span":
    case "relation":
    case "audio_segment":
    case "video_track":
    case "video_segment":
      return [];
  }
}

function checkInside(
  kind: string,
  points: readonly Point[],
  image: ImageSize | undefined,
  report: Report,
): Problem[] {
  if (image === undefined || points.length === 0) return [];
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of points) {
    [minX, maxX] = [Math.min(minX, x), Math.max(maxX, x)];
    [minY, maxY] = [Math.min(minY, y), Math.max(maxY, y)];
  }
  const slack = INSIDE_TOLERANCE_PX;
  const fits =
    minX >= -slack && minY >= -slack && maxX <= image.width + slack && maxY <= image.height + slack;
  if (fits) return [];
  const extent = `x ${num(minX)} to ${num(maxX)}, y ${num(minY)} to ${num(maxY)}`;
  const message = `${kind} reaches outside the ${image.width}×${image.height} image (${extent})`;
  return [report("outside_image", message)];
}

function checkBox(box: { width: number; height: number }, rules: LabelRules, report: Report) {
  const problems: Problem[] = [];
  const { width, height } = box;
  if (width < 0 || height < 0) {
    const message = `box is ${num(width)} × ${num(height)} px; sizes cannot be negative`;
    problems.push(report("invalid_size", message));
  }
  if (rules.min_width !== undefined && width < rules.min_width) {
    const message = `box is ${under(width)} px wide; the minimum is ${num(rules.min_width)} px`;
    problems.push(report("too_small", message));
  }
  if (rules.min_height !== undefined && height < rules.min_height) {
    const message = `box is ${under(height)} px high; the minimum is ${num(rules.min_height)} px`;
    problems.push(report("too_small", message));
  }
  return problems;
}

function checkPointCount(
  points: readonly unknown[],
  kind: string,
  least: number,
  rules: LabelRules,
  report: Report,
): Problem[] {
  const minimum = Math.max(least, rules.min_points ?? 0);
  if (points.length >= minimum) return [];
  const message = `${kind} has ${points.length} points; the minimum is ${minimum}`;
  return [report("too_few_points", message)];
}

function checkPolygon(points: readonly Point[], rules: LabelRules, report: Report): Problem[] {
  const tooFew = checkPointCount(points, "polygon", 3, rules, report);
  if (tooFew.length > 0) return tooFew;
  if (selfIntersects(points)) {
    const message = "polygon edges cross or touch; redraw it without crossing";
    return [report("self_intersection", message)];
  }
  const area = polygonArea(points);
  if (rules.min_area === undefined || area >= rules.min_area) return [];
  return [report("too_small", areaBelowMinimum("polygon", area, rules.min_area))];
}

function checkKeypoints(
  points: readonly (readonly number[])[],
  cls: { name: string; keypoints?: string[] } | undefined,
  report: Report,
): Problem[] {
  const names = cls?.keypoints ?? [];
  const problems: Problem[] = [];
  if (cls !== undefined && points.length !== names.length) {
    const message =
      `"${cls.name}" has ${names.length} keypoints (${names.join(", ")}); ` +
      `this region has ${points.length} points`;
    problems.push(report("keypoint_count", message));
  }
  points.forEach(([, , v], i) => {
    if (VISIBILITIES.has(v)) return;
    const which = names[i] === undefined ? `point ${i + 1}` : `point "${names[i]}"`;
    const message = `${which} has visibility ${shown(v)}; it must be 0, 1 or 2`;
    problems.push(report("visibility", message));
  });
  return problems;
}

function checkMask(
  rle: Rle,
  rules: LabelRules,
  image: ImageSize | undefined,
  report: Report,
): Problem[] {
  const [height, width] = rle.size;
  const { counts } = rle;
  const problems: Problem[] = [];
  if (height <= 0 || width <= 0) {
    const message = `mask size is ${height}×${width}; both must be above 0`;
    problems.push(report("invalid_size", message));
  } else if (typeof counts === "string") {
    // The server checks no more of a compressed string, min_area included: neither do we.
    if (counts === "" || !/^[\x00-\x7f]*$/.test(counts)) {
      const message = "compressed mask counts must be a non-empty ASCII string";
      problems.push(report("mask_counts", message));
    }
  } else {
    const total = counts.reduce((sum, run) => sum + run, 0);
    const area = counts.reduce((sum, run, i) => (i % 2 === 1 ? sum + run : sum), 0);
    if (counts.some((run) => run < 0) || total !== height * width) {
      const message = `mask runs add up to ${total} pixels; a ${height}×${width} mask needs ${
        height * width
      }`;
      problems.push(report("mask_counts", message));
    } else if (rules.min_area !== undefined && area < rules.min_area) {
      problems.push(report("too_small", areaBelowMinimum("mask", area, rules.min_area)));
    }
  }
  if (image !== undefined && (height !== image.height || width !== image.width)) {
    const message =
      `mask is ${height}×${width} (height × width) ` +
      `but the image is ${image.height}×${image.width}`;
    problems.push(report("mask_size", message));
  }
  return problems;
}

function checkCounts(
  schema: Schema,
  checked: readonly { region: Region; label: Label }[],
): Problem[] {
  const problems: Problem[] = [];
  const counts = new Map<string, number>();
  for (const { label } of checked) counts.set(label.name, (counts.get(label.name) ?? 0) + 1);
  for (const label of schema.labels) {
    const n = counts.get(label.name) ?? 0;
    const { required, min_instances: least, max_instances: most } = label.rules ?? {};
    const name = `"${label.name}"`;
    const has = `${name} has ${n === 1 ? "1 region" : `${n} regions`}`;
    const add = (code: string, message: string) =>
      problems.push({ regionId: null, label: label.name, code, message });
    if (required && n === 0) add("required", `${name} is required; add at least one`);
    if (least !== undefined && n < least) {
      add("too_few_instances", `${has}; the minimum is ${least}`);
    }
    if (most !== undefined && n > most) add("too_many_instances", `${has}; the maximum is ${most}`);
  }
  const answered = new Set<string>();
  for (const { region, label } of checked) {
    if (ONE_ANSWER.has(label.type) && answered.has(label.name)) {
      problems.push({
        regionId: region.id,
        label: label.name,
        code: "multiple_answers",
        message: `"${label.name}" takes one answer per item; this one is extra`,
      });
    }
    answered.add(label.name);
  }
  return problems;
}
