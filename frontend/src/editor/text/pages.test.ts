// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { htmlDoc, plainDoc, type DocNode } from "./document";
import { clipNodes, paginate, seamStart, withSeams } from "./pages";

function textOf(doc: { text: string }, nodes: readonly DocNode[]): string {
  return nodes.map((n) => (n.kind === "text" ? doc.text.slice(n.start, n.end) : textOf(doc, n.children))).join("");
}

describe("withSeams", () => {
  const words = Array.from({ length: 5000 }, (_, i) => `w${i}${i % 12 === 11 ? ".\n" : " "}`).join("");
  const doc = plainDoc(words);
  const pages = paginate(doc, 3000);

  it("shows a page with the end of the page before and the start of the page after", () => {
    const view = withSeams(doc, pages, 3, 240);
    const [previous, page, next] = [pages[2], pages[3], pages[4]] as { start: number; end: number }[];
    expect(view.page).toBe(pages[3]);
    expect(view.start).toBeGreaterThan(previous?.start ?? 0);
    expect(view.start).toBeLessThan(page?.start ?? 0);
    expect(view.end).toBeGreaterThan(page?.end ?? 0);
    expect(view.end).toBeLessThan(next?.end ?? 0);
    // The seams are about 240 units, cut after a line break or a space, and tile with the page.
    expect((page?.start ?? 0) - view.start).toBeGreaterThan(100);
    expect((page?.start ?? 0) - view.start).toBeLessThanOrEqual(240);
    expect(view.end - (next?.start ?? 0)).toBeLessThanOrEqual(240);
    expect([" ", "\n"]).toContain(words[view.start - 1]);
    expect([" ", "\n"]).toContain(words[view.end - 1]);
    expect(textOf(doc, view.before) + textOf(doc, page ? view.page.nodes : []) + textOf(doc, view.after)).toBe(words.slice(view.start, view.end));
  });

  it("has no seam before the first page or after the last", () => {
    const first = withSeams(doc, pages, 0);
    expect(first.before).toEqual([]);
    expect(first.start).toBe(0);
    const last = withSeams(doc, pages, pages.length - 1);
    expect(last.after).toEqual([]);
    expect(last.end).toBe(words.length);
    const only = plainDoc("one short page");
    expect(withSeams(only, paginate(only), 0)).toMatchObject({ start: 0, end: 14, before: [], after: [] });
  });

  it("cuts HTML seams inside elements, keeping them", () => {
    const raw = `<ol>${Array.from({ length: 800 }, (_, i) => `<li>item <b>${i}</b></li>`).join("")}</ol>`;
    const html = htmlDoc(raw);
    const htmlPages = paginate(html, 1000);
    const view = withSeams(html, htmlPages, 1, 100);
    expect(view.before[0]?.kind === "element" && view.before[0].tag).toBe("ol");
    expect(view.after[0]?.kind === "element" && view.after[0].tag).toBe("ol");
    expect(textOf(html, view.before) + textOf(html, view.page.nodes) + textOf(html, view.after)).toBe(html.text.slice(view.start, view.end));
  });
});

describe("clipNodes", () => {
  it("cuts text and elements to a range; an empty element counts where it stands", () => {
    const html = htmlDoc("<p>one <b>two</b><br>three</p><p>four</p>");
    expect(html.text).toBe("one twothreefour");
    const clipped = clipNodes(html.nodes, 5, 9); // "wo" of two, the <br>, "th"
    expect(textOf(html, clipped)).toBe("woth");
    const p = clipped[0];
    expect(p?.kind === "element" && p.children.map((c) => (c.kind === "element" ? c.tag : "text"))).toEqual(["b", "br", "text"]);
    expect(clipNodes(html.nodes, 7, 8).flatMap((n) => (n.kind === "element" ? n.children : [])).map((c) => c.kind === "element" && c.tag)).toEqual(["br", false]);
    expect(clipNodes(html.nodes, 12, 16)).toEqual([html.nodes[1]]);
  });
});

describe("seamStart", () => {
  it("starts after the first line break in the window, else a space, else exactly", () => {
    const text = `${"a".repeat(500)}\n${"b ".repeat(100)}`;
    expect(seamStart(text, 0, text.length, 240)).toBe(501);
    expect(seamStart("b ".repeat(300), 0, 600, 240)).toBe(362);
    expect(seamStart("x".repeat(1000), 0, 1000, 240)).toBe(760);
    expect(seamStart("short", 0, 5, 240)).toBe(0);
  });
});
