"""Automatic, session-unique names for layers, models and other objects."""

from __future__ import annotations

import collections
import re

_counters: collections.defaultdict[str, int] = collections.defaultdict(int)


def to_snake_case(name: str) -> str:
    """``Conv2DTranspose`` -> ``conv2d_transpose``; ``GlobalMaxPooling2D`` -> ``global_max_pooling2d``."""
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()
    return s.lstrip("_") or "object"


def unique_name(base: str) -> str:
    """``base`` the first time, then ``base_1``, ``base_2``... (per session)."""
    count = _counters[base]
    _counters[base] += 1
    return base if count == 0 else f"{base}_{count}"


def reset() -> None:
    """Forget every name handed out (``kcore.utils.clear_session``)."""
    _counters.clear()
