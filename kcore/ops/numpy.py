"""NumPy-style ops: creation, arithmetic, comparison, elementwise math, linear
algebra, shape manipulation, reductions and indexing (``keras.ops`` names)."""

from __future__ import annotations

import builtins

import numpy as np

from kcore import backend as _backend
from kcore.graph import operation as _operation
from kcore.graph.keras_tensor import KerasTensor
from kcore.ops import shape_inference as si
from kcore.ops.core import backend, binary_operands, tensors, to_float, to_tensor
from kcore.ops.dispatch import op, shape_of

__all__ = [
    # creation
    "zeros", "ones", "full", "arange", "eye", "zeros_like", "ones_like", "full_like",
    # arithmetic and comparison
    "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "mod", "power",
    "maximum", "minimum", "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_not", "where",
    # elementwise math
    "negative", "abs", "absolute", "sign", "floor", "ceil", "round", "sqrt", "square", "reciprocal",
    "exp", "log", "log1p", "expm1", "sin", "cos", "tanh", "clip", "isnan", "isfinite",
    # linear algebra
    "matmul", "dot", "einsum", "tensordot",
    # shapes and indexing
    "reshape", "transpose", "expand_dims", "squeeze", "broadcast_to", "concatenate", "stack",
    "split", "take", "take_along_axis", "pad", "tile", "repeat", "flip", "cumsum", "sort",
    "swapaxes", "getitem",
    # reductions
    "sum", "mean", "max", "min", "prod", "argmax", "argmin", "any", "all", "var", "std",
]


def _new_op(fn, infer, name: str, doc: str):
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    fn.__module__ = __name__
    return op(infer=infer)(fn)


# ================================================================ creation


def unknown_shape_result(name: str, shape: tuple, dtype: str):
    """A creation op asked for a shape with ``None``: symbolic inside a layer trace, else an error."""
    if _operation._trace_depth[0] > 0:
        return KerasTensor(shape, dtype)
    raise ValueError(f"{name}: `shape` must be fully defined to create a tensor, got {shape}")


@op(infer=si.infer_fill)
def zeros(shape, dtype=None):
    """A tensor of ``shape`` filled with zeros (``dtype`` defaults to ``floatx``)."""
    dims = si.creation_shape("zeros", shape)
    dtype = si.check_dtype("zeros", dtype) or _backend.floatx()
    if None in dims:
        return unknown_shape_result("zeros", dims, dtype)
    return backend().zeros(dims, dtype)


@op(infer=si.infer_fill)
def ones(shape, dtype=None):
    """A tensor of ``shape`` filled with ones (``dtype`` defaults to ``floatx``)."""
    dims = si.creation_shape("ones", shape)
    dtype = si.check_dtype("ones", dtype) or _backend.floatx()
    if None in dims:
        return unknown_shape_result("ones", dims, dtype)
    return backend().ones(dims, dtype)


@op(infer=si.infer_full)
def full(shape, fill_value, dtype=None):
    """A tensor of ``shape`` filled with ``fill_value`` (dtype inferred from it by default)."""
    dims = si.creation_shape("full", shape)
    dtype = si.check_dtype("full", dtype) or si.tensor_dtype(fill_value)
    if None in dims:
        return unknown_shape_result("full", dims, dtype)
    b = backend()
    if b.is_tensor(fill_value):
        return b.broadcast_to(to_tensor(b, fill_value, dtype), dims)
    return b.full(dims, fill_value, dtype)


