import { Fragment, useMemo } from "react";
import type { Guidelines as GuidelinesVersion } from "../api/types";
import { parseMarkdown, type Inline } from "../lib/markdown";

/** The project's current guidelines, rendered from Markdown as inert React text. */
export function GuidelinesPanel({ guidelines, onClose }: { guidelines: GuidelinesVersion | null; onClose: () => void }) {
  const blocks = useMemo(() => parseMarkdown(guidelines?.body ?? ""), [guidelines]);
  return (
    <aside className="guidelines" aria-labelledby="guidelines-heading">
      <header className="guidelines__header">
        <h2 id="guidelines-heading">Guidelines{guidelines && <span className="muted"> v{guidelines.version}</span>}</h2>
        <button type="button" onClick={onClose} aria-label="Close guidelines">
          ×
        </button>
      </header>
      {guidelines === null && <p className="muted">This project has no guidelines yet.</p>}
      <div className="guidelines__body">
        {blocks.map((block, i) => {
          switch (block.kind) {
            case "heading": {
              const Tag = `h${Math.min(6, block.level + 2)}` as "h3";
              return <Tag key={i}>{renderInline(block.children)}</Tag>;
            }
            case "paragraph":
              return <p key={i}>{renderInline(block.children)}</p>;
            case "code":
              return <pre key={i}>{block.text}</pre>;
            case "list": {
              const List = block.ordered ? "ol" : "ul";
              return (
                <List key={i}>
                  {block.items.map((item, j) => (
                    <li key={j}>{renderInline(item)}</li>
                  ))}
                </List>
              );
            }
          }
        })}
      </div>
    </aside>
  );
}

function renderInline(nodes: Inline[]) {
  return nodes.map((node, i) => {
    switch (node.kind) {
      case "text":
        return <Fragment key={i}>{node.text}</Fragment>;
      case "code":
        return <code key={i}>{node.text}</code>;
      case "strong":
        return <strong key={i}>{renderInline(node.children)}</strong>;
      case "em":
        return <em key={i}>{renderInline(node.children)}</em>;
    }
  });
}
