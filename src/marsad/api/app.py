"""The ASGI app: JSON API under ``/api``, the map page at ``/``, the spec at ``/openapi.json``.

``create_app(backend, config=...)`` builds one app around one ``Backend``. Nothing is loaded at import
time; the app holds its own state (``app.state.marsad``) so several apps can live in one process.
Swagger's ``/docs`` is off, because it loads its scripts from a CDN and the page must work offline.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from marsad.api.backend import Backend
from marsad.api.config import ApiConfig, BodyLimitMiddleware
from marsad.api.errors import install_error_handlers
from marsad.api.state import AppState
from marsad.version import __version__

DESCRIPTION = """\
marsad (مرصد) reads Arabic reports on the Syrian war and serves source-linked, geolocated facts.

Every error answers with one shape: `{"error": {"code", "error", "message", "detail"}}`.
Writes need `Authorization: Bearer <token>` when the server was started with a token.
"""


def create_app(backend: Backend, *, config: ApiConfig | None = None, web: bool = True) -> FastAPI:
    from marsad.api import routes_data, routes_map

    config = config or ApiConfig()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.marsad.read.current()  # start building the read model before the first request
        yield

    app = FastAPI(title="marsad", version=__version__, description=DESCRIPTION, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json", lifespan=lifespan)
    app.state.marsad = AppState(backend, config)
    install_error_handlers(app)
    app.include_router(routes_data.build_router(config))
    app.include_router(routes_map.build_router(config))
    if web:
        from marsad.web import mount_web

        mount_web(app)
    app.add_middleware(BodyLimitMiddleware, limit=config.max_body_bytes)
    return app
