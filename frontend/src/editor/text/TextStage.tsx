/**
 * The stage for a text or HTML field (docs/text.md): the document a page at a time, spans as
 * stacked underlines under it, relations listed below. A selection with the mouse, or with
 * the keyboard cursor (arrow keys in the text), becomes a span of the class picker's class,
 * snapped outward to whole tokens (tokens.ts; Alt keeps it exact); a click selects a span
 * (again: the next span under the pointer), takes a pre-label in, or in adjudication takes
 * another annotator's span. The relate key (or button) starts a relation from the selected
 * span; the next span clicked, or selected with Tab and the relate key again, is its target.
 *
 * Offsets are code points in the work and UTF-16 on screen (offsets.ts converts); every page
 * keeps the document's global offsets (pages.ts), and is shown with seams of its neighbours,
 * so a selection may run from one page onto the next. A span over more than a seam is made
 * from a click and a Shift+click pages apart, or with the keyboard cursor, which keeps its
 * document offsets while pages turn: neither needs both ends in the DOM at once. HTML is
 * shown as document.ts rebuilt it, never through innerHTML.
 */
import { forwardRef, memo, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type CSSProperties, type MouseEvent as ReactMouseEvent, type ReactNode, type UIEvent } from "react";
import { buildKeymap, hotkeyId, parseHotkey } from "../../lib/hotkeys";
import type { RelationRegion } from "../../lib/regions";
import type { Label } from "../../lib/schema";
import type { StageHandle } from "../ImageStage";
import type { MediaStageProps, StageKey } from "../MediaStage";
import type { StageMedia } from "../taskMedia";
import { VOID_TAGS, textDoc, type DocNode } from "./document";
import { pieces, type Piece } from "./layout";
import { laneCount, pieceStyle, spanMarks, type MarkSource, type PieceStyle, type SpanMark } from "./marks";
import { TextOffsets } from "./offsets";
import { pageOf, paginate, withSeams, type PageView as ShownPage } from "./pages";
import { RelationPanel, relationLabelsFor } from "./RelationPanel";
import { exactRange, nextToken, previousToken, snapToTokens, tokenRanges } from "./tokens";
import "./text.css";

type TextMedia = Extract<StageMedia, { kind: "text" }>;

/** A relation being made: from a span, with the relation label and class it will get. */
export interface Relating {
  from: string;
  label: string;
  class?: string;
}

/** A token of the text: UTF-16 [start, end) in the document. */
type Token = readonly [number, number];

/** The keyboard cursor: the token it started on and the token it reaches, in document
 * offsets, so it keeps its place while pages turn and may run over any number of them. */
interface Cursor {
  anchor: Token;
  focus: Token;
}

const NO_OVERLAYS: NonNullable<MediaStageProps["overlays"]> = [];
const CURSOR_KEYS = new Set(["ArrowRight", "ArrowLeft", "Home", "End", "Enter", "Escape"]);

/** The first of `candidates` no schema or built-in key uses (stage keys override the keymap). */
function freeKey(taken: ReadonlySet<string>, candidates: readonly string[]): string | null {
  return candidates.find((c) => !taken.has(hotkeyId(parseHotkey(c)))) ?? null;
}

