"""NumPy-like math, shape and reduction ops for the torch backend.

Binary ops hand torch a tensor and either a tensor or a Python scalar, so
torch's own promotion applies; it treats Python scalars as weak types exactly
as kcore does. Non-tensor array operands (NumPy arrays, lists) become
tensors first, with float64 arrays narrowed to float32 so that data never
silently widens a float32 computation.
"""

from __future__ import annotations

import operator
from typing import Any, Sequence

import numpy as np
import torch

from kcore_torch.core import DEVICE, Tensor, to_tensor

_SCALARS = (int, float, bool)
_SMALL_INTS = (torch.bool, torch.int8, torch.int16, torch.uint8)
if hasattr(torch, "uint16"):
    _SMALL_INTS += (torch.uint16,)


def t(x: Any) -> Tensor:
    """``x`` as a tensor (the fast path for tensors)."""
    return x if isinstance(x, Tensor) else to_tensor(x)


def weak_tensor(x: Any) -> Tensor:
    """A tensor from a non-tensor operand; float64 host data becomes float32."""
    out = to_tensor(x)
    if out.dtype == torch.float64 and not isinstance(x, Tensor):
        return out.float()
    return out


def operands(x1: Any, x2: Any) -> tuple[Any, Any]:
    """Operands torch accepts: at least one tensor, the other a tensor or Python scalar."""
    if isinstance(x1, Tensor):
        if isinstance(x2, Tensor):
            return x1, x2
        if isinstance(x2, _SCALARS):
            if x1.dtype == torch.bool and type(x2) is int:
                return x1.to(torch.int32), x2
            return x1, x2
        return x1, weak_tensor(x2)
    if isinstance(x2, Tensor):
        if isinstance(x1, _SCALARS):
            if x2.dtype == torch.bool and type(x1) is int:
                return x1, x2.to(torch.int32)
            return x1, x2
        return weak_tensor(x1), x2
    x1 = weak_tensor(x1)
    return operands(x1, x2)


def tensors(x1: Any, x2: Any) -> tuple[Tensor, Tensor]:
    """Two tensors of one promoted dtype (for ops that accept no scalars)."""
    x1, x2 = operands(x1, x2)
    if not isinstance(x1, Tensor):
        x1 = torch.full((), x1, dtype=torch.result_type(x2, x1), device=x2.device)
    elif not isinstance(x2, Tensor):
        x2 = torch.full((), x2, dtype=torch.result_type(x1, x2), device=x1.device)
    if x1.dtype != x2.dtype:
        common = torch.promote_types(x1.dtype, x2.dtype)
        x1, x2 = x1.to(common), x2.to(common)
    return x1, x2


def same_dtype(xs: Sequence[Any]) -> list[Tensor]:
    xs = [t(x) for x in xs]
    common = xs[0].dtype
    for x in xs[1:]:
        if x.dtype != common:
            common = torch.promote_types(common, x.dtype)
    return [x if x.dtype == common else x.to(common) for x in xs]


def floating(x: Any) -> Tensor:
    """``x`` as a float tensor (ints and bools become float32)."""
    x = t(x)
    return x if x.is_floating_point() else x.to(torch.float32)


