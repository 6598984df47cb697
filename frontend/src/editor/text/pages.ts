/**
 * Long documents are shown a page at a time, so a 100,000-character text costs the browser
 * what a few thousand characters do. A page is a slice of the document's node tree: its
 * nodes keep their document-global offsets, so spans are stored, drawn and exported the
 * same on every page; only what is on screen changes.
 *
 * Pages break, by preference, after a blank line, then after a line break, then after a
 * space, near `target` characters; an element too long for one page is split between its
 * children (each part drawn inside a copy of the element, as a printed page continues a
 * list), and a text too long between its characters.
 *
 * A page is shown with **seams**: the last lines of the page before it and the first lines
 * of the page after it (`withSeams`), so a selection can run over a page break — both of
 * its ends are then in the DOM, with their global offsets — and a span crossing a break is
 * drawn on both pages.
 */
import type { DocNode, ElementNode, TextDoc } from "./document";
import { charBoundary } from "./tokens";

export interface Page {
  start: number;
  end: number;
  nodes: DocNode[];
}

export const PAGE_CHARS = 3000;
/** About how much of each neighbouring page a page shows: two or three lines. */
export const SEAM_CHARS = 240;

/** Where to cut text[from, to) into pieces of about `target` units (the cut offsets, in order). */
export function textCuts(text: string, from: number, to: number, target: number): number[] {
  const cuts: number[] = [];
  let at = from;
  while (to - at > target * 1.25) {
    const low = at + Math.floor(target / 2);
    const high = at + target;
    const window = text.slice(low, high);
    let cut = -1;
    for (const separator of ["\n\n", "\n", " "]) {
      const found = window.lastIndexOf(separator);
      if (found >= 0) {
        cut = low + found + separator.length;
        break;
      }
    }
    if (cut < 0) {
      const space = /\s/u;
      for (let i = high; i > low; i--) if (space.test(text[i - 1] ?? "")) { cut = i; break; }
    }
    if (cut <= at) cut = charBoundary(text, high);
    if (cut <= at) cut = at + target;
    cuts.push(cut);
    at = cut;
  }
  return cuts;
}

/** The document's pages, in order; an empty document has one empty page. */
export function paginate(doc: TextDoc, target = PAGE_CHARS): Page[] {
  const pages: Page[] = [];
  let current: DocNode[] = [];
  let start = 0;
  let size = 0;
  const close = (end: number) => {
    if (current.length === 0) return;
    pages.push({ start, end, nodes: current });
    current = [];
    size = 0;
    start = end;
  };
  const place = (node: DocNode) => {
    const length = node.end - node.start;
    if (size > 0 && size + length > target) close(node.start);
    if (length <= target * 1.25 || (node.kind === "element" && node.children.length === 0)) {
      if (current.length === 0) start = node.start;
      current.push(node);
      size += length;
      if (size >= target) close(node.end);
      return;
    }
    for (const part of split(doc.text, node, target)) {
      close(part.start);
      start = part.start;
      current = [part];
      size = part.end - part.start;
      close(part.end);
    }
  };
  for (const node of doc.nodes) place(node);
  close(doc.nodes.at(-1)?.end ?? 0);
  if (pages.length === 0) pages.push({ start: 0, end: doc.text.length, nodes: [] });
  return pages;
}

/** A node too long for one page, in parts of about `target` units each. */
function split(text: string, node: DocNode, target: number): DocNode[] {
  if (node.kind === "text") {
    const cuts = [node.start, ...textCuts(text, node.start, node.end, target), node.end];
    return cuts.slice(1).map((end, i) => ({ kind: "text", start: cuts[i] as number, end }));
  }
  const parts: ElementNode[] = [];
  let group: DocNode[] = [];
  let size = 0;
  const flush = () => {
    if (group.length === 0) return;
    parts.push({ ...node, children: group, start: group[0]?.start ?? node.start, end: group.at(-1)?.end ?? node.end });
    group = [];
    size = 0;
  };
  for (const child of node.children) {
    const length = child.end - child.start;
    if (length > target * 1.25) {
      flush();
      for (const piece of split(text, child, target)) parts.push({ ...node, children: [piece], start: piece.start, end: piece.end });
      continue;
    }
    if (size > 0 && size + length > target) flush();
    group.push(child);
    size += length;
  }
  flush();
  return parts;
}

/** The index of the page holding offset `at` (UTF-16), the last page for the end. */
export function pageOf(pages: readonly Page[], at: number): number {
  let lo = 0;
  let hi = pages.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((pages[mid] as Page).start <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A page as shown: the page, and its seams from the neighbouring pages (empty at the ends
 * of the document). [start, end) is what is on screen, seams included. */
export interface PageView {
  page: Page;
  start: number;
  end: number;
  before: DocNode[];
  after: DocNode[];
}

/** Page `index` with about `seam` units of the page before and of the page after, cut
 * after a blank line, a line break or a space, as pages are. */
export function withSeams(doc: TextDoc, pages: readonly Page[], index: number, seam = SEAM_CHARS): PageView {
  const page = pages[index] as Page;
  const previous = pages[index - 1];
  const next = pages[index + 1];
  const from = previous ? seamStart(doc.text, previous.start, previous.end, seam) : page.start;
  const to = next ? (textCuts(doc.text, next.start, next.end, seam)[0] ?? next.end) : page.end;
  return {
    page,
    start: from,
    end: to,
    before: previous ? clipNodes(previous.nodes, from, previous.end) : [],
    after: next ? clipNodes(next.nodes, next.start, to) : [],
  };
}

/** Where the last `seam` or so units of text[from, to) begin: just after the first blank
 * line, else line break, else space, in the first half of the window; at worst, exactly. */
export function seamStart(text: string, from: number, to: number, seam: number): number {
  if (to - from <= seam * 1.25) return from;
  const low = to - seam;
  const window = text.slice(low, to - Math.floor(seam / 2));
  for (const separator of ["\n\n", "\n", " "]) {
    const found = window.indexOf(separator);
    if (found >= 0) return low + found + separator.length;
  }
  return charBoundary(text, low);
}

/** The parts of `nodes` inside [from, to): text nodes cut to it, elements kept (as copies)
 * with their children cut; an empty element (a line break) counts where it stands. */
export function clipNodes(nodes: readonly DocNode[], from: number, to: number): DocNode[] {
  const out: DocNode[] = [];
  for (const node of nodes) {
    const inside = node.start === node.end ? node.start >= from && node.start < to : node.start < to && node.end > from;
    if (!inside) continue;
    const start = Math.max(node.start, from);
    const end = Math.min(node.end, to);
    if (node.kind === "text") out.push({ kind: "text", start, end });
    else if (node.start >= from && node.end <= to) out.push(node);
    else out.push({ ...node, children: clipNodes(node.children, from, to), start, end });
  }
  return out;
}