export const TextStage = forwardRef<StageHandle, MediaStageProps<TextMedia>>(function TextStage(props, ref) {
  const { schema, media, regions, predictions, selected, invalid, colorOf, readOnly = false } = props;
  const overlays = props.overlays ?? NO_OVERLAYS;
  const doc = useMemo(() => textDoc(media.text, media.html), [media.text, media.html]);
  const offsets = useMemo(() => new TextOffsets(doc.text), [doc]);
  const pages = useMemo(() => paginate(doc), [doc]);
  const [pageIndex, setPageIndex] = useState(0);
  const shownIndex = Math.min(pageIndex, pages.length - 1);
  // The page with its seams: what is on screen, [view.start, view.end).
  const view = useMemo(() => withSeams(doc, pages, shownIndex), [doc, pages, shownIndex]);
  const page = view.page;
  const [snap, setSnap] = useState(true);
  const [relating, setRelating] = useState<Relating | null>(null);
  const [cursor, setCursor] = useState<Cursor | null>(null);
  // Where the last plain click in the text fell (UTF-16), kept while pages turn: a
  // Shift+click, on this page or another, marks a span from there to where it falls.
  const [clickAnchor, setClickAnchor] = useState<number | null>(null);
  const [hint, setHint] = useState<string | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const latest = useRef(props);
  latest.current = props;

  const spanLabels = useMemo(
    () => schema.labels.filter((l) => l.type === "span" && l.source === media.field.name),
    [schema, media.field.name],
  );
  const spanLabelNames = useMemo(() => new Set(spanLabels.map((l) => l.name)), [spanLabels]);
  const relationLabels = useMemo(() => schema.labels.filter((l) => l.type === "relation"), [schema]);

  const marks = useMemo(() => {
    const sources: MarkSource[] = [
      { kind: "work", regions, color: (r) => colorOf(r) },
      { kind: "prediction", regions: predictions, color: (r) => colorOf(r) },
      ...overlays.map((o) => ({ kind: "overlay" as const, regions: o.regions, color: () => o.color, overlay: o.id })),
    ];
    return spanMarks(sources, spanLabelNames, offsets);
  }, [regions, predictions, overlays, colorOf, spanLabelNames, offsets]);
  const work = useMemo(() => new Map(marks.filter((m) => m.kind === "work").map((m) => [m.key, m])), [marks]);
  const pageMarks = useMemo(() => marks.filter((m) => m.start < view.end && m.end > view.start), [marks, view]);
  const lanes = laneCount(pageMarks);
  const relations = useMemo(() => regions.filter((r): r is RelationRegion => r.type === "relation"), [regions]);
  const selectedRegion = regions.find((r) => r.id === selected) ?? null;
  // A selected relation lights up both of its ends.
  const endpoints = useMemo(
    () => (selectedRegion?.type === "relation" ? new Set([selectedRegion.value.from, selectedRegion.value.to]) : null),
    [selectedRegion],
  );
  // The tokens shown, found only once the keyboard cursor is used (a regex per character).
  const tokenCache = useRef<{ view: ShownPage; tokens: [number, number][] } | null>(null);
  const pageTokens = useCallback(() => {
    if (tokenCache.current?.view !== view) tokenCache.current = { view, tokens: tokenRanges(doc.text, view.start, view.end) };
    return tokenCache.current.tokens;
  }, [doc, view]);
  const cursorRange = useMemo(
    (): [number, number] | null => (cursor ? [Math.min(cursor.anchor[0], cursor.focus[0]), Math.max(cursor.anchor[1], cursor.focus[1])] : null),
    [cursor],
  );

  useImperativeHandle(
    ref,
    () => ({ zoomBy: () => undefined, fit: () => undefined, finishShape: () => undefined, cancelShape: () => cancel(), undoPoint: () => false }),
  );

  // Escape: a relation being made, then the keyboard cursor, then (the Workbench) the selection.
  const relatingRef = useRef(relating);
  relatingRef.current = relating;
  const cursorRef = useRef(cursor);
  cursorRef.current = cursor;
  const clickAnchorRef = useRef(clickAnchor);
  clickAnchorRef.current = clickAnchor;
  function cancel(): boolean {
    setClickAnchor(null); // dropped on the way, without taking the key
    if (relatingRef.current) {
      setRelating(null);
      return true;
    }
    if (cursorRef.current) {
      setCursor(null);
      return true;
    }
    return false;
  }

  // The page follows the selection (Tab through spans, a click in the region list) when the
  // span does not start on screen (a span in a seam is shown where it is).
  const viewRef = useRef(view);
  viewRef.current = view;
  useEffect(() => {
    const mark = selected ? work.get(selected) : undefined;
    if (!mark) return;
    const shown = viewRef.current;
    if (mark.start >= shown.start && mark.start < shown.end) return;
    const target = pageOf(pages, mark.start);
    setPageIndex((now) => (now === target ? now : target));
  }, [selected, work, pages]);
  // Scrolled to on the next frame, not now: scrolling needs the layout, and forcing it on
  // every Tab (faster than frames when the key is held) lays the page out once per key.
  useEffect(() => {
    const mark = selected ? work.get(selected) : undefined;
    if (!mark) return;
    const frame = requestAnimationFrame(() => {
      const piece = root.current?.querySelector(`[data-at="${Math.max(mark.start, view.start)}"]`);
      if (piece && "scrollIntoView" in piece) piece.scrollIntoView({ block: "nearest" });
    });
    return () => cancelAnimationFrame(frame);
  }, [selected, work, view]);

  // The cursor's moving end is kept in view, on the next frame as a selected span is.
  useEffect(() => {
    if (!cursor || cursor.focus[0] < view.start || cursor.focus[0] >= view.end) return;
    const forward = cursor.focus[0] >= cursor.anchor[0];
    const frame = requestAnimationFrame(() => {
      const shown = root.current?.querySelectorAll(".text-piece--cursor");
      const piece = shown?.[forward ? shown.length - 1 : 0];
      if (piece && "scrollIntoView" in piece) piece.scrollIntoView({ block: "nearest" });
    });
    return () => cancelAnimationFrame(frame);
  }, [cursor, view]);

  // A new page starts at its top. The scroll offset is noted as it changes, so a page turn
  // that finds the text at its top (as when turning page after page) does not set it, which
  // would lay the new page out there and then.
  const scrolled = useRef(0);
  const onScroll = useCallback((event: UIEvent<HTMLDivElement>) => {
    scrolled.current = event.currentTarget.scrollTop;
  }, []);
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element || scrolled.current === 0) return;
    element.scrollTop = 0;
    scrolled.current = 0;
  }, [shownIndex]);

  const onReady = props.onReady;
  useEffect(() => {
    onReady?.();
  }, [onReady]);

  const labelFor = useCallback(
    (name: string): Label | undefined => spanLabels.find((l) => l.name === name),
    [spanLabels],
  );

  /** A new span over UTF-16 [a, b) with the active class. */
  const addSpan = useCallback(
    (a: number, b: number, exact: boolean) => {
      const { active: chosen, onAdd } = latest.current;
      if (readOnly) return;
      const label = chosen ? labelFor(chosen.label) : undefined;
      if (!chosen || !label) {
        setHint(spanLabels.length ? "Pick a class first: a selection becomes a span of the chosen class." : "This schema has no span label on this field.");
        return;
      }
      const range = exact || !snap ? exactRange(doc.text, a, b) : snapToTokens(doc.text, a, b);
      if (!range) return;
      setHint(null);
      onAdd({ label: label.name, type: "span", value: { class: chosen.class, start: offsets.toCodePoint(range[0]), end: offsets.toCodePoint(range[1]) } });
      // Left unselected, so the next class key picks the next span's class (as a drawing
      // tool does for shapes) instead of relabelling this one; a click selects it.
      latest.current.onSelect(null);
    },
    [readOnly, labelFor, spanLabels.length, snap, doc, offsets],
  );

  const relate = useCallback(
    (from: string, to: string, how: Relating) => {
      if (from === to) return;
      latest.current.onAdd({ label: how.label, type: "relation", value: how.class === undefined ? { from, to } : { from, to, class: how.class } });
      setRelating(null);
    },
    [],
  );

  /** Start relating from the selected span, or, while relating, end at it. */
  const relateKey = useCallback(
    (how?: { label: string; class?: string }) => {
      if (readOnly) return;
      const now = latest.current.selected;
      const mark = now ? work.get(now) : undefined;
      const current = relatingRef.current;
      if (current && mark && mark.key !== current.from && !how) {
        relate(current.from, mark.key, current);
        return;
      }
      if (!mark) {
        setHint("Select a span first: a relation goes from the selected span to the next one you click.");
        return;
      }
      const allowed = relationLabelsFor(relationLabels, mark.region.label);
      const label = how ? allowed.find((l) => l.name === how.label) : allowed[0];
      if (!label) {
        setHint(`No relation label connects ${mark.region.label} spans.`);
        return;
      }
      setHint(null);
      setRelating({ from: mark.key, label: label.name, class: how?.class ?? label.classes?.[0]?.name });
    },
    [readOnly, work, relationLabels, relate],
  );

  const selectRelation = useCallback((id: string) => latest.current.onSelect(id), []);

  const goPage = useCallback((step: number) => setPageIndex((now) => Math.max(0, Math.min(pages.length - 1, now + step))), [pages.length]);

  // The stage's own keys, on keys neither the schema nor the editor uses.
  const { onKeys } = props;
  const taken = useMemo(() => new Set(buildKeymap(schema).map((b) => hotkeyId(b.hotkey))), [schema]);
  const keys = useMemo(() => {
    const out: StageKey[] = [];
    const add = (candidates: string[], description: string, run: () => void) => {
      const hotkey = freeKey(taken, candidates);
      if (hotkey) out.push({ hotkey, description, run });
    };
    if (pages.length > 1) {
      add(["alt+pagedown", "alt+shift+pagedown"], "Next page of the text", () => goPage(1));
      add(["alt+pageup", "alt+shift+pageup"], "Previous page of the text", () => goPage(-1));
    }
    if (!readOnly) {
      add(["alt+s", "alt+shift+s"], "Snap selections to whole tokens, or not", () => setSnap((s) => !s));
      if (relationLabels.length > 0) {
        add(["r", "shift+r", "alt+r"], "Relate: from the selected span; again on another span to finish", () => relateKey());
        // A relation class's own hotkey starts (or re-classes) a relation of that class.
        for (const label of relationLabels) {
          for (const c of label.classes ?? []) {
            if (c.hotkey) out.push({ hotkey: c.hotkey, description: `Relate as ${c.name} (${label.name})`, run: () => relateKey({ label: label.name, class: c.name }) });
          }
        }
      }
    }
    return out;
  }, [taken, pages.length, readOnly, relationLabels, goPage, relateKey]);
  useEffect(() => {
    onKeys?.(keys);
  }, [keys, onKeys]);
  useEffect(() => () => latest.current.onKeys?.([]), []);

  /** The span marks under a click, innermost first. */
  const marksAt = useCallback(
    (at: number) => pageMarks.filter((m) => m.start <= at && at < m.end).sort((a, b) => a.end - a.start - (b.end - b.start)),
    [pageMarks],
  );

  const onMouseUp = useCallback(
    (event: ReactMouseEvent) => {
      const element = root.current;
      if (!element || event.button !== 0) return;
      const selection = window.getSelection();
      const focus = selection?.focusNode && element.contains(selection.focusNode) ? offsetAt(element, selection.focusNode, selection.focusOffset, view) : null;
      // Shift+click: from the last click, which may be pages away, to this one.
      const from = clickAnchorRef.current;
      if (event.shiftKey && from !== null && focus !== null && focus !== from && !readOnly && !relatingRef.current) {
        selection?.removeAllRanges();
        setCursor(null);
        setClickAnchor(null);
        addSpan(Math.min(from, focus), Math.max(from, focus), event.altKey);
        return;
      }
      if (selection && !selection.isCollapsed && selection.rangeCount > 0 && selection.anchorNode && selection.focusNode) {
        const a = offsetAt(element, selection.anchorNode, selection.anchorOffset, view);
        const b = offsetAt(element, selection.focusNode, selection.focusOffset, view);
        selection.removeAllRanges();
        if (a !== b) {
          setCursor(null);
          setClickAnchor(null);
          addSpan(Math.min(a, b), Math.max(a, b), event.altKey);
          return;
        }
      }
      if (focus !== null && !relatingRef.current) setClickAnchor(focus);
      const piece = (event.target as Element).closest?.("[data-at]");
      if (!piece || !element.contains(piece)) {
        if (!relatingRef.current) latest.current.onSelect(null);
        return;
      }
      const at = Number(piece.getAttribute("data-at"));
      const under = marksAt(at);
      const own = under.filter((m) => m.kind === "work");
      const current = relatingRef.current;
      if (current) {
        const target = own.find((m) => m.key !== current.from);
        if (target) relate(current.from, target.key, current);
        return;
      }
      const { selected: now, onSelect, onAcceptPrediction, onOverlayPick } = latest.current;
      if (own.length > 0) {
        // A second click on a nested span selects the next one out.
        const at = own.findIndex((m) => m.key === now);
        onSelect((own[(at + 1) % own.length] as SpanMark).key);
        return;
      }
      const prediction = under.find((m) => m.kind === "prediction");
      if (prediction && !readOnly) {
        onAcceptPrediction(prediction.region);
        return;
      }
      const overlay = under.find((m) => m.kind === "overlay");
      if (overlay && onOverlayPick && overlay.overlay !== undefined) {
        onOverlayPick(overlay.overlay, overlay.region);
        return;
      }
      onSelect(null);
    },
    [view, addSpan, marksAt, relate, readOnly],
  );

  // The keyboard cursor: ←/→ move a token, Shift extends, Home/End, Enter makes the span.
  // Past what is shown the cursor goes on into the next (or previous) page, which turns; a
  // cursor left on another page is taken up again on the first (←: last) token shown, with
  // its anchor kept under Shift, so a span may run over any number of pages.
  const onKeyDown = useCallback(
    (event: ReactKeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || !CURSOR_KEYS.has(event.key)) return;
      const shown = (t: Token) => t[0] >= view.start && t[0] < view.end;
      const current = cursor && shown(cursor.focus) ? cursor : null;
      const place = (focus: Token | null | undefined) => {
        if (!focus) return;
        setCursor({ anchor: event.shiftKey && cursor ? cursor.anchor : focus, focus });
        if (!shown(focus)) setPageIndex(pageOf(pages, focus[0]));
      };
      let handled = true;
      switch (event.key) {
        case "ArrowRight":
          place(current ? nextToken(doc.text, current.focus[1]) : pageTokens()[0]);
          break;
        case "ArrowLeft":
          place(current ? previousToken(doc.text, current.focus[0]) : pageTokens().at(-1));
          break;
        case "Home":
          place(pageTokens()[0]);
          break;
        case "End":
          place(pageTokens().at(-1));
          break;
        case "Enter":
          if (cursor && cursorRange && !readOnly) {
            addSpan(cursorRange[0], cursorRange[1], true);
            setCursor({ anchor: cursor.focus, focus: cursor.focus });
          } else handled = false;
          break;
        case "Escape":
          if (cursor) {
            setCursor(null);
            setClickAnchor(null);
          } else handled = false;
          break;
        default:
          handled = false;
      }
      if (handled) {
        event.preventDefault();
        event.stopPropagation();
      }
    },
    [view, pages, doc, pageTokens, cursor, cursorRange, readOnly, addSpan],
  );

  const selectedMark = selected ? work.get(selected) : undefined;
  // The last click, when it is on another page: said, so a Shift+click here is expected.
  const anchorElsewhere = clickAnchor !== null && !readOnly && (clickAnchor < view.start || clickAnchor >= view.end) ? clickAnchor : null;
  const status = relating
    ? `Relating from ${describe(work.get(relating.from), doc.text)}: click the target span, or select it and press the relate key.`
    : (hint ??
      (anchorElsewhere !== null
        ? `Shift+click marks a span from “${doc.text.slice(anchorElsewhere, anchorElsewhere + 24).trim()}…” on page ${pageOf(pages, anchorElsewhere) + 1} to where you click.`
        : null));

  return (
    <div className="text-stage">
      <div className="text-stage__bar">
        {pages.length > 1 && (
          <nav className="text-stage__pager" aria-label="Pages of the text">
            <button type="button" onClick={() => goPage(-1)} disabled={pageIndex === 0} aria-label="Previous page">
              ‹
            </button>
            <span aria-live="polite">
              Page {pageIndex + 1} of {pages.length}
            </span>
            <button type="button" onClick={() => goPage(1)} disabled={pageIndex >= pages.length - 1} aria-label="Next page">
              ›
            </button>
          </nav>
        )}
        {!readOnly && (
          <label className="text-stage__snap">
            <input type="checkbox" checked={snap} onChange={(e) => setSnap(e.target.checked)} /> Snap to tokens
          </label>
        )}
        {!readOnly && relationLabels.length > 0 && (
          <button type="button" onClick={() => relateKey()} disabled={!selectedMark && !relating} aria-pressed={relating !== null}>
            Relate
          </button>
        )}
        {relating && (
          <RelatingChoice
            relating={relating}
            labels={relationLabelsFor(relationLabels, work.get(relating.from)?.region.label ?? "")}
            onChange={setRelating}
          />
        )}
        {status && (
          <p className="text-stage__status" role="status">
            {status}
          </p>
        )}
      </div>
      <div ref={scroller} className="text-stage__scroller" onScroll={onScroll}>
        <div
          ref={root}
          className={`text-stage__doc${doc.html ? " text-stage__doc--html" : ""}${relating ? " text-stage__doc--relating" : ""}`}
          role="region"
          aria-label="Text"
          aria-describedby="text-stage-help"
          tabIndex={0}
          style={{ "--text-lanes": lanes } as CSSProperties}
          data-page-start={page.start}
          data-page-end={page.end}
          onMouseUp={onMouseUp}
          onKeyDown={onKeyDown}
        >
          <PageView
            doc={doc}
            view={view}
            number={shownIndex + 1}
            marks={pageMarks}
            selected={selected}
            invalid={invalid}
            endpoints={endpoints}
            relatingFrom={relating?.from ?? null}
            cursor={cursorRange}
          />
        </div>
      </div>
      <p id="text-stage-help" className="text-stage__help">
        {readOnly
          ? "Click a span to select it."
          : "Select text to mark it with the chosen class (it snaps to whole words; hold Alt to keep it exact), or click where a span starts and Shift+click where it ends, pages on if need be. Or focus the text: ←/→ move by token, Shift+←/→ extend, Enter marks. Click a span to select it, again for the span around it."}
      </p>
      <RelationPanel
        relations={relations}
        overlays={overlays}
        work={work}
        text={doc.text}
        offsets={offsets}
        selected={selectedRegion?.type === "relation" ? selected : null}
        colorOf={colorOf}
        onSelect={selectRelation}
      />
    </div>
  );
});

