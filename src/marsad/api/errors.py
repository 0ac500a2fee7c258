"""The one JSON error shape, for every error the API returns.

Every non-2xx answer has the body ``{"error": {"code", "error", "message", "detail"}}``: ``code`` is a
stable marsad code, ``error`` the error class name, ``message`` a human sentence, ``detail`` extra data
or ``null``. Errors raised on purpose come from ``marsad.errors`` with their own code and status; the
HTTP-level ones get these codes:

====  ======  ==============================================================
code  status  meaning
====  ======  ==============================================================
M501  400     a query or path parameter is malformed (bad date, bad bbox)
M502  401     a write without the API token (``Authorization: Bearer …``)
M504  404     no such resource (unknown path, document or event)
M505  405     method not allowed on this path
M513  413     request body over the size limit (``ApiConfig.max_body_bytes``)
M515  415     unsupported content type for a write
M522  422     request parameters or body failed validation
M553  503     a part of marsad the answer needs is unavailable (e.g. boundaries)
M599  500     an internal error (a bug: please report it)
====  ======  ==============================================================
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from marsad.errors import ApiError, MarsadError

log = logging.getLogger("marsad.api")

HTTP_CODES: dict[int, tuple[str, str]] = {
    400: ("M501", "BadRequest"),
    401: ("M502", "Unauthorized"),
    404: ("M504", "NotFound"),
    405: ("M505", "MethodNotAllowed"),
    413: ("M513", "TooLarge"),
    415: ("M515", "UnsupportedMediaType"),
    422: ("M522", "ValidationError"),
    500: ("M599", "InternalError"),
    503: ("M553", "Unavailable"),
}


class ErrorBody(BaseModel):
    code: str
    error: str
    message: str
    detail: Any = None


class ErrorResponse(BaseModel):
    """The one error shape."""

    error: ErrorBody


def error_payload(code: str, error: str, message: str, detail: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "error": error, "message": message, "detail": detail}}


def error_response(status: int, code: str, error: str, message: str, detail: Any = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_payload(code, error, message, detail), status_code=status, headers=headers)


def api_error(status: int, message: str, *, detail: Any = None) -> ApiError:
    """An ``ApiError`` with the code for ``status`` from the table above."""
    code, _ = HTTP_CODES.get(status, ("M500", "ApiError"))
    return ApiError(message, status=status, code=code, detail=detail)


def marsad_error_response(exc: MarsadError) -> JSONResponse:
    status = int(getattr(exc, "status", 500))
    name = type(exc).__name__
    if isinstance(exc, ApiError) and exc.code in {c for c, _ in HTTP_CODES.values()}:
        name = next(n for c, n in HTTP_CODES.values() if c == exc.code)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return error_response(status, exc.code, name, exc.message, exc.detail, headers=headers)


def _clean_validation(errors: list[Any]) -> list[dict[str, Any]]:
    out = []
    for e in errors:
        out.append({"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg", "")),
                    "type": str(e.get("type", ""))})
    return out


def install_error_handlers(app: FastAPI) -> None:
    """Route every error through the one shape."""

    @app.exception_handler(MarsadError)
    async def _marsad(request: Request, exc: MarsadError) -> JSONResponse:
        return marsad_error_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, name = HTTP_CODES.get(exc.status_code, (f"M5{exc.status_code % 100:02d}", "HTTPError"))
        message = str(exc.detail) if exc.detail else name
        if exc.status_code == 404 and message == "Not Found":
            message = f"no resource at {request.url.path}"
        elif exc.status_code == 405:
            message = f"method {request.method} is not allowed on {request.url.path}"
        return error_response(exc.status_code, code, name, message, None, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        code, name = HTTP_CODES[422]
        return error_response(422, code, name, "request failed validation", _clean_validation(list(exc.errors())))

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        code, name = HTTP_CODES[500]
        return error_response(500, code, name, "internal error; see the server log", {"type": type(exc).__name__})
