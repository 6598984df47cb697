/**
 * Minimal DOM test helpers (jsdom + react-dom, no extra libraries). Queries go by role and
 * accessible name the simple way: labels, aria-label(ledby) and text content.
 */
import { act, type ReactNode } from "react";
import { createRoot, type Root } from "react-dom/client";
import { MemoryRouter, useLocation } from "react-router";
import { expect } from "vitest";
import { ApiClient } from "../api/client";
import { App } from "../App";

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean | undefined;
}
globalThis.IS_REACT_ACT_ENVIRONMENT = true;

export interface Rendered {
  container: HTMLElement;
  unmount: () => void;
}

export async function render(ui: ReactNode): Promise<Rendered> {
  const container = document.createElement("div");
  document.body.append(container);
  let root: Root | undefined;
  await act(async () => {
    root = createRoot(container);
    root.render(ui);
  });
  await flush();
  return {
    container,
    unmount: () => {
      act(() => root?.unmount());
      container.remove();
    },
  };
}

/** Let pending promises (fake fetches) and the renders they cause settle. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  }
}

function accessibleName(element: Element): string {
  const label = element.getAttribute("aria-label");
  if (label) return label;
  const labelledBy = element.getAttribute("aria-labelledby");
  if (labelledBy) {
    return labelledBy
      .split(/\s+/)
      .map((id) => element.ownerDocument.getElementById(id)?.textContent ?? "")
      .join(" ")
      .trim();
  }
  if (element instanceof HTMLInputElement && element.labels && element.labels.length > 0) {
    return Array.from(element.labels, (node) => node.textContent ?? "").join(" ").trim();
  }
  return (element.textContent ?? "").trim();
}

const ROLE_SELECTORS: Record<string, string> = {
  button: "button",
  textbox: "input[type=email], input[type=text], input:not([type])",
  password: "input[type=password]",
  link: "a[href]",
  heading: "h1, h2, h3",
  alert: "[role=alert]",
  progressbar: "[role=progressbar]",
  list: "ul, [role=list]",
  form: "form",
};

/** All elements of a role; "password" stands for password inputs (which have no ARIA role). */
export function queryAllByRole(container: ParentNode, role: string, name?: string | RegExp): HTMLElement[] {
  const selector = ROLE_SELECTORS[role];
  if (selector === undefined) throw new Error(`no selector for role ${role}`);
  return Array.from(container.querySelectorAll<HTMLElement>(selector)).filter((element) => {
    if (name === undefined) return true;
    const actual = accessibleName(element);
    return typeof name === "string" ? actual === name : name.test(actual);
  });
}

export function getByRole(container: ParentNode, role: string, name?: string | RegExp): HTMLElement {
  const found = queryAllByRole(container, role, name);
  expect(found, `exactly one ${role} named ${String(name)}`).toHaveLength(1);
  return found[0] as HTMLElement;
}

export async function typeInto(input: HTMLElement, value: string): Promise<void> {
  if (!(input instanceof HTMLInputElement)) throw new Error("not an input");
  await act(async () => {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")?.set;
    setter?.call(input, value);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

export async function click(element: HTMLElement): Promise<void> {
  await act(async () => {
    element.click();
  });
  await flush();
}

function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

export function currentLocation(container: ParentNode): string {
  return container.querySelector("[data-testid=location]")?.textContent ?? "";
}

type Handler = (init: RequestInit) => Response;

/** A fetch answering by "METHOD /path" (query ignored) and recording each call. */
export function routeFetch(routes: Record<string, Handler>) {
  const calls: Array<{ key: string; url: string; init: RequestInit }> = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    const key = `${init.method ?? "GET"} ${url.split("?")[0]}`;
    calls.push({ key, url, init });
    const handler = routes[key];
    if (handler === undefined) throw new Error(`unexpected request ${key}`);
    return handler(init);
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

export function errorBody(status: number, code: string, message: string) {
  return { ok: false, status, code, message, details: {} };
}

/** The whole app at `path` with a fake backend. */
export function renderApp(path: string, fetch: typeof globalThis.fetch): Promise<Rendered> {
  const client = new ApiClient({ fetch, sleep: async () => undefined });
  return render(
    <MemoryRouter initialEntries={[path]}>
      <App client={client} />
      <LocationProbe />
    </MemoryRouter>,
  );
}

/** What `GET /api/auth/session` answers for a signed-in annotator in these tests. */
export const session = {
  user: { id: 1, email: "ann@example.com", name: "Ann", is_admin: false },
  csrf_token: "csrf-1",
};
