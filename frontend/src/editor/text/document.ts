/**
 * What the text stage shows, as plain data: the document's text and a tree of nodes over it.
 * A plain text is one text node; HTML task data is parsed with DOMParser (which runs no
 * script and loads nothing) and rebuilt from an allow-list of tags and attributes, so the
 * stage renders elements it created itself and never hands the raw string to innerHTML.
 *
 * Offsets into an HTML document are offsets into its **rendered text content**: the text of
 * the kept nodes, concatenated in document order (what `textContent` of the sanitised tree
 * gives). Markup, entities' spelling and dropped elements (script, style, …) take no place.
 * Offsets are UTF-16 here; TextOffsets converts them to code points for storage.
 */

export interface TextNode {
  kind: "text";
  start: number;
  end: number;
}

export interface ElementNode {
  kind: "element";
  tag: AllowedTag;
  attrs: Readonly<Record<string, string>>;
  children: DocNode[];
  start: number;
  end: number;
}

export type DocNode = TextNode | ElementNode;

export interface TextDoc {
  text: string;
  nodes: DocNode[];
  html: boolean;
}

/** Elements kept, with their children; void ones (br, hr) have none. */
const TAGS = [
  "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "b", "strong", "i", "em", "u", "s",
  "del", "ins", "sub", "sup", "small", "mark", "code", "pre", "kbd", "samp", "var",
  "blockquote", "q", "cite", "abbr", "dfn", "time", "ul", "ol", "li", "dl", "dt", "dd",
  "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "div", "span", "a",
  "article", "section", "header", "footer", "aside", "nav", "main", "figure", "figcaption",
  "address", "bdi", "bdo", "wbr",
] as const;
export type AllowedTag = (typeof TAGS)[number];
const ALLOWED_TAGS: ReadonlySet<string> = new Set(TAGS);
export const VOID_TAGS: ReadonlySet<string> = new Set(["br", "hr", "wbr"]);

/** Elements dropped with everything in them: active content, embedded resources, forms
 * and metadata, whose text is not part of what a reader sees. Any other unknown element
 * is unwrapped: its children are kept in its place. */
const DROPPED: ReadonlySet<string> = new Set([
  "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "template",
  "noscript", "svg", "math", "link", "meta", "base", "head", "title", "img", "picture",
  "video", "audio", "source", "track", "canvas", "map", "area", "form", "input", "button",
  "select", "option", "textarea", "datalist", "output", "dialog", "portal", "slot",
]);

/** Attributes kept, per tag ("*": on every kept tag). No event handlers, styles, classes,
 * ids or sources; link targets only by `safeHref`. */
const ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  "*": ["title", "lang", "dir"],
  a: ["href"],
  td: ["colspan", "rowspan"],
  th: ["colspan", "rowspan", "scope"],
  ol: ["start", "reversed"],
  time: ["datetime"],
  abbr: [],
};

/** An absolute http(s) or mailto URL, else null: `javascript:`, `data:`, `vbscript:`,
 * relative and scheme-relative URLs are dropped. Control characters and whitespace a
 * browser would ignore inside a scheme ("java\tscript:") are removed before looking. */
export function safeHref(value: string): string | null {
  // eslint-disable-next-line no-control-regex
  const cleaned = value.replace(/[\u0000-\u0020\u007f-\u009f]/g, "");
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(cleaned);
  if (!scheme || !["http", "https", "mailto"].includes((scheme[1] ?? "").toLowerCase())) return null;
  if (/^https?:/i.test(cleaned) && !/^https?:\/\/[^/]/i.test(cleaned)) return null;
  return value.trim();
}

export function plainDoc(text: string): TextDoc {
  return { text, nodes: text ? [{ kind: "text", start: 0, end: text.length }] : [], html: false };
}

/** `raw` parsed as an HTML fragment and rebuilt from the allow-list. */
export function htmlDoc(raw: string, parser: DOMParser = new DOMParser()): TextDoc {
  const parsed = parser.parseFromString(raw, "text/html");
  const parts: string[] = [];
  let length = 0;
  const build = (from: Node): DocNode[] => {
    const out: DocNode[] = [];
    for (let child = from.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 3 /* TEXT_NODE */ || child.nodeType === 4 /* CDATA */) {
        const data = child.nodeValue ?? "";
        if (!data) continue;
        out.push({ kind: "text", start: length, end: length + data.length });
        parts.push(data);
        length += data.length;
        continue;
      }
      if (child.nodeType !== 1 /* ELEMENT_NODE */) continue; // comments, processing instructions
      const element = child as Element;
      const tag = element.localName.toLowerCase();
      if (element.namespaceURI !== "http://www.w3.org/1999/xhtml" || DROPPED.has(tag)) continue;
      if (!ALLOWED_TAGS.has(tag)) {
        out.push(...build(element));
        continue;
      }
      const start = length;
      const children = VOID_TAGS.has(tag) ? [] : build(element);
      out.push({ kind: "element", tag: tag as AllowedTag, attrs: keptAttributes(element, tag), children, start, end: length });
    }
    return out;
  };
  const nodes = build(parsed.body);
  return { text: parts.join(""), nodes, html: true };
}

function keptAttributes(element: Element, tag: string): Record<string, string> {
  const allowed = new Set([...(ATTRIBUTES["*"] ?? []), ...(ATTRIBUTES[tag] ?? [])]);
  const out: Record<string, string> = {};
  for (const attribute of Array.from(element.attributes)) {
    const name = attribute.name.toLowerCase();
    if (!allowed.has(name)) continue;
    if (name === "href") {
      const href = safeHref(attribute.value);
      if (href) out.href = href;
      continue;
    }
    if ((name === "colspan" || name === "rowspan" || name === "start") && !/^\d{1,4}$/.test(attribute.value.trim())) continue;
    out[name] = attribute.value;
  }
  return out;
}

/** The task's text as the stage shows it. */
export function textDoc(text: string, html: boolean): TextDoc {
  return html ? htmlDoc(text) : plainDoc(text);
}