@op(infer=si.infer_arange)
def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)``; ``int32`` for int arguments, ``floatx`` for floats."""
    step = 1 if step is None else step
    if step == 0:
        raise ValueError("arange: `step` cannot be zero")
    dtype = si.check_dtype("arange", dtype) or si.arange_dtype(start, stop, step)
    return backend().arange(start, stop, step, dtype)


@op(infer=si.infer_eye)
def eye(N, M=None, k=0, dtype=None):
    """A 2D tensor with ones on the ``k``-th diagonal and zeros elsewhere."""
    dtype = si.check_dtype("eye", dtype) or _backend.floatx()
    return backend().eye(int(N), None if M is None else int(M), int(k), dtype)


@op(infer=si.infer_like)
def zeros_like(x, dtype=None):
    """Zeros with the shape (and by default the dtype) of ``x``."""
    b = backend()
    return b.zeros_like(to_tensor(b, x), si.check_dtype("zeros_like", dtype))


@op(infer=si.infer_like)
def ones_like(x, dtype=None):
    """Ones with the shape (and by default the dtype) of ``x``."""
    b = backend()
    return b.ones_like(to_tensor(b, x), si.check_dtype("ones_like", dtype))


@op(infer=si.infer_full_like)
def full_like(x, fill_value, dtype=None):
    """``fill_value`` with the shape (and by default the dtype) of ``x``."""
    b = backend()
    return b.full_like(to_tensor(b, x), fill_value, si.check_dtype("full_like", dtype))


# ===================================================== arithmetic, comparison


def _binary(name: str, doc: str, infer=None, method: str | None = None):
    method = method or name

    def fn(x1, x2):
        b = backend()
        x1, x2, _ = binary_operands(b, x1, x2)
        try:
            return getattr(b, method)(x1, x2)
        except Exception:
            si.broadcast_shapes(name, shape_of(x1), shape_of(x2))
            raise

    return _new_op(fn, infer or si.infer_binary(name), name, doc)


add = _binary("add", "Elementwise ``x1 + x2`` with broadcasting and keras dtype promotion.")
subtract = _binary("subtract", "Elementwise ``x1 - x2``.")
multiply = _binary("multiply", "Elementwise ``x1 * x2``.")
floor_divide = _binary("floor_divide", "Elementwise ``x1 // x2`` (floor of the quotient).")
mod = _binary("mod", "Elementwise remainder ``x1 % x2`` with the sign of ``x2``.")
power = _binary("power", "Elementwise ``x1 ** x2``.")
maximum = _binary("maximum", "Elementwise maximum of ``x1`` and ``x2``.")
minimum = _binary("minimum", "Elementwise minimum of ``x1`` and ``x2``.")
equal = _binary("equal", "Elementwise ``x1 == x2`` (bool).", si.infer_compare("equal"))
not_equal = _binary("not_equal", "Elementwise ``x1 != x2`` (bool).", si.infer_compare("not_equal"))
less = _binary("less", "Elementwise ``x1 < x2`` (bool).", si.infer_compare("less"))
less_equal = _binary("less_equal", "Elementwise ``x1 <= x2`` (bool).", si.infer_compare("less_equal"))
greater = _binary("greater", "Elementwise ``x1 > x2`` (bool).", si.infer_compare("greater"))
greater_equal = _binary("greater_equal", "Elementwise ``x1 >= x2`` (bool).", si.infer_compare("greater_equal"))


def _divide(name: str, doc: str):
    def fn(x1, x2):
        b = backend()
        x1, x2, d = binary_operands(b, x1, x2)
        if d not in si.FLOAT_TYPES:
            x1, x2 = b.cast(x1, _backend.floatx()), b.cast(x2, _backend.floatx())
        try:
            return b.divide(x1, x2)
        except Exception:
            si.broadcast_shapes(name, shape_of(x1), shape_of(x2))
            raise

    return _new_op(fn, si.infer_divide(name), name, doc)


divide = _divide("divide", "Elementwise true division ``x1 / x2``; ints divide to ``floatx``.")
true_divide = _divide("true_divide", "Alias of ``divide``: elementwise ``x1 / x2``.")


def _to_bool(b, x):
    x = to_tensor(b, x, "bool") if not b.is_tensor(x) else x
    return x if b.dtype(x) == "bool" else b.cast(x, "bool")


def _logical(name: str, doc: str):
    def fn(x1, x2):
        b = backend()
        x1, x2 = _to_bool(b, x1), _to_bool(b, x2)
        try:
            return getattr(b, name)(x1, x2)
        except Exception:
            si.broadcast_shapes(name, shape_of(x1), shape_of(x2))
            raise

    return _new_op(fn, si.infer_compare(name), name, doc)


logical_and = _logical("logical_and", "Elementwise logical AND (inputs are cast to bool).")
logical_or = _logical("logical_or", "Elementwise logical OR (inputs are cast to bool).")


@op(infer=si.infer_bool)
def logical_not(x):
    """Elementwise logical NOT (input cast to bool)."""
    b = backend()
    return b.logical_not(_to_bool(b, x))


@op(infer=si.infer_where)
def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` is true, else ``x2`` (all three broadcast)."""
    if x1 is None or x2 is None:
        raise ValueError("where: both `x1` and `x2` are required (the one-argument form is not supported)")
    b = backend()
    condition = _to_bool(b, condition)
    x1, x2, _ = binary_operands(b, x1, x2)
    try:
        return b.where(condition, x1, x2)
    except Exception:
        si.broadcast_shapes("where", shape_of(condition), shape_of(x1), shape_of(x2))
        raise


