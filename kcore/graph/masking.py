"""Masks attached to eager tensors, so that layers called one after another pass them on.

``emb = Embedding(10, 4, mask_zero=True); lstm(emb(x))`` in a subclassed model gives
the LSTM the padding mask, as Keras does. Backend tensors cannot always hold an
attribute (NumPy arrays, JAX tracers), so masks live in a side table keyed by the
tensor's id and dropped when the tensor is garbage collected. Objects that cannot be
weakly referenced (autograd boxes) are kept in a small bounded table instead.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from typing import Any

from kcore.graph import nest

_table: dict[int, tuple[Any, Any]] = {}
_strong: OrderedDict[int, tuple[Any, Any]] = OrderedDict()
_STRONG_LIMIT = 256


def active() -> bool:
    """True when some live tensor carries a mask (the fast path skips every lookup otherwise)."""
    return bool(_table) or bool(_strong)


def _forget(key: int):
    def callback(_ref) -> None:
        entry = _table.get(key)
        if entry is not None and entry[0] is _ref:
            del _table[key]

    return callback


def set_mask(x: Any, mask: Any) -> None:
    """Attach ``mask`` to the eager tensor ``x`` (``None`` removes it)."""
    key = id(x)
    if mask is None:
        _table.pop(key, None)
        _strong.pop(key, None)
        return
    try:
        ref = weakref.ref(x, _forget(key))
    except TypeError:
        _strong[key] = (x, mask)
        _strong.move_to_end(key)
        while len(_strong) > _STRONG_LIMIT:
            _strong.popitem(last=False)
        return
    _table[key] = (ref, mask)


def get_mask(x: Any) -> Any:
    """The mask attached to ``x``, or ``None``."""
    key = id(x)
    entry = _table.get(key)
    if entry is not None:
        return entry[1] if entry[0]() is x else None
    entry = _strong.get(key)
    if entry is not None and entry[0] is x:
        return entry[1]
    return None


def get_masks(structure: Any) -> Any:
    """Masks for a tensor or a structure of tensors; ``None`` when none has one."""
    if not isinstance(structure, (list, tuple, dict)):
        return get_mask(structure)
    flat = [get_mask(t) for t in nest.flatten(structure)]
    if all(m is None for m in flat):
        return None
    return nest.pack_sequence_as(structure, flat)


def set_masks(outputs: Any, mask: Any) -> None:
    """Attach ``mask`` (one mask, or one per output) to the eager ``outputs``."""
    flat = nest.flatten(outputs)
    masks = nest.flatten(mask) if isinstance(mask, (list, tuple)) else [mask] * len(flat)
    for t, m in zip(flat, masks):
        if t is not None and not isinstance(t, (int, float, bool, str)):
            set_mask(t, m)


def clear() -> None:
    _table.clear()
    _strong.clear()
