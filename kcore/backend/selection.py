"""Which backend is active: ``KCORE_BACKEND`` > ``$KCORE_HOME/kcore.json`` > ``numpy``."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
from pathlib import Path

from kcore.backend import contract, plugin_manager
from kcore.backend.errors import BackendNotInstalledError, UnknownBackendError

DEFAULT_BACKEND = "numpy"
ENV_VAR = "KCORE_BACKEND"

_active: contract.Backend | None = None


def kcore_home() -> Path:
    return Path(os.environ.get("KCORE_HOME", Path.home() / ".kcore")).expanduser()


def config_file() -> Path:
    return kcore_home() / "kcore.json"


def read_config() -> dict:
    path = config_file()
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise UnknownBackendError(f"kcore: cannot read {path}: {e}") from None
    return data if isinstance(data, dict) else {}


def requested_name() -> tuple[str, str]:
    """The backend name asked for and where the request came from."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return env, f"${ENV_VAR}"
    name = read_config().get("backend")
    if isinstance(name, str) and name.strip():
        return name.strip(), str(config_file())
    return DEFAULT_BACKEND, "default"


def framework_available(info: contract.BackendInfo) -> bool:
    try:
        return importlib.util.find_spec(info.framework) is not None
    except (ImportError, ValueError):
        return False


def load(name: str) -> contract.Backend:
    """Import and instantiate backend ``name``, with clear errors."""
    reg = plugin_manager.registry()
    info = reg.get(name)
    if info is None:
        installed = ", ".join(reg.names()) or "none"
        raise UnknownBackendError(
            f"kcore: unknown backend {name!r}; installed backends: {installed}"
        )
    if not framework_available(info):
        raise BackendNotInstalledError(
            f"kcore: backend {name!r} needs {info.framework!r}, which is not installed; "
            f"install it with: pip install {info.install_hint}"
        )
    module_name, _, class_name = info.backend_class.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except ImportError as e:
        raise BackendNotInstalledError(
            f"kcore: backend {name!r} failed to import ({e}); "
            f"install it with: pip install {info.install_hint}"
        ) from e
    backend = cls()
    missing = [m for m in contract.required_methods() if getattr(type(backend), m) is getattr(contract.Backend, m)]
    if missing:
        raise UnknownBackendError(
            f"kcore: backend {name!r} ({info.backend_class}) does not implement: {', '.join(missing)}"
        )
    return backend


def active() -> contract.Backend:
    """The active backend, loaded on first use."""
    global _active
    if _active is None:
        name, _ = requested_name()
        _active = load(name)
    return _active


def set_active(name: str) -> contract.Backend:
    """Switch backend in this process (tests). Existing tensors are not converted."""
    global _active
    _active = load(name)
    return _active