# ========================================================= elementwise math


def _unary(name: str, doc: str, kind: str):
    """``kind``: "same" keeps the dtype, "float" computes ints in ``floatx``."""
    if kind == "float":
        def fn(x):
            b = backend()
            return getattr(b, name)(to_float(b, x))
        infer = si.infer_float
    else:
        def fn(x):
            b = backend()
            return getattr(b, name)(to_tensor(b, x))
        infer = si.infer_same
    return _new_op(fn, infer, name, doc)


negative = _unary("negative", "Elementwise ``-x``.", "same")
abs = _unary("abs", "Elementwise absolute value.", "same")
sign = _unary("sign", "Elementwise sign: -1, 0 or 1.", "same")
floor = _unary("floor", "Elementwise floor; ints become ``floatx``.", "float")
ceil = _unary("ceil", "Elementwise ceiling; ints become ``floatx``.", "float")
sqrt = _unary("sqrt", "Elementwise square root; ints become ``floatx``.", "float")
exp = _unary("exp", "Elementwise ``e ** x``.", "float")
log = _unary("log", "Elementwise natural logarithm.", "float")
log1p = _unary("log1p", "Elementwise ``log(1 + x)``, accurate for small ``x``.", "float")
expm1 = _unary("expm1", "Elementwise ``exp(x) - 1``, accurate for small ``x``.", "float")
sin = _unary("sin", "Elementwise sine.", "float")
cos = _unary("cos", "Elementwise cosine.", "float")
tanh = _unary("tanh", "Elementwise hyperbolic tangent.", "float")
reciprocal = _unary("reciprocal", "Elementwise ``1 / x``.", "float")


@op(infer=si.infer_same)
def absolute(x):
    """Alias of ``abs``: elementwise absolute value."""
    b = backend()
    return b.abs(to_tensor(b, x))


@op(infer=si.infer_square)
def square(x):
    """Elementwise ``x * x`` (bools become ``int32``)."""
    b = backend()
    x = to_tensor(b, x)
    if b.dtype(x) == "bool":
        x = b.cast(x, "int32")
    return b.square(x)


@op(infer=si.infer_same)
def round(x, decimals=0):
    """Round half to even, to ``decimals`` decimal places."""
    b = backend()
    return b.round(to_tensor(b, x), int(decimals))


@op(infer=si.infer_bool)
def isnan(x):
    """Elementwise test for NaN (always false for ints)."""
    b = backend()
    return b.isnan(to_float(b, x))


@op(infer=si.infer_bool)
def isfinite(x):
    """Elementwise test for finite values (not inf, not NaN)."""
    b = backend()
    return b.isfinite(to_float(b, x))


@op(infer=si.infer_clip)
def clip(x, x_min, x_max):
    """Limit values to ``[x_min, x_max]``; keeps the dtype of ``x`` (bools become ``int32``)."""
    b = backend()
    x = to_tensor(b, x)
    d = b.dtype(x)
    if d == "bool":
        x, d = b.cast(x, "int32"), "int32"
    if d not in si.FLOAT_TYPES or type(x_min) not in (int, float) or type(x_max) not in (int, float):
        x_min, x_max = to_tensor(b, x_min, d), to_tensor(b, x_max, d)
    return b.clip(x, x_min, x_max)


