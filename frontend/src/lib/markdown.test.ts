import { describe, expect, it } from "vitest";
import { parseInline, parseMarkdown } from "./markdown";

describe("parseMarkdown", () => {
  it("reads headings, paragraphs, lists and code blocks", () => {
    const blocks = parseMarkdown("# Boxes\n\nDraw *tight* boxes.\nAlways.\n\n- cars\n- **people**\n\n1. one\n2. two\n\n```\n<b>x</b>\n```");
    expect(blocks.map((b) => b.kind)).toEqual(["heading", "paragraph", "list", "list", "code"]);
    expect(blocks[1]).toEqual({
      kind: "paragraph",
      children: [{ kind: "text", text: "Draw " }, { kind: "em", children: [{ kind: "text", text: "tight" }] }, { kind: "text", text: " boxes. Always." }],
    });
    expect(blocks[3]).toMatchObject({ kind: "list", ordered: true });
    expect(blocks[4]).toEqual({ kind: "code", text: "<b>x</b>" });
  });

  it("keeps markup as text: there is nothing that could become HTML", () => {
    const [block] = parseMarkdown('<script>alert(1)</script> <img src=x onerror="alert(2)">');
    expect(block).toEqual({ kind: "paragraph", children: [{ kind: "text", text: '<script>alert(1)</script> <img src=x onerror="alert(2)">' }] });
  });

  it("shows links as their text only", () => {
    expect(parseInline("see [the spec](javascript:alert(1)) now")).toEqual([{ kind: "text", text: "see the spec now" }]);
  });

  it("reads strong, emphasis and inline code, code literally", () => {
    expect(parseInline("**a** _b_ `*c*`")).toEqual([
      { kind: "strong", children: [{ kind: "text", text: "a" }] },
      { kind: "text", text: " " },
      { kind: "em", children: [{ kind: "text", text: "b" }] },
      { kind: "text", text: " " },
      { kind: "code", text: "*c*" },
    ]);
  });

  it("leaves underscores inside words alone", () => {
    expect(parseInline('snake_case_name and window.__x=1"><b>window.__y=2')).toEqual([
      { kind: "text", text: 'snake_case_name and window.__x=1"><b>window.__y=2' },
    ]);
    expect(parseInline("a * b * c")).toEqual([{ kind: "text", text: "a * b * c" }]);
  });
});
