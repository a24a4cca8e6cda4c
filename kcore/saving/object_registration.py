"""Registry of user classes and functions that configs may name (``"Package>Name"``).

``@register_keras_serializable(package="Custom")`` registers a class under
``"Custom>ClassName"``; :class:`CustomObjectScope` adds objects for the
duration of a ``with`` block. Lookups search, in order: the ``custom_objects``
passed to a loading call, the active scopes (innermost first), then the
global registry.
"""

from __future__ import annotations

import inspect
import threading
from typing import Any, Callable, Mapping

GLOBAL_CUSTOM_OBJECTS: dict[str, Any] = {}
GLOBAL_CUSTOM_NAMES: dict[Any, str] = {}

_local = threading.local()


def _scopes() -> list[dict]:
    stack = getattr(_local, "scopes", None)
    if stack is None:
        stack = _local.scopes = []
    return stack


class CustomObjectScope:
    """``with CustomObjectScope({"MyLayer": MyLayer}):`` makes the objects visible to deserialization."""

    def __init__(self, custom_objects: Mapping[str, Any] | None = None, *more: Mapping[str, Any]) -> None:
        merged: dict[str, Any] = {}
        for objects in (custom_objects, *more):
            if objects is None:
                continue
            if not isinstance(objects, Mapping):
                raise TypeError(
                    f"CustomObjectScope expects dicts of name -> object; received {type(objects).__name__}"
                )
            merged.update(objects)
        self.custom_objects = merged

    def __enter__(self) -> "CustomObjectScope":
        _scopes().append(self.custom_objects)
        return self

    def __exit__(self, *exc) -> None:
        _scopes().pop()


def custom_object_scope(*custom_objects: Mapping[str, Any]) -> CustomObjectScope:
    """Context manager form of :class:`CustomObjectScope`."""
    return CustomObjectScope(*custom_objects)


def get_custom_objects() -> dict[str, Any]:
    """The global registry (``"Package>Name"`` -> object); mutating it registers objects."""
    return GLOBAL_CUSTOM_OBJECTS


def scoped_custom_objects() -> dict[str, Any]:
    """Objects of the active scopes merged, innermost last (so it wins)."""
    merged: dict[str, Any] = {}
    for scope in _scopes():
        merged.update(scope)
    return merged


def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Callable[[Any], Any]:
    """Decorator registering a class or function as ``"package>name"`` (``name`` defaults to ``__name__``).

    Raises:
        ValueError: ``package`` contains ``">"``, the object is already registered under another name,
            or a class has no ``get_config`` method.
    """
    if not isinstance(package, str) or ">" in package:
        raise ValueError(f"`package` must be a string without '>'; received package={package!r}")

    def decorator(obj: Any) -> Any:
        serialized = name if name is not None else getattr(obj, "__name__", None)
        if not serialized:
            raise ValueError(f"Cannot register {obj!r}: it has no __name__; pass `name=`.")
        registered_name = f"{package}>{serialized}"
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError(
                f"Cannot register class {obj.__name__}: it must implement get_config() to be serializable."
            )
        previous = GLOBAL_CUSTOM_NAMES.get(obj)
        if previous is not None and previous != registered_name:
            raise ValueError(f"{obj!r} has already been registered as {previous!r}.")
        GLOBAL_CUSTOM_OBJECTS[registered_name] = obj
        GLOBAL_CUSTOM_NAMES[obj] = registered_name
        return obj

    return decorator


def get_registered_name(obj: Any) -> str:
    """``"Package>Name"`` for registered objects, else the object's ``__name__`` (or class name)."""
    try:
        registered = GLOBAL_CUSTOM_NAMES.get(obj)
    except TypeError:  # unhashable
        registered = None
    if registered is not None:
        return registered
    return getattr(obj, "__name__", type(obj).__name__)


def is_registered(obj: Any) -> bool:
    try:
        return obj in GLOBAL_CUSTOM_NAMES
    except TypeError:
        return False


def get_registered_object(name: str, custom_objects: Mapping[str, Any] | None = None,
                          module_objects: Mapping[str, Any] | None = None) -> Any | None:
    """The object registered as ``name``: ``custom_objects``, then active scopes, the registry, ``module_objects``."""
    if not isinstance(name, str):
        return None
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    for scope in reversed(_scopes()):
        if name in scope:
            return scope[name]
    if name in GLOBAL_CUSTOM_OBJECTS:
        return GLOBAL_CUSTOM_OBJECTS[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


# ------------------------------------------------------------- safe mode
def _safe_stack() -> list[bool]:
    stack = getattr(_local, "safe", None)
    if stack is None:
        stack = _local.safe = []
    return stack


class SafeModeScope:
    """Sets the ambient safe mode for nested deserialization (``Lambda.from_config`` reads it)."""

    def __init__(self, safe_mode: bool = True) -> None:
        self.safe_mode = bool(safe_mode)

    def __enter__(self) -> "SafeModeScope":
        _safe_stack().append(self.safe_mode)
        return self

    def __exit__(self, *exc) -> None:
        _safe_stack().pop()


def in_safe_mode() -> bool | None:
    """The innermost :class:`SafeModeScope` value, or ``None`` outside any scope."""
    stack = _safe_stack()
    return stack[-1] if stack else None


__all__ = [
    "CustomObjectScope", "custom_object_scope", "get_custom_objects", "register_keras_serializable",
    "get_registered_name", "get_registered_object", "SafeModeScope", "in_safe_mode",
]
