/**
 * Which regions of different annotators are the same object. The server's consensus
 * (`GET …/qa/consensus/{task_id}`) says so for the clusters it keeps; the rest (clusters
 * below its quorum, or no consensus at all) are matched here by the same rule
 * (accord.core.consensus.regions): regions of one label and class, at most one per
 * annotator, grouped by complete linkage while every two members overlap by IoU ≥ 0.5.
 * Boxes (rotated too) are compared exactly, masks pixel by pixel, polygons on a sample
 * grid; polylines and keypoints have no IoU and stay unmatched. Pure.
 */
import type { Annotation } from "../api/types";
import { boxCorners, pointInPolygon, polygonArea } from "../lib/geometry";
import { decodeMask } from "../lib/rle";
import { regionClass, type Point, type Region, type ShapeRegion } from "../lib/regions";
import type { ConsensusResponse } from "./api";

export const MATCH_THRESHOLD = 0.5;

export interface MatchMember {
  /** Index into the task's answers. */
  answer: number;
  regionId: string;
}

export interface Match {
  label: string;
  /** The class the members share (null for item answers without one). */
  cls: string | null;
  members: MatchMember[];
  /** Share of the task's annotators who drew it. */
  support: number;
  /** Mean IoU over pairs of members (null for one member or item answers). */
  agreement: number | null;
  /** The server's fused region for this object, when it proposed one. */
  consensus: Region | null;
  /** Who matched them: the server's consensus or this browser. */
  source: "server" | "browser";
}

const FUSED = new Set(["bbox", "polygon", "mask"]);
const ITEM = new Set(["classification", "multilabel", "rating", "transcription"]);

/** Every object across the answers, matched; server clusters first, then the rest. */
export function matchAnswers(answers: readonly Pick<Annotation, "author_id" | "regions">[], consensus: ConsensusResponse | null, emailOf: (authorId: number) => string | null): Match[] {
  const n = answers.length;
  const covered = new Set<string>(); // `${answer}\u0000${regionId}`
  const out: Match[] = [];
  if (consensus) {
    const answerOfEmail = new Map<string, number>();
    answers.forEach((a, i) => {
      const email = emailOf(a.author_id);
      if (email !== null) answerOfEmail.set(email, i);
    });
    for (const entry of consensus.labels) {
      if (entry.method !== "fused_clusters") continue;
      const clusters = entry.consensus?.regions ?? [];
      clusters.forEach((cluster, k) => {
        const members: MatchMember[] = [];
        for (const [annotatorIndex, regionIndex] of cluster.members) {
          const email = consensus.annotators[annotatorIndex];
          const answer = email === undefined ? undefined : answerOfEmail.get(email);
          if (answer === undefined) continue;
          const ofLabel = (answers[answer]?.regions ?? []).filter((r) => r.label === entry.label);
          const region = ofLabel[regionIndex];
          if (!region) continue;
          members.push({ answer, regionId: region.id });
        }
        if (members.length === 0) return;
        for (const m of members) covered.add(key(m));
        const fused = entry.regions[k] ?? null;
        out.push({
          label: entry.label,
          cls: fused ? (regionClass(fused) ?? null) : null,
          members,
          support: members.length / Math.max(1, n),
          agreement: cluster.agreement ?? null,
          consensus: fused,
          source: "server",
        });
      });
    }
  }
  // The rest, label by label, in the order the regions appear.
  const labels: string[] = [];
  for (const a of answers) for (const r of a.regions) if (!labels.includes(r.label)) labels.push(r.label);
  for (const label of labels) {
    const left = answers.map((a, i) => a.regions.filter((r) => r.label === label && !covered.has(key({ answer: i, regionId: r.id }))));
    const sample = left.flat()[0];
    if (!sample) continue;
    if (ITEM.has(sample.type)) out.push(...matchItems(label, left, n));
    else if (FUSED.has(sample.type)) out.push(...clusterShapes(label, left as ShapeRegion[][], n));
    else out.push(...left.flatMap((regions, answer) => regions.map((r) => single(label, answer, r, n))));
  }
  return out;
}

function key(m: MatchMember): string {
  return `${m.answer}\u0000${m.regionId}`;
}

function single(label: string, answer: number, region: Region, n: number): Match {
  return { label, cls: regionClass(region) ?? null, members: [{ answer, regionId: region.id }], support: 1 / Math.max(1, n), agreement: null, consensus: null, source: "browser" };
}

/** Item answers (a classification, a rating…) match when their values are equal. */
function matchItems(label: string, perAnswer: Region[][], n: number): Match[] {
  const groups = new Map<string, Match>();
  perAnswer.forEach((regions, answer) => {
    for (const region of regions) {
      const id = JSON.stringify(region.value);
      const group = groups.get(id) ?? { label, cls: regionClass(region) ?? null, members: [], support: 0, agreement: null, consensus: null, source: "browser" as const };
      group.members.push({ answer, regionId: region.id });
      group.support = group.members.length / Math.max(1, n);
      groups.set(id, group);
    }
  });
  return [...groups.values()];
}

