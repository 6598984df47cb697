"""Shared fixtures: real SQLite and PostgreSQL databases, the app, and builders.

Every database test runs twice, on a SQLite file and on a throw-away PostgreSQL server that
this run starts from the installed binaries (or on ACCORD_TEST_POSTGRES_URL if given). Each
test runs inside an outer transaction that is rolled back, so services may commit freely.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parent))

from accord.api.app import create_app  # noqa: E402
from accord.api.deps import db_session  # noqa: E402
from accord.db.engine import make_engine  # noqa: E402
from accord.db.migrate import migrate  # noqa: E402
from accord.settings import Settings  # noqa: E402
from builders import SECRET, World, make_world  # noqa: E402
from servers import running_postgres  # noqa: E402

# Shared machines are slow and noisy: no per-example deadline; in CI, the same examples on
# every run, so a red build is reproducible and never a roll of the dice.
hypothesis_settings.register_profile("default", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True,
                                     print_blob=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """For `pytest -n N --dist loadgroup` (make test): the tests that share a module-scoped
    fixture of ours (a server, a crowd's run, generated media) go to one worker as a group,
    so it is built once rather than once per worker. Groups are split by the parameters of
    the session- and module-scoped fixtures (SQLite, PostgreSQL), which pytest rebuilds per
    parameter anyway."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        defs = {name: chain[-1] for name, chain in info.name2fixturedefs.items() if chain}
        if not any(d.scope == "module" and d.baseid for d in defs.values()):
            continue
        indices = getattr(getattr(item, "callspec", None), "indices", {})
        params = [f"{name}{index}" for name, index in sorted(indices.items())
                  if name in defs and defs[name].scope in ("session", "module")]
        module = item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(":".join([module, *params])))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if url := os.environ.get("ACCORD_TEST_POSTGRES_URL"):
        yield url
        return
    with running_postgres() as url:
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    migrate(engine, "head")
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with engine.connect() as connection:
        outer = connection.begin()
        with Session(connection, join_transaction_mode="create_savepoint",
                     expire_on_commit=False) as session:
            yield session
        outer.rollback()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    chromium = shutil.which("chromium") or pytest.fail(
        "Debian's chromium is missing: apt-get install chromium (make test does)")
    return {**browser_type_launch_args, "executable_path": chromium,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run",
                     "--disable-quic"]}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", secret_key=SECRET,
                    anonymous_requests_per_minute=10_000)


@pytest.fixture
def app(settings: Settings, session: Session, engine):  # type: ignore[no-untyped-def]
    app = create_app(settings, engine, web_root=settings.data_dir / "no-web")

    def test_session() -> Iterator[Session]:
        try:
            yield session
        except Exception:
            session.rollback()  # as a request's own session would be discarded
            raise

    app.dependency_overrides[db_session] = test_session
    return app


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


