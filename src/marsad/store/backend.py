"""Connections: SQLite (``sqlite3``) and PostgreSQL (psycopg 3) behind one small interface.

SQL is written once with ``?`` placeholders; the PostgreSQL connection rewrites them to ``%s``. Queries
must therefore not contain a literal ``?`` or ``%`` (pass patterns as parameters).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from marsad.errors import ConfigError, StoreError
from marsad.store.migrations import MIGRATIONS, SCHEMA_VERSION_DDL, Migration

Row = tuple[Any, ...]
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


class Connection(Protocol):
    dialect: str
    url: str

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    def run(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int: ...

    def transaction(self) -> contextlib.AbstractContextManager[None]: ...

    def pipelined(self) -> contextlib.AbstractContextManager[None]: ...

    def lock_key(self, key: int) -> None: ...

    def lock_keys(self, keys: Sequence[int]) -> None: ...

    def close(self) -> None: ...


def default_db_path() -> Path:
    return Path.home() / ".local" / "share" / "marsad" / "marsad.db"


class SqliteConnection:
    """SQLite in WAL mode; one ``BEGIN IMMEDIATE`` transaction per write, so a killed writer loses at most
    the document it was writing and never leaves half of one."""

    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        self.url = f"sqlite:///{path}"
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=60)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute("PRAGMA cache_size=-65536")  # 64 MiB: facts have several indexes each
            self._conn.execute("PRAGMA wal_autocheckpoint=8192")  # fewer, larger checkpoints
            self._conn.execute("PRAGMA busy_timeout=60000")
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open SQLite store {path}: {exc}", value=str(path)) from exc
        self._depth = 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        try:
            return self._conn.execute(sql, tuple(params)).fetchall()
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as exc:
            raise StoreError(f"SQLite error: {exc}", detail=sql[:200]) from exc

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        """A statement whose result is not needed."""
        self.execute(sql, params)

    @contextlib.contextmanager
    def pipelined(self) -> Iterator[None]:
        """Nothing to do: SQLite has no round trips."""
        yield

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            try:
                self._conn.executemany(sql, [tuple(r) for r in rows])
            except sqlite3.Error as exc:
                raise StoreError(f"SQLite error: {exc}", detail=sql[:200]) from exc

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        rows = self.execute(sql + " RETURNING id", params)
        return int(rows[0][0])

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self._conn.execute("COMMIT")

    def lock_key(self, key: int) -> None:
        """Nothing to do: ``BEGIN IMMEDIATE`` already serialises writers."""

    def lock_keys(self, keys: Sequence[int]) -> None:
        """Nothing to do (see ``lock_key``)."""

    def close(self) -> None:
        self._conn.close()


class PostgresConnection:
    """PostgreSQL through psycopg 3. ``schema`` (optional) is created if missing and put first on the
    search path, so tests and several observatories can share one database."""

    dialect = "postgresql"

    def __init__(self, url: str, *, schema: str | None = None) -> None:
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ConfigError("PostgreSQL needs psycopg: pip install 'marsad[pg]'") from exc
        # ``url`` reopens this very store (with its schema) in another process, e.g. a worker.
        self.url = _with_schema(url, schema) if schema else url
        self.schema = schema
        try:
            self._conn = psycopg.connect(url, autocommit=True)
            # Like SQLite's WAL + synchronous=NORMAL: a killed client loses nothing it committed; a crash of
            # the server or machine may lose the last commits (never half of one), which a rerun re-ingests.
            self._conn.execute("SET synchronous_commit TO off")
            if schema:
                if not _IDENT.match(schema):
                    raise ConfigError(f"bad PostgreSQL schema name {schema!r}", value=schema)
                self._conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
                self._conn.execute(f'SET search_path TO "{schema}"')
        except psycopg.Error as exc:
            raise StoreError(f"cannot open PostgreSQL store {_redact(url)}: {exc}", value=_redact(url)) from exc
        self._psycopg = psycopg
        self._depth = 0

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        try:
            cur = self._conn.execute(self._sql(sql), tuple(params))  # type: ignore[call-overload]
            return list(cur.fetchall()) if _returns_rows(sql) else []
        except self._psycopg.errors.UniqueViolation:
            raise
        except self._psycopg.Error as exc:
            raise StoreError(f"PostgreSQL error: {exc}", detail=sql[:200]) from exc

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        """A statement whose result is not needed: inside ``pipelined()`` it is sent without waiting."""
        try:
            self._conn.execute(self._sql(sql), tuple(params))  # type: ignore[call-overload]
        except self._psycopg.Error as exc:
            raise StoreError(f"PostgreSQL error: {exc}", detail=sql[:200]) from exc

    @contextlib.contextmanager
    def pipelined(self) -> Iterator[None]:
        """psycopg's pipeline mode: statements are sent without waiting for each answer, and a read waits
        only for what it needs; errors surface at the next read or at the end (then the transaction rolls
        back)."""
        if not self._psycopg.Pipeline.is_supported():
            yield
            return
        with self._conn.pipeline():
            yield

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            try:
                with self._conn.cursor() as cur:
                    cur.executemany(self._sql(sql), [tuple(r) for r in rows])  # type: ignore[call-overload]
            except self._psycopg.Error as exc:
                raise StoreError(f"PostgreSQL error: {exc}", detail=sql[:200]) from exc

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        rows = self.execute(sql + " RETURNING id", params)
        return int(rows[0][0])

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        try:
            with self._conn.transaction():
                yield
        except self._psycopg.errors.UniqueViolation:
            raise
        except self._psycopg.Error as exc:
            raise StoreError(f"PostgreSQL error: {exc}") from exc

    def lock_key(self, key: int) -> None:
        """A transaction-scoped advisory lock, so concurrent writers match canonical events one at a time."""
        self.execute("SELECT pg_advisory_xact_lock(?)", (key,))

    def lock_keys(self, keys: Sequence[int]) -> None:
        """Several advisory locks in one statement, in sorted order (no deadlock between writers)."""
        ordered = sorted(set(keys))
        if ordered:
            values = ", ".join("(?)" for _ in ordered)
            self.execute(f"SELECT pg_advisory_xact_lock(k) FROM (VALUES {values}) AS v(k) ORDER BY k", ordered)

    def close(self) -> None:
        self._conn.close()


def _returns_rows(sql: str) -> bool:
    head = sql.lstrip()[:6].upper()
    return head in ("SELECT", "WITH") or " RETURNING " in sql.upper()


def is_integrity_error(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.IntegrityError):
        return True
    return type(exc).__name__ in ("UniqueViolation", "IntegrityError")


def _redact(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def _split_schema(url: str) -> tuple[str, str | None]:
    """Take a ``schema=NAME`` query parameter out of a PostgreSQL URL (libpq does not know it)."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in pairs if k == "schema"), None)
    rest = urlencode([(k, v) for k, v in pairs if k != "schema"])
    return urlunsplit(parts._replace(query=rest)), schema


