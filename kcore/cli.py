"""The ``kcore`` command: ``kcore info`` and ``kcore conformance``."""

from __future__ import annotations

import argparse
import importlib
import sys


def _framework_version(info) -> tuple[bool, str]:
    """(imports, version or error) for a registered backend's framework."""
    from kcore.backend.selection import framework_available

    if not framework_available(info):
        return False, f"not installed (pip install {info.install_hint})"
    try:
        module = importlib.import_module(info.framework)
    except Exception as e:  # noqa: BLE001 - report any import failure
        return False, f"import failed: {e}"
    version = getattr(module, "__version__", None)
    if version is None:
        from importlib import metadata

        try:
            version = metadata.version(info.framework)
        except metadata.PackageNotFoundError:
            version = "unknown"
    return True, str(version)


def info(stream=sys.stdout) -> int:
    """Print kcore's version, the active backend and every discovered backend plugin."""
    from kcore import __version__
    from kcore.backend import plugin_manager, selection
    from kcore.backend.errors import BackendError

    name, source = selection.requested_name()
    print(f"kcore {__version__}", file=stream)
    try:
        active = selection.active()
        print(f"active backend: {active.name} ({active.framework_version()}; selected by {source}; "
              f"devices: {', '.join(active.devices())})", file=stream)
        status = 0
    except BackendError as e:
        print(f"active backend: {name} (selected by {source}) cannot be loaded: {e}", file=stream)
        status = 1
    print("backends:", file=stream)
    for backend_info in plugin_manager.registry():
        ok, version = _framework_version(backend_info)
        mark = "ok" if ok else "--"
        plugin = plugin_manager.registry()._plugins.get(backend_info.name) or "?"
        print(f"  [{mark}] {backend_info.name:<12} {backend_info.framework} {version}  "
              f"(plugin {plugin}; {backend_info.description})", file=stream)
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kcore", description="kcore: the Keras 3 API on pluggable backends")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("info", help="show the version, the active backend and installed backend plugins")
    conf = sub.add_parser("conformance", help="run the Functional API guide conformance suite on a backend")
    conf.add_argument("--backend", default=None, help="backend to test (default: the active one)")
    conf.add_argument("--json", default=None, help="also write the results to this JSON file")
    conf.add_argument("-k", default=None, help="only run checks whose name contains this text")
    args = parser.parse_args(argv)
    if args.command == "info" or args.command is None:
        return info()
    if args.command == "conformance":
        from kcore.conformance.runner import run

        return run(backend=args.backend, json_path=args.json, select=args.k)
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
