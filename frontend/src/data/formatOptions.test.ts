import { describe, expect, it } from "vitest";
import type { FormatInfo } from "./api";
import { exportOptions, groupByModality, importOptions, importTargets, uploadHelp } from "./formatOptions";

function format(name: string, extra: Partial<FormatInfo> = {}): FormatInfo {
  return {
    name,
    title: name.toUpperCase(),
    description: "",
    extension: ".json",
    layout: "file",
    modality: "image",
    carries: ["tasks", "annotations"],
    import: true,
    export: true,
    exports: "items",
    settings: {},
    import_settings: {},
    export_settings: {},
    ...extra,
  };
}

describe("import options", () => {
  it("offers every target for labelled formats and only tasks for task data", () => {
    expect(importTargets(format("coco"))).toEqual(["annotations", "predictions", "gold", "tasks"]);
    expect(importTargets(format("csv", { carries: ["tasks"] }))).toEqual(["tasks"]);
  });

  it("sends only what the target uses and what was filled in", () => {
    const base = { author: " ann@example.org ", modelVersion: "m1", mediaPrefix: "", copyMedia: false, settings: { scheme: " iob2 ", unit: "" } };
    expect(importOptions({ ...base, target: "annotations" })).toEqual({ target: "annotations", author: "ann@example.org", settings: { scheme: "iob2" } });
    expect(importOptions({ ...base, target: "predictions", mediaPrefix: "imports/b/", copyMedia: true })).toEqual({
      target: "predictions",
      model_version: "m1",
      media_prefix: "imports/b/",
      copy_media: true,
      settings: { scheme: "iob2" },
    });
    expect(importOptions({ ...base, target: "tasks", settings: {} })).toEqual({ target: "tasks" });
  });

  it("says what to upload by the format's layout", () => {
    expect(uploadHelp(format("voc", { layout: "folder" }))).toMatch(/^A zip or tar archive/);
    expect(uploadHelp(format("coco"))).toMatch(/^A \.json file/);
  });
});

describe("export options", () => {
  it("asks label formats for regions and folder formats for media", () => {
    expect(exportOptions(format("coco"), "gold", true, {})).toEqual({ regions: "gold" });
    expect(exportOptions(format("voc", { layout: "folder" }), "final", true, {})).toEqual({ regions: "final", include_media: true });
    expect(exportOptions(format("jsonl", { exports: "records" }), "gold", false, { a: "1" })).toEqual({ settings: { a: "1" } });
  });
});

describe("grouping", () => {
  it("puts formats for any data first, then by modality, each in name order", () => {
    const groups = groupByModality([format("yolo"), format("jsonl", { modality: "any" }), format("conll", { modality: "text" }), format("coco")]);
    expect(groups.map((g) => [g.label, g.formats.map((f) => f.name)])).toEqual([
      ["Any data", ["jsonl"]],
      ["Images", ["coco", "yolo"]],
      ["Text", ["conll"]],
    ]);
  });
});
