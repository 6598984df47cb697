/**
 * Where to go after logging in: `next` when it is a path on this site, otherwise "/".
 *
 * Accepted: a string starting with exactly one "/" that stays on our origin. Rejected:
 * protocol-relative URLs ("//host"), backslash tricks ("/\host", which browsers treat as
 * "//host"), schemes ("https:", "javascript:"), percent-encoded slashes at the start
 * ("%2F%2Fhost"), and any control character or whitespace (browsers strip tab/newline, so
 * "/\t/host" would become "//host").
 */
export function safeNextPath(next: string | null | undefined): string {
  const fallback = "/";
  if (typeof next !== "string" || next.length === 0 || next.length > 2048) return fallback;
  if (!next.startsWith("/") || next.startsWith("//")) return fallback;
  if (next.includes("\\")) return fallback;
  if (/[\u0000-\u0020\u007f-\u009f\u2028\u2029]/.test(next)) return fallback;
  // Reject encoded tricks that a second decode (by us, a proxy or the router) would expose.
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return fallback;
  }
  if (decoded.startsWith("//") || decoded.includes("\\")) return fallback;
  // Final check: resolved against a dummy origin, it must stay on that origin.
  const base = "https://accord.invalid";
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  return url.pathname + url.search + url.hash;
}