function RelatingChoice({ relating, labels, onChange }: { relating: Relating; labels: readonly Label[]; onChange: (r: Relating) => void }) {
  const options = labels.flatMap((l) => ((l.classes?.length ?? 0) > 0 ? (l.classes ?? []).map((c) => ({ label: l.name, class: c.name as string | undefined })) : [{ label: l.name, class: undefined }]));
  if (options.length < 2) return null;
  const key = (o: { label: string; class?: string }) => `${o.label}\u0000${o.class ?? ""}`;
  return (
    <label className="text-stage__relating">
      as{" "}
      <select
        aria-label="Relation class"
        value={key(relating)}
        onChange={(e) => {
          const chosen = options.find((o) => key(o) === e.target.value);
          if (chosen) onChange({ ...relating, ...chosen });
        }}
      >
        {options.map((o) => (
          <option key={key(o)} value={key(o)}>
            {o.class ?? o.label}
            {o.class && labels.length > 1 ? ` (${o.label})` : ""}
          </option>
        ))}
      </select>
    </label>
  );
}

function describe(mark: SpanMark | undefined, text: string): string {
  if (!mark) return "a span";
  const slice = text.slice(mark.start, mark.end);
  return `“${slice.length > 40 ? `${slice.slice(0, 39)}…` : slice}” (${mark.region.value.class})`;
}

