"""The FastAPI application factory."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import Engine

from accord import __version__
from accord.api import errors, pages
from accord.api.access import ROUTES
from accord.api.deps import AppState, authorize
from accord.api.request_guard import JsonBodyGuard
from accord.api.responses import JsonResponse
from accord.api.routes import auth, data, misc, projects, qa, tasks, users, work, workflow
from accord.api.routes import jobs as job_routes
from accord.api.security_headers import SecurityHeaders
from accord.db.engine import make_engine
from accord.settings import Settings

#: Most asked first: a request is matched against each route in turn, and no two routers'
#: paths overlap, so the order changes only how many routes a request is tried against
ROUTERS = (workflow.router, tasks.router, work.router, projects.router, auth.router,
           misc.router, users.router, data.router, qa.router, job_routes.router)


#: FastAPI's OpenTelemetry hooks look for a configured provider on every request; Accord
#: configures none, and the look costs as much as a database read
NO_TELEMETRY = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}


def create_app(settings: Settings, engine: Engine | None = None,
               web_root: Path = pages.WEB_ROOT) -> FastAPI:
    """Build the app; the database must already be migrated (`accord serve` does it)."""
    engine = engine or make_engine(settings.resolved_database_url)
    app = FastAPI(title="Accord", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json", default_response_class=JsonResponse,
                  debug=False, telemetry=NO_TELEMETRY,
                  lifespan=job_routes.lifespan(settings, engine))
    app.state.accord = AppState(settings=settings, engine=engine,
                                secret=settings.resolved_secret_key())
    for router in ROUTERS:
        app.include_router(router, dependencies=[Depends(authorize)])
    check_access_table(ROUTERS)
    errors.install(app, debug=settings.debug)
    pages.install(app, web_root)
    app.add_middleware(JsonBodyGuard)
    app.add_middleware(SecurityHeaders)
    return app


def check_access_table(routers: tuple[APIRouter, ...]) -> None:
    """Every API route needs an entry in `access.ROUTES`; a new route without one fails here."""
    missing = [f"{method} {route.path}" for router in routers for route in router.routes
               if isinstance(route, APIRoute) for method in sorted(route.methods)
               if (method, route.path) not in ROUTES]
    if missing:
        raise RuntimeError(f"routes without an access rule in accord.api.access.ROUTES: "
                           f"{', '.join(missing)}")
