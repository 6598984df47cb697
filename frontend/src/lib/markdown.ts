/**
 * A small Markdown subset (headings, paragraphs, lists, code blocks, **bold**, *italic*,
 * `code`, links shown as text) parsed into plain data. The UI renders it as React text, so
 * guidelines can never carry markup or script into the page: there is no HTML path at all.
 */

export type Inline =
  | { kind: "text"; text: string }
  | { kind: "strong"; children: Inline[] }
  | { kind: "em"; children: Inline[] }
  | { kind: "code"; text: string };

export type Block =
  | { kind: "heading"; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { kind: "paragraph"; children: Inline[] }
  | { kind: "list"; ordered: boolean; items: Inline[][] }
  | { kind: "code"; text: string };

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ kind: "paragraph", children: parseInline(paragraph.join(" ")) });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (/^```/.test(line)) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !/^```/.test(lines[i] ?? ""); i++) code.push(lines[i] ?? "");
      blocks.push({ kind: "code", text: code.join("\n") });
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      const level = (heading[1] ?? "#").length as 1 | 2 | 3 | 4 | 5 | 6;
      blocks.push({ kind: "heading", level, children: parseInline((heading[2] ?? "").replace(/\s+#+\s*$/, "")) });
      continue;
    }
    const item = /^\s*(?:([-*+])|(\d+)[.)])\s+(.*)$/.exec(line);
    if (item) {
      flush();
      const ordered = item[2] !== undefined;
      const last = blocks[blocks.length - 1];
      const content = parseInline(item[3] ?? "");
      if (last && last.kind === "list" && last.ordered === ordered) last.items.push(content);
      else blocks.push({ kind: "list", ordered, items: [content] });
      continue;
    }
    if (line.trim() === "") flush();
    else paragraph.push(line.trim());
  }
  flush();
  return blocks;
}

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let rest = text.replace(/\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)/g, "$1"); // links: their text only
  // Underscores emphasise only at word edges (snake_case and __dunder__ stay text, as in
  // CommonMark); asterisks also inside words. Delimiters hug their content.
  const pattern =
    /(`[^`]+`)|(\*\*(?=[^\s*])[^*]+?(?<=[^\s*])\*\*|(?<![\p{L}\p{N}_])__(?=[^\s_])[^_]+?(?<=[^\s_])__(?![\p{L}\p{N}_]))|(\*(?=[^\s*])[^*]+?(?<=[^\s*])\*|(?<![\p{L}\p{N}_])_(?=[^\s_])[^_]+?(?<=[^\s_])_(?![\p{L}\p{N}_]))/u;
  while (rest.length) {
    const match = pattern.exec(rest);
    if (!match) {
      out.push({ kind: "text", text: rest });
      break;
    }
    if (match.index > 0) out.push({ kind: "text", text: rest.slice(0, match.index) });
    const token = match[0];
    if (match[1]) out.push({ kind: "code", text: token.slice(1, -1) });
    else if (match[2]) out.push({ kind: "strong", children: parseInline(token.slice(2, -2)) });
    else out.push({ kind: "em", children: parseInline(token.slice(1, -1)) });
    rest = rest.slice(match.index + token.length);
  }
  return out;
}
