import { useEffect, useRef, useState, type FormEvent } from "react";
import { formatHotkey, type Binding, type Hotkey } from "../lib/hotkeys";

/** A modal <dialog>: the browser traps focus and closes it on Escape, unless it must stay. */
function Modal({
  title,
  onClose,
  children,
}: {
  title: string;
  /** Absent: the dialog cannot be dismissed (it closes when its task is done). */
  onClose?: () => void;
  children: React.ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="modal"
      aria-labelledby="modal-title"
      onClose={onClose}
      onCancel={(event) => {
        if (onClose) onClose();
        else event.preventDefault();
      }}
    >
      <header className="modal__header">
        <h2 id="modal-title">{title}</h2>
        {onClose && (
          <button type="button" onClick={onClose} aria-label="Close">
            ×
          </button>
        )}
      </header>
      {children}
    </dialog>
  );
}

/**
 * The session ended while work is open: log in again right here, so nothing navigates away
 * and the work kept in the browser is sent as soon as the session is back.
 */
export function ReloginDialog({ email, onLogin }: { email: string; onLogin: (password: string) => Promise<void> }) {
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onLogin(password);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Could not log in.");
      setBusy(false);
    }
  }
  return (
    <Modal title="Your session ended">
      <form onSubmit={submit} className="flag-form">
        <p>Log in again to go on. Your work on this task is kept in this browser and is sent once you are back.</p>
        <label htmlFor="relogin-email">Email</label>
        <input id="relogin-email" type="email" value={email} readOnly autoComplete="username" />
        <label htmlFor="relogin-password">Password</label>
        <input
          id="relogin-password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="current-password"
          autoFocus
          required
        />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Log in and continue
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function HelpOverlay({
  keymap,
  extra = [],
  readOnly = false,
  onClose,
}: {
  keymap: readonly Binding[];
  /** The page's own keys (a review's verdicts), listed first. */
  extra?: readonly { hotkey: Hotkey; description: string }[];
  /** Nothing can be edited: the editing gestures are not listed. */
  readOnly?: boolean;
  onClose: () => void;
}) {
  const mac = typeof navigator !== "undefined" && /Mac/.test(navigator.platform);
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose}>
      <table className="shortcuts">
        <tbody>
          {[...extra, ...keymap].map((binding, i) => (
            <tr key={i}>
              <td>
                <kbd>{formatHotkey(binding.hotkey, mac)}</kbd>
              </td>
              <td>{binding.description}</td>
            </tr>
          ))}
          {!readOnly && (
            <>
              <tr>
                <td>
                  <kbd>Arrows</kbd>
                </td>
                <td>Move the selected region by 1 px (with Shift: 10 px)</td>
              </tr>
              <tr>
                <td>
                  <kbd>Alt+click</kbd>
                </td>
                <td>Remove a polygon or polyline vertex (double-click an edge adds one)</td>
              </tr>
            </>
          )}
          <tr>
            <td>
              <kbd>Wheel</kbd>
            </td>
            <td>Zoom at the pointer; drag the background (or hold the middle button) to pan</td>
          </tr>
        </tbody>
      </table>
    </Modal>
  );
}

export function FlagDialog({ onSubmit, onClose }: { onSubmit: (note: string) => Promise<void>; onClose: () => void }) {
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!note.trim()) {
      setError("Say what is ambiguous, so a manager can decide.");
      return;
    }
    setBusy(true);
    try {
      await onSubmit(note.trim());
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Could not flag the task.");
      setBusy(false);
    }
  }
  return (
    <Modal title="Flag as ambiguous" onClose={onClose}>
      <form onSubmit={submit} className="flag-form">
        <label htmlFor="flag-note">What makes this task ambiguous?</label>
        <textarea id="flag-note" value={note} onChange={(e) => setNote(e.target.value)} autoFocus maxLength={10000} />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Flag and move on
          </button>
        </div>
      </form>
    </Modal>
  );
}
