/**
 * JSON as a person types it: parsed with the line and column of the first syntax error, in
 * plain words, and with the place of every value, so a problem the server reports at a path
 * (`labels[0].classes[1].hotkey`) can be shown at its line.
 *
 * Stricter than `JSON.parse` in one way: a key given twice in one object is an error, since
 * JSON.parse would silently keep only the last value.
 */

export interface Place {
  /** 1-based line and column (in UTF-16 code units, as the textarea counts). */
  line: number;
  column: number;
  offset: number;
}

export interface JsonSyntaxError extends Place {
  message: string;
}

export type JsonResult =
  | { ok: true; value: unknown; places: Map<string, Place> }
  | { ok: false; error: JsonSyntaxError };

class Failure extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function placeOf(text: string, offset: number): Place {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1, offset };
}

/** `labels[0].name` for the key `name` of the first element of `labels`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return parent === "" ? key : `${parent}.${key}`;
}

export function parseJson(text: string): JsonResult {
  const places = new Map<string, Place>();
  const parser = new Parser(text, places);
  try {
    const value = parser.document();
    return { ok: true, value, places };
  } catch (caught) {
    if (!(caught instanceof Failure)) throw caught;
    return { ok: false, error: { ...placeOf(text, caught.offset), message: caught.message } };
  }
}

/** Where the server's `path` is in the text: the place of the path itself or, failing that,
 * of the nearest enclosing value that exists (a missing key is reported on its object). */
export function locate(places: Map<string, Place>, path: string): Place | null {
  let current = path === "schema" ? "" : path;
  for (;;) {
    const place = places.get(current);
    if (place) return place;
    if (current === "") return null;
    const cut = Math.max(current.lastIndexOf("."), current.lastIndexOf("["));
    current = cut < 0 ? "" : current.slice(0, cut);
  }
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);

function shown(char: string | undefined): string {
  if (char === undefined) return "the end of the text";
  if (char === "\n") return "a line break";
  if (char === "\t") return "a tab";
  return JSON.stringify(char);
}

class Parser {
  private at = 0;

  constructor(
    private readonly text: string,
    private readonly places: Map<string, Place>,
  ) {}

  document(): unknown {
    this.skip();
    if (this.at >= this.text.length) throw new Failure("the text is empty; a schema is a JSON object, starting with {", 0);
    const value = this.value("");
    this.skip();
    if (this.at < this.text.length) {
      throw new Failure(`unexpected ${shown(this.text[this.at])} after the end of the document`, this.at);
    }
    return value;
  }

  private skip(): void {
    while (this.at < this.text.length && WHITESPACE.has(this.text[this.at] ?? "")) this.at++;
    if (this.text.startsWith("//", this.at) || this.text.startsWith("/*", this.at)) {
      throw new Failure("JSON has no comments; remove this one", this.at);
    }
  }