def dims(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        return (axis % ndim if ndim else 0,)
    return tuple(a % ndim for a in axis)


def _binary(fn):
    def method(self, x1, x2):
        x1, x2 = operands(x1, x2)
        return fn(x1, x2)

    method.__name__ = getattr(fn, "__name__", "binary")
    return method


class Numpy:
    """Arithmetic, elementwise math, linear algebra, shapes and reductions."""

    # ------------------------------------------------------------ arithmetic
    add = _binary(operator.add)
    subtract = _binary(operator.sub)
    multiply = _binary(operator.mul)
    divide = _binary(operator.truediv)
    floor_divide = _binary(operator.floordiv)
    mod = _binary(operator.mod)
    equal = _binary(operator.eq)
    not_equal = _binary(operator.ne)
    less = _binary(operator.lt)
    less_equal = _binary(operator.le)
    greater = _binary(operator.gt)
    greater_equal = _binary(operator.ge)

    def power(self, x1, x2):
        x1, x2 = operands(x1, x2)
        return x1 ** x2

    def maximum(self, x1, x2):
        x1, x2 = operands(x1, x2)
        if not isinstance(x2, Tensor):
            return torch.clamp_min(x1, x2)
        if not isinstance(x1, Tensor):
            return torch.clamp_min(x2, x1)
        return torch.maximum(x1, x2)

    def minimum(self, x1, x2):
        x1, x2 = operands(x1, x2)
        if not isinstance(x2, Tensor):
            return torch.clamp_max(x1, x2)
        if not isinstance(x1, Tensor):
            return torch.clamp_max(x2, x1)
        return torch.minimum(x1, x2)

    def logical_and(self, x1, x2):
        x1, x2 = operands(x1, x2)
        if not isinstance(x2, Tensor):
            x1, x2 = x2, x1
        if not isinstance(x1, Tensor):
            return x2.bool() if x1 else torch.zeros_like(x2, dtype=torch.bool)
        return torch.logical_and(x1, x2)

    def logical_or(self, x1, x2):
        x1, x2 = operands(x1, x2)
        if not isinstance(x2, Tensor):
            x1, x2 = x2, x1
        if not isinstance(x1, Tensor):
            return torch.ones_like(x2, dtype=torch.bool) if x1 else x2.bool()
        return torch.logical_or(x1, x2)

    def logical_not(self, x):
        return torch.logical_not(t(x))

    # ------------------------------------------------------- elementwise math
    def negative(self, x):
        return torch.neg(t(x))

    def abs(self, x):
        return torch.abs(t(x))

    def sign(self, x):
        return torch.sign(t(x))

    def floor(self, x):
        return torch.floor(floating(x))

    def ceil(self, x):
        return torch.ceil(floating(x))

    def round(self, x, decimals: int = 0):
        x = t(x)
        if x.is_floating_point():
            return torch.round(x, decimals=decimals) if decimals else torch.round(x)
        if decimals >= 0:
            return x
        return torch.round(x.to(torch.float64), decimals=decimals).to(x.dtype)

    def sqrt(self, x):
        return torch.sqrt(t(x))

    def exp(self, x):
        return torch.exp(t(x))

    def log(self, x):
        return torch.log(t(x))

    def sin(self, x):
        return torch.sin(t(x))

    def cos(self, x):
        return torch.cos(t(x))

    def tanh(self, x):
        return torch.tanh(t(x))

    def erf(self, x):
        return torch.erf(t(x))

    def isnan(self, x):
        return torch.isnan(t(x))

    def isfinite(self, x):
        return torch.isfinite(t(x))

    def square(self, x):
        x = t(x)
        return torch.square(x.to(torch.int32) if x.dtype == torch.bool else x)

    def reciprocal(self, x):
        return torch.reciprocal(t(x))

    def rsqrt(self, x):
        return torch.rsqrt(t(x))

    def log1p(self, x):
        return torch.log1p(t(x))

    def expm1(self, x):
        return torch.expm1(t(x))

    def clip(self, x, x_min, x_max):
        x = t(x)
        if x.dtype == torch.bool:
            x = x.to(torch.int32)
        if x_min is not None and not isinstance(x_min, (Tensor,) + _SCALARS):
            x_min = weak_tensor(x_min)
        if x_max is not None and not isinstance(x_max, (Tensor,) + _SCALARS):
            x_max = weak_tensor(x_max)
        return torch.clamp(x, x_min, x_max)

    def where(self, condition, x1, x2):
        condition = t(condition)
        if condition.dtype != torch.bool:
            condition = condition.bool()
        if isinstance(x1, _SCALARS) and isinstance(x2, _SCALARS):
            if isinstance(x1, float) or isinstance(x2, float):
                dtype = torch.float32
            elif isinstance(x1, bool) and isinstance(x2, bool):
                dtype = torch.bool
            else:
                dtype = torch.int32
            return torch.where(condition, x1, x2).to(dtype)
        x1 = x1 if isinstance(x1, (Tensor,) + _SCALARS) else weak_tensor(x1)
        x2 = x2 if isinstance(x2, (Tensor,) + _SCALARS) else weak_tensor(x2)
        return torch.where(condition, x1, x2)

    # ----------------------------------------------------------------- linalg
    def matmul(self, x1, x2):
        x1, x2 = tensors(x1, x2)
        if x1.dtype == torch.bool:
            x1, x2 = x1.to(torch.int32), x2.to(torch.int32)
        return torch.matmul(x1, x2)

    def einsum(self, subscripts: str, *operands_):
        return torch.einsum(subscripts, *same_dtype(operands_))

    def tensordot(self, x1, x2, axes=2):
        x1, x2 = tensors(x1, x2)
        if not isinstance(axes, int):
            a, b = axes
            axes = ([a] if isinstance(a, int) else list(a), [b] if isinstance(b, int) else list(b))
        return torch.tensordot(x1, x2, dims=axes)

    def dot(self, x1, x2):
        x1, x2 = tensors(x1, x2)
        if x1.ndim == 0 or x2.ndim == 0:
            return x1 * x2
        if x2.ndim <= 2:
            return torch.matmul(x1, x2)
        return torch.tensordot(x1, x2, dims=([-1], [x2.ndim - 2]))

    # ----------------------------------------------------------------- shapes
    def reshape(self, x, newshape):
        if isinstance(newshape, int):
            newshape = (newshape,)
        return torch.reshape(t(x), tuple(newshape))

    def transpose(self, x, axes=None):
        x = t(x)
        if axes is None:
            return x.permute(*range(x.ndim - 1, -1, -1))
        return x.permute(*axes)

    def swapaxes(self, x, axis1: int, axis2: int):
        return torch.swapaxes(t(x), axis1, axis2)

    def expand_dims(self, x, axis):
        x = t(x)
        if isinstance(axis, int):
            return torch.unsqueeze(x, axis)
        out_ndim = x.ndim + len(axis)
        for a in sorted(a % out_ndim for a in axis):
            x = torch.unsqueeze(x, a)
        return x

    def squeeze(self, x, axis=None):
        x = t(x)
        if axis is None:
            return torch.squeeze(x)
        for a in (axis,) if isinstance(axis, int) else axis:
            if x.shape[a] != 1:
                raise ValueError(
                    f"squeeze: cannot squeeze axis {a} of a tensor of shape {tuple(x.shape)}: its size is not 1"
                )
        return torch.squeeze(x, dim=axis)

    def broadcast_to(self, x, shape):
        return torch.broadcast_to(t(x), tuple(shape))

    def concatenate(self, xs, axis: int = 0):
        return torch.cat(same_dtype(xs), dim=axis)

    def stack(self, xs, axis: int = 0):
        return torch.stack(same_dtype(xs), dim=axis)

    def split(self, x, indices_or_sections, axis: int = 0) -> list:
        x = t(x)
        if isinstance(indices_or_sections, int):
            size = x.shape[axis]
            if size % indices_or_sections:
                raise ValueError(
                    f"split: axis {axis} of size {size} cannot be split into {indices_or_sections} equal sections"
                )
            return list(torch.split(x, size // indices_or_sections, dim=axis))
        return list(torch.tensor_split(x, [int(i) for i in indices_or_sections], dim=axis))

    def take(self, x, indices, axis=None):
        x = t(x)
        indices = _index_tensor(indices)
        if axis is None:
            x = x.reshape(-1)
            axis = 0
        axis %= x.ndim
        size = x.shape[axis]
        indices = torch.where(indices < 0, indices + size, indices)
        if indices.ndim == 1:
            return torch.index_select(x, axis, indices)
        return x[(slice(None),) * axis + (indices,)]

    def take_along_axis(self, x, indices, axis: int):
        x = t(x)
        indices = _index_tensor(indices).long()
        indices = torch.where(indices < 0, indices + x.shape[axis], indices)
        return torch.take_along_dim(x, indices, dim=axis)

    def pad(self, x, pad_width, mode: str = "constant", constant_values=0):
        x = t(x)
        widths = _pad_widths(pad_width, x.ndim)
        if mode == "constant":
            flat = []
            for before, after in reversed(widths):
                flat += [before, after]
            if x.dtype == torch.bool:
                return torch.nn.functional.pad(x.to(torch.uint8), flat, value=int(constant_values)).bool()
            return torch.nn.functional.pad(x, flat, value=constant_values)
        np_mode = {"reflect": "reflect", "symmetric": "symmetric", "edge": "edge", "wrap": "wrap",
                   "replicate": "edge", "circular": "wrap"}.get(mode)
        if np_mode is None:
            raise ValueError(f"pad: unsupported mode {mode!r}; expected constant, reflect, symmetric, edge or wrap")
        for axis, (before, after) in enumerate(widths):
            if before or after:
                index = np.pad(np.arange(x.shape[axis]), (before, after), mode=np_mode)
                x = torch.index_select(x, axis, torch.as_tensor(index, device=x.device))
        return x

    def tile(self, x, repeats):
        return torch.tile(t(x), (repeats,) if isinstance(repeats, int) else tuple(repeats))

    def repeat(self, x, repeats, axis=None):
        x = t(x)
        if not isinstance(repeats, int):
            repeats = _index_tensor(repeats)
        return torch.repeat_interleave(x, repeats, dim=axis)

    def flip(self, x, axis=None):
        x = t(x)
        return torch.flip(x, dims=dims(axis, x.ndim))

    def getitem(self, x, key):
        x = t(x)
        flips, index = _index_key(key, x)
        if flips:
            x = torch.flip(x, dims=flips)
        return x[index]

    def cumsum(self, x, axis=None):
        x = t(x)
        if axis is None:
            x = x.reshape(-1)
            axis = 0
        if x.dtype == torch.bool:
            return torch.cumsum(x, dim=axis, dtype=torch.int32)
        return torch.cumsum(x, dim=axis, dtype=x.dtype)

    def sort(self, x, axis: int = -1):
        return torch.sort(t(x), dim=axis).values

    def top_k(self, x, k: int, sorted: bool = True):
        values, indices = torch.topk(t(x), k, dim=-1, largest=True, sorted=sorted)
        return values, indices.to(torch.int32)

    # ------------------------------------------------------------- reductions
    def sum(self, x, axis=None, keepdims: bool = False):
        x = t(x)
        dtype = torch.int32 if x.dtype in _SMALL_INTS else x.dtype
        if axis is None:
            out = torch.sum(x, dtype=dtype)
            return out.reshape((1,) * x.ndim) if keepdims else out
        if axis == ():
            return x.to(dtype)
        return torch.sum(x, dim=axis, keepdim=keepdims, dtype=dtype)

    def mean(self, x, axis=None, keepdims: bool = False):
        x = floating(x)
        if axis is None:
            out = torch.mean(x)
            return out.reshape((1,) * x.ndim) if keepdims else out
        if axis == ():
            return x
        return torch.mean(x, dim=axis, keepdim=keepdims)

    def var(self, x, axis=None, keepdims: bool = False):
        x = floating(x)
        return torch.var(x, dim=axis, correction=0, keepdim=keepdims)

    def std(self, x, axis=None, keepdims: bool = False):
        x = floating(x)
        return torch.std(x, dim=axis, correction=0, keepdim=keepdims)

    def max(self, x, axis=None, keepdims: bool = False):
        x = t(x)
        if axis is None and not keepdims:
            return torch.max(x)
        return torch.amax(x, dim=dims(axis, x.ndim), keepdim=keepdims)

    def min(self, x, axis=None, keepdims: bool = False):
        x = t(x)
        if axis is None and not keepdims:
            return torch.min(x)
        return torch.amin(x, dim=dims(axis, x.ndim), keepdim=keepdims)

    def prod(self, x, axis=None, keepdims: bool = False):
        x = t(x)
        dtype = torch.int32 if x.dtype in _SMALL_INTS else x.dtype
        if axis is None:
            out = torch.prod(x, dtype=dtype)
            return out.reshape((1,) * x.ndim) if keepdims else out
        for a in sorted(dims(axis, x.ndim), reverse=True):
            x = torch.prod(x, dim=a, keepdim=keepdims, dtype=dtype)
        return x

    def argmax(self, x, axis=None, keepdims: bool = False):
        x = t(x)
        if x.dtype == torch.bool:
            x = x.to(torch.uint8)
        return torch.argmax(x, dim=axis, keepdim=keepdims).to(torch.int32)

    def argmin(self, x, axis=None, keepdims: bool = False):
        x = t(x)
        if x.dtype == torch.bool:
            x = x.to(torch.uint8)
        return torch.argmin(x, dim=axis, keepdim=keepdims).to(torch.int32)

    def any(self, x, axis=None, keepdims: bool = False):
        x = t(x)
        if axis is None and not keepdims:
            return torch.any(x)
        return torch.any(x, dim=dims(axis, x.ndim), keepdim=keepdims)

    def all(self, x, axis=None, keepdims: bool = False):
        x = t(x)
        if axis is None and not keepdims:
            return torch.all(x)
        return torch.all(x, dim=dims(axis, x.ndim), keepdim=keepdims)

    def logsumexp(self, x, axis=None, keepdims: bool = False):
        x = floating(x)
        return torch.logsumexp(x, dim=dims(axis, x.ndim), keepdim=keepdims)


# ---------------------------------------------------------------- indexing


def _index_tensor(x: Any) -> Tensor:
    x = t(x)
    if x.dtype not in (torch.int64, torch.int32):
        x = x.to(torch.int64)
    return x


def _pad_widths(pad_width: Any, ndim: int) -> list[tuple[int, int]]:
    if isinstance(pad_width, int):
        return [(pad_width, pad_width)] * ndim
    pad_width = [tuple(p) if isinstance(p, (list, tuple)) else (p, p) for p in pad_width]
    if len(pad_width) == 1:
        pad_width = pad_width * ndim
    if len(pad_width) != ndim:
        raise ValueError(f"pad: pad_width has {len(pad_width)} entries for a tensor of rank {ndim}")
    return [(int(b), int(a)) for b, a in pad_width]


def _consumed(k: Any) -> int:
    """How many input dimensions one index entry consumes."""
    if k is None:
        return 0
    if isinstance(k, Tensor) and k.dtype == torch.bool:
        return k.ndim
    if isinstance(k, np.ndarray) and k.dtype == np.bool_:
        return k.ndim
    return 1


def _index_key(key: Any, x: Tensor) -> tuple[list[int], tuple]:
    """A torch index for a NumPy-style key, and the axes to flip first.

    torch slices need a positive step: ``x[a:b:-s]`` is read as a slice of
    ``flip(x)`` along that axis.
    """
    if not isinstance(key, tuple):
        key = (key,)
    ellipsis = next((i for i, k in enumerate(key) if k is Ellipsis), None)
    flips: list[int] = []
    out = []
    dim = 0
    for i, k in enumerate(key):
        if i == ellipsis:
            dim = x.ndim - sum(_consumed(e) for e in key[i + 1:])
            out.append(k)
            continue
        if isinstance(k, slice):
            if any(isinstance(v, Tensor) for v in (k.start, k.stop, k.step)):
                k = slice(*(int(v) if isinstance(v, Tensor) else v for v in (k.start, k.stop, k.step)))
            if k.step is not None and k.step < 0:
                size = x.shape[dim]
                start, stop, step = k.indices(size)
                flips.append(dim)
                k = slice(size - 1 - start, size - 1 - stop, -step)
        elif isinstance(k, (np.ndarray, list)):
            k = to_tensor(np.asarray(k))
        elif isinstance(k, Tensor) and k.device.type != DEVICE.type:
            k = k.to(DEVICE)
        elif isinstance(k, np.integer):
            k = int(k)
        dim += _consumed(k)
        out.append(k)
    return flips, tuple(out)
