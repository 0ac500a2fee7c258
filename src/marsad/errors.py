"""One error tree for marsad, each error with a stable code.

::

    MarsadError                 M000  base; every error marsad raises on purpose
    ├── InputError              M100  a document or source cannot be read
    │   ├── EncodingError       M101  bytes are not text in any supported encoding
    │   ├── BinaryInputError    M102  binary data or NUL bytes
    │   ├── EmptyInputError     M103  empty or whitespace-only
    │   ├── TooLargeError       M104  over the configured size limit
    │   ├── MalformedError      M105  malformed JSON / JSONL / CSV / HTML / feed
    │   ├── MissingFieldError   M106  an article object without a text field
    │   └── FetchError          M107  a URL or feed could not be fetched
    ├── MetadataWarning         M150  bad metadata (e.g. a bad ``published``); the document is still processed
    ├── DataFileError           M200  a lexicon or gazetteer data file is malformed
    ├── GazetteerError          M250  a user gazetteer could not be imported
    ├── StoreError              M300  the store failed (database, migration)
    ├── ConfigError             M400  bad settings or command-line usage
    └── ApiError                M500  an HTTP API error (carries ``status``)

Errors carry the offending value (``value``) where there is one, and serialise to the single JSON
error shape used by the CLI and the API: ``{"code": ..., "error": ..., "detail": ...}``.
"""

from __future__ import annotations

from typing import Any


class MarsadError(Exception):
    code = "M000"
    status = 500

    def __init__(self, message: str, *, value: Any = None, detail: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.value = value
        self.detail = detail

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "error": type(self).__name__, "message": self.message}
        if self.detail is not None:
            out["detail"] = self.detail
        return out

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class InputError(MarsadError):
    code = "M100"
    status = 400


class EncodingError(InputError):
    code = "M101"


class BinaryInputError(InputError):
    code = "M102"


class EmptyInputError(InputError):
    code = "M103"


class TooLargeError(InputError):
    code = "M104"
    status = 413


class MalformedError(InputError):
    code = "M105"


class MissingFieldError(InputError):
    code = "M106"


class FetchError(InputError):
    code = "M107"
    status = 502


class MetadataWarning(MarsadError):
    code = "M150"
    status = 400


class DataFileError(MarsadError):
    code = "M200"


class GazetteerError(MarsadError):
    code = "M250"
    status = 400


class StoreError(MarsadError):
    code = "M300"


class ConfigError(MarsadError):
    code = "M400"
    status = 400


class ApiError(MarsadError):
    code = "M500"

    def __init__(self, message: str, *, status: int = 400, code: str | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.status = status
        if code:
            self.code = code


ALL_ERRORS: tuple[type[MarsadError], ...] = (
    MarsadError, InputError, EncodingError, BinaryInputError, EmptyInputError, TooLargeError,
    MalformedError, MissingFieldError, FetchError, MetadataWarning, DataFileError, GazetteerError,
    StoreError, ConfigError, ApiError,
)