# ========================================================== linear algebra


def _product_operands(b, x1, x2):
    """Promoted operands of a matrix product; bools and small ints compute in int32."""
    x1, x2, d = binary_operands(b, x1, x2)
    if d in si._SMALL_INTS:
        x1, x2 = b.cast(x1, "int32"), b.cast(x2, "int32")
    return x1, x2


@op(infer=si.infer_matmul)
def matmul(x1, x2):
    """Matrix product with NumPy ``matmul`` semantics (batch dims broadcast, vectors allowed)."""
    b = backend()
    x1, x2 = _product_operands(b, x1, x2)
    try:
        return b.matmul(x1, x2)
    except Exception:
        si.matmul_shape("matmul", shape_of(x1), shape_of(x2))
        raise


@op(infer=si.infer_dot)
def dot(x1, x2):
    """NumPy ``dot``: sum product over the last axis of ``x1`` and the second-to-last of ``x2``."""
    b = backend()
    x1, x2 = _product_operands(b, x1, x2)
    s1, s2 = b.shape(x1), b.shape(x2)
    si.dot_shape("dot", s1, s2)
    return b.dot(x1, x2)


@op(infer=si.infer_einsum)
def einsum(subscripts, *operands):
    """Einstein summation, e.g. ``einsum("ij,jk->ik", a, b)``."""
    b = backend()
    xs, d = tensors(b, operands, "einsum")
    if d in si._SMALL_INTS:
        xs = [b.cast(x, "int32") for x in xs]
    try:
        return b.einsum(subscripts, *xs)
    except Exception:
        si.einsum_shape("einsum", subscripts, [b.shape(x) for x in xs])
        raise


def _tensordot_axes(axes):
    if isinstance(axes, (int, np.integer)):
        return int(axes)
    a1, a2 = axes
    norm = lambda a: int(a) if isinstance(a, (int, np.integer)) else tuple(int(i) for i in a)  # noqa: E731
    return (norm(a1), norm(a2))


@op(infer=si.infer_tensordot)
def tensordot(x1, x2, axes=2):
    """Sum products over ``axes`` (an int: last/first ``axes`` dims; or a pair of axis lists)."""
    b = backend()
    x1, x2 = _product_operands(b, x1, x2)
    axes = _tensordot_axes(axes)
    try:
        return b.tensordot(x1, x2, axes=axes)
    except Exception:
        si.tensordot_shape("tensordot", b.shape(x1), b.shape(x2), axes)
        raise


# ================================================================== shapes


def _newshape(newshape) -> tuple:
    if isinstance(newshape, (int, np.integer)):
        return (int(newshape),)
    return tuple(-1 if d is None else int(d) for d in newshape)


@op(infer=si.infer_reshape)
def reshape(x, newshape):
    """Same values in ``newshape``; one dimension may be ``-1`` (inferred)."""
    b = backend()
    x = to_tensor(b, x)
    newshape = _newshape(newshape)
    try:
        return b.reshape(x, newshape)
    except Exception:
        si.reshape_shape("reshape", b.shape(x), newshape)
        raise


@op(infer=si.infer_transpose)
def transpose(x, axes=None):
    """Permute axes (reverse them when ``axes`` is None)."""
    b = backend()
    x = to_tensor(b, x)
    if axes is not None:
        axes = tuple(int(a) for a in axes)
        si.transpose_shape("transpose", b.shape(x), axes)
    return b.transpose(x, axes)


@op(infer=si.infer_expand_dims)
def expand_dims(x, axis):
    """Insert size-1 axes at ``axis`` (an int or a tuple, positions in the output)."""
    b = backend()
    x = to_tensor(b, x)
    if isinstance(axis, (int, np.integer)):
        try:
            return b.expand_dims(x, int(axis))
        except Exception:
            si.expand_dims_shape("expand_dims", b.shape(x), axis)
            raise
    rank = len(b.shape(x)) + len(axis)
    for a in sorted(si.canonical_axis("expand_dims", a, rank) for a in axis):
        x = b.expand_dims(x, a)
    return x