/**
 * Complete-linkage clusters under the cannot-link rule (one region per annotator), regions
 * of different classes never together: repeatedly merge the two clusters whose least
 * similar cross pair is the most similar, while that reaches the threshold (and is above 0).
 * Exact ties go to the earlier pair, as on the server.
 *
 * Only regions whose bounds overlap are compared (a sweep over x), and clusters are built
 * within each connected part of the graph of pairs at or above the threshold: a merge needs
 * every cross pair there, so no cluster spans two parts. Thousands of regions stay fast.
 */
export function clusterShapes(label: string, perAnswer: readonly (readonly ShapeRegion[])[], n: number, threshold = MATCH_THRESHOLD): Match[] {
  const flat: { answer: number; region: ShapeRegion; cls: string | undefined; box: [number, number, number, number] }[] = [];
  perAnswer.forEach((regions, answer) => regions.forEach((region) => flat.push({ answer, region, cls: regionClass(region), box: boundsOf(region) })));
  const size = flat.length;
  const sim = new Map<number, number>(); // i * size + j, i < j: pairs at or above the threshold
  const simOf = (i: number, j: number) => sim.get(i < j ? i * size + j : j * size + i) ?? 0;
  const byX = flat.map((_, i) => i).sort((a, b) => (flat[a] as (typeof flat)[number]).box[0] - (flat[b] as (typeof flat)[number]).box[0]);
  const parent = flat.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i] as number] as number;
    return i;
  };
  for (let p = 0; p < byX.length; p++) {
    const i = byX[p] as number;
    const a = flat[i] as (typeof flat)[number];
    for (let q = p + 1; q < byX.length; q++) {
      const j = byX[q] as number;
      const b = flat[j] as (typeof flat)[number];
      if (b.box[0] >= a.box[2]) break;
      if (a.answer === b.answer || a.cls !== b.cls || b.box[1] >= a.box[3] || a.box[1] >= b.box[3]) continue;
      const s = iou(a.region, b.region);
      if (s >= threshold && s > 0) {
        sim.set(i < j ? i * size + j : j * size + i, s);
        parent[root(i)] = root(j);
      }
    }
  }
  const parts = new Map<number, number[]>();
  for (let i = 0; i < size; i++) {
    const r = root(i);
    const part = parts.get(r) ?? [];
    part.push(i);
    parts.set(r, part);
  }
  const clusters: number[][] = [];
  for (const part of parts.values()) clusters.push(...linkage(part, (i) => (flat[i] as (typeof flat)[number]).answer, simOf, threshold));
  clusters.sort((x, y) => (x[0] as number) - (y[0] as number));
  return clusters.map((members) => {
    let pairs = 0;
    let total = 0;
    for (let p = 0; p < members.length; p++) {
      for (let q = p + 1; q < members.length; q++) {
        pairs++;
        total += simOf(members[p] as number, members[q] as number);
      }
    }
    const first = flat[members[0] as number] as (typeof flat)[number];
    return {
      label,
      cls: first.cls ?? null,
      members: members.map((i) => ({ answer: (flat[i] as (typeof flat)[number]).answer, regionId: (flat[i] as (typeof flat)[number]).region.id })),
      support: members.length / Math.max(1, n),
      agreement: pairs > 0 ? total / pairs : null,
      consensus: null,
      source: "browser" as const,
    };
  });
}

/** Complete linkage within one connected part (indices ascending); clusters sorted by first member. */
function linkage(part: readonly number[], answerOf: (i: number) => number, simOf: (i: number, j: number) => number, threshold: number): number[][] {
  let clusters: number[][] = [...part].sort((a, b) => a - b).map((i) => [i]);
  for (;;) {
    let best: [number, number] | null = null;
    let bestLink = -Infinity;
    for (let x = 0; x < clusters.length; x++) {
      for (let y = x + 1; y < clusters.length; y++) {
        const cx = clusters[x] as number[];
        const cy = clusters[y] as number[];
        if (cx.some((i) => cy.some((j) => answerOf(i) === answerOf(j)))) continue;
        let link = Infinity;
        for (const i of cx) for (const j of cy) link = Math.min(link, simOf(i, j));
        if (link >= threshold && link > 0 && link > bestLink) {
          bestLink = link;
          best = [x, y];
        }
      }
    }
    if (!best) return clusters;
    const [x, y] = best;
    const merged = [...(clusters[x] as number[]), ...(clusters[y] as number[])].sort((a, b) => a - b);
    clusters = clusters.filter((_, i) => i !== x && i !== y);
    clusters.push(merged);
    clusters.sort((a, b) => (a[0] as number) - (b[0] as number));
  }
}

