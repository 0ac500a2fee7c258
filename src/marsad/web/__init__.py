"""The map page, served by the API app from package files: no CDN, works offline.

``static/`` holds the page (``index.html``, ``app.js``, ``app.css``) and ``static/vendor/`` the Leaflet
build and the Arabic web font, copied there from the npm registry by ``make web-vendor``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles


def static_dir() -> Path:
    return Path(str(resources.files("marsad.web").joinpath("static")))


def vendor_ready() -> bool:
    return (static_dir() / "vendor" / "leaflet.js").is_file()


def mount_web(app: FastAPI) -> None:
    root = static_dir()
    app.mount("/static", StaticFiles(directory=root), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(root / "index.html", media_type="text/html; charset=utf-8",
                            headers={"Cache-Control": "no-cache"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(root / "favicon.svg", media_type="image/svg+xml")
