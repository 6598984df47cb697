import type { ExportOptions, FormatInfo, ImportOptions } from "./api";

export type ImportTarget = NonNullable<ImportOptions["target"]>;
export type ExportRegions = NonNullable<ExportOptions["regions"]>;

export const TARGET_LABELS: Record<ImportTarget, string> = {
  annotations: "Annotations",
  predictions: "Predictions (pre-labels)",
  gold: "Gold answers",
  tasks: "Tasks only (labels dropped)",
};

export const REGION_LABELS: Record<ExportRegions, string> = {
  final: "Final answer (accepted result, else the latest answer)",
  gold: "Gold answers",
  predictions: "Latest predictions, with scores",
};

const MODALITY_LABELS: Record<FormatInfo["modality"], string> = {
  any: "Any data",
  image: "Images",
  text: "Text",
  audio: "Audio",
  video: "Video",
};

/** What a format's labels may become on import: every target for formats that carry labels,
 * only "tasks" for formats of task data alone. */
export function importTargets(format: FormatInfo | undefined): ImportTarget[] {
  if (!format) return ["annotations"];
  const labelled = format.carries.some((c) => c !== "tasks");
  return labelled ? ["annotations", "predictions", "gold", "tasks"] : ["tasks"];
}

/** Formats in `<optgroup>`s by modality, "any" first, each group in name order. */
export function groupByModality(formats: FormatInfo[]): { label: string; formats: FormatInfo[] }[] {
  const order: FormatInfo["modality"][] = ["any", "image", "text", "audio", "video"];
  return order
    .map((modality) => ({
      label: MODALITY_LABELS[modality],
      formats: formats.filter((f) => f.modality === modality).sort((a, b) => a.name.localeCompare(b.name)),
    }))
    .filter((group) => group.formats.length > 0);
}

export interface ImportChoices {
  target: ImportTarget;
  author: string;
  modelVersion: string;
  mediaPrefix: string;
  copyMedia: boolean;
  settings: Record<string, string>;
}

/** The options a job is started with: only what the user set, and only what the target uses. */
export function importOptions(choices: ImportChoices): ImportOptions {
  const options: ImportOptions = { target: choices.target };
  const author = choices.author.trim();
  const modelVersion = choices.modelVersion.trim();
  const mediaPrefix = choices.mediaPrefix.trim();
  if (choices.target === "annotations" && author) options.author = author;
  if (choices.target === "predictions" && modelVersion) options.model_version = modelVersion;
  if (mediaPrefix) options.media_prefix = mediaPrefix;
  if (choices.copyMedia) options.copy_media = true;
  const settings = filledSettings(choices.settings);
  if (settings) options.settings = settings;
  return options;
}

export function exportOptions(format: FormatInfo | undefined, regions: ExportRegions, includeMedia: boolean, settings: Record<string, string>): ExportOptions {
  const options: ExportOptions = {};
  if (format?.exports === "items") options.regions = regions;
  if (format?.layout === "folder" && includeMedia) options.include_media = true;
  const filled = filledSettings(settings);
  if (filled) options.settings = filled;
  return options;
}

function filledSettings(settings: Record<string, string>): Record<string, string> | null {
  const entries = Object.entries(settings)
    .map(([name, value]) => [name, value.trim()] as const)
    .filter(([, value]) => value !== "");
  return entries.length ? Object.fromEntries(entries) : null;
}

/** The help line under the file input: what to upload for this format. */
export function uploadHelp(format: FormatInfo | undefined): string {
  if (!format) return "";
  const what = format.layout === "folder" ? "A zip or tar archive of the dataset's folder" : `A ${format.extension} file (or a zip holding it and its media)`;
  return `${what}. The whole upload is checked first: one bad record imports nothing and names the file and the position. Tasks already in the project are skipped.`;
}
