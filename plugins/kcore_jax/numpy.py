"""NumPy-like tensor functions (creation, math, shapes, reductions) with jax.numpy."""

from __future__ import annotations

import functools
from typing import Any, Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from kcore.variables import Variable
from kcore_jax.core import FLOAT32, FLOAT_DTYPES, INT32, floating, operand, static_axis, tensor, to_dtype

_INT8 = jnp.dtype("int8")
_reduction = functools.partial(jax.jit, static_argnames=("axis", "keepdims"))
# Composite reductions jitted once: one dispatch per eager call.
_var = _reduction(jnp.var)
_std = _reduction(jnp.std)
_logsumexp = _reduction(jax.nn.logsumexp)


def _index(key: Any) -> Any:
    """One indexing key made acceptable to jax (lists become index arrays)."""
    if isinstance(key, list):
        return np.asarray(key)
    if isinstance(key, Variable):
        return key.value
    return key


def _default_dtype(value: Any) -> Any:
    """The dtype ``full``/``arange`` infer from a fill value: float32, int32, bool or the tensor's."""
    if isinstance(value, bool):
        return np.bool_
    if isinstance(value, int):
        return INT32
    if isinstance(value, float):
        return FLOAT32
    return tensor(value).dtype


class Numpy:
    """The ``keras.ops.numpy``-like part of the contract."""

    # ---------------------------------------------------------------- creation
    def zeros(self, shape, dtype="float32"):
        return jnp.zeros(shape, dtype=to_dtype(dtype))

    def ones(self, shape, dtype="float32"):
        return jnp.ones(shape, dtype=to_dtype(dtype))

    def full(self, shape, fill_value, dtype=None):
        dt = _default_dtype(fill_value) if dtype is None else to_dtype(dtype)
        return jnp.full(shape, operand(fill_value), dtype=dt)

    def arange(self, start, stop=None, step=1, dtype=None):
        if dtype is None:
            bounds = (start, step) if stop is None else (start, stop, step)
            dt = FLOAT32 if any(_default_dtype(b) in FLOAT_DTYPES for b in bounds) else INT32
        else:
            dt = to_dtype(dtype)
        return jnp.arange(start, stop, step, dtype=dt)

    def eye(self, n, m=None, k=0, dtype="float32"):
        return jnp.eye(n, m, k, dtype=to_dtype(dtype))

    def zeros_like(self, x, dtype=None):
        return jnp.zeros_like(operand(x), dtype=None if dtype is None else to_dtype(dtype))

    def ones_like(self, x, dtype=None):
        return jnp.ones_like(operand(x), dtype=None if dtype is None else to_dtype(dtype))

    def full_like(self, x, fill_value, dtype=None):
        return jnp.full_like(operand(x), operand(fill_value), dtype=None if dtype is None else to_dtype(dtype))

    # -------------------------------------------------------------- arithmetic
    def add(self, x1, x2):
        return jnp.add(operand(x1), operand(x2))

    def subtract(self, x1, x2):
        return jnp.subtract(operand(x1), operand(x2))

    def multiply(self, x1, x2):
        return jnp.multiply(operand(x1), operand(x2))

    def divide(self, x1, x2):
        return jnp.true_divide(operand(x1), operand(x2))

    def floor_divide(self, x1, x2):
        return jnp.floor_divide(operand(x1), operand(x2))

    def mod(self, x1, x2):
        return jnp.mod(operand(x1), operand(x2))

    def power(self, x1, x2):
        return jnp.power(operand(x1), operand(x2))

    def maximum(self, x1, x2):
        return jnp.maximum(operand(x1), operand(x2))

    def minimum(self, x1, x2):
        return jnp.minimum(operand(x1), operand(x2))

    def equal(self, x1, x2):
        return jnp.equal(operand(x1), operand(x2))

    def not_equal(self, x1, x2):
        return jnp.not_equal(operand(x1), operand(x2))

    def less(self, x1, x2):
        return jnp.less(operand(x1), operand(x2))

    def less_equal(self, x1, x2):
        return jnp.less_equal(operand(x1), operand(x2))

    def greater(self, x1, x2):
        return jnp.greater(operand(x1), operand(x2))

    def greater_equal(self, x1, x2):
        return jnp.greater_equal(operand(x1), operand(x2))

    def logical_and(self, x1, x2):
        return jnp.logical_and(operand(x1), operand(x2))

    def logical_or(self, x1, x2):
        return jnp.logical_or(operand(x1), operand(x2))

    def logical_not(self, x):
        return jnp.logical_not(operand(x))

    # --------------------------------------------------------- elementwise math
    def negative(self, x):
        return jnp.negative(operand(x))

    def abs(self, x):
        return jnp.abs(operand(x))

    def sign(self, x):
        return jnp.sign(operand(x))

    def floor(self, x):
        return jnp.floor(floating(x))

    def ceil(self, x):
        return jnp.ceil(floating(x))

    def round(self, x, decimals=0):
        return jnp.round(operand(x), decimals)

    def sqrt(self, x):
        return jnp.sqrt(operand(x))

    def exp(self, x):
        return jnp.exp(operand(x))

    def log(self, x):
        return jnp.log(operand(x))

    def sin(self, x):
        return jnp.sin(operand(x))

    def cos(self, x):
        return jnp.cos(operand(x))

    def tanh(self, x):
        return jnp.tanh(operand(x))

    def isnan(self, x):
        return jnp.isnan(operand(x))

    def isfinite(self, x):
        return jnp.isfinite(operand(x))

    def square(self, x):
        return jnp.square(operand(x))

    def reciprocal(self, x):
        return jnp.reciprocal(floating(x))

    def rsqrt(self, x):
        return lax.rsqrt(floating(x))

    def log1p(self, x):
        return jnp.log1p(operand(x))

    def expm1(self, x):
        return jnp.expm1(operand(x))

    def erf(self, x):
        return lax.erf(floating(x))

    def clip(self, x, x_min, x_max):
        x = tensor(x)
        if x.dtype == np.bool_:
            x = x.astype(INT32)
        return jnp.clip(x, operand(x_min), operand(x_max))

    def where(self, condition, x1, x2):
        return jnp.where(operand(condition), operand(x1), operand(x2))

    # --------------------------------------------------------------- linalg
    def matmul(self, x1, x2):
        x1, x2 = operand(x1), operand(x2)
        if getattr(x1, "dtype", None) == _INT8 and getattr(x2, "dtype", None) == _INT8:
            return jnp.matmul(x1, x2, preferred_element_type=INT32)
        return jnp.matmul(x1, x2)

    def einsum(self, subscripts, *operands):
        return jnp.einsum(subscripts, *[operand(x) for x in operands])

    def dot(self, x1, x2):
        return jnp.dot(operand(x1), operand(x2))

    def tensordot(self, x1, x2, axes=2):
        return jnp.tensordot(operand(x1), operand(x2), axes)

    # --------------------------------------------------------------- shapes
    def reshape(self, x, newshape):
        return jnp.reshape(operand(x), newshape)

    def transpose(self, x, axes=None):
        return jnp.transpose(operand(x), axes)

    def expand_dims(self, x, axis):
        return jnp.expand_dims(operand(x), axis)

    def squeeze(self, x, axis=None):
        return jnp.squeeze(operand(x), axis)

    def broadcast_to(self, x, shape):
        return jnp.broadcast_to(operand(x), shape)

    def concatenate(self, xs: Sequence[Any], axis=0):
        return jnp.concatenate([operand(x) for x in xs], axis=axis)

    def stack(self, xs: Sequence[Any], axis=0):
        return jnp.stack([operand(x) for x in xs], axis=axis)

    def split(self, x, indices_or_sections, axis=0):
        return list(jnp.split(operand(x), indices_or_sections, axis=axis))

    def take(self, x, indices, axis=None):
        indices = tensor(indices)
        if indices.dtype in FLOAT_DTYPES:
            indices = indices.astype(INT32)
        return jnp.take(operand(x), indices, axis=axis)

    def take_along_axis(self, x, indices, axis):
        return jnp.take_along_axis(operand(x), tensor(indices), axis=axis)

    def pad(self, x, pad_width, mode="constant", constant_values=0):
        if mode == "constant":
            return jnp.pad(operand(x), pad_width, mode="constant", constant_values=constant_values)
        return jnp.pad(operand(x), pad_width, mode=mode)

    def tile(self, x, repeats):
        return jnp.tile(operand(x), repeats)

    def repeat(self, x, repeats, axis=None):
        return jnp.repeat(operand(x), repeats, axis=axis)

    def flip(self, x, axis=None):
        return jnp.flip(operand(x), axis)

    def getitem(self, x, key):
        x = tensor(x)
        if isinstance(key, tuple):
            return x[tuple(_index(k) for k in key)]
        return x[_index(key)]

    def cumsum(self, x, axis=None):
        return jnp.cumsum(operand(x), axis=axis)

    def sort(self, x, axis=-1):
        return jnp.sort(operand(x), axis=axis)

    def top_k(self, x, k, sorted=True):
        return lax.top_k(tensor(x), k)

    def swapaxes(self, x, axis1, axis2):
        return jnp.swapaxes(operand(x), axis1, axis2)

    # ----------------------------------------------------------- reductions
    def sum(self, x, axis=None, keepdims=False):
        return jnp.sum(operand(x), axis=axis, keepdims=keepdims)

    def mean(self, x, axis=None, keepdims=False):
        return jnp.mean(operand(x), axis=axis, keepdims=keepdims)

    def max(self, x, axis=None, keepdims=False):
        return jnp.max(operand(x), axis=axis, keepdims=keepdims)

    def min(self, x, axis=None, keepdims=False):
        return jnp.min(operand(x), axis=axis, keepdims=keepdims)

    def prod(self, x, axis=None, keepdims=False):
        return jnp.prod(operand(x), axis=axis, keepdims=keepdims)

    def argmax(self, x, axis=None, keepdims=False):
        return jnp.argmax(operand(x), axis=axis, keepdims=keepdims).astype(INT32)

    def argmin(self, x, axis=None, keepdims=False):
        return jnp.argmin(operand(x), axis=axis, keepdims=keepdims).astype(INT32)

    def any(self, x, axis=None, keepdims=False):
        return jnp.any(operand(x), axis=axis, keepdims=keepdims)

    def all(self, x, axis=None, keepdims=False):
        return jnp.all(operand(x), axis=axis, keepdims=keepdims)

    def var(self, x, axis=None, keepdims=False):
        return _var(operand(x), axis=static_axis(axis), keepdims=bool(keepdims))

    def std(self, x, axis=None, keepdims=False):
        return _std(operand(x), axis=static_axis(axis), keepdims=bool(keepdims))

    def logsumexp(self, x, axis=None, keepdims=False):
        return _logsumexp(floating(x), axis=static_axis(axis), keepdims=bool(keepdims))
