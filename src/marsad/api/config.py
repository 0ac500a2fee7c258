"""API settings, limits and the write-token check."""

from __future__ import annotations

import hmac
import ipaddress
import json
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marsad.api.errors import HTTP_CODES, api_error, error_payload
from marsad.errors import TooLargeError

TOKEN_ENV = "MARSAD_API_TOKEN"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class ApiConfig:
    """Limits and access for one app. ``token=None`` leaves writes open (fine on localhost only)."""

    token: str | None = None
    max_body_bytes: int = 5_000_000
    max_page_size: int = 500
    default_page_size: int = 50
    max_docs_per_request: int = 200
    max_grid_cells: int = 4_000
    max_export_rows: int = 1_000_000


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def token_ok(config: ApiConfig, headers: dict[str, str]) -> bool:
    """True when no token is configured, or the request carries it (Bearer or ``X-API-Token``)."""
    if not config.token:
        return True
    auth = headers.get("authorization", "")
    given = auth[7:].strip() if auth.lower().startswith("bearer ") else headers.get("x-api-token", "")
    return bool(given) and hmac.compare_digest(given.encode(), config.token.encode())


def require_write_token(config: ApiConfig, headers: dict[str, str]) -> None:
    if not token_ok(config, headers):
        raise api_error(401, "this write needs the API token: send 'Authorization: Bearer <token>'")


class BodyLimitMiddleware:
    """Reject request bodies over ``limit`` bytes with 413 in the one error shape.

    A declared ``Content-Length`` over the limit is refused before reading; a streamed body is counted
    as it arrives and the read fails with ``TooLargeError`` (M104, 413) as soon as it passes the limit.
    """

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = None
        for k, v in scope.get("headers", ()):
            if k == b"content-length":
                try:
                    declared = int(v)
                except ValueError:
                    declared = None
        if declared is not None and declared > self.limit:
            await self._refuse(send, declared)
            return
        seen = 0
        limit = self.limit

        async def counted() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:
                    raise TooLargeError(f"request body over the limit of {limit:,} bytes", value=seen,
                                        detail={"limit_bytes": limit})
            return msg

        await self.app(scope, counted, send)

    async def _refuse(self, send: Send, declared: int) -> None:
        code, name = HTTP_CODES[413]
        body = json.dumps(error_payload(code, name, f"request body of {declared:,} bytes is over the limit of "
                                        f"{self.limit:,} bytes", {"limit_bytes": self.limit})).encode()
        headers: list[tuple[bytes, bytes]] = [(b"content-type", b"application/json"),
                                              (b"content-length", str(len(body)).encode()),
                                              (b"connection", b"close")]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def limits_doc(config: ApiConfig) -> dict[str, Any]:
    return {"max_body_bytes": config.max_body_bytes, "max_page_size": config.max_page_size,
            "default_page_size": config.default_page_size, "max_docs_per_request": config.max_docs_per_request,
            "max_grid_cells": config.max_grid_cells}
