"""``marsad`` entry point.

Commands are discovered from ``marsad.cli.cmd_*`` modules; each defines ``register(subparsers)`` and sets
``func`` (``args -> int``). Modules import heavy dependencies inside their ``run`` functions only.

Exit status (documented in the README):
  0  every document processed
  1  some documents were rejected (each has an error record); the rest were processed
  2  usage or configuration error, or nothing could be processed
  3  internal error (a bug: please report it)
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
from collections.abc import Sequence

from marsad.errors import MarsadError
from marsad.version import __version__

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def build_parser() -> argparse.ArgumentParser:
    import marsad.cli as pkg

    parser = argparse.ArgumentParser(
        prog="marsad", description="marsad (مرصد): Arabic conflict reports in, source-linked facts out.")
    parser.add_argument("--version", action="version", version=f"marsad {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if info.name.startswith("cmd_"):
            module = importlib.import_module(f"marsad.cli.{info.name}")
            module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except MarsadError as exc:
        print(json.dumps({"error": exc.to_dict()}, ensure_ascii=False), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


def run() -> None:  # console_scripts entry point
    sys.exit(main())
