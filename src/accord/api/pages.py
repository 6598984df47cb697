"""HTML the server renders itself: the single-page app's shell and the API reference.

The API reference is plain HTML with no script, so it works offline and under the CSP.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from accord.api.errors import error_response

WEB_ROOT = Path(__file__).resolve().parent.parent / "web"


def api_reference(openapi: dict[str, Any]) -> str:
    rows = []
    for path, operations in sorted(openapi.get("paths", {}).items()):
        for method, operation in operations.items():
            summary = operation.get("summary", "")
            doc = operation.get("description", "")
            rows.append(f"<tr><td><code>{escape(method.upper())}</code></td>"
                        f"<td><code>{escape(path)}</code></td><td>{escape(summary)}"
                        f"<br><small>{escape(doc)}</small></td></tr>")
    return ("<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<title>{escape(openapi['info']['title'])} API</title></head><body>"
            f"<h1>{escape(openapi['info']['title'])} API {escape(openapi['info']['version'])}"
            "</h1><p>Machine-readable: <a href=/api/openapi.json>/api/openapi.json</a>. "
            "Authenticate scripts with <code>Authorization: Bearer &lt;token&gt;</code> "
            "(<code>accord token create EMAIL</code>).</p>"
            "<table><thead><tr><th>Method</th><th>Path</th><th>What it does</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></body></html>")


def install(app: FastAPI, web_root: Path = WEB_ROOT) -> None:
    @app.get("/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(api_reference(app.openapi()))

    index = web_root / "index.html"
    if (web_root / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=web_root / "assets"), name="assets")

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    def single_page_app(path: str, request: Request) -> Any:
        if path.startswith("api/") or path == "api":
            return error_response(404, "not_found", "no such route")
        candidate = (web_root / path).resolve()
        if path and candidate.is_file() and candidate.parent == web_root \
                and candidate.suffix in {".svg", ".ico", ".png", ".txt", ".webmanifest"}:
            return FileResponse(candidate)
        if not index.is_file():
            return HTMLResponse("<!doctype html><title>Accord</title><p>The web UI is not "
                                "built. Run <code>make run</code>, or use the API at "
                                "<a href=/api/docs>/api/docs</a>.", status_code=503)
        return FileResponse(index, media_type="text/html")
