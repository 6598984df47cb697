import { describe, expect, it } from "vitest";
import type { Region } from "../../lib/regions";
import type { Schema } from "../../lib/schema";
import { initialState, makeReducer, regionsOf } from "../editorState";

const schema: Schema = {
  data: [{ name: "audio", type: "audio" }],
  labels: [
    { name: "sounds", type: "audio_segment", source: "audio", classes: [{ name: "speech" }] },
    { name: "words", type: "transcription", source: "audio" },
  ],
};
const reduce = makeReducer(schema);
const segment: Region = { id: "r1", label: "sounds", type: "audio_segment", value: { class: "speech", start: 1, end: 2 } };
const tied: Region = { id: "r2", label: "words", type: "transcription", value: { text: "hello", region: "r1" } };

describe("the editor with segment transcriptions", () => {
  it("keeps a segment's text apart from the whole recording's", () => {
    let state = initialState(schema, [segment, tied]);
    state = reduce(state, { type: "set_item", label: "words", region: { label: "words", type: "transcription", value: { text: "all of it" } } });
    expect(regionsOf(state)).toEqual([segment, tied, { id: "r3", label: "words", type: "transcription", value: { text: "all of it" } }]);
    state = reduce(state, { type: "set_item", label: "words", region: null });
    expect(regionsOf(state)).toEqual([segment, tied]);
  });

  it("deletes a segment's transcription with the segment", () => {
    const other: Region = { id: "r3", label: "sounds", type: "audio_segment", value: { class: "speech", start: 3, end: 4 } };
    const state = reduce(initialState(schema, [segment, tied, other]), { type: "delete", id: "r1" });
    expect(regionsOf(state)).toEqual([other]);
  });
});
