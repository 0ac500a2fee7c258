"""Running the app: open the store, build the app, check the bind address, start uvicorn."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marsad.api.config import TOKEN_ENV, ApiConfig, is_loopback
from marsad.errors import ConfigError


@dataclass(frozen=True)
class ServeOptions:
    db: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    max_body_bytes: int = ApiConfig.max_body_bytes
    max_page_size: int = ApiConfig.max_page_size
    demo: bool = False
    log_level: str = "info"


def resolve_token(explicit: str | None, env: dict[str, str] | None = None) -> str | None:
    """``--token`` wins; else ``MARSAD_API_TOKEN``; an empty value means no token."""
    env = dict(os.environ) if env is None else env
    token = explicit if explicit is not None else env.get(TOKEN_ENV)
    return token or None


def bind_warning(host: str, token: str | None) -> str | None:
    """The warning to print when the server is reachable from other machines and writes are open."""
    if is_loopback(host) or token:
        return None
    return (f"warning: serving on {host}, reachable from other machines, with no API token: anyone who can reach "
            f"it can write. Set --token or {TOKEN_ENV}, or bind to 127.0.0.1.")


def seed_demo(backend: Any) -> int:
    """Ingest the bundled demo corpus (already-stored documents are skipped as duplicates)."""
    from marsad.demo import demo_documents

    outcomes = backend.ingest(list(demo_documents()))
    return sum(o.status == "added" for o in outcomes)


def build_app(opts: ServeOptions) -> tuple[Any, Any]:
    """The app and its backend for ``opts`` (the store stays open for the app's life)."""
    from marsad.api.app import create_app
    from marsad.api.store_backend import StoreBackend
    from marsad.store import open_store

    if not 0 < opts.port < 65536:
        raise ConfigError(f"port must be 1-65535, got {opts.port}", value=opts.port)
    if opts.max_body_bytes < 1024 or opts.max_page_size < 1:
        raise ConfigError("limits must be positive (max body at least 1 KiB)")
    store = open_store(Path(opts.db) if opts.db and "://" not in opts.db else opts.db)
    backend = StoreBackend(store)
    config = ApiConfig(token=opts.token, max_body_bytes=opts.max_body_bytes, max_page_size=opts.max_page_size,
                       default_page_size=min(ApiConfig.default_page_size, opts.max_page_size))
    return create_app(backend, config=config), backend


def serve(app: Any, opts: ServeOptions) -> None:
    import uvicorn

    uvicorn.run(app, host=opts.host, port=opts.port, log_level=opts.log_level, access_log=False,
                server_header=False, proxy_headers=False)
