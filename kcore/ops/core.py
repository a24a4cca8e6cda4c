"""Core ops: tensor conversion, dtype casts, static shape/dtype queries, gradients and loops.

Also holds the small eager helpers every op module uses to turn arguments
into backend tensors with ``keras.ops`` dtype promotion.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from kcore.backend.selection import active as backend
from kcore.graph.keras_tensor import KerasTensor
from kcore.ops import shape_inference as si
from kcore.ops.dispatch import op, shape_of
from kcore.variables import Variable

__all__ = [
    "convert_to_tensor", "convert_to_numpy", "cast", "is_tensor", "shape", "dtype",
    "stop_gradient", "scan",
]

# ====================================================== eager helpers (internal)


def to_tensor(b, x, dtype: str | None = None):
    """``x`` as a backend tensor (of ``dtype`` when given).

    NumPy arrays keep their dtype; Python scalars and lists get the default
    ``float32``/``int32``/``bool``.
    """
    if b.is_tensor(x):
        return x if dtype is None or b.dtype(x) == dtype else b.cast(x, dtype)
    if dtype is None and not isinstance(x, np.ndarray):
        dtype = si.tensor_dtype(x)
    return b.convert_to_tensor(x, dtype=dtype)


def to_float(b, x):
    """``x`` as a floating backend tensor (ints and bools become ``floatx``)."""
    x = to_tensor(b, x)
    d = b.dtype(x)
    return x if d in si.FLOAT_TYPES else b.cast(x, si.float_dtype(d))


def _as_dtype(b, x, is_t: bool, have, want: str):
    if is_t:
        return x if si.strong(have) == want else b.cast(x, want)
    return b.convert_to_tensor(x, dtype=want)


def _dtype(b, x, is_t: bool):
    """Promotion dtype of an operand; NumPy default-dtype arrays stay weak even where they are tensors."""
    if is_t and not isinstance(x, np.ndarray):
        return b.dtype(x)
    return si.operand_dtype(x)


def binary_operands(b, x1, x2) -> tuple[Any, Any, str]:
    """``(x1, x2, dtype)``: both operands as tensors of their promoted dtype.

    A Python scalar next to a ``float32`` tensor is passed through as is:
    every backend treats it as weak there, and converting it would cost more.
    """
    t1, t2 = b.is_tensor(x1), b.is_tensor(x2)
    if t1 and t2:
        d1, d2 = b.dtype(x1), b.dtype(x2)
        if d1 == d2:
            return x1, x2, d1
    d1, d2 = _dtype(b, x1, t1), _dtype(b, x2, t2)
    d = si.promote(d1, d2)
    if d == "float32":
        if t1 and d1 == d and type(x2) in (int, float):
            return x1, x2, d
        if t2 and d2 == d and type(x1) in (int, float):
            return x1, x2, d
    return _as_dtype(b, x1, t1, d1, d), _as_dtype(b, x2, t2, d2, d), d


def tensors(b, xs, name: str) -> tuple[list, str]:
    """A sequence of operands as tensors of one promoted dtype."""
    if isinstance(xs, KerasTensor) or b.is_tensor(xs):
        raise TypeError(f"{name}: expects a list or tuple of tensors, got a single tensor")
    xs = list(xs)
    if not xs:
        raise ValueError(f"{name}: needs at least one tensor, got an empty sequence")
    is_t = [b.is_tensor(x) for x in xs]
    dtypes = [_dtype(b, x, t) for x, t in zip(xs, is_t)]
    d = si.promote(*dtypes)
    return [_as_dtype(b, x, t, dt, d) for x, t, dt in zip(xs, is_t, dtypes)], d


# ============================================================== public ops


def _infer_convert(x, dtype=None, sparse=None, ragged=None):
    return KerasTensor(shape_of(x), si.check_dtype("convert_to_tensor", dtype) or si.tensor_dtype(x))


@op(infer=_infer_convert)
def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """Convert a scalar, list, NumPy array or tensor to a backend tensor of ``dtype``."""
    b = backend()
    dtype = si.check_dtype("convert_to_tensor", dtype)
    if sparse or ragged:
        raise ValueError("convert_to_tensor: sparse and ragged tensors are not supported by kcore")
    if b.is_tensor(x):
        return x if dtype is None or b.dtype(x) == dtype else b.cast(x, dtype)
    return b.convert_to_tensor(x, dtype=dtype)


def convert_to_numpy(x) -> np.ndarray:
    """A NumPy array with the values of ``x`` (a tensor, Variable, array or scalar)."""
    if isinstance(x, KerasTensor):
        raise TypeError(
            "convert_to_numpy: a symbolic KerasTensor holds no values; call the model on real data instead"
        )
    if isinstance(x, Variable):
        return x.numpy()
    b = backend()
    if b.is_tensor(x):
        return b.convert_to_numpy(x)
    return np.asarray(x)


def _infer_cast(x, dtype):
    return KerasTensor(shape_of(x), si.check_dtype("cast", dtype))


@op(infer=_infer_cast)
def cast(x, dtype):
    """Cast ``x`` to ``dtype`` (a no-op when it already has it)."""
    b = backend()
    dtype = si.check_dtype("cast", dtype)
    if dtype is None:
        raise ValueError("cast: `dtype` is required")
    if b.is_tensor(x):
        return x if b.dtype(x) == dtype else b.cast(x, dtype)
    return b.convert_to_tensor(x, dtype=dtype)


def is_tensor(x) -> bool:
    """True for native tensors of the active backend (not NumPy arrays, Variables or KerasTensors)."""
    return backend().is_tensor(x)


def shape(x) -> tuple:
    """The static shape of ``x`` as a tuple (``None`` for unknown dimensions of symbolic tensors)."""
    if isinstance(x, (KerasTensor, Variable)):
        return tuple(x.shape)
    b = backend()
    if b.is_tensor(x):
        return tuple(b.shape(x))
    return tuple(np.shape(x))


def dtype(x) -> str:
    """The standard dtype name of ``x`` (``"float32"``, ``"int32"``...)."""
    if isinstance(x, (KerasTensor, Variable)):
        return x.dtype
    b = backend()
    if b.is_tensor(x):
        return b.dtype(x)
    return si.tensor_dtype(x)


@op(infer=si.infer_same)
def stop_gradient(variable):
    """``variable`` unchanged, but treated as a constant by differentiation."""
    b = backend()
    return b.stop_gradient(to_tensor(b, variable))


def _infer_scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    from kcore.graph.operation import tracing

    xs_list = [] if xs is None else list(xs) if isinstance(xs, (list, tuple)) else [xs]
    n = length
    for x in xs_list:
        d = shape_of(x)[0] if shape_of(x) else None
        n = si.merge_dims("scan", "`length` and the leading dimension of `xs` must agree", n, d)
    slices = [KerasTensor(shape_of(x)[1:], si.tensor_dtype(x)) for x in xs_list]
    x_arg = None if xs is None else slices if isinstance(xs, (list, tuple)) else slices[0]
    with tracing():
        carry, y = f(init, x_arg)

    def stacked(t):
        return None if t is None else KerasTensor((n,) + tuple(shape_of(t)), si.tensor_dtype(t))

    ys = [stacked(t) for t in y] if isinstance(y, (list, tuple)) else stacked(y)
    return carry, ys


@op(infer=_infer_scan)
def scan(f: Callable, init, xs=None, length: int | None = None, reverse: bool = False, unroll: int = 1):
    """Loop ``carry, y = f(carry, x)`` over the leading axis of ``xs``; returns ``(carry, stacked ys)``.

    With ``xs=None``, ``f`` receives ``None`` for ``x`` and ``length`` steps run.
    """
    b = backend()
    if xs is None:
        if length is None:
            raise ValueError("scan: `length` is required when `xs` is None")
        carry, ys = b.scan(lambda c, _: f(c, None), init, b.zeros((length,), "int32"),
                           length=length, reverse=reverse)
        return carry, ys
    xs = [to_tensor(b, x) for x in xs] if isinstance(xs, (list, tuple)) else to_tensor(b, xs)
    first = xs[0] if isinstance(xs, list) else xs
    n = b.shape(first)[0] if b.shape(first) else None
    if n is None:
        raise ValueError("scan: `xs` must have a leading axis to loop over")
    if length is not None and n is not None and length != n:
        raise ValueError(f"scan: `length`={length} does not match the leading dimension {n} of `xs`")
    return b.scan(f, init, xs, length=length, reverse=reverse)