/**
 * The document offset (UTF-16) of a DOM point from a selection: the text offset within the
 * piece holding it, else the start of the first piece at or after it (a point outside the
 * page's text, on a line break or past the end, falls on the nearest piece edge).
 */
export function offsetAt(root: HTMLElement, node: Node, offset: number, page: { start: number; end: number }): number {
  if (node.nodeType === 3) {
    const piece = node.parentElement?.closest("[data-at]");
    if (piece && root.contains(piece)) return Math.min(Number(piece.getAttribute("data-at")) + offset, Number(piece.getAttribute("data-end")));
  }
  const point = document.createRange();
  point.setStart(node, offset);
  const all = root.querySelectorAll("[data-at]");
  for (const piece of Array.from(all)) {
    if (point.comparePoint(piece, 0) >= 0) return Number(piece.getAttribute("data-at"));
  }
  return page.end;
}

interface PageViewProps {
  doc: { text: string };
  view: ShownPage;
  /** The page's number, from 1. */
  number: number;
  marks: readonly SpanMark[];
  selected: string | null;
  invalid: ReadonlySet<string>;
  endpoints: ReadonlySet<string> | null;
  relatingFrom: string | null;
  cursor: [number, number] | null;
}

/** A run of text under the same marks, with what does not change while the page is shown:
 * its underlines, title and the work's spans on it. */
