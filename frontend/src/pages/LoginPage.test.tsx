// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import {
  click,
  currentLocation,
  errorBody,
  getByRole,
  json,
  queryAllByRole,
  renderApp,
  routeFetch,
  session,
  typeInto,
  type Rendered,
} from "../test/dom";


let rendered: Rendered | undefined;
afterEach(() => {
  rendered?.unmount();
  rendered = undefined;
});

async function logIn(container: HTMLElement, email: string, password: string) {
  await typeInto(getByRole(container, "textbox", "Email"), email);
  await typeInto(getByRole(container, "password", "Password"), password);
  await click(getByRole(container, "button", "Log in"));
}

describe("login page", () => {
  it("has labelled inputs and shows the server's error message as inert text", async () => {
    const hostile = '<img src=x onerror="alert(1)"> Wrong email or password.';
    const { fetch, calls } = routeFetch({
      "GET /api/auth/session": () => json(200, { user: null, csrf_token: "" }),
      "POST /api/auth/login": () => json(401, errorBody(401, "invalid_credentials", hostile)),
    });
    rendered = await renderApp("/login", fetch);
    const { container } = rendered;
    expect(getByRole(container, "heading", "Log in to Accord")).toBeTruthy();
    expect(getByRole(container, "form", "Log in to Accord")).toBeTruthy();

    await logIn(container, "ann@example.com", "wrong");

    expect(getByRole(container, "alert").textContent).toBe(hostile);
    expect(container.querySelector("img")).toBeNull();
    const login = calls.find((call) => call.key === "POST /api/auth/login");
    expect(JSON.parse(String(login?.init.body))).toEqual({ email: "ann@example.com", password: "wrong" });
    expect(currentLocation(container)).toBe("/login");
  });

  it("mentions the wait when throttled", async () => {
    const { fetch } = routeFetch({
      "GET /api/auth/session": () => json(200, { user: null, csrf_token: "" }),
      "POST /api/auth/login": () =>
        json(429, errorBody(429, "rate_limited", "Too many attempts."), { "Retry-After": "120" }),
    });
    rendered = await renderApp("/login", fetch);
    await logIn(rendered.container, "ann@example.com", "x");
    expect(getByRole(rendered.container, "alert").textContent).toBe("Too many attempts. Try again in 120 seconds.");
  });

  it.each([
    ["/login?next=%2Fprojects%2F7", "/projects/7"],
    ["/login?next=%2F%2Fevil.example", "/"],
    ["/login?next=https%3A%2F%2Fevil.example", "/"],
    ["/login", "/"],
  ])("after logging in at %s goes to %s", async (start, expected) => {
    let loggedIn = false;
    const { fetch } = routeFetch({
      "GET /api/auth/session": () =>
        loggedIn ? json(200, session) : json(401, errorBody(401, "not_authenticated", "Log in first.")),
      "POST /api/auth/login": () => {
        loggedIn = true;
        return json(200, session);
      },
      "GET /api/projects": () => json(200, { items: [], next_cursor: null }),
    });
    rendered = await renderApp(start, fetch);
    await logIn(rendered.container, "ann@example.com", "secret");
    expect(currentLocation(rendered.container)).toBe(expected);
  });
});

describe("routing", () => {
  it("sends unauthenticated visitors to /login with next", async () => {
    const { fetch } = routeFetch({
      "GET /api/auth/session": () => json(200, { user: null, csrf_token: "" }),
    });
    rendered = await renderApp("/?page=2", fetch);
    expect(currentLocation(rendered.container)).toBe("/login?next=%2F%3Fpage%3D2");
    expect(queryAllByRole(rendered.container, "button", "Log in")).toHaveLength(1);
  });

  it("shows a 404 page for unknown routes", async () => {
    const { fetch } = routeFetch({
      "GET /api/auth/session": () => json(200, { user: null, csrf_token: "" }),
    });
    rendered = await renderApp("/no/such/page", fetch);
    expect(getByRole(rendered.container, "heading", "Page not found")).toBeTruthy();
    expect(getByRole(rendered.container, "link", "Go to projects").getAttribute("href")).toBe("/");
  });
});