  private value(path: string): unknown {
    this.skip();
    this.places.set(path, placeOf(this.text, this.at));
    const char = this.text[this.at];
    if (char === "{") return this.object(path);
    if (char === "[") return this.array(path);
    if (char === '"') return this.string();
    if (char === "'") throw new Failure("strings in JSON use double quotes (\"), not single quotes", this.at);
    if (char === "-" || (char !== undefined && char >= "0" && char <= "9")) return this.number();
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return value;
      }
    }
    if (char === undefined) throw new Failure("the text ends where a value was expected", this.at);
    throw new Failure(`unexpected ${shown(char)}; expected a value (a "string", a number, an {object}, a [list], true, false or null)`, this.at);
  }

  private object(path: string): Record<string, unknown> {
    const open = this.at;
    this.at++; // {
    const out: Record<string, unknown> = {};
    this.skip();
    if (this.text[this.at] === "}") {
      this.at++;
      return out;
    }
    for (;;) {
      this.skip();
      const keyAt = this.at;
      const char = this.text[this.at];
      if (char === "}") throw new Failure("a comma before } is not allowed in JSON; remove the trailing comma", this.at);
      if (char === "'") throw new Failure("keys in JSON use double quotes (\"), not single quotes", this.at);
      if (char !== '"') {
        throw new Failure(
          char === undefined ? `the object opened at line ${placeOf(this.text, open).line} is never closed with }` : `expected a key in double quotes, found ${shown(char)}`,
          this.at,
        );
      }
      const key = this.string();
      if (Object.prototype.hasOwnProperty.call(out, key)) {
        throw new Failure(`the key ${JSON.stringify(key)} appears twice in this object; give it once`, keyAt);
      }
      const child = childPath(path, key);
      this.skip();
      if (this.text[this.at] !== ":") throw new Failure(`expected : after the key ${JSON.stringify(key)}, found ${shown(this.text[this.at])}`, this.at);
      this.at++;
      const value = this.value(child);
      this.places.set(child, placeOf(this.text, keyAt)); // a key's problems point at the key
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      this.skip();
      const next = this.text[this.at];
      if (next === ",") {
        this.at++;
        continue;
      }
      if (next === "}") {
        this.at++;
        return out;
      }
      if (next === undefined) throw new Failure(`the object opened at line ${placeOf(this.text, open).line} is never closed with }`, this.at);
      throw new Failure(`expected , or } after the value of ${JSON.stringify(key)}, found ${shown(next)}`, this.at);
    }
  }

  private array(path: string): unknown[] {
    const open = this.at;
    this.at++; // [
    const out: unknown[] = [];
    this.skip();
    if (this.text[this.at] === "]") {
      this.at++;
      return out;
    }
    for (;;) {
      this.skip();
      if (this.text[this.at] === "]") throw new Failure("a comma before ] is not allowed in JSON; remove the trailing comma", this.at);
      out.push(this.value(childPath(path, out.length)));
      this.skip();
      const next = this.text[this.at];
      if (next === ",") {
        this.at++;
        continue;
      }
      if (next === "]") {
        this.at++;
        return out;
      }
      if (next === undefined) throw new Failure(`the list opened at line ${placeOf(this.text, open).line} is never closed with ]`, this.at);
      throw new Failure(`expected , or ] after a list item, found ${shown(next)}`, this.at);
    }
  }

  private string(): string {
    const start = this.at;
    this.at++; // "
    let out = "";
    for (;;) {
      const char = this.text[this.at];
      if (char === undefined) throw new Failure("this string is never closed with \"", start);
      if (char === '"') {
        this.at++;
        return out;
      }
      if (char === "\n") throw new Failure("a string cannot span lines; close it with \" or write the line break as \\n", this.at);
      if (char < " ") throw new Failure(`a control character cannot appear in a string; write it as an escape such as \\t`, this.at);
      if (char === "\\") {
        const escape = this.text[this.at + 1];
        const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (escape !== undefined && escape in simple) {
          out += simple[escape];
          this.at += 2;
          continue;
        }
        if (escape === "u" && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.at + 2, this.at + 6))) {
          out += String.fromCharCode(parseInt(this.text.slice(this.at + 2, this.at + 6), 16));
          this.at += 6;
          continue;
        }
        throw new Failure(`${shown(`\\${escape ?? ""}`)} is not an escape JSON knows; write a backslash as \\\\`, this.at);
      }
      out += char;
      this.at++;
    }
  }

  private number(): number {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.at, this.at + 400));
    if (!match) throw new Failure(`this is not a number JSON can read (write it like 3, -0.5 or 1e3)`, this.at);
    const after = this.text[this.at + match[0].length];
    if (after !== undefined && /[0-9A-Za-z.]/.test(after)) {
      throw new Failure(`this is not a number JSON can read (write it like 3, -0.5 or 1e3; no leading zeros)`, this.at);
    }
    this.at += match[0].length;
    return Number(match[0]);
  }
}