/** [minX, minY, maxX, maxY] of a region; a mask's is its whole image. */
function boundsOf(region: ShapeRegion): [number, number, number, number] {
  let points: readonly (readonly number[])[];
  if (region.type === "bbox") points = boxCorners(region.value);
  else if (region.type === "mask") return [0, 0, region.value.rle.size[1], region.value.rle.size[0]];
  else points = region.value.points;
  if (points.length === 0) return [0, 0, 0, 0];
  const xs = points.map((p) => p[0] as number);
  const ys = points.map((p) => p[1] as number);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** Intersection over union of two regions of one type; 0 for different types. */
export function iou(a: ShapeRegion, b: ShapeRegion): number {
  if (a.type === "bbox" && b.type === "bbox") return convexIou(boxCorners(a.value), boxCorners(b.value));
  if (a.type === "polygon" && b.type === "polygon") return polygonIou(a.value.points, b.value.points);
  if (a.type === "mask" && b.type === "mask") {
    let bitsA: Uint8Array;
    let bitsB: Uint8Array;
    try {
      bitsA = decodeMask(a.value.rle);
      bitsB = decodeMask(b.value.rle);
    } catch {
      return 0;
    }
    if (bitsA.length !== bitsB.length) return 0;
    let inter = 0;
    let union = 0;
    for (let i = 0; i < bitsA.length; i++) {
      const x = bitsA[i] !== 0;
      const y = bitsB[i] !== 0;
      if (x && y) inter++;
      if (x || y) union++;
    }
    return union === 0 ? 0 : inter / union;
  }
  return 0;
}

/** Exact IoU of two convex polygons (Sutherland–Hodgman clipping). */
export function convexIou(a: readonly Point[], b: readonly Point[]): number {
  const areaA = Math.abs(polygonArea(a));
  const areaB = Math.abs(polygonArea(b));
  if (areaA === 0 || areaB === 0) return 0;
  const inter = Math.abs(polygonArea(clip(a, b)));
  const union = areaA + areaB - inter;
  return union <= 0 ? 0 : inter / union;
}

function clip(subject: readonly Point[], clipper: readonly Point[]): Point[] {
  // Orient the clipper counter-clockwise (in the y-down frame: positive signed area as computed).
  const ccw = signedArea(clipper) > 0 ? clipper : [...clipper].reverse();
  let output: Point[] = [...subject];
  for (let i = 0; i < ccw.length && output.length > 0; i++) {
    const p = ccw[i] as Point;
    const q = ccw[(i + 1) % ccw.length] as Point;
    const inside = (r: Point) => (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]) >= 0;
    const input = output;
    output = [];
    for (let j = 0; j < input.length; j++) {
      const cur = input[j] as Point;
      const prev = input[(j + input.length - 1) % input.length] as Point;
      const curIn = inside(cur);
      const prevIn = inside(prev);
      if (curIn) {
        if (!prevIn) output.push(intersection(prev, cur, p, q));
        output.push(cur);
      } else if (prevIn) output.push(intersection(prev, cur, p, q));
    }
  }
  return output;
}

function signedArea(ring: readonly Point[]): number {
  let twice = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i] as Point;
    const b = ring[(i + 1) % ring.length] as Point;
    twice += a[0] * b[1] - b[0] * a[1];
  }
  return twice / 2;
}

function intersection(a: Point, b: Point, p: Point, q: Point): Point {
  const d = (a[0] - b[0]) * (p[1] - q[1]) - (a[1] - b[1]) * (p[0] - q[0]);
  if (d === 0) return b;
  const t = ((a[0] - p[0]) * (p[1] - q[1]) - (a[1] - p[1]) * (p[0] - q[0])) / d;
  return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
}

function isConvex(ring: readonly Point[]): boolean {
  let sign = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i] as Point;
    const b = ring[(i + 1) % ring.length] as Point;
    const c = ring[(i + 2) % ring.length] as Point;
    const cross = (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]);
    if (cross !== 0) {
      if (sign !== 0 && Math.sign(cross) !== sign) return false;
      sign = Math.sign(cross);
    }
  }
  return true;
}

/** Polygons: exact when both are convex; otherwise counted on a grid of up to ~40,000 samples. */
export function polygonIou(a: readonly Point[], b: readonly Point[]): number {
  if (a.length < 3 || b.length < 3) return 0;
  if (isConvex(a) && isConvex(b)) return convexIou(a, b);
  const xs = [...a, ...b].map((p) => p[0]);
  const ys = [...a, ...b].map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const step = Math.max((x1 - x0) / 200, (y1 - y0) / 200, 1e-9);
  let inter = 0;
  let union = 0;
  for (let y = y0 + step / 2; y < y1; y += step) {
    for (let x = x0 + step / 2; x < x1; x += step) {
      const inA = pointInPolygon([x, y], a);
      const inB = pointInPolygon([x, y], b);
      if (inA && inB) inter++;
      if (inA || inB) union++;
    }
  }
  return union === 0 ? 0 : inter / union;
}

/** The region ids of one answer that some other answer also has (matched objects). */
export function matchedIn(matches: readonly Match[], answer: number): Map<string, Match> {
  const out = new Map<string, Match>();
  for (const m of matches) for (const member of m.members) if (member.answer === answer) out.set(member.regionId, m);
  return out;
}
