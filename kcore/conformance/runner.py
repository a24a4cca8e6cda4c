"""Choose the backend to test, then hand over to ``kcore_conformance.runner``.

The backend is fixed when kcore first loads it, so ``--backend`` is honoured by
setting ``KCORE_BACKEND`` before that happens; if another backend is already
loaded in this process, the suite runs in a fresh Python process instead.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Sequence


def _import_suite():
    """``kcore_conformance.runner``, also from a source checkout whose editable install predates the suite."""
    try:
        return importlib.import_module("kcore_conformance.runner")
    except ModuleNotFoundError as e:
        if e.name != "kcore_conformance":
            raise
    source = Path(__file__).resolve().parents[2] / "conformance"
    if not (source / "kcore_conformance" / "__init__.py").is_file():
        raise ModuleNotFoundError(
            "kcore conformance: the suite package 'kcore_conformance' is not installed; "
            "reinstall kcore (pip install kcore) so that its wheel's kcore_conformance is present"
        )
    sys.path.insert(0, str(source))
    return importlib.import_module("kcore_conformance.runner")


def _register(plugins: Sequence[str]) -> None:
    from kcore.backend import plugin_manager

    for module_name in plugins:
        module = importlib.import_module(module_name)
        if not plugin_manager.manager().is_registered(module):
            plugin_manager.register_plugin(module, name=module_name)


def _in_subprocess(backend: str, json_path, select, plugins: Sequence[str]) -> int:
    argv = [sys.executable, "-m", "kcore.conformance", "--backend", backend]
    if json_path is not None:
        argv += ["--json", os.fspath(json_path)]
    if select:
        argv += ["-k", select]
    for plugin in plugins:
        argv += ["--plugin", plugin]
    env = dict(os.environ, KCORE_BACKEND=backend)
    return subprocess.call(argv, env=env)


def run(backend: str | None = None, json_path: str | os.PathLike | None = None, select: str | None = None,
        plugins: Sequence[str] = ()) -> int:
    """Run the conformance suite on ``backend`` (default: the active one); the exit status.

    Args:
        backend: a registered backend name; ``None`` keeps the active backend.
        json_path: also write the results there (see ``conformance/report.py``).
        select: run only the checks whose name contains this text.
        plugins: plugin modules to register first, for a backend that is not
            installed through the ``kcore.backends`` entry point yet.
    """
    from kcore.backend import errors, selection

    _register(plugins)
    if backend:
        loaded = selection._active
        if loaded is not None and loaded.name != backend:
            return _in_subprocess(backend, json_path, select, plugins)
        os.environ[selection.ENV_VAR] = backend
    try:
        selection.active()
    except errors.BackendError as e:
        print(e, file=sys.stderr)
        return 2
    return _import_suite().run_checks(json_path=json_path, select=select)
