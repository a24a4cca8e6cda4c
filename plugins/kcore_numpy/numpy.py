"""NumPy-namespace ops of the numpy backend (creation, math, shapes, reductions).

Ops are written with ``autograd.numpy`` where autograd's gradient is exact and
keeps float32 cotangents float32; the primitives below replace the ones whose
autograd VJP is missing, slow, or silently promotes to float64 (mean, max,
maximum, where...). Dtype promotion follows ``kcore.dtypes.result_type``:
Python scalars are weak, ``int`` + Python ``float`` gives ``float32``.
"""

from __future__ import annotations

import functools
from typing import Any, Sequence

import autograd.numpy as anp
import numpy as np
from autograd.extend import defvjp, primitive
from autograd.numpy.numpy_boxes import ArrayBox
from autograd.tracer import getval

from kcore.dtypes import result_type, standardize_dtype
from kcore_numpy.core import cast_array, is_float_dtype, np_dtype, std_name, to_tensor

_F32 = np.dtype("float32")
_I32 = np.dtype("int32")
_U32 = np.dtype("uint32")
_BOOL = np.dtype("bool")


# ------------------------------------------------------------------ helpers
def t_(x: Any) -> Any:
    """``x`` as a tensor (ndarray or box), converting scalars and lists."""
    t = type(x)
    if t is np.ndarray or t is ArrayBox:
        return x
    return to_tensor(x)


def dt_(x: Any) -> np.dtype:
    """The NumPy dtype of a tensor or box."""
    if type(x) is np.ndarray:
        return x.dtype
    v = getval(x)
    d = getattr(v, "dtype", None)
    return d if d is not None else np.asarray(v).dtype


def float_(x: Any) -> Any:
    """``x`` as a float tensor: ints and bools become float32 (as keras.ops)."""
    x = t_(x)
    return x if is_float_dtype(dt_(x)) else cast_array(x, _F32)


@functools.lru_cache(maxsize=None)
def _promote(d1: np.dtype, d2: np.dtype) -> np.dtype:
    return np_dtype(result_type(std_name(d1), std_name(d2)))


def _weak_adjust(x: Any, scalar_type: type) -> Any:
    kind = dt_(x).kind
    if scalar_type is float and kind in "biu":
        return cast_array(x, _F32)
    if scalar_type is int and kind == "b":
        return cast_array(x, _I32)
    return x


def prep2(x1: Any, x2: Any) -> tuple[Any, Any]:
    """Operands of a binary op, promoted like keras.ops (Python scalars are weak)."""
    t1, t2 = type(x1), type(x2)
    if t1 is np.ndarray and t2 is np.ndarray and x1.dtype == x2.dtype:
        return x1, x2
    w1 = t1 is float or t1 is int or t1 is bool
    w2 = t2 is float or t2 is int or t2 is bool
    if w1 and w2:
        dt = np_dtype(result_type(t1, t2))
        return np.asarray(x1, dt), np.asarray(x2, dt)
    if w1:
        return x1, _weak_adjust(t_(x2), t1)
    if w2:
        return _weak_adjust(t_(x1), t2), x2
    x1, x2 = t_(x1), t_(x2)
    d1, d2 = dt_(x1), dt_(x2)
    if d1 is not d2 and d1 != d2:
        dt = _promote(d1, d2)
        x1, x2 = cast_array(x1, dt), cast_array(x2, dt)
    return x1, x2


def prep_many(xs: Sequence[Any]) -> list:
    """Tensors of a list, all cast to their promoted dtype."""
    xs = [t_(x) for x in xs]
    dts = {dt_(x) for x in xs}
    if len(dts) > 1:
        dt = np_dtype(result_type(*[std_name(d) for d in dts]))
        xs = [cast_array(x, dt) for x in xs]
    return xs


def _tensor_dt(x1: Any, x2: Any) -> np.dtype:
    t1 = type(x1)
    if t1 is float or t1 is int or t1 is bool:
        return dt_(x2)
    return dt_(x1)