def _with_schema(url: str, schema: str) -> str:
    parts = urlsplit(url)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), ("schema", schema)])
    return urlunsplit(parts._replace(query=query))


def connect(url: str | Path | None, *, schema: str | None = None) -> Connection:
    """A connection for ``url``: ``None`` (the default SQLite file), a path, ``sqlite:///PATH`` or
    ``postgresql://...`` (``postgres://`` too; ``?schema=NAME`` selects a schema, created if missing)."""
    if url is None:
        return SqliteConnection(default_db_path())
    if isinstance(url, Path):
        return SqliteConnection(url.expanduser())
    if url.startswith(("postgresql://", "postgres://")):
        url, url_schema = _split_schema(url)
        return PostgresConnection(url, schema=schema or url_schema)
    if url.startswith("sqlite:"):
        # sqlite:///relative.db and sqlite:////absolute/path.db (the SQLAlchemy convention)
        path = unquote(url.removeprefix("sqlite:").removeprefix("//").removeprefix("/"))
        if not path or path == ":memory:":
            raise ConfigError("an in-memory SQLite store is not supported; give a file path", value=url)
        return SqliteConnection(Path(path).expanduser())
    if "://" in url:
        raise ConfigError(f"unsupported store URL {url!r} (use a path, sqlite:///PATH or postgresql://...)",
                          value=url)
    return SqliteConnection(Path(url).expanduser())


def migrate(conn: Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Apply every pending migration in one transaction (all or nothing). Returns the schema version."""
    latest = migrations[-1].version
    with conn.transaction():
        conn.execute(SCHEMA_VERSION_DDL)
        conn.lock_key(0x6D61727361640001)  # "marsad" + 1: one migrator at a time on PostgreSQL
        rows = conn.execute("SELECT MAX(version) FROM schema_version")
        current = int(rows[0][0] or 0)
        if current > latest:
            raise StoreError(f"the store is at schema version {current}, newer than this marsad "
                             f"({latest}); upgrade marsad", value=current)
        for m in migrations:
            if m.version <= current:
                continue
            for stmt in m.render(conn.dialect):
                conn.execute(stmt)
            conn.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                         (m.version, m.name, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")))
            current = m.version
    return current