@op(infer=si.infer_squeeze)
def squeeze(x, axis=None):
    """Remove size-1 axes (all of them, or those in ``axis``, which must have size 1)."""
    b = backend()
    x = to_tensor(b, x)
    if axis is not None:
        axis = si.axis_arg(axis)
        si.squeeze_shape("squeeze", b.shape(x), axis)
    return b.squeeze(x, axis)


@op(infer=si.infer_broadcast_to)
def broadcast_to(x, shape):
    """Broadcast ``x`` to ``shape`` with NumPy rules."""
    b = backend()
    x = to_tensor(b, x)
    shape = _newshape(shape)
    si.broadcast_to_shape("broadcast_to", b.shape(x), shape)
    return b.broadcast_to(x, shape)


@op(infer=si.infer_concatenate)
def concatenate(xs, axis=0):
    """Join a sequence of tensors along an existing axis."""
    b = backend()
    xs, _ = tensors(b, xs, "concatenate")
    try:
        return b.concatenate(xs, axis=int(axis))
    except Exception:
        si.concatenate_shape("concatenate", [b.shape(x) for x in xs], axis)
        raise


@op(infer=si.infer_stack)
def stack(x, axis=0):
    """Join a sequence of same-shaped tensors along a new axis."""
    b = backend()
    xs, _ = tensors(b, x, "stack")
    si.stack_shape("stack", [b.shape(t) for t in xs], axis)
    return b.stack(xs, axis=int(axis))


@op(infer=si.infer_split)
def split(x, indices_or_sections, axis=0):
    """A list of sub-tensors: ``indices_or_sections`` equal parts, or cut at the given indices."""
    b = backend()
    x = to_tensor(b, x)
    if not isinstance(indices_or_sections, (int, np.integer)):
        indices_or_sections = [int(i) for i in indices_or_sections]
    si.split_shapes("split", b.shape(x), indices_or_sections, axis)
    return list(b.split(x, indices_or_sections, axis=int(axis)))


def _indices(b, indices):
    if b.is_tensor(indices):
        return indices
    d = si.tensor_dtype(indices)
    return b.convert_to_tensor(indices, dtype="int32" if d in si.INT_TYPES else d)


@op(infer=si.infer_take)
def take(x, indices, axis=None):
    """Elements of ``x`` at ``indices`` along ``axis`` (of the flattened ``x`` when None)."""
    b = backend()
    x = to_tensor(b, x)
    indices = _indices(b, indices)
    if axis is not None:
        axis = si.canonical_axis("take", axis, len(b.shape(x)))
    return b.take(x, indices, axis=axis)


@op(infer=si.infer_take_along_axis)
def take_along_axis(x, indices, axis=None):
    """Pick values along ``axis`` with ``indices`` shaped like ``x`` (as ``np.take_along_axis``)."""
    b = backend()
    x = to_tensor(b, x)
    indices = _indices(b, indices)
    if axis is None:
        x, axis = b.reshape(x, (-1,)), 0
        indices = b.reshape(indices, (-1,))
    si.take_along_axis_shape("take_along_axis", b.shape(x), b.shape(indices), axis)
    return b.take_along_axis(x, indices, axis=int(axis))


_PAD_MODES = ("constant", "edge", "reflect", "symmetric")


@op(infer=si.infer_pad)
def pad(x, pad_width, mode="constant", constant_values=None):
    """Pad with ``pad_width`` ``(before, after)`` pairs per axis; modes: constant, edge, reflect, symmetric."""
    b = backend()
    x = to_tensor(b, x)
    mode = si.pad_mode_arg("pad", mode, constant_values)
    pad_width = si.pad_width_arg("pad", pad_width, len(b.shape(x)))
    return b.pad(x, pad_width, mode=mode, constant_values=0 if constant_values is None else constant_values)


@op(infer=si.infer_tile)
def tile(x, repeats):
    """Repeat the whole of ``x`` ``repeats`` times along each axis."""
    b = backend()
    x = to_tensor(b, x)
    repeats = (int(repeats),) if isinstance(repeats, (int, np.integer)) else tuple(int(r) for r in repeats)
    if builtins.any(r < 0 for r in repeats):
        raise ValueError(f"tile: `repeats` must be non-negative, got {repeats}")
    return b.tile(x, repeats)


