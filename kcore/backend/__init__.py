"""Backend selection and the public ``kcore.backend`` helpers.

The contract plugins implement lives in :mod:`kcore.backend.contract`.
"""

from __future__ import annotations

from kcore.backend.contract import Backend, BackendInfo, BackendRegistry, hookimpl
from kcore.backend.errors import BackendError, BackendNotInstalledError, UnknownBackendError
from kcore.backend.plugin_manager import register_plugin, registry, unregister_plugin
from kcore.backend.selection import active as current
from kcore.backend.selection import requested_name, set_active

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"


def backend() -> str:
    """The name of the active backend, as ``keras.backend.backend()``."""
    return current().name


def floatx() -> str:
    return _FLOATX


def set_floatx(dtype: str) -> None:
    global _FLOATX
    _FLOATX = str(dtype)


def epsilon() -> float:
    return _EPSILON


def set_epsilon(value: float) -> None:
    global _EPSILON
    _EPSILON = float(value)


def image_data_format() -> str:
    return _IMAGE_DATA_FORMAT


def set_image_data_format(value: str) -> None:
    global _IMAGE_DATA_FORMAT
    if value not in ("channels_last", "channels_first"):
        raise ValueError(f"image_data_format must be 'channels_last' or 'channels_first', got {value!r}")
    _IMAGE_DATA_FORMAT = value


def clear_session() -> None:
    """Reset automatic layer naming, as ``keras.backend.clear_session``."""
    from kcore.graph import naming

    naming.reset()


def list_backends() -> list[str]:
    """Names of every registered backend, installed framework or not."""
    return registry().names()


__all__ = [
    "Backend", "BackendInfo", "BackendRegistry", "hookimpl", "BackendError",
    "BackendNotInstalledError", "UnknownBackendError", "register_plugin", "unregister_plugin",
    "registry", "current", "set_active", "requested_name", "backend", "floatx", "set_floatx",
    "epsilon", "set_epsilon", "image_data_format", "set_image_data_format", "list_backends", "clear_session",
]
