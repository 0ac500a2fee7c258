"""``marsad serve``: the HTTP API and the map page on one port (localhost by default)."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "serve", help="serve the HTTP API (/api, /openapi.json) and the map page (/)",
        description="Serve the JSON API and the map page from one store. Binds to 127.0.0.1 unless told "
        "otherwise; writes (POST /api/documents) need the token when one is set (--token or MARSAD_API_TOKEN).")
    p.add_argument("--db", help="store: a SQLite path or postgresql:// URL (default: ~/.local/share/marsad/marsad.db)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--token", default=None, help="API token required for writes (default: $MARSAD_API_TOKEN)")
    p.add_argument("--max-body", type=int, default=5_000_000, metavar="BYTES",
                   help="largest accepted request body (default 5,000,000)")
    p.add_argument("--max-page", type=int, default=500, metavar="N", help="largest page size (default 500)")
    p.add_argument("--demo", action="store_true",
                   help="first store the bundled demo corpus (documents already stored are skipped)")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from marsad.api.server import ServeOptions, bind_warning, build_app, resolve_token, seed_demo, serve

    opts = ServeOptions(db=args.db, host=args.host, port=args.port, token=resolve_token(args.token),
                        max_body_bytes=args.max_body, max_page_size=args.max_page, demo=args.demo,
                        log_level=args.log_level)
    warning = bind_warning(opts.host, opts.token)
    if warning:
        print(warning, file=sys.stderr)
    app, backend = build_app(opts)
    if opts.demo:
        added = seed_demo(backend)
        print(f"demo corpus: {added} new documents stored", file=sys.stderr)
    host = f"[{opts.host}]" if ":" in opts.host else opts.host
    print(f"marsad: serving {backend.store.url} on http://{host}:{opts.port}/ (API under /api, spec at "
          f"/openapi.json); writes {'need the token' if opts.token else 'are open'}", file=sys.stderr)
    serve(app, opts)
    return 0