@op(infer=si.infer_repeat)
def repeat(x, repeats, axis=None):
    """Repeat each element ``repeats`` times along ``axis`` (of the flattened ``x`` when None)."""
    b = backend()
    x = to_tensor(b, x)
    repeats = si.repeats_arg("repeat", repeats)
    if axis is not None:
        axis = si.canonical_axis("repeat", axis, len(b.shape(x)))
    return b.repeat(x, repeats, axis=axis)


@op(infer=si.infer_same_axis("flip"))
def flip(x, axis=None):
    """Reverse the order of elements along ``axis`` (all axes when None)."""
    b = backend()
    x = to_tensor(b, x)
    axis = si.axis_arg(axis)
    if axis is not None:
        si.canonical_axes("flip", axis, len(b.shape(x)))
    return b.flip(x, axis=axis)


@op(infer=si.infer_cumsum)
def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along ``axis`` (of the flattened ``x`` when None); small ints accumulate in int32."""
    b = backend()
    x = to_tensor(b, x)
    want = si.check_dtype("cumsum", dtype) or si.sum_dtype(b.dtype(x))
    if b.dtype(x) != want:
        x = b.cast(x, want)
    if axis is not None:
        axis = si.canonical_axis("cumsum", axis, len(b.shape(x)))
    return b.cumsum(x, axis=axis)


@op(infer=si.infer_same_axis("sort"))
def sort(x, axis=-1):
    """Sort ascending along ``axis``."""
    b = backend()
    x = to_tensor(b, x)
    si.canonical_axis("sort", axis, len(b.shape(x)))
    return b.sort(x, axis=int(axis))


@op(infer=si.infer_swapaxes)
def swapaxes(x, axis1, axis2):
    """Exchange two axes."""
    b = backend()
    x = to_tensor(b, x)
    rank = len(b.shape(x))
    return b.swapaxes(x, si.canonical_axis("swapaxes", axis1, rank, "axis1"),
                      si.canonical_axis("swapaxes", axis2, rank, "axis2"))


def _index_key(b, key):
    """Lists and NumPy arrays in ``key`` become int32/bool tensors. Next to array indices, plain
    ints become 1-element index tensors, so every framework applies NumPy's rule for where the
    broadcast advanced-index dimensions go (they would otherwise count as basic indices)."""
    if isinstance(key, (list, np.ndarray)):
        return _indices(b, key)
    if not isinstance(key, tuple):
        return key
    if builtins.any(isinstance(k, (list, np.ndarray)) for k in key):
        key = tuple(_indices(b, k) if isinstance(k, (list, np.ndarray)) else k for k in key)
    if builtins.any(b.is_tensor(k) and len(b.shape(k)) > 0 for k in key) and builtins.any(
            isinstance(k, (int, np.integer)) and not isinstance(k, bool) for k in key):
        key = tuple(b.convert_to_tensor([int(k)], dtype="int32")
                    if isinstance(k, (int, np.integer)) and not isinstance(k, bool) else k for k in key)
    return key


def _needs_check(key) -> bool:
    if isinstance(key, tuple):
        return builtins.any(k is Ellipsis or (isinstance(k, (int, np.integer)) and not isinstance(k, bool))
                            for k in key)
    return isinstance(key, (int, np.integer)) and not isinstance(key, bool)


@op(infer=si.infer_getitem)
def getitem(x, key):
    """``x[key]`` with NumPy basic and advanced indexing (ints, slices, None, ..., int/bool tensors)."""
    b = backend()
    x = to_tensor(b, x)
    key = _index_key(b, key)
    if _needs_check(key):  # some frameworks clamp out-of-range ints or accept two ellipses
        si.getitem_shape(b.shape(x), key)
    try:
        return b.getitem(x, key)
    except Exception:
        si.getitem_shape(b.shape(x), key)
        raise


# ============================================================== reductions


def _reduce(name: str, x, axis, keepdims, dtype_rule=None, input_rule=None):
    """Run reduction ``name`` on the backend.

    ``input_rule(dtype)`` gives the dtype to compute in; ``dtype_rule`` the
    output dtype (checked only for integer inputs, where frameworks differ).
    """
    b = backend()
    x = to_tensor(b, x)
    d = b.dtype(x)
    if input_rule is not None and input_rule(d) != d:
        x = b.cast(x, input_rule(d))
    axis = si.axis_arg(axis)
    try:
        out = getattr(b, name)(x, axis=axis, keepdims=keepdims)
    except Exception:
        si.reduce_shape(name, b.shape(x), axis, keepdims)
        raise
    if dtype_rule is not None and d not in si.FLOAT_TYPES:
        want = dtype_rule(d)
        if b.dtype(out) != want:
            out = b.cast(out, want)
    return out


def _reduction(name: str, doc: str, dtype_rule=None, input_rule=None):
    """A ``fn(x, axis=None, keepdims=False)`` reduction op."""
    def fn(x, axis=None, keepdims=False):
        return _reduce(name, x, axis, keepdims, dtype_rule, input_rule)

    return _new_op(fn, si.infer_reduce(name, dtype_rule), name, doc)


_float_in = si.float_dtype
sum = _reduction("sum", "Sum over ``axis`` (all axes when None); small ints accumulate in int32.",
                 si.sum_dtype, si.sum_dtype)
mean = _reduction("mean", "Arithmetic mean over ``axis``; ints average in ``floatx``.", _float_in, _float_in)
var = _reduction("var", "Variance over ``axis``; ints compute in ``floatx``.", _float_in, _float_in)
std = _reduction("std", "Standard deviation over ``axis``; ints compute in ``floatx``.", _float_in, _float_in)


@op(infer=si.infer_prod)
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over ``axis`` (all axes when None); small ints accumulate in int32 unless ``dtype`` is given."""
    dtype = si.check_dtype("prod", dtype)
    if dtype is not None:
        b = backend()
        x = to_tensor(b, x, dtype)
        return _reduce("prod", x, axis, keepdims)
    return _reduce("prod", x, axis, keepdims, si.sum_dtype, si.sum_dtype)


