"""NumPy-style ops for the tensorflow backend: creation, math, shapes, indexing, reductions."""

from __future__ import annotations

import os
from typing import Any, Sequence

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from kcore_tensorflow.core import (  # noqa: E402
    axis_arg,
    operand_dtype,
    promote,
    promote_all,
    promote_pair,
    to_float,
    to_tensor,
)

_SMALL_INT_ACCUMULATOR = {"bool": "int32", "int8": "int32", "int16": "int32",
                          "uint8": "uint32", "uint16": "uint32"}
_PAD_MODES = {"constant": "CONSTANT", "reflect": "REFLECT", "symmetric": "SYMMETRIC", "edge": None}


def _rank(x: tf.Tensor) -> int:
    return x.shape.rank


def _dim(x: tf.Tensor, axis: int):
    """Size of ``axis``: an int when static, else a scalar tensor."""
    d = x.shape[axis]
    return d if d is not None else tf.shape(x)[axis]


def _nonnegative(indices: tf.Tensor, size) -> tf.Tensor:
    """Wrap negative indices (``-1`` -> ``size - 1``) as NumPy does."""
    if indices.dtype.is_unsigned:
        return indices
    return tf.where(indices < 0, indices + tf.cast(size, indices.dtype), indices)


def _index_tensor(indices: Any) -> tf.Tensor:
    t = to_tensor(indices)
    if not t.dtype.is_integer:
        t = tf.cast(t, tf.int32)
    return t


def _to_axis_last(x: tf.Tensor, axis: int) -> tf.Tensor:
    rank = _rank(x)
    axis %= rank
    if axis == rank - 1:
        return x
    return tf.transpose(x, [i for i in range(rank) if i != axis] + [axis])


def _from_axis_last(x: tf.Tensor, axis: int) -> tf.Tensor:
    rank = _rank(x)
    axis %= rank
    if axis == rank - 1:
        return x
    perm = list(range(rank - 1))
    perm.insert(axis, rank - 1)
    return tf.transpose(x, perm)


