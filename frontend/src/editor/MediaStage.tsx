/**
 * The stage for a text, a recording or a video: what ImageStage is for an image. The
 * Workbench owns the work (regions with undo), the class picker, the region list and the
 * keys; a stage shows the task's media with the work on it and turns gestures into
 * `onAdd` / `onUpdate` calls, as ImageStage does, so undo, drafts, review and adjudication
 * work the same for every modality. Each modality's stage lives in its own folder and is
 * chosen here by the media's kind.
 */
import { forwardRef } from "react";
import type { Region, Unsaved } from "../lib/regions";
import type { Schema } from "../lib/schema";
import type { ActiveClass } from "./editorState";
import type { StageHandle } from "./ImageStage";
import type { StageMedia } from "./taskMedia";
import { AudioStage } from "./audio/AudioStage";
import { TextStage } from "./text/TextStage";
import { VideoStage } from "./video/VideoStage";

/** A key the stage handles itself (play/pause, frame steps), listed in the help overlay. */
export interface StageKey {
  hotkey: string;
  description: string;
  run: () => void;
}

export interface MediaStageProps<M extends StageMedia = StageMedia> {
  schema: Schema;
  media: M;
  /** The whole work: the stage shows what is placed on its media (spans, segments, tracks,
   * relations between them, transcriptions of them) and leaves the rest to the side panels. */
  regions: readonly Region[];
  /** A model's suggestions, shown apart from the work; a click on one takes it in. */
  predictions: readonly Region[];
  selected: string | null;
  /** The class the next region gets (the class picker's choice), if any. */
  active: ActiveClass | null;
  invalid: ReadonlySet<string>;
  colorOf: (region: Pick<Region, "label" | "value">) => string;
  onSelect: (id: string | null) => void;
  onAdd: (region: Unsaved<Region>) => void;
  /** One change of a region; changes with the same `coalesce` until `onGestureEnd` are one undo step. */
  onUpdate: (region: Region, coalesce: string) => void;
  onGestureEnd: () => void;
  onAcceptPrediction: (region: Region) => void;
  /** The work can be looked at and selected, never changed. */
  readOnly?: boolean;
  /** Other people's regions, each set in its own colour, never edited. */
  overlays?: readonly { id: string; color: string; regions: readonly Region[] }[];
  onOverlayPick?: (overlayId: string, region: Region) => void;
  /** The stage's own keys; called again whenever they change. */
  onKeys?: (keys: readonly StageKey[]) => void;
  /** Called once the media and the work are on screen (the load-to-interactive mark). */
  onReady?: () => void;
}

export const MediaStage = forwardRef<StageHandle, MediaStageProps>(function MediaStage(props, ref) {
  const { media } = props;
  // One case per modality, each rendering its folder's stage; TypeScript checks that every
  // kind of StageMedia has one.
  switch (media.kind) {
    case "audio":
      return <AudioStage ref={ref} {...props} media={media} />;
    case "text":
      return <TextStage ref={ref} {...props} media={media} />;
    case "video":
      return <VideoStage ref={ref} {...props} media={media} />;
  }
});
