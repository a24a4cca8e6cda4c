"""Nested structures of tensors: lists, tuples and dicts (dicts keep insertion order)."""

from __future__ import annotations

from typing import Any, Callable


def is_nested(x: Any) -> bool:
    return isinstance(x, (list, tuple, dict))


def flatten(structure: Any) -> list:
    """Leaves of ``structure`` in order (dict values in insertion order; None is a leaf)."""
    if isinstance(structure, dict):
        out = []
        for v in structure.values():
            out.extend(flatten(v))
        return out
    if isinstance(structure, (list, tuple)):
        out = []
        for v in structure:
            out.extend(flatten(v))
        return out
    return [structure]


def flatten_sorted(structure: Any) -> list:
    """Leaves of ``structure`` with dict entries in sorted key order, as ``keras.tree.flatten`` lists them."""
    if isinstance(structure, dict):
        out = []
        for k in sorted(structure):
            out.extend(flatten_sorted(structure[k]))
        return out
    if isinstance(structure, (list, tuple)):
        out = []
        for v in structure:
            out.extend(flatten_sorted(v))
        return out
    return [structure]


def pack_sequence_as(structure: Any, flat: list) -> Any:
    """Inverse of :func:`flatten`: rebuild ``structure`` with the leaves of ``flat``."""
    it = iter(flat)

    def build(s):
        if isinstance(s, dict):
            return type(s)((k, build(v)) for k, v in s.items())
        if isinstance(s, tuple) and hasattr(s, "_fields"):
            return type(s)(*[build(v) for v in s])
        if isinstance(s, (list, tuple)):
            return type(s)(build(v) for v in s)
        return next(it)

    return build(structure)


def map_structure(fn: Callable, structure: Any) -> Any:
    return pack_sequence_as(structure, [fn(x) for x in flatten(structure)])
