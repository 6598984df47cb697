"""Starting the web server: migrate, check the secret, then run uvicorn."""

from __future__ import annotations

import logging

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
    app = create_app(settings, engine)
    logging.getLogger("accord").info("serving %s at http://%s:%d/",
                                     engine.url.render_as_string(hide_password=True),
                                     settings.host, settings.port)
    uvicorn.run(app, host=settings.host, port=settings.port,
                proxy_headers=settings.trust_proxy_headers, log_level="info")
