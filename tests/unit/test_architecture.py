"""The layout's rules, checked: a framework-free core, dependencies pointing inwards, one
place for outbound HTTP, no unsafe deserialisation."""

from __future__ import annotations

import ast
from pathlib import Path

import accord
import accord.client

SRC = Path(accord.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return ({a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
            | {n.module for n in ast.walk(tree)
               if isinstance(n, ast.ImportFrom) and n.level == 0 and n.module})


def offenders(package: str, forbidden: set[str]) -> dict[str, set[str]]:
    found = {}
    for path in (SRC / package).rglob("*.py"):
        bad = {m for m in imported_modules(path)
               if m.split(".")[0] in forbidden or ".".join(m.split(".")[:2]) in forbidden}
        if bad:
            found[str(path.relative_to(SRC))] = bad
    return found


def test_core_stays_framework_free():
    forbidden = {"fastapi", "starlette", "sqlalchemy", "pydantic", "httpx", "typer", "PIL",
                 "orjson", "accord.db", "accord.api", "accord.services", "accord.cli",
                 "accord.client", "accord.formats", "accord.media", "accord.ml"}
    assert offenders("core", forbidden) == {}


def test_the_sdk_never_imports_server_code():
    forbidden = {"fastapi", "starlette", "sqlalchemy", "accord.db", "accord.api",
                 "accord.services", "accord.cli"}
    assert offenders("client", forbidden) == {}


def test_services_and_storage_never_import_the_web_layer():
    forbidden = {"fastapi", "starlette", "accord.api", "accord.cli"}
    assert offenders("services", forbidden) == {} and offenders("db", forbidden) == {}


def test_only_the_sdk_makes_http_requests():
    """Outbound fetches go through one guarded module; the SDK talks to the user's server."""
    network = ("httpx", "requests", "urllib.request", "urllib3", "http.client", "aiohttp",
               "socket", "ftplib", "smtplib")
    found = {}
    for path in SRC.rglob("*.py"):
        if path.relative_to(SRC).parts[0] == "client":
            continue
        bad = {m for m in imported_modules(path) if m.startswith(network)}
        if bad:
            found[str(path.relative_to(SRC))] = bad
    assert found == {}


def test_no_module_uses_unsafe_deserialisation():
    banned = {"pickle", "cPickle", "dill", "jsonpickle", "marshal", "shelve"}
    assert offenders(".", banned) == {}
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        assert "yaml.load(" not in text and "torch.load(" not in text, path


def test_the_sdk_public_surface_is_declared():
    assert sorted(accord.client.__all__) == ["ApiError", "Client"]
    for name in accord.client.__all__:
        assert getattr(accord.client, name).__module__.startswith("accord.client")


def test_the_qa_engine_public_surfaces_are_declared():
    import importlib

    for package in ("accord.core.agreement", "accord.core.consensus", "accord.core.quality"):
        module = importlib.import_module(package)
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type) or callable(value) and hasattr(value, "__code__"):
                assert value.__module__.startswith(package), (package, name)
