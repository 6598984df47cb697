"""Starting the web server: migrate, check the secret, then run uvicorn."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from accord.settings import Settings


def run_server(settings: Settings) -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.check_secret()  # a weak one only with --dev on a loopback address

    import uvicorn  # only now: a refused start should not wait for the app to import

    from accord.api.app import create_app
    from accord.db.engine import make_engine
    from accord.db.migrate import migrate

    engine = make_engine(settings.resolved_database_url)
    migrate(engine)
    logging.getLogger("accord").info("serving %s at http://%s:%d/ (%d %s)",
                                     engine.url.render_as_string(hide_password=True),
                                     settings.host, settings.port, settings.workers,
                                     "process" if settings.workers == 1 else "processes")
    options = {"host": settings.host, "port": settings.port,
               "proxy_headers": settings.trust_proxy_headers, "log_level": "info"}
    if settings.workers == 1:
        uvicorn.run(settled(create_app(settings, engine)), **options)
        return
    engine.dispose()
    # each worker process builds its app from the environment (`worker_app`)
    os.environ[SETTINGS_VARIABLE] = settings.model_dump_json()
    uvicorn.run("accord.cli.server:worker_app", factory=True, workers=settings.workers,
                **options)


#: how `accord serve --workers N` hands its settings to the worker processes it starts
SETTINGS_VARIABLE = "ACCORD_SERVE_SETTINGS"


def worker_app() -> Any:
    """The app of one of several server processes: the API is stateless (sessions, rate
    limits and queues live in the database), so any process can take any request."""
    from accord.api.app import create_app

    return settled(create_app(Settings.model_validate_json(os.environ[SETTINGS_VARIABLE])))


def settled(app: Any) -> Any:
    """The app, with the garbage collector settled once it has started
    (`services.collector.settle`): a server's process, not a test's, lives long enough."""
    from accord.services import collector

    started = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[Any]:
        async with started(app) as state:
            collector.settle()
            yield state

    app.router.lifespan_context = lifespan
    return app
