/**
 * The controls beside the timeline for what is selected: a track's keyframe on this frame
 * (add or delete it, mark the object outside, go to the next or previous keyframe, the
 * attributes that change from this frame on), or a segment's ends; and, with a segment class
 * active, marking this frame or a range. Plain buttons and form controls, each with its key
 * in `aria-keyshortcuts`, so everything the keys do can be done without them.
 */
import { memo, type ReactElement } from "react";
import type { Attribute, AttributeValue, Label } from "../../lib/schema";
import type { VideoSegmentRegion, VideoTrackRegion } from "../../lib/regions";
import { useFrame, type FrameStore } from "./frameStore";
import { attributesAt } from "./keyframes";
import type { VideoCommand } from "./keys";
import { boxAt, keyframeOn } from "./tracks";

export interface TrackPanelProps {
  frame: number;
  track: VideoTrackRegion | null;
  trackLabel: Label | undefined;
  segment: VideoSegmentRegion | null;
  /** The active class, when it is a segment label's. */
  segmentClass: string | null;
  rangeStart: number | null;
  readOnly: boolean;
  keyOf: (command: VideoCommand) => string | undefined;
  run: (command: VideoCommand) => void;
  onKeyframeAttribute: (name: string, value: AttributeValue | undefined) => void;
  onSegmentEdge: (edge: "start" | "end") => void;
  onSeek: (frame: number) => void;
}

/** The panel at the current frame: it follows the frame only while a track or segment is
 * selected (nothing in it depends on the frame otherwise), so a step with nothing selected
 * does not render it. */
export function TrackPanel({ frames, ...props }: Omit<TrackPanelProps, "frame"> & { frames: FrameStore }) {
  const frame = useFrame(frames, props.track !== null || props.segment !== null);
  return <PanelAt {...props} frame={frame} />;
}

const PanelAt = memo(function PanelAt(props: TrackPanelProps) {
  const { frame, track, trackLabel, segment, segmentClass, rangeStart, readOnly, keyOf, run } = props;
  const button = (command: VideoCommand, text: string, extra: { pressed?: boolean; disabled?: boolean } = {}) => (
    <button type="button" aria-keyshortcuts={ariaKey(keyOf(command))} aria-pressed={extra.pressed} disabled={extra.disabled} onClick={() => run(command)}>
      {text}
    </button>
  );
  return (
    <div className="video-panel" role="group" aria-label="Selected track or segment">
      {track && <TrackControls {...props} track={track} label={trackLabel} button={button} />}
      {segment && (
        <p className="video-panel__line">
          <span>
            Segment <strong>{segment.value.class}</strong>: frames {segment.value.start}–{segment.value.end - 1}
          </span>
          <button type="button" onClick={() => props.onSeek(segment.value.start)}>
            Go to start
          </button>
          <button type="button" onClick={() => props.onSeek(segment.value.end - 1)}>
            Go to end
          </button>
          {!readOnly && (
            <>
              <button type="button" onClick={() => props.onSegmentEdge("start")} disabled={frame >= segment.value.end}>
                Start here
              </button>
              <button type="button" onClick={() => props.onSegmentEdge("end")} disabled={frame < segment.value.start}>
                End here
              </button>
            </>
          )}
        </p>
      )}
      {segmentClass && !readOnly && (
        <p className="video-panel__line">
          <span>
            Mark with <strong>{segmentClass}</strong>:
          </span>
          {button("mark_frame", "Mark frame")}
          {button("mark_range", rangeStart === null ? "Start range" : `End range (from frame ${rangeStart})`, { pressed: rangeStart !== null })}
        </p>
      )}
      {!track && !segment && !segmentClass && <p className="video-panel__line muted">Draw a box to start a track; select a track to edit its keyframes.</p>}
    </div>
  );
});

function TrackControls(props: TrackPanelProps & { track: VideoTrackRegion; label: Label | undefined; button: (command: VideoCommand, text: string, extra?: { pressed?: boolean; disabled?: boolean }) => ReactElement }) {
  const { frame, track, label, readOnly, button } = props;
  const { keyframes } = track.value;
  const on = keyframeOn(keyframes, frame);
  const inView = boxAt(keyframes, frame) !== null;
  const state = on >= 0 ? (keyframes[on]?.outside ? "keyframe: leaves the view here" : "keyframe on this frame") : inView ? "interpolated" : "not in view";
  const attributes = label?.attributes ?? [];
  const inForce = attributesAt(track.attributes, track.value, frame);
  return (
    <>
      <p className="video-panel__line">
        <span>
          Track <strong>#{track.value.track_id}</strong> {track.value.class} · {state} · {keyframes.length} keyframe{keyframes.length === 1 ? "" : "s"}
        </span>
        {button("previous_keyframe", "Previous keyframe")}
        {button("next_keyframe", "Next keyframe")}
        {!readOnly && button("toggle_keyframe", on >= 0 ? "Delete keyframe" : "Add keyframe", { disabled: on >= 0 && keyframes.length === 1 })}
        {!readOnly && button("toggle_outside", "Outside", { pressed: !inView })}
      </p>
      {attributes.length > 0 && (
        <fieldset className="video-panel__attributes" disabled={readOnly || !inView}>
          <legend>From this frame on{on >= 0 ? "" : " (adds a keyframe)"}</legend>
          {attributes.map((a) => (
            <AttributeField key={a.name} attribute={a} value={inForce[a.name]} onChange={(v) => props.onKeyframeAttribute(a.name, v)} />
          ))}
        </fieldset>
      )}
    </>
  );
}

function AttributeField({ attribute, value, onChange }: { attribute: Attribute; value: AttributeValue | undefined; onChange: (value: AttributeValue | undefined) => void }) {
  const id = `video-frame-attribute-${attribute.name}`;
  if (attribute.type === "bool") {
    return (
      <label className="video-panel__field" htmlFor={id}>
        <input id={id} type="checkbox" checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} /> {attribute.name}
      </label>
    );
  }
  if (attribute.type === "enum") {
    return (
      <label className="video-panel__field" htmlFor={id}>
        {attribute.name}{" "}
        <select id={id} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.currentTarget.value === "" ? undefined : e.currentTarget.value)}>
          <option value="">—</option>
          {(attribute.values ?? []).map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      </label>
    );
  }
  return (
    <label className="video-panel__field" htmlFor={id}>
      {attribute.name}{" "}
      <input
        id={id}
        type={attribute.type === "number" ? "number" : "text"}
        min={attribute.min}
        max={attribute.max}
        maxLength={attribute.max_length}
        value={value === undefined ? "" : String(value)}
        onChange={(e) => {
          const text = e.currentTarget.value;
          if (text === "") onChange(undefined);
          else if (attribute.type === "number") {
            const n = Number(text);
            if (Number.isFinite(n)) onChange(n);
          } else onChange(text);
        }}
      />
    </label>
  );
}

function ariaKey(hotkey: string | undefined): string | undefined {
  if (!hotkey) return undefined;
  return hotkey
    .split("+")
    .map((part) => ({ ctrl: "Control", alt: "Alt", shift: "Shift", space: "Space", arrowleft: "ArrowLeft", arrowright: "ArrowRight", home: "Home", end: "End" })[part] ?? part.toUpperCase())
    .join("+");
}