@op(infer=si.infer_reduce("max"))
def max(x, axis=None, keepdims=False, initial=None):
    """Maximum over ``axis`` (all axes when None), at least ``initial`` when given."""
    out = _reduce("max", x, axis, keepdims)
    return out if initial is None else maximum(out, initial)


@op(infer=si.infer_reduce("min"))
def min(x, axis=None, keepdims=False, initial=None):
    """Minimum over ``axis`` (all axes when None), at most ``initial`` when given."""
    out = _reduce("min", x, axis, keepdims)
    return out if initial is None else minimum(out, initial)


def _bool_reduction(name: str, doc: str):
    def fn(x, axis=None, keepdims=False):
        b = backend()
        x = _to_bool(b, x)
        axis = si.axis_arg(axis)
        try:
            return getattr(b, name)(x, axis=axis, keepdims=keepdims)
        except Exception:
            si.reduce_shape(name, b.shape(x), axis, keepdims)
            raise

    return _new_op(fn, si.infer_reduce(name, lambda d: "bool"), name, doc)


any = _bool_reduction("any", "True where any element over ``axis`` is true (nonzero).")
all = _bool_reduction("all", "True where all elements over ``axis`` are true (nonzero).")


def _arg_reduction(name: str, doc: str):
    def fn(x, axis=None, keepdims=False):
        b = backend()
        x = to_tensor(b, x)
        if axis is not None:
            axis = si.canonical_axis(name, axis, len(b.shape(x)))
        out = getattr(b, name)(x, axis=axis, keepdims=keepdims)
        return out if b.dtype(out) == "int32" else b.cast(out, "int32")

    return _new_op(fn, si.infer_arg_reduce(name), name, doc)


argmax = _arg_reduction("argmax", "Index (int32) of the maximum along ``axis`` (of the flattened ``x`` when None).")
argmin = _arg_reduction("argmin", "Index (int32) of the minimum along ``axis`` (of the flattened ``x`` when None).")
