"""A memory budget for the weights a file makes kcore create, checked before allocating.

A hostile config can declare ``Dense(units=10**12)``: building it would try to
allocate terabytes. While :func:`allocation_budget` is active (during
``load_model``), every ``Layer.add_weight`` first checks that the new weight
fits the remaining budget and raises :class:`KerasFileError` otherwise. Outside
a budget the check is a single context-variable read.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import math
import threading
from typing import Any, Iterator

from kcore.saving.errors import KerasFileError

_budget: contextvars.ContextVar[list | None] = contextvars.ContextVar("kcore_saving_budget", default=None)
_install_lock = threading.Lock()


def _itemsize(dtype: Any) -> int:
    name = str(dtype or "float32")
    digits = "".join(ch for ch in name if ch.isdigit())
    if name == "bool":
        return 1
    return max(1, int(digits) // 8) if digits else 8


def check_allocation(shape: Any, dtype: Any, owner: str) -> None:
    """Charge ``prod(shape) * itemsize`` to the active budget; raise when it is exceeded."""
    state = _budget.get()
    if state is None:
        return
    try:
        dims = [int(d) for d in (shape or ())]
    except (TypeError, ValueError):
        return
    if any(d < 0 for d in dims):
        return
    size = math.prod(dims) * _itemsize(dtype)
    remaining, what = state
    if size > remaining:
        raise KerasFileError(
            f"Layer '{owner}' would allocate a weight of shape {tuple(dims)} ({size:,} bytes), more than the "
            f"{remaining:,} bytes {what} can account for; the file declares absurd sizes or is corrupt."
        )
    state[0] = remaining - size


@contextlib.contextmanager
def allocation_budget(max_bytes: int, what: str = "the file") -> Iterator[None]:
    """Within the block, weights created by layers may total at most ``max_bytes``."""
    _install()
    token = _budget.set([int(max_bytes), what])
    try:
        yield
    finally:
        _budget.reset(token)


def _install() -> None:
    """Wrap ``Layer.add_weight`` once so that it consults the active budget."""
    from kcore.layers.layer import Layer

    with _install_lock:
        original = Layer.add_weight
        if getattr(original, "_kcore_allocation_guard", False):
            return

        @functools.wraps(original)
        def add_weight(self, shape=None, initializer=None, dtype=None, *args, **kwargs):
            if _budget.get() is not None:
                check_allocation(shape, dtype or self.variable_dtype, self.name)
            return original(self, shape, initializer, dtype, *args, **kwargs)

        add_weight._kcore_allocation_guard = True
        Layer.add_weight = add_weight


__all__ = ["allocation_budget", "check_allocation"]
