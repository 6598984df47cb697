"""Starting the web server: migrate, check the secret, then run uvicorn."""

from __future__ import annotations

import ipaddress
import logging

from accord.settings import Settings


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run_server(settings: Settings) -> None:
    import uvicorn

    from accord.api.app import create_app
    from accord.db.engine import make_engine
    from accord.db.migrate import migrate

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if not is_loopback(settings.host) or not settings.dev:
        settings.check_secret()
    engine = make_engine(settings.resolved_database_url)
    migrate(engine)
    app = create_app(settings, engine)
    logging.getLogger("accord").info("serving %s at http://%s:%d/",
                                     engine.url.render_as_string(hide_password=True),
                                     settings.host, settings.port)
    uvicorn.run(app, host=settings.host, port=settings.port,
                proxy_headers=settings.trust_proxy_headers, log_level="info")