class Numpy:
    """Creation, arithmetic, elementwise math, linalg, shapes, indexing and reductions."""

    # ---------------------------------------------------------------- creation
    def zeros(self, shape, dtype: str = "float32"):
        return tf.zeros(list(shape), dtype or "float32")

    def ones(self, shape, dtype: str = "float32"):
        return tf.ones(list(shape), dtype or "float32")

    def full(self, shape, fill_value, dtype: str | None = None):
        if dtype is None:
            d = operand_dtype(fill_value)
            dtype = d if type(d) is str else promote(d)
        return tf.broadcast_to(to_tensor(fill_value, dtype), list(shape))

    def zeros_like(self, x, dtype: str | None = None):
        return tf.zeros_like(to_tensor(x), dtype=dtype)

    def ones_like(self, x, dtype: str | None = None):
        return tf.ones_like(to_tensor(x), dtype=dtype)

    def full_like(self, x, fill_value, dtype: str | None = None):
        x = to_tensor(x)
        return tf.fill(tf.shape(x), to_tensor(fill_value, dtype or x.dtype.name))

    def arange(self, start, stop=None, step=1, dtype: str | None = None):
        if stop is None:
            start, stop = 0, start
        if dtype is None:
            dtype = promote(*(operand_dtype(v) for v in (start, stop, step)))
        compute = dtype if dtype in ("float32", "float64", "int32", "int64") else (
            "float32" if dtype in ("float16", "bfloat16") else "int64")
        out = tf.range(to_tensor(start, compute), to_tensor(stop, compute), to_tensor(step, compute))
        return out if compute == dtype else tf.cast(out, dtype)

    def eye(self, n: int, m: int | None = None, k: int = 0, dtype: str = "float32"):
        m = n if m is None else m
        dtype = dtype or "float32"
        if k == 0:
            return tf.eye(n, m, dtype=dtype)
        rows = tf.range(n)[:, None]
        cols = tf.range(m)[None, :]
        return tf.cast(tf.equal(rows + k, cols), dtype)

    # -------------------------------------------------------------- arithmetic
    def add(self, x1, x2):
        x1, x2 = promote_pair(x1, x2)
        if x1.dtype == tf.bool:
            return tf.logical_or(x1, x2)
        return tf.add(x1, x2)

    def subtract(self, x1, x2):
        x1, x2 = promote_pair(x1, x2)
        return tf.subtract(x1, x2)

    def multiply(self, x1, x2):
        x1, x2 = promote_pair(x1, x2)
        if x1.dtype == tf.bool:
            return tf.logical_and(x1, x2)
        return tf.multiply(x1, x2)

    def divide(self, x1, x2):
        x1, x2 = promote_pair(x1, x2, float)
        return tf.divide(x1, x2)

    def floor_divide(self, x1, x2):
        x1, x2 = promote_pair(x1, x2)
        return tf.math.floordiv(x1, x2)

    def mod(self, x1, x2):
        x1, x2 = promote_pair(x1, x2)
        return tf.math.floormod(x1, x2)

    def power(self, x1, x2):
        x1, x2 = promote_pair(x1, x2)
        return tf.pow(x1, x2)

    def maximum(self, x1, x2):
        x1, x2 = promote_pair(x1, x2)
        if x1.dtype == tf.bool:
            return tf.logical_or(x1, x2)
        return tf.maximum(x1, x2)

    def minimum(self, x1, x2):
        x1, x2 = promote_pair(x1, x2)
        if x1.dtype == tf.bool:
            return tf.logical_and(x1, x2)
        return tf.minimum(x1, x2)

    def equal(self, x1, x2):
        return tf.equal(*promote_pair(x1, x2))

    def not_equal(self, x1, x2):
        return tf.not_equal(*promote_pair(x1, x2))

    def less(self, x1, x2):
        return tf.less(*promote_pair(x1, x2))

    def less_equal(self, x1, x2):
        return tf.less_equal(*promote_pair(x1, x2))

    def greater(self, x1, x2):
        return tf.greater(*promote_pair(x1, x2))

    def greater_equal(self, x1, x2):
        return tf.greater_equal(*promote_pair(x1, x2))

    def logical_and(self, x1, x2):
        return tf.logical_and(to_tensor(x1, "bool"), to_tensor(x2, "bool"))

    def logical_or(self, x1, x2):
        return tf.logical_or(to_tensor(x1, "bool"), to_tensor(x2, "bool"))

    def logical_not(self, x):
        return tf.logical_not(to_tensor(x, "bool"))

    # --------------------------------------------------------- elementwise math
    def negative(self, x):
        return tf.negative(to_tensor(x))

    def abs(self, x):
        x = to_tensor(x)
        if x.dtype == tf.bool or x.dtype.is_unsigned:
            return x
        return tf.abs(x)

    def sign(self, x):
        x = to_tensor(x)
        if x.dtype == tf.bool:
            return x
        if x.dtype.is_unsigned:
            return tf.cast(x > 0, x.dtype)
        return tf.sign(x)

    def floor(self, x):
        return tf.floor(to_float(x))

    def ceil(self, x):
        return tf.math.ceil(to_float(x))

    def round(self, x, decimals: int = 0):
        x = to_tensor(x)
        if not x.dtype.is_floating:
            if decimals >= 0:
                return x
            factor = 10.0 ** (-decimals)
            return tf.cast(tf.round(tf.cast(x, tf.float64) / factor) * factor, x.dtype)
        if decimals == 0:
            return tf.round(x)
        factor = tf.cast(10.0 ** decimals, x.dtype)
        return tf.round(x * factor) / factor

    def sqrt(self, x):
        return tf.sqrt(to_float(x))

    def exp(self, x):
        return tf.exp(to_float(x))

    def log(self, x):
        return tf.math.log(to_float(x))

    def sin(self, x):
        return tf.sin(to_float(x))

    def cos(self, x):
        return tf.cos(to_float(x))

    def tanh(self, x):
        return tf.tanh(to_float(x))

    def isnan(self, x):
        x = to_tensor(x)
        if not x.dtype.is_floating:
            return tf.zeros_like(x, dtype=tf.bool)
        return tf.math.is_nan(x)

    def isfinite(self, x):
        x = to_tensor(x)
        if not x.dtype.is_floating:
            return tf.ones_like(x, dtype=tf.bool)
        return tf.math.is_finite(x)

    def square(self, x):
        x = to_tensor(x)
        if x.dtype == tf.bool:
            x = tf.cast(x, tf.int32)
        return tf.square(x)

    def reciprocal(self, x):
        return tf.math.reciprocal(to_float(x))

    def rsqrt(self, x):
        return tf.math.rsqrt(to_float(x))

    def log1p(self, x):
        return tf.math.log1p(to_float(x))

    def expm1(self, x):
        return tf.math.expm1(to_float(x))

    def clip(self, x, x_min, x_max):
        x = to_tensor(x)
        if x.dtype == tf.bool:
            x = tf.cast(x, tf.int32)
        dtype = promote(x.dtype.name, operand_dtype(x_min), operand_dtype(x_max))
        x = x if x.dtype.name == dtype else tf.cast(x, dtype)
        return tf.clip_by_value(x, to_tensor(x_min, dtype), to_tensor(x_max, dtype))

    def where(self, condition, x1, x2):
        x1, x2 = promote_pair(x1, x2)
        return tf.where(to_tensor(condition, "bool"), x1, x2)

    # --------------------------------------------------------------- linalg
    def matmul(self, x1, x2):
        x1, x2 = promote_pair(x1, x2)
        r1, r2 = _rank(x1), _rank(x2)
        if r1 >= 2 and r2 >= 2:
            return tf.matmul(x1, x2)
        if r1 == 0 or r2 == 0:
            raise ValueError(f"matmul: operands must have rank >= 1; received shapes {x1.shape} and {x2.shape}")
        a = x1[None, :] if r1 == 1 else x1
        b = x2[:, None] if r2 == 1 else x2
        out = tf.matmul(a, b)
        if r2 == 1:
            out = tf.squeeze(out, -1)
        if r1 == 1:
            out = tf.squeeze(out, -1 if r2 == 1 else -2)
        return out

    def einsum(self, subscripts: str, *operands):
        return tf.einsum(subscripts, *promote_all(operands))

    def tensordot(self, x1, x2, axes=2):
        x1, x2 = promote_pair(x1, x2)
        if isinstance(axes, (tuple, list)):
            axes = [list(a) if isinstance(a, (tuple, list)) else [a] for a in axes]
        return tf.tensordot(x1, x2, axes)

    # --------------------------------------------------------------- shapes
    def reshape(self, x, newshape):
        if isinstance(newshape, int):
            newshape = (newshape,)
        return tf.reshape(x, list(newshape))

    def transpose(self, x, axes: tuple | None = None):
        return tf.transpose(x, perm=None if axes is None else list(axes))

    def expand_dims(self, x, axis):
        x = to_tensor(x)
        if isinstance(axis, (tuple, list)):
            out_rank = _rank(x) + len(axis)
            for a in sorted(a % out_rank for a in axis):
                x = tf.expand_dims(x, a)
            return x
        return tf.expand_dims(x, axis)

    def squeeze(self, x, axis=None):
        if isinstance(axis, int):
            axis = [axis]
        return tf.squeeze(x, axis=axis_arg(axis))

    def broadcast_to(self, x, shape):
        return tf.broadcast_to(to_tensor(x), list(shape))

    def concatenate(self, xs: Sequence[Any], axis: int = 0):
        xs = promote_all(xs)
        if axis is None:
            xs, axis = [tf.reshape(x, [-1]) for x in xs], 0
        return tf.concat(xs, axis)

    def stack(self, xs: Sequence[Any], axis: int = 0):
        return tf.stack(promote_all(xs), axis)

    def split(self, x, indices_or_sections, axis: int = 0) -> list:
        x = to_tensor(x)
        if isinstance(indices_or_sections, (int, np.integer)):
            n = int(indices_or_sections)
            size = x.shape[axis]
            if size is not None and size % n:
                raise ValueError(f"split: axis {axis} of size {size} cannot be split into {n} equal sections")
            return tf.split(x, n, axis=axis)
        bounds = [0, *[int(i) for i in indices_or_sections]]
        out = []
        for start, stop in zip(bounds, bounds[1:] + [None]):
            index = [slice(None)] * _rank(x)
            index[axis] = slice(start, stop)
            out.append(x[tuple(index)])
        return out

    def take(self, x, indices, axis: int | None = None):
        x = to_tensor(x)
        if axis is None:
            x, axis = tf.reshape(x, [-1]), 0
        indices = _nonnegative(_index_tensor(indices), _dim(x, axis))
        return tf.gather(x, indices, axis=axis)

    def take_along_axis(self, x, indices, axis: int):
        x = to_tensor(x)
        indices = _index_tensor(indices)
        if axis is None:
            x, axis = tf.reshape(x, [-1]), 0
            indices = tf.reshape(indices, [-1])
        rank = _rank(x)
        if _rank(indices) != rank:
            raise ValueError(
                f"take_along_axis: `indices` must have the rank of `x` ({rank}); received shape {indices.shape}"
            )
        axis %= rank
        indices = _nonnegative(indices, _dim(x, axis))
        x, indices = _to_axis_last(x, axis), _to_axis_last(indices, axis)
        batch = tf.broadcast_dynamic_shape(tf.shape(x)[:-1], tf.shape(indices)[:-1])
        if x.shape[:-1] != indices.shape[:-1] or not x.shape[:-1].is_fully_defined():
            x = tf.broadcast_to(x, tf.concat([batch, tf.shape(x)[-1:]], 0))
            indices = tf.broadcast_to(indices, tf.concat([batch, tf.shape(indices)[-1:]], 0))
        out = tf.gather(x, indices, axis=rank - 1, batch_dims=rank - 1)
        return _from_axis_last(out, axis)

    def pad(self, x, pad_width, mode: str = "constant", constant_values=0):
        x = to_tensor(x)
        if mode not in _PAD_MODES:
            raise ValueError(f"pad: mode must be one of {sorted(_PAD_MODES)}; received {mode!r}")
        paddings = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (_rank(x), 2)).tolist()
        if mode == "constant":
            return tf.pad(x, paddings, "CONSTANT", constant_values=to_tensor(constant_values, x.dtype.name))
        if mode == "edge":
            return _edge_pad(x, paddings)
        return tf.pad(x, paddings, _PAD_MODES[mode])

    def tile(self, x, repeats):
        x = to_tensor(x)
        repeats = [repeats] if isinstance(repeats, int) else list(repeats)
        rank = _rank(x)
        if len(repeats) > rank:
            x = tf.reshape(x, [1] * (len(repeats) - rank) + list(self.shape(x)))
        elif len(repeats) < rank:
            repeats = [1] * (rank - len(repeats)) + repeats
        return tf.tile(x, repeats)

    def repeat(self, x, repeats, axis: int | None = None):
        return tf.repeat(to_tensor(x), repeats, axis=axis)

    def flip(self, x, axis=None):
        x = to_tensor(x)
        if axis is None:
            axis = list(range(_rank(x)))
        elif isinstance(axis, int):
            axis = [axis]
        return tf.reverse(x, list(axis))

    def cumsum(self, x, axis: int | None = None):
        x = to_tensor(x)
        acc = _SMALL_INT_ACCUMULATOR.get(x.dtype.name)
        if acc is not None:
            x = tf.cast(x, acc)
        if axis is None:
            x, axis = tf.reshape(x, [-1]), 0
        return tf.math.cumsum(x, axis=axis)

    def sort(self, x, axis: int = -1):
        x = to_tensor(x)
        if x.dtype == tf.bool:
            return tf.cast(tf.sort(tf.cast(x, tf.int32), axis=axis), tf.bool)
        return tf.sort(x, axis=axis)

    def top_k(self, x, k: int, sorted: bool = True):
        values, indices = tf.math.top_k(to_tensor(x), k=k, sorted=sorted)
        return values, indices

    # ----------------------------------------------------------- indexing
    def getitem(self, x, key):
        x = to_tensor(x)
        key = key if isinstance(key, tuple) else (key,)
        basic, arrays = [], False
        for k in key:
            if k is None or k is Ellipsis or isinstance(k, slice):
                basic.append(k)
            elif isinstance(k, (bool, np.bool_)):
                arrays = True
                basic.append(to_tensor(bool(k)))
            elif isinstance(k, (int, np.integer)):
                basic.append(int(k))
            else:
                t = to_tensor(k)
                if t.shape.rank == 0 and t.dtype.is_integer:
                    basic.append(t)
                else:
                    arrays = True
                    basic.append(t if t.dtype == tf.bool or t.dtype.is_integer else tf.cast(t, tf.int32))
        if not arrays:
            return x[tuple(basic)]
        return _advanced_getitem(x, basic)

    # ----------------------------------------------------------- reductions
    def sum(self, x, axis=None, keepdims: bool = False):
        x = to_tensor(x)
        acc = _SMALL_INT_ACCUMULATOR.get(x.dtype.name)
        if acc is not None:
            x = tf.cast(x, acc)
        return tf.reduce_sum(x, axis=axis_arg(axis), keepdims=keepdims)

    def mean(self, x, axis=None, keepdims: bool = False):
        return tf.reduce_mean(to_float(x), axis=axis_arg(axis), keepdims=keepdims)

    def max(self, x, axis=None, keepdims: bool = False):
        x = to_tensor(x)
        if x.dtype == tf.bool:
            return tf.reduce_any(x, axis=axis_arg(axis), keepdims=keepdims)
        return tf.reduce_max(x, axis=axis_arg(axis), keepdims=keepdims)

    def min(self, x, axis=None, keepdims: bool = False):
        x = to_tensor(x)
        if x.dtype == tf.bool:
            return tf.reduce_all(x, axis=axis_arg(axis), keepdims=keepdims)
        return tf.reduce_min(x, axis=axis_arg(axis), keepdims=keepdims)

    def prod(self, x, axis=None, keepdims: bool = False):
        x = to_tensor(x)
        acc = _SMALL_INT_ACCUMULATOR.get(x.dtype.name)
        if acc is not None:
            x = tf.cast(x, acc)
        return tf.reduce_prod(x, axis=axis_arg(axis), keepdims=keepdims)

    def _arg_reduce(self, op, x, axis, keepdims):
        x = to_tensor(x)
        if x.dtype == tf.bool:
            x = tf.cast(x, tf.int32)
        rank = _rank(x)
        if axis is None:
            out = op(tf.reshape(x, [-1]), axis=0, output_type=tf.int32)
            return tf.reshape(out, [1] * rank) if keepdims else out
        out = op(x, axis=axis, output_type=tf.int32)
        return tf.expand_dims(out, axis) if keepdims else out

    def argmax(self, x, axis: int | None = None, keepdims: bool = False):
        return self._arg_reduce(tf.argmax, x, axis, keepdims)

    def argmin(self, x, axis: int | None = None, keepdims: bool = False):
        return self._arg_reduce(tf.argmin, x, axis, keepdims)

    def any(self, x, axis=None, keepdims: bool = False):
        return tf.reduce_any(to_tensor(x, "bool"), axis=axis_arg(axis), keepdims=keepdims)

    def all(self, x, axis=None, keepdims: bool = False):
        return tf.reduce_all(to_tensor(x, "bool"), axis=axis_arg(axis), keepdims=keepdims)

    def var(self, x, axis=None, keepdims: bool = False):
        return tf.math.reduce_variance(to_float(x), axis=axis_arg(axis), keepdims=keepdims)

    def std(self, x, axis=None, keepdims: bool = False):
        return tf.math.reduce_std(to_float(x), axis=axis_arg(axis), keepdims=keepdims)

    def logsumexp(self, x, axis=None, keepdims: bool = False):
        return tf.math.reduce_logsumexp(to_float(x), axis=axis_arg(axis), keepdims=keepdims)