interface LaidPiece {
  start: number;
  end: number;
  own: readonly string[];
  base: string;
  style: PieceStyle;
  title: string;
}

type Laid = { kind: "text"; pieces: LaidPiece[] } | { kind: "element"; node: DocNode & { kind: "element" }; children: Laid[] };

type CursorMark = { key: string; start: number; end: number };

/** `nodes` with each text cut into pieces at the edges of `marks` (and of the cursor). */
function lay(nodes: readonly DocNode[], marks: readonly SpanMark[], cursor: CursorMark[]): Laid[] {
  return nodes.map((node): Laid => {
    if (node.kind === "element") return { kind: "element", node, children: lay(node.children, marks, cursor) };
    const all: (SpanMark | CursorMark)[] = cursor.length ? [...marks, ...cursor] : [...marks];
    return { kind: "text", pieces: pieces(node.start, node.end, all).map((piece) => laidPiece(piece)) };
  });
}

function laidPiece(piece: Piece<SpanMark | CursorMark>): LaidPiece {
  const spans = piece.marks.filter((m): m is SpanMark => "kind" in m);
  const classes = ["text-piece"];
  if (spans.length > 0) classes.push("text-piece--marked");
  if (spans.some((m) => m.kind === "prediction")) classes.push("text-piece--prediction");
  if (spans.length !== piece.marks.length) classes.push("text-piece--cursor");
  return {
    start: piece.start,
    end: piece.end,
    own: spans.filter((m) => m.kind === "work").map((m) => m.key),
    base: classes.join(" "),
    style: pieceStyle(spans),
    title: spans.map((m) => `${m.region.value.class}${m.kind === "work" ? ` (${m.key})` : m.kind === "prediction" ? " (pre-label: click to take it)" : ""}`).join(", "),
  };
}

