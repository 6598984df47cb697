// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { htmlDoc, plainDoc, safeHref, type DocNode } from "./document";
import { pageOf, paginate, textCuts } from "./pages";

/** Every element of a tree with its attributes, flattened. */
function elements(nodes: readonly DocNode[]): { tag: string; attrs: Record<string, string> }[] {
  return nodes.flatMap((n) => (n.kind === "element" ? [{ tag: n.tag, attrs: { ...n.attrs } }, ...elements(n.children)] : []));
}

function textOf(doc: { text: string }, nodes: readonly DocNode[]): string {
  return nodes.map((n) => (n.kind === "text" ? doc.text.slice(n.start, n.end) : textOf(doc, n.children))).join("");
}

describe("htmlDoc", () => {
  it("keeps allowed structure and counts offsets in the rendered text", () => {
    const doc = htmlDoc("<p>Hello <b>big</b> world &amp; co</p><ul><li>one</li></ul>");
    expect(doc.text).toBe("Hello big world & coone");
    expect(elements(doc.nodes).map((e) => e.tag)).toEqual(["p", "b", "ul", "li"]);
    expect(textOf(doc, doc.nodes)).toBe(doc.text);
    const b = doc.nodes[0]?.kind === "element" ? doc.nodes[0].children[1] : undefined;
    expect(b && doc.text.slice(b.start, b.end)).toBe("big");
  });

  it("drops scripts, handlers, styles, frames and unsafe links from the hostile corpus", () => {
    const hostile = [
      "<script>window.__pwned=1</script>",
      '<img src=x onerror="window.__pwned=2">',
      "<svg onload=window.__pwned=3><text>svg text</text></svg>",
      '"><iframe src="javascript:window.parent.__pwned=4"></iframe>',
      '<a href="javascript:window.__pwned=6">link</a>',
      '<a href=" JaVa\tScRiPt:window.__pwned=6">tabbed</a>',
      '<a href="data:text/html,<script>1</script>">data</a>',
      '<a href="https://example.org/x" onclick="window.__pwned=1" style="color:red" class="c" id="i">ok</a>',
      "<details open ontoggle=window.__pwned=8>details</details>",
      "<style>body{background:url(javascript:window.__pwned=12)}</style>",
      '<object data="x"></object><embed src="x"><form action="/x"><input value="v"></form>',
      "<math><mi xlink:href=\"javascript:window.__pwned=14\">x</mi></math>",
      "\u202e<b onmouseover=window.__pwned=15>rtl</b>",
    ].join("");
    const doc = htmlDoc(hostile);
    const kept = elements(doc.nodes);
    expect(kept.map((e) => e.tag)).toEqual(["a", "a", "a", "a", "b"]);
    expect(kept.map((e) => e.attrs)).toEqual([{}, {}, {}, { href: "https://example.org/x" }, {}]);
    expect(doc.text).not.toContain("__pwned");
    expect(doc.text).toContain("link");
    expect(doc.text).toContain("details");
    expect(doc.text).not.toContain("svg text");
  });

  it("is never longer than the raw string (the server's bound on span offsets)", () => {
    for (const raw of ["<p>a &amp; b</p>", "&#128512; x", "plain", "<table><tr><td>x</td></tr></table>", "a<br>b"]) {
      expect(Array.from(htmlDoc(raw).text).length).toBeLessThanOrEqual(Array.from(raw).length);
    }
  });
});

describe("safeHref", () => {
  it("keeps http, https and mailto only", () => {
    expect(safeHref("https://a.example/b?c")).toBe("https://a.example/b?c");
    expect(safeHref("mailto:x@y.example")).toBe("mailto:x@y.example");
    for (const bad of ["javascript:alert(1)", "java\nscript:alert(1)", "data:text/html,x", "vbscript:x", "/relative", "//evil.example", "http:/x"]) {
      expect(safeHref(bad)).toBeNull();
    }
  });
});

describe("paginate", () => {
  const words = Array.from({ length: 20000 }, (_, i) => `w${i}${i % 12 === 11 ? ".\n" : " "}`).join("");

  it("cuts a long text into pages that tile it, near the target and after a line break", () => {
    const doc = plainDoc(words);
    const pages = paginate(doc, 5000);
    expect(pages.length).toBeGreaterThan(20);
    expect(pages[0]?.start).toBe(0);
    expect(pages.at(-1)?.end).toBe(words.length);
    pages.forEach((page, i) => {
      if (i > 0) expect(page.start).toBe(pages[i - 1]?.end);
      expect(page.end - page.start).toBeLessThanOrEqual(6250);
      if (i < pages.length - 1) expect(words[page.end - 1]).toBe("\n");
      expect(textOf(doc, page.nodes)).toBe(words.slice(page.start, page.end));
    });
    expect(pageOf(pages, 0)).toBe(0);
    expect(pageOf(pages, words.length)).toBe(pages.length - 1);
    const middle = pages[7] as { start: number; end: number };
    expect(pageOf(pages, middle.start)).toBe(7);
    expect(pageOf(pages, middle.end - 1)).toBe(7);
  });

  it("splits one big element between its children, each part keeping the element", () => {
    const raw = `<div class="x"><ol>${Array.from({ length: 3000 }, (_, i) => `<li>item ${i}</li>`).join("")}</ol></div>`;
    const doc = htmlDoc(raw);
    const pages = paginate(doc, 2000);
    expect(pages.length).toBeGreaterThan(5);
    expect(pages.map((p) => textOf(doc, p.nodes)).join("")).toBe(doc.text);
    for (const page of pages) expect(elements(page.nodes).slice(0, 2).map((e) => e.tag)).toEqual(["div", "ol"]);
  });

  it("gives one empty page for an empty text", () => {
    expect(paginate(plainDoc(""))).toEqual([{ start: 0, end: 0, nodes: [] }]);
  });

  it("cuts text without spaces where it must, never inside a surrogate pair", () => {
    const text = "😀".repeat(4000);
    const cuts = textCuts(text, 0, text.length, 1001);
    expect(cuts.length).toBeGreaterThan(5);
    for (const cut of cuts) expect(cut % 2).toBe(0);
  });
});