# --------------------------------------------------------------------------
# Advanced (array) indexing
# --------------------------------------------------------------------------


def _advanced_getitem(x: tf.Tensor, key: list) -> tf.Tensor:
    """NumPy advanced indexing: integer/boolean index tensors mixed with basic entries.

    Integers count as advanced indices here (as in NumPy when arrays are
    present). Basic entries are applied first with ``x[...]``; the index
    tensors then gather from the remaining axes (``tf.gather`` for one,
    ``tf.gather_nd`` for several).
    """
    rank = _rank(x)

    def consumed(k) -> int:
        if k is None:
            return 0
        if isinstance(k, tf.Tensor) and k.dtype == tf.bool:
            return k.shape.rank
        return 1

    n_ellipsis = sum(k is Ellipsis for k in key)
    if n_ellipsis > 1:
        raise IndexError("getitem: an index can only have a single ellipsis ('...')")
    used = sum(consumed(k) for k in key if k is not Ellipsis)
    if used > rank:
        raise IndexError(f"getitem: too many indices ({used}) for a tensor of rank {rank}")
    if n_ellipsis:
        i = next(i for i, k in enumerate(key) if k is Ellipsis)
        key = key[:i] + [slice(None)] * (rank - used) + key[i + 1:]
    else:
        key = key + [slice(None)] * (rank - used)

    basic_key: list = []
    advanced: list[tuple[int, tf.Tensor]] = []  # (axis of the sliced tensor, int index tensor)
    masks: list[tuple[int, tf.Tensor]] = []
    pos = 0
    for k in key:
        if k is None:
            basic_key.append(None)
            pos += 1
        elif isinstance(k, slice):
            basic_key.append(k)
            pos += 1
        elif isinstance(k, tf.Tensor) and k.dtype == tf.bool:
            if k.shape.rank == 0:  # x[True]: a new axis of length 1 (0 for False)
                basic_key.append(None)
                advanced.append((pos, tf.zeros(tf.cast(k, tf.int32)[None], tf.int32)))
                pos += 1
                continue
            r = k.shape.rank
            basic_key.extend([slice(None)] * r)
            masks.append((pos, k))
            coords = tf.where(k)
            advanced.extend((pos + j, tf.cast(coords[:, j], tf.int32)) for j in range(r))
            pos += r
        else:  # int or integer tensor
            basic_key.append(slice(None))
            advanced.append((pos, k if isinstance(k, tf.Tensor) else tf.constant(k, tf.int32)))
            pos += 1
    y = x[tuple(basic_key)]

    if len(masks) == 1 and len(advanced) == masks[0][1].shape.rank:
        return tf.boolean_mask(y, masks[0][1], axis=masks[0][0])
    advanced = [(p, _nonnegative(i, _dim(y, p))) for p, i in advanced]
    if len(advanced) == 1:
        p, idx = advanced[0]
        return tf.gather(y, idx, axis=p)

    positions = [p for p, _ in advanced]
    dtype = tf.int64 if any(i.dtype == tf.int64 for _, i in advanced) else tf.int32
    indices = [tf.cast(i, dtype) for _, i in advanced]
    bshape = indices[0].shape
    for i in indices[1:]:
        bshape = tf.broadcast_static_shape(bshape, i.shape)
    if bshape.is_fully_defined():
        indices = [tf.broadcast_to(i, bshape) for i in indices]
    else:
        dyn = tf.shape(indices[0])
        for i in indices[1:]:
            dyn = tf.broadcast_dynamic_shape(dyn, tf.shape(i))
        indices = [tf.broadcast_to(i, dyn) for i in indices]
    rest = [d for d in range(_rank(y)) if d not in positions]
    yt = tf.transpose(y, positions + rest) if positions + rest != list(range(_rank(y))) else y
    out = tf.gather_nd(yt, tf.stack(indices, axis=-1))
    adjacent = positions == list(range(positions[0], positions[0] + len(positions)))
    nb = bshape.rank
    if adjacent and positions[0] > 0 and nb is not None:
        start = positions[0]
        n_rest = len(rest)
        perm = list(range(nb, nb + start)) + list(range(nb)) + list(range(nb + start, nb + n_rest))
        out = tf.transpose(out, perm)
    return out



def _edge_pad(x, paddings):
    """Pad by repeating the edge values (NumPy's ``mode="edge"``), one axis at a time."""
    for axis, (before, after) in enumerate(paddings):
        if not before and not after:
            continue
        parts = []
        if before:
            first = tf.gather(x, [0], axis=axis)
            parts.append(tf.repeat(first, before, axis=axis))
        parts.append(x)
        if after:
            last = tf.gather(x, [tf.shape(x)[axis] - 1], axis=axis)
            parts.append(tf.repeat(last, after, axis=axis))
        x = tf.concat(parts, axis=axis)
    return x