/** One page and its seams: their nodes rebuilt as React elements, each text cut into
 * pieces at span edges. A seam is set apart (and says which page it is from). The pieces
 * are laid out once per page, marks and cursor; a change of selection only changes the
 * flags of the pieces it concerns. */
const PageView = memo(function PageView(props: PageViewProps) {
  const { doc, view, number, marks, cursor, selected, invalid, endpoints, relatingFrom } = props;
  const laid = useMemo(() => {
    const cursorMark = cursor ? [{ key: "\u0000cursor", start: cursor[0], end: cursor[1] }] : [];
    return { before: lay(view.before, marks, cursorMark), page: lay(view.page.nodes, marks, cursorMark), after: lay(view.after, marks, cursorMark) };
  }, [view, marks, cursor]);
  const piece = (p: LaidPiece) => {
    let className = p.base;
    if (p.own.length > 0) {
      if (selected !== null && p.own.includes(selected)) className += " text-piece--selected";
      if (p.own.some((k) => invalid.has(k))) className += " text-piece--invalid";
      if (p.own.some((k) => endpoints?.has(k) || k === relatingFrom)) className += " text-piece--endpoint";
    }
    return (
      <TextPiece
        key={p.start}
        text={doc.text.slice(p.start, p.end)}
        at={p.start}
        end={p.end}
        className={className}
        image={p.style.image}
        position={p.style.position}
        size={p.style.size}
        padding={p.style.padding}
        title={p.title}
        spans={p.own.join(" ")}
      />
    );
  };
  const render = (list: readonly Laid[]): ReactNode[] =>
    list.map((item, i) => {
      if (item.kind === "text") return item.pieces.map(piece);
      const node = item.node;
      const attrs: Record<string, string> = { ...node.attrs };
      const extra = node.tag === "a" ? { target: "_blank", rel: "noopener noreferrer nofollow" } : {};
      const Tag = node.tag;
      return VOID_TAGS.has(Tag) ? <Tag key={`e${i}`} {...attrs} /> : (
        <Tag key={`e${i}`} {...attrs} {...extra}>
          {render(item.children)}
        </Tag>
      );
    });
  return (
    <>
      {laid.before.length > 0 && (
        <div className="text-seam text-seam--before" data-label={`End of page ${number - 1}`}>
          {render(laid.before)}
        </div>
      )}
      <div key={view.page.start} className="text-page">
        {render(laid.page)}
      </div>
      {laid.after.length > 0 && (
        <div className="text-seam text-seam--after" data-label={`Page ${number + 1}`}>
          {render(laid.after)}
        </div>
      )}
    </>
  );
});

interface TextPieceProps {
  text: string;
  at: number;
  end: number;
  className: string;
  image: string;
  position: string;
  size: string;
  padding: number;
  title: string;
  spans: string;
}

/** A run of text under the same spans. Its underlines are React's `style`, which React
 * writes through the CSSOM (`element.style`), as the CSP allows (it forbids style attributes
 * in markup), and on a new page while the page is still out of the document. */
const TextPiece = memo(function TextPiece(props: TextPieceProps) {
  const { image, position, size, padding } = props;
  const style = image ? { backgroundImage: image, backgroundPosition: position, backgroundSize: size, paddingBottom: `${padding}px` } : undefined;
  return (
    <span className={props.className} style={style} data-at={props.at} data-end={props.end} data-spans={props.spans || undefined} title={props.title || undefined}>
      {props.text}
    </span>
  );
});
