import { describe, expect, it } from "vitest";
import { locate, parseJson, placeOf } from "./jsonText";

function errorOf(text: string) {
  const result = parseJson(text);
  if (result.ok) throw new Error(`expected a syntax error in ${text}`);
  return result.error;
}

describe("parseJson", () => {
  it("reads what JSON.parse reads", () => {
    for (const text of ['{"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"]}', "[]", '"s"', "0", '{"nested": {"deep": [{}]}}']) {
      const result = parseJson(text);
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.value).toEqual(JSON.parse(text));
    }
  });

  it("gives the line and column of a missing comma", () => {
    const text = '{\n  "data": [],\n  "labels": []\n  "extra": 1\n}';
    expect(errorOf(text)).toMatchObject({ line: 4, column: 3, message: 'expected , or } after the value of "labels", found "\\""' });
  });

  it("names a trailing comma", () => {
    expect(errorOf('{"a": 1,\n}')).toMatchObject({ line: 2, column: 1, message: expect.stringContaining("trailing comma") });
    expect(errorOf("[1, 2, ]")).toMatchObject({ line: 1, column: 8, message: expect.stringContaining("trailing comma") });
  });

  it("names single quotes, comments and bare words in plain words", () => {
    expect(errorOf("{'a': 1}").message).toContain("double quotes");
    expect(errorOf('{"a": // no\n 1}').message).toContain("no comments");
    expect(errorOf('{"a": yes}')).toMatchObject({ line: 1, column: 7, message: expect.stringContaining('unexpected "y"') });
  });

  it("says where an unclosed object began", () => {
    expect(errorOf('{\n  "labels": [\n    {"name": "x"}\n  ]\n').message).toBe("the object opened at line 1 is never closed with }");
    expect(errorOf('{"a": [1, 2').message).toBe("the list opened at line 1 is never closed with ]");
    expect(errorOf('{"a": "open\n}')).toMatchObject({ line: 1, column: 12, message: expect.stringContaining("cannot span lines") });
  });

  it("refuses a key given twice, at the second one", () => {
    expect(errorOf('{"name": "a",\n "name": "b"}')).toMatchObject({ line: 2, column: 2, message: expect.stringContaining('"name" appears twice') });
  });

  it("refuses numbers JSON does not know", () => {
    expect(errorOf('{"a": 01}').message).toContain("not a number");
    expect(errorOf('{"a": .5}').message).toContain("unexpected");
    expect(errorOf('{"a": 1.}').message).toContain("not a number");
  });

  it("refuses an empty text and text after the document", () => {
    expect(errorOf("  ").message).toContain("empty");
    expect(errorOf("{} x")).toMatchObject({ column: 4, message: expect.stringContaining("after the end") });
  });
});

describe("locate", () => {
  const text = `{
  "data": [{"name": "image", "type": "image"}],
  "labels": [
    {"name": "objects", "type": "box", "source": "image",
     "classes": [{"name": "car", "colour": "red"}]}
  ]
}`;
  const result = parseJson(text);
  if (!result.ok) throw new Error("the example is valid JSON");

  it("finds a key at its line and column", () => {
    expect(locate(result.places, "labels[0].type")).toMatchObject({ line: 4, column: 25 });
    expect(locate(result.places, "labels[0].classes[0].colour")).toMatchObject({ line: 5, column: 34 });
  });

  it("falls back to the enclosing value for a missing key, and the root for `schema`", () => {
    expect(locate(result.places, "labels[0].rules.min_width")).toMatchObject({ line: 4 });
    expect(locate(result.places, "labels[3]")).toMatchObject({ line: 3 });
    expect(locate(result.places, "schema")).toMatchObject({ line: 1, column: 1 });
  });
});

describe("placeOf", () => {
  it("counts lines and columns from 1", () => {
    expect(placeOf("ab\ncd", 0)).toEqual({ line: 1, column: 1, offset: 0 });
    expect(placeOf("ab\ncd", 4)).toEqual({ line: 2, column: 2, offset: 4 });
  });
});
