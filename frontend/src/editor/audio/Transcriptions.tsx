/**
 * The selected segment's text, one box per transcription label on the recording: a
 * `transcription` region whose `region` is the segment's id (docs/regions.md). The first
 * keystroke adds the region, the next ones change it as one undo step until the box is left.
 * A schema without a transcription label on the recording has no boxes.
 */
import type { AudioSegmentRegion, Region, Unsaved } from "../../lib/regions";
import type { Label } from "../../lib/schema";
import { describeSegment, transcriptionOf } from "./segments";

export function Transcriptions({
  labels,
  segment,
  regions,
  readOnly,
  onAdd,
  onUpdate,
  onGestureEnd,
  onSelect,
}: {
  labels: readonly Label[];
  segment: AudioSegmentRegion | null;
  regions: readonly Region[];
  readOnly: boolean;
  onAdd: (region: Unsaved<Region>) => void;
  onUpdate: (region: Region, coalesce: string) => void;
  onGestureEnd: () => void;
  onSelect: (id: string | null) => void;
}) {
  if (labels.length === 0) return null;
  if (!segment) {
    return <p className="audio-stage__hint muted">Select a segment to transcribe it.</p>;
  }
  return (
    <div className="audio-stage__transcripts" role="group" aria-label={`Transcription of ${describeSegment(segment)}`}>
      {labels.map((label) => {
        const existing = transcriptionOf(regions, label.name, segment.id);
        const change = (text: string) => {
          if (existing) {
            onUpdate({ ...existing, value: { ...existing.value, text } }, `transcribe-${existing.id}`);
          } else {
            onAdd({ label: label.name, type: "transcription", value: { text, region: segment.id } });
            // Adding selects the new region; the box stays with its segment.
            onSelect(segment.id);
          }
        };
        return (
          <label key={label.name} className="audio-stage__transcript">
            <span>
              {label.name} <span className="muted">{describeSegment(segment)}</span>
            </span>
            <textarea
              key={segment.id}
              value={existing?.value.text ?? ""}
              readOnly={readOnly}
              maxLength={label.rules?.max_length}
              onChange={(e) => change(e.target.value)}
              onBlur={onGestureEnd}
              rows={2}
            />
          </label>
        );
      })}
    </div>
  );
}
