"""``python -m kcore.conformance --backend NAME``: the guide conformance suite on one backend."""

from __future__ import annotations

import argparse
import sys

from kcore.conformance.runner import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kcore.conformance",
        description="Run the Keras Functional API guide conformance suite on a kcore backend.",
    )
    parser.add_argument("--backend", default=None, help="backend to test (default: the active one)")
    parser.add_argument("--json", default=None, help="also write the results to this JSON file")
    parser.add_argument("-k", dest="select", default=None, help="only run checks whose name contains this text")
    parser.add_argument("--plugin", action="append", default=[], metavar="MODULE",
                        help="register this plugin module first (a backend not installed through its entry point)")
    args = parser.parse_args(argv)
    return run(backend=args.backend, json_path=args.json, select=args.select, plugins=args.plugin)


if __name__ == "__main__":
    sys.exit(main())