def unbroadcast(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``g`` down to ``shape`` (the adjoint of NumPy broadcasting)."""
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    if extra:
        g = g.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, s in enumerate(shape) if s == 1 and g.shape[i] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g


def _zero(g: np.ndarray):
    return g.dtype.type(0)


def _expand_reduced(g: Any, axis, keepdims: bool) -> np.ndarray:
    g = np.asarray(g)
    if keepdims or axis is None:
        return g
    return np.expand_dims(g, axis)


def _reduce_count(x_shape: tuple, axis) -> int:
    if axis is None:
        return int(np.prod(x_shape, dtype=np.int64))
    axes = (axis,) if isinstance(axis, int) else axis
    return int(np.prod([x_shape[a] for a in axes], dtype=np.int64))


def _acc_dtype(dt: np.dtype) -> np.dtype | None:
    """Accumulator dtype of sum/prod/cumsum for ints and bools (as keras.ops)."""
    if dt.kind == "b" or (dt.kind == "i" and dt.itemsize < 4):
        return _I32
    if dt.kind == "u" and dt.itemsize < 4:
        return _U32
    if dt.kind in "iu":
        return dt
    return None


# ------------------------------------------------------------- primitives
@primitive
def p_maximum(x, y):
    return np.maximum(x, y)


@primitive
def p_minimum(x, y):
    return np.minimum(x, y)


def _minmax_vjp(first: bool, greater: bool):
    def maker(ans, x, y):
        shape = np.shape(x if first else y)
        a, b = (x, y) if first else (y, x)

        def vjp(g):
            win = (a > b) if greater else (a < b)
            out = np.where(a == b, g * 0.5, np.where(win, g, _zero(g)))
            return unbroadcast(out, shape)

        return vjp

    return maker


defvjp(p_maximum, _minmax_vjp(True, True), _minmax_vjp(False, True))
defvjp(p_minimum, _minmax_vjp(True, False), _minmax_vjp(False, False))


@primitive
def p_where(c, x, y):
    return np.where(c, x, y)


defvjp(
    p_where,
    None,
    lambda ans, c, x, y: lambda g: unbroadcast(np.where(c, g, _zero(g)), np.shape(x)),
    lambda ans, c, x, y: lambda g: unbroadcast(np.where(c, _zero(g), g), np.shape(y)),
)


@primitive
def p_power(x, y):
    return np.power(x, y)


def _power_vjp_x(ans, x, y):
    shape = np.shape(x)

    def vjp(g):
        with np.errstate(all="ignore"):
            d = np.where(np.equal(y, 0), _zero(g), y * np.power(x, y - 1))
        return unbroadcast(g * d, shape)

    return vjp


def _power_vjp_y(ans, x, y):
    shape = np.shape(y)

    def vjp(g):
        with np.errstate(all="ignore"):
            pos = x > 0
            logx = np.where(pos, np.log(np.where(pos, x, 1)), 0)
        return unbroadcast(g * ans * logx, shape)

    return vjp


defvjp(p_power, _power_vjp_x, _power_vjp_y)


@primitive
def p_abs(x):
    return np.abs(x)


defvjp(p_abs, lambda ans, x: lambda g: g * np.sign(x))


@primitive
def p_sqrt(x):
    return np.sqrt(x)


defvjp(p_sqrt, lambda ans, x: lambda g: g / (2 * ans))


@primitive
def p_tanh(x):
    return np.tanh(x)


defvjp(p_tanh, lambda ans, x: lambda g: g * (1 - ans * ans))


@primitive
def p_broadcast_to(x, shape):
    return np.broadcast_to(x, shape)


defvjp(p_broadcast_to, lambda ans, x, shape: lambda g: unbroadcast(g, np.shape(x)))


@primitive
def p_mean(x, axis, keepdims):
    return np.mean(x, axis=axis, keepdims=keepdims)


def _mean_vjp(ans, x, axis, keepdims):
    shape = np.shape(x)
    n = _reduce_count(shape, axis)

    def vjp(g):
        return np.broadcast_to(_expand_reduced(g, axis, keepdims) / n, shape)

    return vjp


defvjp(p_mean, _mean_vjp)


@primitive
def p_amax(x, axis, keepdims):
    return np.max(x, axis=axis, keepdims=keepdims)


@primitive
def p_amin(x, axis, keepdims):
    return np.min(x, axis=axis, keepdims=keepdims)


def _chooser_vjp(ans, x, axis, keepdims):
    def vjp(g):
        g = _expand_reduced(g, axis, keepdims)
        hit = x == _expand_reduced(ans, axis, keepdims)
        count = hit.sum(axis=axis, keepdims=True).astype(g.dtype)
        return np.where(hit, g / count, _zero(g))

    return vjp


defvjp(p_amax, _chooser_vjp)
defvjp(p_amin, _chooser_vjp)


@primitive
def p_logsumexp(x, axis, keepdims):
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, _zero(m))
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else (np.squeeze(out, axis=axis) if axis is not None else out.reshape(()))


def _logsumexp_vjp(ans, x, axis, keepdims):
    def vjp(g):
        g = _expand_reduced(g, axis, keepdims)
        a = _expand_reduced(ans, axis, keepdims)
        return g * np.exp(x - a)

    return vjp


defvjp(p_logsumexp, _logsumexp_vjp)


@primitive
def p_take(x, indices, axis):
    return np.take(x, indices, axis=axis)


def _take_vjp(ans, x, indices, axis):
    shape = np.shape(x)

    def vjp(g):
        out = np.zeros(shape, g.dtype)
        np.add.at(out, (slice(None),) * axis + (indices,), g)
        return out

    return vjp


defvjp(p_take, _take_vjp)


@primitive
def p_take_along_axis(x, indices, axis):
    return np.take_along_axis(x, indices, axis=axis)


def _take_along_vjp(ans, x, indices, axis):
    shape = np.shape(x)
    nd = len(shape)

    def vjp(g):
        index = []
        for d in range(nd):
            if d == axis:
                index.append(indices)
            elif shape[d] == 1:
                index.append(0)
            else:
                view = [1] * nd
                view[d] = shape[d]
                index.append(np.arange(shape[d]).reshape(view))
        out = np.zeros(shape, g.dtype)
        np.add.at(out, tuple(index), g)
        return out

    return vjp


defvjp(p_take_along_axis, _take_along_vjp)


def _is_basic_key(key) -> bool:
    items = key if isinstance(key, tuple) else (key,)
    for k in items:
        if k is None or k is Ellipsis or isinstance(k, slice):
            continue
        if isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_)):
            continue
        return False
    return True


@primitive
def p_getitem(x, key):
    return x[key]


def _getitem_vjp(ans, x, key):
    shape = np.shape(x)
    basic = _is_basic_key(key)

    def vjp(g):
        out = np.zeros(shape, g.dtype)
        if basic:
            out[key] = g
        else:
            np.add.at(out, key, g)
        return out

    return vjp


defvjp(p_getitem, _getitem_vjp)


@primitive
def p_pad(x, pad_width, mode, constant_values):
    if mode == "constant":
        return np.pad(x, pad_width, mode="constant", constant_values=constant_values)
    return np.pad(x, pad_width, mode=mode)


def _pad_vjp(ans, x, pad_width, mode, constant_values):
    shape = np.shape(x)
    if mode == "constant":
        key = tuple(slice(b, b + n) for (b, _), n in zip(pad_width, shape))
        return lambda g: g[key]
    size = int(np.prod(shape, dtype=np.int64))
    index = np.pad(np.arange(size).reshape(shape), pad_width, mode=mode)

    def vjp(g):
        flat = np.bincount(index.ravel(), weights=g.ravel(), minlength=size)
        return flat.reshape(shape).astype(g.dtype, copy=False)

    return vjp


defvjp(p_pad, _pad_vjp)


@primitive
def p_erf(x):
    try:
        from scipy.special import erf
    except ImportError:  # pragma: no cover - scipy ships with most installs
        import math

        erf = np.vectorize(math.erf, otypes=[x.dtype])
    return erf(x).astype(x.dtype, copy=False)


defvjp(p_erf, lambda ans, x: lambda g: g * (1.1283791670955126 * np.exp(-x * x)).astype(g.dtype, copy=False))


def _normalize_axis(axis: int, ndim: int) -> int:
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for a tensor of rank {ndim}")
    return axis % ndim


def take_along_axis(x: Any, indices: Any, axis: int) -> Any:
    """Differentiable ``np.take_along_axis`` with index broadcasting (as keras.ops)."""
    x = t_(x)
    indices = np.asarray(getval(indices))
    if indices.dtype.kind not in "iu":
        indices = indices.astype(np.int64)
    if axis is None:
        x, axis = anp.reshape(x, (-1,)), 0
        indices = indices.reshape(-1)
    xs = np.shape(getval(x))
    axis = _normalize_axis(axis, len(xs))
    if indices.ndim != len(xs):
        raise ValueError(
            f"take_along_axis: indices must have the rank of x ({len(xs)}), got shape {indices.shape}"
        )
    # broadcast every non-axis dim of the indices against x's (keras broadcasts both ways)
    bshape = tuple(
        indices.shape[d] if d == axis else max(xs[d], indices.shape[d]) for d in range(len(xs))
    )
    indices = np.broadcast_to(indices, bshape)
    xb = tuple(xs[d] if d == axis else bshape[d] for d in range(len(xs)))
    if xb != xs:
        x = p_broadcast_to(x, xb)
    indices = np.where(indices < 0, indices + xs[axis], indices)
    if type(x) is ArrayBox:
        return p_take_along_axis(x, indices, axis)
    return np.take_along_axis(x, indices, axis=axis)


def _binop(name: str, np_fn, ag_fn):
    """A promoting binary op that bypasses autograd's wrapper when nothing is traced."""

    def method(self, x1, x2):
        x1, x2 = prep2(x1, x2)
        if type(x1) is ArrayBox or type(x2) is ArrayBox:
            return ag_fn(x1, x2)
        return np_fn(x1, x2)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"Elementwise ``{name}`` with broadcasting and keras.ops dtype promotion."
    return method


class Numpy:
    """Creation, arithmetic, math, linear algebra, shapes and reductions."""

    # ---------------------------------------------------------------- creation
    def zeros(self, shape, dtype="float32"):
        return np.zeros(shape, np_dtype(standardize_dtype(dtype)))

    def ones(self, shape, dtype="float32"):
        return np.ones(shape, np_dtype(standardize_dtype(dtype)))

    def full(self, shape, fill_value, dtype=None):
        fill = t_(fill_value) if dtype is None else to_tensor(fill_value, standardize_dtype(dtype))
        if type(fill) is ArrayBox:
            return p_broadcast_to(fill, tuple(shape))
        return np.full(shape, fill, dtype=dt_(fill))

    def zeros_like(self, x, dtype=None):
        return np.zeros(np.shape(getval(x)), np_dtype(standardize_dtype(dtype)) if dtype else dt_(t_(x)))

    def ones_like(self, x, dtype=None):
        return np.ones(np.shape(getval(x)), np_dtype(standardize_dtype(dtype)) if dtype else dt_(t_(x)))

    def full_like(self, x, fill_value, dtype=None):
        return self.full(np.shape(getval(x)), fill_value, dtype or std_name(dt_(t_(x))))

    def arange(self, start, stop=None, step=1, dtype=None):
        start, stop, step = (getval(v) for v in (start, stop, step))
        if dtype is None:
            values = [v for v in (start, stop, step) if v is not None]
            is_float = any(isinstance(v, float) or (hasattr(v, "dtype") and v.dtype.kind == "f") for v in values)
            dtype = "float32" if is_float else "int32"
        dt = np_dtype(standardize_dtype(dtype))
        if stop is None:
            return np.arange(start, step=step, dtype=dt)
        return np.arange(start, stop, step, dtype=dt)

    def eye(self, n, m=None, k=0, dtype="float32"):
        return np.eye(n, m, k, dtype=np_dtype(standardize_dtype(dtype)))

    # -------------------------------------------------------------- arithmetic
    add = _binop("add", np.add, anp.add)

    subtract = _binop("subtract", np.subtract, anp.subtract)

    multiply = _binop("multiply", np.multiply, anp.multiply)

    def divide(self, x1, x2):
        x1, x2 = prep2(x1, x2)
        if not is_float_dtype(_tensor_dt(x1, x2)):
            x1 = float_(x1) if type(x1) not in (int, float, bool) else x1
            x2 = float_(x2) if type(x2) not in (int, float, bool) else x2
        return anp.divide(x1, x2)

    def floor_divide(self, x1, x2):
        x1, x2 = prep2(x1, x2)
        return np.floor_divide(getval(x1), getval(x2))

    mod = _binop("mod", np.mod, anp.mod)

    def power(self, x1, x2):
        x1, x2 = prep2(x1, x2)
        if type(x1) is ArrayBox or type(x2) is ArrayBox:
            return p_power(x1, x2)
        return np.power(x1, x2)

    maximum = _binop("maximum", np.maximum, p_maximum)

    minimum = _binop("minimum", np.minimum, p_minimum)

    def equal(self, x1, x2):
        return np.equal(getval(t_(x1)), getval(t_(x2)))

    def not_equal(self, x1, x2):
        return np.not_equal(getval(t_(x1)), getval(t_(x2)))

    def less(self, x1, x2):
        return np.less(getval(t_(x1)), getval(t_(x2)))

    def less_equal(self, x1, x2):
        return np.less_equal(getval(t_(x1)), getval(t_(x2)))

    def greater(self, x1, x2):
        return np.greater(getval(t_(x1)), getval(t_(x2)))

    def greater_equal(self, x1, x2):
        return np.greater_equal(getval(t_(x1)), getval(t_(x2)))

    def logical_and(self, x1, x2):
        return np.logical_and(getval(t_(x1)), getval(t_(x2)))

    def logical_or(self, x1, x2):
        return np.logical_or(getval(t_(x1)), getval(t_(x2)))

    def logical_not(self, x):
        return np.logical_not(getval(t_(x)))

    # --------------------------------------------------------- elementwise math
    def negative(self, x):
        return anp.negative(t_(x))

    def abs(self, x):
        return p_abs(t_(x))

    def sign(self, x):
        return np.sign(getval(t_(x)))

    def floor(self, x):
        return np.floor(getval(float_(x)))

    def ceil(self, x):
        return np.ceil(getval(float_(x)))

    def round(self, x, decimals: int = 0):
        return np.round(getval(t_(x)), decimals)

    def sqrt(self, x):
        return p_sqrt(float_(x))

    def exp(self, x):
        return anp.exp(float_(x))

    def log(self, x):
        return anp.log(float_(x))

    def log1p(self, x):
        return anp.log1p(float_(x))

    def expm1(self, x):
        return anp.expm1(float_(x))

    def sin(self, x):
        return anp.sin(float_(x))

    def cos(self, x):
        return anp.cos(float_(x))

    def tanh(self, x):
        return p_tanh(float_(x))

    def erf(self, x):
        return p_erf(float_(x))

    def isnan(self, x):
        return np.isnan(getval(t_(x)))

    def isfinite(self, x):
        return np.isfinite(getval(t_(x)))

    def square(self, x):
        x = t_(x)
        if dt_(x) == _BOOL:
            x = cast_array(x, _I32)
        return anp.multiply(x, x)

    def reciprocal(self, x):
        return anp.divide(1, float_(x))

    def rsqrt(self, x):
        return anp.divide(1, p_sqrt(float_(x)))

    def clip(self, x, x_min, x_max):
        x = t_(x)
        dt = dt_(x)
        if dt == _BOOL:
            x, dt = cast_array(x, _I32), _I32
        out = anp.clip(x, getval(x_min), getval(x_max))
        return cast_array(out, dt)

    def where(self, condition, x1=None, x2=None):
        cond = np.asarray(getval(t_(condition)))
        if x1 is None and x2 is None:
            return tuple(i.astype(np.int32) for i in np.nonzero(cond))
        if cond.dtype != _BOOL:
            cond = cond.astype(bool)
        x1, x2 = prep2(x1, x2)
        if type(x1) is ArrayBox or type(x2) is ArrayBox:
            return p_where(cond, x1, x2)
        return np.where(cond, x1, x2)

    # ------------------------------------------------------------------ linalg
    def matmul(self, x1, x2):
        x1, x2 = prep2(t_(x1), t_(x2))
        return anp.matmul(x1, x2)

    def dot(self, x1, x2):
        x1, x2 = prep2(t_(x1), t_(x2))
        return anp.dot(x1, x2)

    def tensordot(self, x1, x2, axes=2):
        x1, x2 = prep2(t_(x1), t_(x2))
        return anp.tensordot(x1, x2, axes)

    def einsum(self, subscripts: str, *operands):
        return anp.einsum(subscripts, *prep_many(operands))

    # ------------------------------------------------------------------ shapes
    def reshape(self, x, newshape):
        return anp.reshape(t_(x), newshape)

    def transpose(self, x, axes=None):
        return anp.transpose(t_(x), axes)

    def swapaxes(self, x, axis1, axis2):
        return anp.swapaxes(t_(x), axis1, axis2)

    def expand_dims(self, x, axis):
        return anp.expand_dims(t_(x), axis)

    def squeeze(self, x, axis=None):
        return anp.squeeze(t_(x), axis)

    def broadcast_to(self, x, shape):
        x = t_(x)
        shape = tuple(shape)
        if type(x) is ArrayBox:
            return p_broadcast_to(x, shape)
        return np.broadcast_to(x, shape)

    def concatenate(self, xs, axis=0):
        return anp.concatenate(prep_many(xs), axis=axis)

    def stack(self, xs, axis=0):
        xs = prep_many(xs)
        if not any(type(x) is ArrayBox for x in xs):
            return np.stack(xs, axis=axis)
        return anp.concatenate([anp.expand_dims(x, axis) for x in xs], axis=axis)

    def split(self, x, indices_or_sections, axis=0):
        x = t_(x)
        if not isinstance(indices_or_sections, int):
            indices_or_sections = [int(i) for i in np.asarray(getval(indices_or_sections)).reshape(-1)]
        if type(x) is not ArrayBox:
            return list(np.split(x, indices_or_sections, axis=axis))
        n = np.shape(getval(x))[axis]
        if isinstance(indices_or_sections, int):
            if n % indices_or_sections:
                raise ValueError(
                    f"split: axis {axis} of size {n} does not divide into {indices_or_sections} equal sections"
                )
            size = n // indices_or_sections
            bounds = list(range(0, n + 1, size))
        else:
            bounds = [0, *indices_or_sections, n]
        ndim = len(np.shape(getval(x)))
        prefix = (slice(None),) * (axis % ndim)
        return [p_getitem(x, prefix + (slice(a, b),)) for a, b in zip(bounds[:-1], bounds[1:])]

    def take(self, x, indices, axis=None):
        x = t_(x)
        indices = np.asarray(getval(indices))
        if indices.dtype.kind not in "iu":
            indices = indices.astype(np.int64)
        if axis is None:
            x, axis = anp.reshape(x, (-1,)), 0
        axis = _normalize_axis(axis, len(np.shape(getval(x))))
        if type(x) is ArrayBox:
            return p_take(x, indices, axis)
        return np.take(x, indices, axis=axis)

    def take_along_axis(self, x, indices, axis):
        return take_along_axis(x, indices, axis)

    def pad(self, x, pad_width, mode="constant", constant_values=0):
        x = t_(x)
        pad_width = tuple(tuple(int(v) for v in p) for p in pad_width)
        if type(x) is ArrayBox:
            return p_pad(x, pad_width, mode, constant_values)
        return p_pad.fun(x, pad_width, mode, constant_values)

    def tile(self, x, repeats):
        return anp.tile(t_(x), tuple(repeats) if not isinstance(repeats, int) else repeats)

    def repeat(self, x, repeats, axis=None):
        x = t_(x)
        if axis is None:
            x, axis = anp.reshape(x, (-1,)), 0
        if type(x) is not ArrayBox:
            return np.repeat(x, getval(repeats), axis=axis)
        n = np.shape(getval(x))[axis]
        index = np.repeat(np.arange(n), np.asarray(getval(repeats)))
        return p_take(x, index, _normalize_axis(axis, len(np.shape(getval(x)))))

    def flip(self, x, axis=None):
        x = t_(x)
        ndim = len(np.shape(getval(x)))
        axes = range(ndim) if axis is None else ((axis,) if isinstance(axis, int) else axis)
        axes = {a % ndim for a in axes}
        key = tuple(slice(None, None, -1) if d in axes else slice(None) for d in range(ndim))
        return self.getitem(x, key)

    def getitem(self, x, key):
        x = t_(x)
        key = _clean_key(key)
        if type(x) is ArrayBox:
            return p_getitem(x, key)
        return x[key]

    def cumsum(self, x, axis=None):
        x = t_(x)
        if axis is None:
            x, axis = anp.reshape(x, (-1,)), 0
        acc = _acc_dtype(dt_(x))
        if acc is not None:
            return np.cumsum(getval(x), axis=axis, dtype=acc)
        return anp.cumsum(x, axis=axis)

    def sort(self, x, axis=-1):
        x = t_(x)
        if type(x) is not ArrayBox:
            return np.sort(x, axis=axis)
        order = np.argsort(getval(x), axis=axis, kind="stable")
        return p_take_along_axis(x, order, _normalize_axis(axis, len(np.shape(getval(x)))))

    def top_k(self, x, k, sorted=True):
        x = t_(x)
        v = np.asarray(getval(x))
        if v.dtype.kind in "bu":
            v = v.astype(np.int64)
        order = np.argsort(-v, axis=-1, kind="stable")[..., :k]
        values = p_take_along_axis(x, order, v.ndim - 1) if type(x) is ArrayBox else np.take_along_axis(x, order, -1)
        return values, order.astype(np.int32)

    # -------------------------------------------------------------- reductions
    def sum(self, x, axis=None, keepdims=False):
        x = t_(x)
        acc = _acc_dtype(dt_(x))
        if acc is not None:
            return np.sum(getval(x), axis=axis, keepdims=keepdims, dtype=acc)
        return anp.sum(x, axis=axis, keepdims=keepdims)

    def mean(self, x, axis=None, keepdims=False):
        x = float_(x)
        if type(x) is ArrayBox:
            return p_mean(x, axis, keepdims)
        return np.mean(x, axis=axis, keepdims=keepdims)

    def max(self, x, axis=None, keepdims=False):
        x = t_(x)
        if type(x) is ArrayBox:
            return p_amax(x, axis, keepdims)
        return np.max(x, axis=axis, keepdims=keepdims)

    def min(self, x, axis=None, keepdims=False):
        x = t_(x)
        if type(x) is ArrayBox:
            return p_amin(x, axis, keepdims)
        return np.min(x, axis=axis, keepdims=keepdims)

    def prod(self, x, axis=None, keepdims=False):
        x = t_(x)
        acc = _acc_dtype(dt_(x))
        if acc is not None:
            return np.prod(getval(x), axis=axis, keepdims=keepdims, dtype=acc)
        return anp.prod(x, axis=axis, keepdims=keepdims)

    def argmax(self, x, axis=None, keepdims=False):
        return np.argmax(getval(t_(x)), axis=axis, keepdims=keepdims).astype(np.int32)

    def argmin(self, x, axis=None, keepdims=False):
        return np.argmin(getval(t_(x)), axis=axis, keepdims=keepdims).astype(np.int32)

    def any(self, x, axis=None, keepdims=False):
        return np.any(getval(t_(x)), axis=axis, keepdims=keepdims)

    def all(self, x, axis=None, keepdims=False):
        return np.all(getval(t_(x)), axis=axis, keepdims=keepdims)

    def var(self, x, axis=None, keepdims=False):
        x = float_(x)
        centered = anp.subtract(x, self.mean(x, axis=axis, keepdims=True))
        return self.mean(anp.multiply(centered, centered), axis=axis, keepdims=keepdims)

    def std(self, x, axis=None, keepdims=False):
        return p_sqrt(self.var(x, axis=axis, keepdims=keepdims))

    def logsumexp(self, x, axis=None, keepdims=False):
        return p_logsumexp(float_(x), axis, keepdims)


def _clean_key(key):
    """A NumPy index with tensors unboxed and lists of ints made arrays."""
    if isinstance(key, tuple):
        return tuple(_clean_key_item(k) for k in key)
    return _clean_key_item(key)


def _clean_key_item(k):
    if isinstance(k, ArrayBox):
        return getval(k)
    if isinstance(k, list):
        return np.asarray([getval(e) for e in k])
    if isinstance(k, slice):
        return slice(*(getval(v) if v is not None else None for v in (k.start, k.stop, k.step)))
    return k
