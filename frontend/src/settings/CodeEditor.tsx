/**
 * A plain, accessible text editor for JSON and Markdown: a <textarea> with a gutter of line
 * numbers (hidden from assistive technology, which reads the problem list instead) that
 * scrolls with it, and marks on the lines that have problems.
 */
import { forwardRef, useImperativeHandle, useMemo, useRef } from "react";

export interface CodeEditorHandle {
  /** Put the cursor at `offset` and bring its line into view. */
  focusAt(offset: number): void;
}

interface Props {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** 1-based lines to mark in the gutter. */
  marked?: ReadonlySet<number>;
  describedBy?: string;
  invalid?: boolean;
  readOnly?: boolean;
  rows?: number;
  /** Prose (Markdown) wraps its long lines, so it has no line numbers to keep in step. */
  prose?: boolean;
}

export const CodeEditor = forwardRef<CodeEditorHandle, Props>(function CodeEditor(
  { id, label, value, onChange, marked, describedBy, invalid = false, readOnly = false, rows = 24, prose = false },
  ref,
) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLPreElement>(null);
  const lineCount = useMemo(() => value.split("\n").length, [value]);
  const numbers = useMemo(() => {
    const out: string[] = [];
    for (let line = 1; line <= lineCount; line++) out.push(`${marked?.has(line) ? "▶" : " "}${line}`);
    return out.join("\n");
  }, [lineCount, marked]);

  useImperativeHandle(ref, () => ({
    focusAt(offset: number) {
      const element = area.current;
      if (!element) return;
      element.focus();
      element.setSelectionRange(offset, offset);
      // Scroll the line into view: the textarea's line height times the lines above it.
      const line = value.slice(0, offset).split("\n").length - 1;
      const lineHeight = parseFloat(getComputedStyle(element).lineHeight) || 20;
      element.scrollTop = Math.max(0, line * lineHeight - element.clientHeight / 3);
      if (gutter.current) gutter.current.scrollTop = element.scrollTop;
    },
  }));

  return (
    <div className="code-editor">
      <label htmlFor={id} className="code-editor__label">
        {label}
      </label>
      <div className="code-editor__frame">
        {!prose && (
          <pre ref={gutter} className="code-editor__gutter" aria-hidden="true">
            {numbers}
          </pre>
        )}
        <textarea
          ref={area}
          id={id}
          className={prose ? "code-editor__text code-editor__text--prose" : "code-editor__text"}
          value={value}
          rows={rows}
          wrap={prose ? "soft" : "off"}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          readOnly={readOnly}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          onChange={(event) => onChange(event.target.value)}
          onScroll={(event) => {
            if (gutter.current) gutter.current.scrollTop = event.currentTarget.scrollTop;
          }}
        />
      </div>
    </div>
  );
});
