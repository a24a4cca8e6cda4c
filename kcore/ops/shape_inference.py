"""Static shape and dtype rules of kcore ops.

Two layers live here:

* pure functions on shape tuples (``None`` = unknown dimension) and dtype
  names: broadcasting, reductions, convolution and pooling output sizes,
  reshape with ``-1``, concatenation, indexing... They validate their inputs
  and raise ``ValueError``/``IndexError`` naming the op, the expected and the
  received shape or value. Eager ops call them to normalise arguments or to
  explain a backend failure, so eager and symbolic errors read the same.
* ``infer_*`` functions with the signature of the op they serve; ``@op``
  calls them with KerasTensor arguments and they return KerasTensors.

Dtype rules follow ``keras.ops``: Python scalars, lists of them and float64
NumPy arrays are *weak*: they take the dtype of the tensor they meet instead
of widening it (so ``float32`` data never silently becomes ``float64``).
"""

from __future__ import annotations

import builtins
import functools
from typing import Any, NamedTuple, Sequence

import numpy as np

from kcore import backend as _backend
from kcore.dtypes import FLOAT_TYPES, INT_TYPES, result_type, standardize_dtype
from kcore.graph.keras_tensor import KerasTensor
from kcore.ops.dispatch import shape_of

Shape = tuple

# =============================================================== dtypes


class WeakArray(NamedTuple):
    """Dtype of a NumPy array of NumPy's default float dtype (float64): weak next to a tensor.

    ``kind`` is the Python type it acts as when a strong dtype is present;
    among weak operands only, it keeps its own ``dtype``.
    """

    dtype: str
    kind: type


_WEAK_ARRAYS = {np.dtype("float64"): WeakArray("float64", float)}


def operand_dtype(x: Any):
    """The dtype ``x`` contributes to promotion.

    A standard name for tensors and other arrays; ``int``/``float``/``bool``
    for Python scalars and (nested) lists of them; a :class:`WeakArray` for
    float64 NumPy arrays.
    """
    if isinstance(x, bool):
        return bool
    if isinstance(x, int):
        return int
    if isinstance(x, float):
        return float
    if isinstance(x, (np.ndarray, np.generic)):
        weak = _WEAK_ARRAYS.get(x.dtype)
        return weak if weak is not None else standardize_dtype(x.dtype)
    dtype = getattr(x, "dtype", None)
    if dtype is not None:
        return standardize_dtype(dtype)
    if isinstance(x, (list, tuple)):  # nested Python scalars: weak like the scalars themselves
        kind = np.asarray(x).dtype.kind
        if kind in "biuf":
            return {"b": bool, "i": int, "u": int, "f": float}[kind]
    raise TypeError(f"Cannot use an object of type {type(x).__name__} as a tensor: {x!r}")


def strong(dtype) -> str:
    """A standard dtype name, weak types mapped to their defaults."""
    if dtype is float:
        return _backend.floatx()
    if dtype is int:
        return "int32"
    if dtype is bool:
        return "bool"
    if isinstance(dtype, WeakArray):
        return dtype.dtype
    return dtype


def tensor_dtype(x: Any) -> str:
    """The dtype ``x`` has once converted to a tensor on its own."""
    return strong(operand_dtype(x))


@functools.lru_cache(maxsize=4096)
def promote(*dtypes) -> str:
    """Result dtype of mixing operands (weak types never widen a strong one)."""
    if any(isinstance(d, WeakArray) for d in dtypes):
        has_strong = any(isinstance(d, str) for d in dtypes)
        dtypes = tuple((d.kind if has_strong else d.dtype) if isinstance(d, WeakArray) else d for d in dtypes)
    out = result_type(*dtypes)
    if out == "bool" and any(d is int for d in dtypes):
        return "int32"
    return out


def float_dtype(dtype: str) -> str:
    """``dtype`` if floating, else ``floatx`` (ints and bools compute in float)."""
    return dtype if dtype in FLOAT_TYPES else _backend.floatx()


_SMALL_INTS = ("bool", "int8", "int16", "uint8", "uint16")


def sum_dtype(dtype: str) -> str:
    """Accumulation dtype of ``sum``/``prod``/``cumsum`` and matrix products: bools and
    8/16-bit ints widen to ``int32`` (unsigned ones too: not every framework has uint32 sums)."""
    return "int32" if dtype in _SMALL_INTS else dtype


def check_dtype(name: str, dtype) -> str | None:
    """Standardise a ``dtype=`` argument, keeping ``None``."""
    if dtype is None:
        return None
    try:
        return standardize_dtype(dtype)
    except ValueError as e:
        raise ValueError(f"{name}: {e}") from None


# =============================================================== axes


def canonical_axis(name: str, axis: int, ndim: int, arg: str = "axis") -> int:
    """Non-negative ``axis`` for a rank-``ndim`` tensor."""
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"{name}: `{arg}` must be an int, got {axis!r}")
    if not -ndim <= axis < max(ndim, 1) or (ndim == 0 and axis not in (0, -1)):
        raise ValueError(f"{name}: {arg} {axis} is out of bounds for an input of rank {ndim}")
    return int(axis) % ndim if ndim else 0


def canonical_axes(name: str, axis, ndim: int) -> tuple | None:
    """Sorted non-negative axes from ``None``/int/sequence; duplicates are an error."""
    if axis is None:
        return None
    if isinstance(axis, (int, np.integer)):
        axis = (axis,)
    out = tuple(canonical_axis(name, a, ndim) for a in axis)
    if len(set(out)) != len(out):
        raise ValueError(f"{name}: repeated axis in {tuple(axis)}")
    return tuple(sorted(out))


def axis_arg(axis):
    """Normalise an ``axis`` argument for the backend: lists become tuples."""
    if isinstance(axis, list):
        return tuple(axis)
    return axis


# =============================================================== shapes


def broadcast_shapes(name: str, *shapes: Shape) -> Shape:
    """NumPy broadcasting of static shapes; ``None`` broadcasts with anything but 1 to it."""
    ndim = builtins.max((len(s) for s in shapes), default=0)
    out = []
    for i in range(-ndim, 0):
        dim = 1
        for s in shapes:
            if len(s) < -i:
                continue
            d = s[i]
            if d == 1:
                continue
            if dim == 1:
                dim = d
            elif d is None:
                continue
            elif dim is None:
                dim = d
            elif d != dim:
                shown = " and ".join(str(tuple(s)) for s in shapes)
                raise ValueError(f"{name}: cannot broadcast shapes {shown} (dimension {d} vs {dim})")
        out.append(dim)
    return tuple(out)


def reduce_shape(name: str, shape: Shape, axis, keepdims: bool) -> Shape:
    axes = canonical_axes(name, axis, len(shape))
    if axes is None:
        return (1,) * len(shape) if keepdims else ()
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def _known_prod(dims) -> int | None:
    out = 1
    for d in dims:
        if d is None:
            return None
        out *= d
    return out


def reshape_shape(name: str, shape: Shape, newshape) -> Shape:
    """Target shape of a reshape; one ``-1`` (or ``None``) is inferred."""
    if isinstance(newshape, (int, np.integer)):
        newshape = (newshape,)
    newshape = tuple(None if d is None else int(d) for d in newshape)
    unknown = [i for i, d in enumerate(newshape) if d is None or d == -1]
    if len(unknown) > 1:
        raise ValueError(f"{name}: at most one dimension of the new shape can be -1, got {newshape}")
    if any(d is not None and d < -1 for d in newshape):
        raise ValueError(f"{name}: invalid dimension in new shape {newshape}")
    total = _known_prod(shape)
    known = _known_prod(d for d in newshape if d not in (None, -1))
    if unknown:
        i = unknown[0]
        if total is None:
            fill = None
        elif known == 0 or total % known:
            raise ValueError(
                f"{name}: cannot reshape a tensor of shape {tuple(shape)} ({total} elements) "
                f"into shape {newshape}"
            )
        else:
            fill = total // known
        return newshape[:i] + (fill,) + newshape[i + 1:]
    if total is not None and total != known:
        raise ValueError(
            f"{name}: cannot reshape a tensor of shape {tuple(shape)} ({total} elements) "
            f"into shape {newshape} ({known} elements)"
        )
    return newshape


def transpose_shape(name: str, shape: Shape, axes) -> Shape:
    if axes is None:
        return tuple(reversed(shape))
    axes = tuple(axes)
    if sorted(canonical_axis(name, a, len(shape), "axes") for a in axes) != list(range(len(shape))):
        raise ValueError(f"{name}: axes {axes} are not a permutation of the {len(shape)} axes of shape {tuple(shape)}")
    return tuple(shape[a] for a in axes)


def expand_dims_shape(name: str, shape: Shape, axis) -> Shape:
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    rank = len(shape) + len(axes)
    axes = sorted(canonical_axis(name, a, rank) for a in axes)
    out = list(shape)
    for a in axes:
        out.insert(a, 1)
    return tuple(out)


def squeeze_shape(name: str, shape: Shape, axis) -> Shape:
    if axis is None:
        return tuple(d for d in shape if d != 1)
    axes = canonical_axes(name, axis, len(shape))
    for a in axes:
        if shape[a] is not None and shape[a] != 1:
            raise ValueError(
                f"{name}: cannot squeeze axis {a} of shape {tuple(shape)}: its size is {shape[a]}, expected 1"
            )
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def merge_dims(name: str, what: str, a, b):
    """Two dims that must agree; ``None`` agrees with anything."""
    if a is None:
        return b
    if b is not None and a != b:
        raise ValueError(f"{name}: {what}: {a} != {b}")
    return a


def concatenate_shape(name: str, shapes: Sequence[Shape], axis: int) -> Shape:
    if not shapes:
        raise ValueError(f"{name}: needs at least one tensor")
    rank = len(shapes[0])
    if rank == 0:
        raise ValueError(f"{name}: cannot concatenate scalars (rank-0 tensors)")
    if any(len(s) != rank for s in shapes):
        raise ValueError(f"{name}: all inputs must have the same rank, got shapes {[tuple(s) for s in shapes]}")
    axis = canonical_axis(name, axis, rank)
    out = list(shapes[0])
    for s in shapes[1:]:
        for i, d in enumerate(s):
            if i == axis:
                out[i] = None if out[i] is None or d is None else out[i] + d
            else:
                out[i] = merge_dims(
                    name, f"all dimensions except axis {axis} must match, got shapes "
                    f"{[tuple(t) for t in shapes]} (axis {i})", out[i], d)
    return tuple(out)


def stack_shape(name: str, shapes: Sequence[Shape], axis: int) -> Shape:
    if not shapes:
        raise ValueError(f"{name}: needs at least one tensor")
    out = list(shapes[0])
    for s in shapes[1:]:
        if len(s) != len(out):
            raise ValueError(f"{name}: all inputs must have the same shape, got {[tuple(t) for t in shapes]}")
        out = [merge_dims(name, f"all inputs must have the same shape, got {[tuple(t) for t in shapes]}", a, b)
               for a, b in zip(out, s)]
    axis = canonical_axis(name, axis, len(out) + 1)
    out.insert(axis, len(shapes))
    return tuple(out)


def split_shapes(name: str, shape: Shape, indices_or_sections, axis: int) -> list:
    axis = canonical_axis(name, axis, len(shape))
    dim = shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        n = int(indices_or_sections)
        if n < 1:
            raise ValueError(f"{name}: the number of sections must be >= 1, got {n}")
        if dim is not None and dim % n:
            raise ValueError(f"{name}: axis {axis} of size {dim} (shape {tuple(shape)}) cannot be split "
                             f"into {n} equal sections")
        sizes = [None if dim is None else dim // n] * n
    else:
        idx = [int(i) for i in indices_or_sections]
        bounds = [0] + idx + [dim]
        sizes = []
        for a, b in zip(bounds[:-1], bounds[1:]):
            if dim is not None:
                sizes.append(len(range(dim)[a:b]))
            elif b is None or a < 0 or b < 0:
                sizes.append(None)
            else:
                sizes.append(builtins.max(0, b - a))
    return [shape[:axis] + (s,) + shape[axis + 1:] for s in sizes]


def matmul_shape(name: str, s1: Shape, s2: Shape) -> Shape:
    if len(s1) == 0 or len(s2) == 0:
        raise ValueError(f"{name}: inputs must have rank >= 1, got shapes {tuple(s1)} and {tuple(s2)}")
    a = (1,) + tuple(s1) if len(s1) == 1 else tuple(s1)
    b = tuple(s2) + (1,) if len(s2) == 1 else tuple(s2)
    if a[-1] is not None and b[-2] is not None and a[-1] != b[-2]:
        raise ValueError(
            f"{name}: incompatible inner dimensions: x1 has shape {tuple(s1)} and x2 has shape "
            f"{tuple(s2)}; expected x1.shape[-1] == x2.shape[-2] (or x2.shape[0] for a vector), "
            f"got {a[-1]} != {b[-2]}"
        )
    batch = broadcast_shapes(name, a[:-2], b[:-2])
    out = batch + (a[-2], b[-1])
    if len(s1) == 1:
        out = out[:-2] + out[-1:]
    if len(s2) == 1:
        out = out[:-1]
    return out


def tensordot_axes(name: str, s1: Shape, s2: Shape, axes) -> tuple[tuple, tuple]:
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        if n < 0 or n > len(s1) or n > len(s2):
            raise ValueError(f"{name}: axes={n} is invalid for shapes {tuple(s1)} and {tuple(s2)}")
        return tuple(range(len(s1) - n, len(s1))), tuple(range(n))
    a1, a2 = axes
    a1 = (a1,) if isinstance(a1, (int, np.integer)) else tuple(a1)
    a2 = (a2,) if isinstance(a2, (int, np.integer)) else tuple(a2)
    if len(a1) != len(a2):
        raise ValueError(f"{name}: axes {axes} must have the same number of axes for both inputs")
    return (tuple(canonical_axis(name, a, len(s1), "axes") for a in a1),
            tuple(canonical_axis(name, a, len(s2), "axes") for a in a2))


def tensordot_shape(name: str, s1: Shape, s2: Shape, axes) -> Shape:
    a1, a2 = tensordot_axes(name, s1, s2, axes)
    for i, j in zip(a1, a2):
        if s1[i] is not None and s2[j] is not None and s1[i] != s2[j]:
            raise ValueError(
                f"{name}: contracted dimensions must match: x1.shape={tuple(s1)} axis {i} has size "
                f"{s1[i]}, x2.shape={tuple(s2)} axis {j} has size {s2[j]}"
            )
    return tuple(d for i, d in enumerate(s1) if i not in a1) + tuple(d for j, d in enumerate(s2) if j not in a2)


def dot_shape(name: str, s1: Shape, s2: Shape) -> Shape:
    if len(s1) == 0 or len(s2) == 0:
        return broadcast_shapes(name, s1, s2)
    if len(s2) == 1:
        return tensordot_shape(name, s1, s2, ((len(s1) - 1,), (0,)))
    return tensordot_shape(name, s1, s2, ((len(s1) - 1,), (len(s2) - 2,)))


def einsum_shape(name: str, subscripts: str, shapes: Sequence[Shape]) -> Shape:
    spec = subscripts.replace(" ", "")
    lhs, arrow, rhs = spec.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"{name}: subscripts {subscripts!r} name {len(terms)} operands, got {len(shapes)}")
    sizes: dict[str, Any] = {}
    ell_shapes = []
    for term, shape in zip(terms, shapes):
        letters = term.replace("...", "")
        if "..." in term:
            n_ell = len(shape) - len(letters)
            if n_ell < 0:
                raise ValueError(f"{name}: operand term {term!r} has more indices than its rank {len(shape)}")
            pre = term.index("...")
            ell_shapes.append(tuple(shape[pre:pre + n_ell]))
            dims = tuple(shape[:pre]) + tuple(shape[pre + n_ell:])
        else:
            if len(letters) != len(shape):
                raise ValueError(
                    f"{name}: operand term {term!r} names {len(letters)} axes but the operand has shape {tuple(shape)}"
                )
            dims = tuple(shape)
        for ch, d in zip(letters, dims):
            if ch not in sizes or sizes[ch] == 1:
                sizes[ch] = d
            elif sizes[ch] is None:
                sizes[ch] = None if d == 1 else d
            elif d is not None and d != 1 and d != sizes[ch]:
                raise ValueError(f"{name}: index {ch!r} has sizes {sizes[ch]} and {d} in {subscripts!r}")
    ell = broadcast_shapes(name, *ell_shapes) if ell_shapes else ()
    if not arrow:
        counts: dict[str, int] = {}
        for ch in lhs.replace("...", "").replace(",", ""):
            counts[ch] = counts.get(ch, 0) + 1
        rhs = ("..." if ell_shapes else "") + "".join(sorted(c for c, n in counts.items() if n == 1))
    before, has_ell, after = rhs.partition("...")
    for ch in before + after:
        if ch not in sizes:
            raise ValueError(f"{name}: output index {ch!r} does not appear in the inputs of {subscripts!r}")
    return (tuple(sizes[ch] for ch in before) + (tuple(ell) if has_ell else ())
            + tuple(sizes[ch] for ch in after))


def take_shape(name: str, shape: Shape, ind_shape: Shape, axis) -> Shape:
    if axis is None:
        return tuple(ind_shape)
    axis = canonical_axis(name, axis, len(shape))
    return tuple(shape[:axis]) + tuple(ind_shape) + tuple(shape[axis + 1:])


def take_along_axis_shape(name: str, shape: Shape, ind_shape: Shape, axis) -> Shape:
    if axis is None:
        return tuple(ind_shape)
    if len(shape) != len(ind_shape):
        raise ValueError(
            f"{name}: `indices` must have the same rank as `x`, got shapes {tuple(shape)} and {tuple(ind_shape)}"
        )
    axis = canonical_axis(name, axis, len(shape))
    x_shape = list(shape)
    x_shape[axis] = 1
    i_shape = list(ind_shape)
    i_shape[axis] = 1
    out = list(broadcast_shapes(name, tuple(x_shape), tuple(i_shape)))
    out[axis] = ind_shape[axis]
    return tuple(out)


def pad_width_arg(name: str, pad_width, ndim: int) -> tuple:
    """``((before, after), ...)`` with one pair per axis, from the NumPy spellings."""
    try:
        arr = np.asarray(pad_width, dtype="int64")
    except (TypeError, ValueError):
        raise ValueError(f"{name}: `pad_width` must be ints, got {pad_width!r}") from None
    if arr.ndim == 0:
        arr = np.full((ndim, 2), int(arr))
    elif arr.shape == (2,) or arr.shape == (1, 2):
        arr = np.broadcast_to(arr.reshape(1, 2), (ndim, 2))
    elif arr.shape == (1,):
        arr = np.full((ndim, 2), int(arr[0]))
    if arr.shape != (ndim, 2):
        raise ValueError(
            f"{name}: `pad_width` must give (before, after) for each of the {ndim} axes, got {pad_width!r}"
        )
    if (arr < 0).any():
        raise ValueError(f"{name}: `pad_width` must be non-negative, got {pad_width!r}")
    return tuple((int(a), int(b)) for a, b in arr)


def tile_shape(name: str, shape: Shape, repeats) -> Shape:
    reps = tuple(int(r) for r in repeats)
    n = builtins.max(len(reps), len(shape))
    reps = (1,) * (n - len(reps)) + reps
    dims = (1,) * (n - len(shape)) + tuple(shape)
    return tuple(None if d is None else d * r for d, r in zip(dims, reps))


def repeat_shape(name: str, shape: Shape, repeats: int, axis) -> Shape:
    if axis is None:
        total = _known_prod(shape)
        return (None if total is None else total * repeats,)
    axis = canonical_axis(name, axis, len(shape))
    d = shape[axis]
    return shape[:axis] + (None if d is None else d * repeats,) + shape[axis + 1:]


# -------------------------------------------------------------- getitem


def _index_kind(k) -> str:
    if k is None:
        return "newaxis"
    if k is Ellipsis:
        return "ellipsis"
    if isinstance(k, bool):
        return "bool"
    if isinstance(k, (int, np.integer)):
        return "int"
    if isinstance(k, slice):
        return "slice"
    dtype = operand_dtype(k)
    if dtype == "bool" or dtype is bool:
        return "mask"
    if strong(dtype) in FLOAT_TYPES:
        raise IndexError(f"getitem: indices must be integers or booleans, got a {strong(dtype)} index")
    if len(shape_of(k)) == 0:
        return "int" if not isinstance(k, KerasTensor) else "array"
    return "array"


def _slice_length(s: slice, dim):
    parts = (s.start, s.stop, s.step)
    if not all(p is None or isinstance(p, (int, np.integer)) for p in parts):
        return None
    if s.step == 0:
        raise ValueError("getitem: slice step cannot be zero")
    if dim is None:
        return None
    return len(range(*s.indices(dim)))


def getitem_shape(shape: Shape, key) -> Shape:
    """Result shape of ``x[key]`` with NumPy basic and advanced indexing rules."""
    name = "getitem"
    key = key if isinstance(key, tuple) else (key,)
    kinds = [_index_kind(k) for k in key]
    consumed = 0
    for k, kind in zip(key, kinds):
        if kind in ("int", "slice", "array"):
            consumed += 1
        elif kind == "mask":
            consumed += len(shape_of(k))
    n_ell = kinds.count("ellipsis")
    if n_ell > 1:
        raise IndexError(f"{name}: an index can only have a single ellipsis ('...'), got {key!r}")
    if consumed > len(shape):
        raise IndexError(f"{name}: too many indices for a tensor of shape {tuple(shape)}: {key!r}")
    fill = (slice(None),) * (len(shape) - consumed)
    if n_ell:
        i = kinds.index("ellipsis")
        key = key[:i] + fill + key[i + 1:]
        kinds = kinds[:i] + ["slice"] * len(fill) + kinds[i + 1:]
    else:
        key = key + fill
        kinds = kinds + ["slice"] * len(fill)
    has_adv = any(k in ("array", "mask") for k in kinds)
    out: list = []
    adv_shapes: list = []
    adv_positions: list = []
    insert_at = None
    dim = 0
    for pos, (k, kind) in enumerate(zip(key, kinds)):
        if kind == "newaxis":
            out.append(1)
        elif kind == "bool":
            out.append(1 if k else 0)
        elif kind == "slice":
            out.append(_slice_length(k, shape[dim]))
            dim += 1
        elif kind == "int" and not has_adv:
            size = shape[dim]
            if isinstance(k, (int, np.integer)) and size is not None and not -size <= k < size:
                raise IndexError(f"{name}: index {k} is out of bounds for axis {dim} with size {size} "
                                 f"(shape {tuple(shape)})")
            dim += 1
        else:  # advanced: int array, scalar int next to arrays, or boolean mask
            if insert_at is None:
                insert_at = len(out)
            adv_positions.append(pos)
            if kind == "mask":
                m_shape = shape_of(k)
                for j, md in enumerate(m_shape):
                    merge_dims(name, f"boolean mask of shape {tuple(m_shape)} does not match the indexed "
                               f"dimensions of shape {tuple(shape)}", shape[dim + j], md)
                count = int(np.count_nonzero(k)) if isinstance(k, np.ndarray) else None
                adv_shapes.append((count,))
                dim += len(m_shape)
            else:
                adv_shapes.append(tuple(shape_of(k)))
                dim += 1
    if adv_shapes:
        adv = broadcast_shapes(name, *adv_shapes)
        contiguous = adv_positions == list(range(adv_positions[0], adv_positions[-1] + 1))
        at = insert_at if contiguous else 0
        out[at:at] = list(adv)
    return tuple(out)


# ------------------------------------------------------- conv and pooling


def spatial_tuple(name: str, arg: str, value, n: int, minimum: int = 1) -> tuple:
    """An int or a sequence of ``n`` ints as a tuple of ``n`` ints >= ``minimum``."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        out = (int(value),) * n
    else:
        try:
            out = tuple(int(v) for v in value)
        except TypeError:
            raise ValueError(f"{name}: `{arg}` must be an int or a tuple of {n} ints, got {value!r}") from None
        if len(out) != n:
            raise ValueError(f"{name}: `{arg}` must be an int or a tuple of {n} ints, got {value!r}")
    if any(v < minimum for v in out):
        raise ValueError(f"{name}: `{arg}` values must be >= {minimum}, got {value!r}")
    return out


def padding_arg(name: str, padding) -> str:
    p = padding.lower() if isinstance(padding, str) else padding
    if p not in ("valid", "same"):
        raise ValueError(f"{name}: `padding` must be 'valid' or 'same', got {padding!r}")
    return p


def data_format_arg(name: str, data_format) -> str:
    if data_format is None:
        return _backend.image_data_format()
    f = data_format.lower() if isinstance(data_format, str) else data_format
    if f not in ("channels_last", "channels_first"):
        raise ValueError(f"{name}: `data_format` must be 'channels_last' or 'channels_first', got {data_format!r}")
    return f


def conv_output_length(length, window: int, stride: int, padding: str, dilation: int = 1):
    if length is None:
        return None
    window = (window - 1) * dilation + 1
    if padding == "same":
        return (length + stride - 1) // stride
    return (length - window) // stride + 1


def conv_transpose_output_length(length, window: int, stride: int, padding: str, output_padding, dilation: int = 1):
    """Keras' rule for the spatial size of a transposed convolution."""
    if length is None:
        return None
    window = (window - 1) * dilation + 1
    if output_padding is None:
        if padding == "valid":
            return length * stride + builtins.max(window - stride, 0)
        return length * stride
    pad = window // 2 if padding == "same" else 0
    return (length - 1) * stride + window - 2 * pad + output_padding


def _split_channels(shape: Shape, data_format: str):
    if data_format == "channels_last":
        return shape[0], tuple(shape[1:-1]), shape[-1]
    return shape[0], tuple(shape[2:]), shape[1]


def _join_channels(batch, spatial, channels, data_format: str) -> Shape:
    if data_format == "channels_last":
        return (batch,) + tuple(spatial) + (channels,)
    return (batch, channels) + tuple(spatial)


def _check_output(name: str, out_spatial, in_spatial, what: str) -> None:
    if any(d is not None and d <= 0 for d in out_spatial):
        raise ValueError(
            f"{name}: the output would be empty: input spatial shape {tuple(in_spatial)} is too small for "
            f"{what} (computed output spatial shape {tuple(out_spatial)})"
        )


def conv_args(name: str, in_shape: Shape, k_shape: Shape, strides, padding, data_format, dilation_rate,
              kernel_layout: str = "(*spatial, in_channels, out_channels)", in_axis: int = -2):
    """Validate and normalise conv arguments; returns ``(strides, padding, data_format, dilation_rate)``."""
    n = len(k_shape) - 2
    if n not in (1, 2, 3):
        raise ValueError(
            f"{name}: kernel must have rank 3, 4 or 5 (1D, 2D or 3D), laid out {kernel_layout}; "
            f"got kernel shape {tuple(k_shape)}"
        )
    if len(in_shape) != n + 2:
        raise ValueError(
            f"{name}: inputs must have rank {n + 2} (batch, {n} spatial dims, channels) for a kernel of "
            f"shape {tuple(k_shape)}; got inputs of shape {tuple(in_shape)}"
        )
    strides = spatial_tuple(name, "strides", strides, n)
    dilation_rate = spatial_tuple(name, "dilation_rate", dilation_rate, n)
    padding = padding_arg(name, padding)
    data_format = data_format_arg(name, data_format)
    if any(s > 1 for s in strides) and any(d > 1 for d in dilation_rate):
        raise ValueError(
            f"{name}: `strides` > 1 cannot be combined with `dilation_rate` > 1; got strides={strides}, "
            f"dilation_rate={dilation_rate}"
        )
    channels = _split_channels(in_shape, data_format)[2]
    expected = k_shape[in_axis]
    if channels is not None and expected is not None and channels != expected:
        raise ValueError(
            f"{name}: inputs have {channels} channels ({data_format}, shape {tuple(in_shape)}) but the kernel "
            f"of shape {tuple(k_shape)}, laid out {kernel_layout}, expects {expected} input channels"
        )
    return strides, padding, data_format, dilation_rate


def conv_shape(name: str, in_shape: Shape, k_shape: Shape, strides, padding, data_format, dilation_rate,
               out_channels) -> Shape:
    batch, spatial, _ = _split_channels(in_shape, data_format)
    window = k_shape[:-2]
    out = tuple(conv_output_length(d, k, s, padding, r) for d, k, s, r in zip(spatial, window, strides, dilation_rate))
    _check_output(name, out, spatial,
                  f"kernel size {tuple(window)} with dilation_rate {dilation_rate} and padding {padding!r}")
    return _join_channels(batch, out, out_channels, data_format)


def conv_transpose_shape(name: str, in_shape: Shape, k_shape: Shape, strides, padding, output_padding,
                         data_format, dilation_rate) -> Shape:
    batch, spatial, _ = _split_channels(in_shape, data_format)
    window = k_shape[:-2]
    out_pad = output_padding if output_padding is not None else (None,) * len(window)
    out = tuple(conv_transpose_output_length(d, k, s, padding, p, r)
                for d, k, s, p, r in zip(spatial, window, strides, out_pad, dilation_rate))
    _check_output(name, out, spatial, f"kernel size {tuple(window)} and padding {padding!r}")
    return _join_channels(batch, out, k_shape[-2], data_format)


def output_padding_arg(name: str, output_padding, strides: tuple, dilation_rate: tuple):
    if output_padding is None:
        return None
    out = spatial_tuple(name, "output_padding", output_padding, len(strides), minimum=0)
    for p, s in zip(out, strides):
        if p >= s:
            raise ValueError(
                f"{name}: `output_padding` {out} must be smaller than `strides` {strides} in every dimension")
    return out


def pool_args(name: str, in_shape: Shape, pool_size, strides, padding, data_format):
    """Validate and normalise pooling arguments; returns ``(pool_size, strides, padding, data_format)``."""
    n = len(in_shape) - 2
    if n not in (1, 2, 3):
        raise ValueError(
            f"{name}: inputs must have rank 3, 4 or 5 (batch, 1-3 spatial dims, channels); got shape {tuple(in_shape)}"
        )
    pool_size = spatial_tuple(name, "pool_size", pool_size, n)
    strides = pool_size if strides is None else spatial_tuple(name, "strides", strides, n)
    return pool_size, strides, padding_arg(name, padding), data_format_arg(name, data_format)


def pool_shape(name: str, in_shape: Shape, pool_size, strides, padding, data_format) -> Shape:
    batch, spatial, channels = _split_channels(in_shape, data_format)
    out = tuple(conv_output_length(d, k, s, padding) for d, k, s in zip(spatial, pool_size, strides))
    _check_output(name, out, spatial, f"pool_size {pool_size} with padding {padding!r}")
    return _join_channels(batch, out, channels, data_format)


# =============================================================== infer functions
# Each has the signature of the op it serves and returns KerasTensor(s).


def _kt(shape, dtype) -> KerasTensor:
    return KerasTensor(shape, dtype=dtype)


def creation_shape(name: str, shape) -> Shape:
    """A creation op's ``shape`` argument as a tuple (symbolic dims become ``None``)."""
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError:
        raise ValueError(f"{name}: `shape` must be an int or a tuple of ints, got {shape!r}") from None
    out = []
    for d in dims:
        if d is None or isinstance(d, KerasTensor):
            out.append(None)
        elif isinstance(d, (int, np.integer)) and not isinstance(d, bool):
            if d < 0:
                raise ValueError(f"{name}: `shape` dimensions must be >= 0, got {tuple(dims)}")
            out.append(int(d))
        else:
            raise ValueError(f"{name}: `shape` must be a tuple of ints, got {shape!r}")
    return tuple(out)


def infer_same(x, *args, **kwargs) -> KerasTensor:
    """Same shape and dtype as ``x`` (weak scalars take their default dtype)."""
    return _kt(shape_of(x), tensor_dtype(x))


def infer_float(x, *args, **kwargs) -> KerasTensor:
    """Same shape as ``x``; ints and bools become ``floatx``."""
    return _kt(shape_of(x), float_dtype(tensor_dtype(x)))


def infer_same_axis(name: str):
    """Same shape and dtype as ``x``, after checking the op's ``axis`` argument."""
    def infer(x, axis=None):
        if axis is not None:
            canonical_axes(name, axis, len(shape_of(x)))
        return infer_same(x)
    return infer


def infer_bool(x, *args, **kwargs) -> KerasTensor:
    return _kt(shape_of(x), "bool")


def binary_result(name: str, x1, x2) -> tuple[Shape, str]:
    return broadcast_shapes(name, shape_of(x1), shape_of(x2)), promote(operand_dtype(x1), operand_dtype(x2))


def infer_binary(name: str):
    def infer(x1, x2):
        return _kt(*binary_result(name, x1, x2))
    infer.__name__ = f"infer_{name}"
    return infer


def infer_divide(name: str):
    def infer(x1, x2):
        shape, dtype = binary_result(name, x1, x2)
        return _kt(shape, float_dtype(dtype))
    return infer


def infer_compare(name: str):
    def infer(x1, x2):
        return _kt(broadcast_shapes(name, shape_of(x1), shape_of(x2)), "bool")
    return infer


def infer_reduce(name: str, dtype_rule=None):
    def infer(x, axis=None, keepdims=False, **kwargs):
        dtype = tensor_dtype(x)
        return _kt(reduce_shape(name, shape_of(x), axis, keepdims), dtype_rule(dtype) if dtype_rule else dtype)
    return infer


def infer_prod(x, axis=None, keepdims=False, dtype=None) -> KerasTensor:
    dtype = check_dtype("prod", dtype) or sum_dtype(tensor_dtype(x))
    return _kt(reduce_shape("prod", shape_of(x), axis, keepdims), dtype)


def infer_arg_reduce(name: str):
    def infer(x, axis=None, keepdims=False):
        shape = shape_of(x)
        if axis is None:
            out = (1,) * len(shape) if keepdims else ()
        else:
            out = reduce_shape(name, shape, canonical_axis(name, axis, len(shape)), keepdims)
        return _kt(out, "int32")
    return infer


def infer_fill(shape, dtype=None) -> KerasTensor:
    return _kt(creation_shape("zeros", shape), check_dtype("zeros", dtype) or _backend.floatx())


def infer_full(shape, fill_value, dtype=None) -> KerasTensor:
    return _kt(creation_shape("full", shape), check_dtype("full", dtype) or tensor_dtype(fill_value))


def arange_dtype(start, stop, step) -> str:
    dtypes = [operand_dtype(v) for v in (start, stop, step) if v is not None]
    return promote(*dtypes) if dtypes else "int32"


def infer_arange(start, stop=None, step=None, dtype=None) -> KerasTensor:
    dtype = check_dtype("arange", dtype) or arange_dtype(start, stop, step)
    return _kt((None,), dtype)


def infer_eye(N, M=None, k=0, dtype=None) -> KerasTensor:
    dims = creation_shape("eye", (N, N if M is None else M))
    return _kt(dims, check_dtype("eye", dtype) or _backend.floatx())


def infer_like(x, dtype=None) -> KerasTensor:
    return _kt(shape_of(x), check_dtype("zeros_like", dtype) or tensor_dtype(x))


def infer_full_like(x, fill_value, dtype=None) -> KerasTensor:
    return _kt(shape_of(x), check_dtype("full_like", dtype) or tensor_dtype(x))


def infer_where(condition, x1=None, x2=None) -> KerasTensor:
    if x1 is None or x2 is None:
        raise ValueError("where: both `x1` and `x2` are required (the one-argument form is not supported)")
    shape = broadcast_shapes("where", shape_of(condition), shape_of(x1), shape_of(x2))
    return _kt(shape, promote(operand_dtype(x1), operand_dtype(x2)))


def infer_square(x) -> KerasTensor:
    dtype = tensor_dtype(x)
    return _kt(shape_of(x), "int32" if dtype == "bool" else dtype)


def infer_clip(x, x_min, x_max) -> KerasTensor:
    return infer_square(x)


def infer_matmul(x1, x2) -> KerasTensor:
    dtype = sum_dtype(promote(operand_dtype(x1), operand_dtype(x2)))
    return _kt(matmul_shape("matmul", shape_of(x1), shape_of(x2)), dtype)


def infer_dot(x1, x2) -> KerasTensor:
    dtype = sum_dtype(promote(operand_dtype(x1), operand_dtype(x2)))
    return _kt(dot_shape("dot", shape_of(x1), shape_of(x2)), dtype)


def infer_einsum(subscripts, *operands) -> KerasTensor:
    shape = einsum_shape("einsum", subscripts, [shape_of(x) for x in operands])
    return _kt(shape, sum_dtype(promote(*[operand_dtype(x) for x in operands])))


def infer_tensordot(x1, x2, axes=2) -> KerasTensor:
    shape = tensordot_shape("tensordot", shape_of(x1), shape_of(x2), axes)
    return _kt(shape, sum_dtype(promote(operand_dtype(x1), operand_dtype(x2))))


def infer_reshape(x, newshape) -> KerasTensor:
    if not isinstance(newshape, (int, np.integer)):
        newshape = tuple(None if isinstance(d, KerasTensor) else d for d in newshape)
    return _kt(reshape_shape("reshape", shape_of(x), newshape), tensor_dtype(x))


def infer_transpose(x, axes=None) -> KerasTensor:
    return _kt(transpose_shape("transpose", shape_of(x), axes), tensor_dtype(x))


def infer_expand_dims(x, axis) -> KerasTensor:
    return _kt(expand_dims_shape("expand_dims", shape_of(x), axis), tensor_dtype(x))


def infer_squeeze(x, axis=None) -> KerasTensor:
    return _kt(squeeze_shape("squeeze", shape_of(x), axis), tensor_dtype(x))


def broadcast_to_shape(name: str, shape: Shape, target) -> Shape:
    target = (target,) if isinstance(target, (int, np.integer)) else tuple(target)
    if len(target) < len(shape):
        raise ValueError(f"{name}: cannot broadcast shape {tuple(shape)} to the lower-rank shape {target}")
    try:
        out = broadcast_shapes(name, shape, target)
    except ValueError:
        raise ValueError(f"{name}: cannot broadcast shape {tuple(shape)} to shape {target}") from None
    if any(o is not None and t is not None and o != t for o, t in zip(out, target)):
        raise ValueError(f"{name}: cannot broadcast shape {tuple(shape)} to shape {target}")
    return target


def infer_broadcast_to(x, shape) -> KerasTensor:
    return _kt(broadcast_to_shape("broadcast_to", shape_of(x), shape), tensor_dtype(x))


def infer_concatenate(xs, axis=0) -> KerasTensor:
    shape = concatenate_shape("concatenate", [shape_of(x) for x in xs], axis)
    return _kt(shape, promote(*[operand_dtype(x) for x in xs]))


def infer_stack(x, axis=0) -> KerasTensor:
    shape = stack_shape("stack", [shape_of(t) for t in x], axis)
    return _kt(shape, promote(*[operand_dtype(t) for t in x]))


def infer_split(x, indices_or_sections, axis=0) -> list:
    dtype = tensor_dtype(x)
    return [_kt(s, dtype) for s in split_shapes("split", shape_of(x), indices_or_sections, axis)]


def infer_take(x, indices, axis=None) -> KerasTensor:
    return _kt(take_shape("take", shape_of(x), shape_of(indices), axis), tensor_dtype(x))


def infer_take_along_axis(x, indices, axis=None) -> KerasTensor:
    return _kt(take_along_axis_shape("take_along_axis", shape_of(x), shape_of(indices), axis), tensor_dtype(x))


def pad_mode_arg(name: str, mode, constant_values) -> str:
    modes = ("constant", "edge", "reflect", "symmetric")
    if mode not in modes:
        raise ValueError(f"{name}: `mode` must be one of {modes}, got {mode!r}")
    if mode != "constant" and constant_values is not None:
        raise ValueError(f"{name}: `constant_values` can only be set with mode='constant', got mode={mode!r}")
    return mode


def infer_pad(x, pad_width, mode="constant", constant_values=None) -> KerasTensor:
    pad_mode_arg("pad", mode, constant_values)
    shape = shape_of(x)
    widths = pad_width_arg("pad", pad_width, len(shape))
    out = tuple(None if d is None else d + a + b for d, (a, b) in zip(shape, widths))
    return _kt(out, tensor_dtype(x))


def infer_tile(x, repeats) -> KerasTensor:
    repeats = (repeats,) if isinstance(repeats, (int, np.integer)) else tuple(repeats)
    return _kt(tile_shape("tile", shape_of(x), repeats), tensor_dtype(x))


def repeats_arg(name: str, repeats) -> int:
    if isinstance(repeats, (int, np.integer)) and not isinstance(repeats, bool) and repeats >= 0:
        return int(repeats)
    raise ValueError(f"{name}: `repeats` must be a non-negative int, got {repeats!r}")


def infer_repeat(x, repeats, axis=None) -> KerasTensor:
    return _kt(repeat_shape("repeat", shape_of(x), repeats_arg("repeat", repeats), axis), tensor_dtype(x))


def infer_cumsum(x, axis=None, dtype=None) -> KerasTensor:
    shape = shape_of(x)
    out = (_known_prod(shape),) if axis is None else shape
    if axis is not None:
        canonical_axis("cumsum", axis, len(shape))
    return _kt(out, check_dtype("cumsum", dtype) or sum_dtype(tensor_dtype(x)))


def infer_swapaxes(x, axis1, axis2) -> KerasTensor:
    shape = list(shape_of(x))
    a1 = canonical_axis("swapaxes", axis1, len(shape), "axis1")
    a2 = canonical_axis("swapaxes", axis2, len(shape), "axis2")
    shape[a1], shape[a2] = shape[a2], shape[a1]
    return _kt(shape, tensor_dtype(x))


def infer_getitem(x, key) -> KerasTensor:
    return _kt(getitem_shape(shape_of(x), key), tensor_dtype(x))


# ------------------------------------------------------------- math & nn


def top_k_arg(name: str, shape: Shape, k) -> int:
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 0:
        raise ValueError(f"{name}: `k` must be a non-negative int, got {k!r}")
    if len(shape) == 0:
        raise ValueError(f"{name}: input must have rank >= 1, got a scalar")
    if shape[-1] is not None and k > shape[-1]:
        raise ValueError(f"{name}: `k`={k} is larger than the last dimension of the input shape {tuple(shape)}")
    return int(k)


def infer_top_k(x, k, sorted=True) -> tuple:
    shape = shape_of(x)
    k = top_k_arg("top_k", shape, k)
    out = tuple(shape[:-1]) + (k,)
    return _kt(out, tensor_dtype(x)), _kt(out, "int32")


def infer_softmax(x, axis=-1) -> KerasTensor:
    shape = shape_of(x)
    for a in (axis,) if isinstance(axis, (int, np.integer)) else axis:
        canonical_axis("softmax", a, len(shape))
    return _kt(shape, float_dtype(tensor_dtype(x)))


def _promoted_float(*xs) -> str:
    return float_dtype(promote(*[operand_dtype(x) for x in xs]))


def infer_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    i_shape, k_shape = shape_of(inputs), shape_of(kernel)
    strides, padding, data_format, dilation_rate = conv_args(
        "conv", i_shape, k_shape, strides, padding, data_format, dilation_rate)
    shape = conv_shape("conv", i_shape, k_shape, strides, padding, data_format, dilation_rate, k_shape[-1])
    return _kt(shape, _promoted_float(inputs, kernel))


DEPTHWISE_LAYOUT = "(*spatial, in_channels, channel_multiplier)"
TRANSPOSE_LAYOUT = "(*spatial, out_channels, in_channels)"


def depthwise_out_channels(i_shape: Shape, k_shape: Shape, data_format: str):
    channels = _split_channels(i_shape, data_format)[2]
    channels = k_shape[-2] if channels is None else channels
    return None if channels is None or k_shape[-1] is None else channels * k_shape[-1]


def infer_depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    i_shape, k_shape = shape_of(inputs), shape_of(kernel)
    strides, padding, data_format, dilation_rate = conv_args(
        "depthwise_conv", i_shape, k_shape, strides, padding, data_format, dilation_rate, DEPTHWISE_LAYOUT)
    shape = conv_shape("depthwise_conv", i_shape, k_shape, strides, padding, data_format, dilation_rate,
                       depthwise_out_channels(i_shape, k_shape, data_format))
    return _kt(shape, _promoted_float(inputs, kernel))


def pointwise_check(name: str, dw_shape: Shape, pw_shape: Shape, i_shape: Shape, data_format: str) -> None:
    n = len(dw_shape) - 2
    expected_in = depthwise_out_channels(i_shape, dw_shape, data_format)
    if len(pw_shape) != n + 2 or any(d != 1 for d in pw_shape[:-2]):
        raise ValueError(
            f"{name}: `pointwise_kernel` must have shape {(1,) * n + (expected_in, 'out_channels')}, "
            f"got {tuple(pw_shape)}"
        )
    if expected_in is not None and pw_shape[-2] is not None and pw_shape[-2] != expected_in:
        raise ValueError(
            f"{name}: `pointwise_kernel` of shape {tuple(pw_shape)} expects {pw_shape[-2]} input channels, but "
            f"the depthwise step gives in_channels * channel_multiplier = {expected_in} "
            f"(depthwise_kernel shape {tuple(dw_shape)})"
        )


def infer_separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                         data_format=None, dilation_rate=1):
    name = "separable_conv"
    i_shape, dw_shape, pw_shape = shape_of(inputs), shape_of(depthwise_kernel), shape_of(pointwise_kernel)
    strides, padding, data_format, dilation_rate = conv_args(
        name, i_shape, dw_shape, strides, padding, data_format, dilation_rate, DEPTHWISE_LAYOUT)
    pointwise_check(name, dw_shape, pw_shape, i_shape, data_format)
    shape = conv_shape(name, i_shape, dw_shape, strides, padding, data_format, dilation_rate, pw_shape[-1])
    return _kt(shape, _promoted_float(inputs, depthwise_kernel, pointwise_kernel))


def infer_conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                         dilation_rate=1):
    name = "conv_transpose"
    i_shape, k_shape = shape_of(inputs), shape_of(kernel)
    strides, padding, data_format, dilation_rate = conv_args(
        name, i_shape, k_shape, strides, padding, data_format, dilation_rate, TRANSPOSE_LAYOUT, in_axis=-1)
    output_padding = output_padding_arg(name, output_padding, strides, dilation_rate)
    shape = conv_transpose_shape(name, i_shape, k_shape, strides, padding, output_padding, data_format,
                                 dilation_rate)
    return _kt(shape, _promoted_float(inputs, kernel))


def infer_pool(name: str):
    def infer(inputs, pool_size, strides=None, padding="valid", data_format=None):
        i_shape = shape_of(inputs)
        pool_size, strides, padding, data_format = pool_args(name, i_shape, pool_size, strides, padding, data_format)
        dtype = tensor_dtype(inputs)
        dtype = float_dtype(dtype) if name == "average_pool" else dtype
        return _kt(pool_shape(name, i_shape, pool_size, strides, padding, data_format), dtype)
    return infer


def infer_one_hot(x, num_classes, axis=-1, dtype=None, sparse=False) -> KerasTensor:
    shape = list(shape_of(x))
    axis = canonical_axis("one_hot", axis, len(shape) + 1)
    shape.insert(axis, num_classes_arg("one_hot", num_classes))
    return _kt(shape, check_dtype("one_hot", dtype) or _backend.floatx())


def num_classes_arg(name: str, num_classes) -> int:
    if not isinstance(num_classes, (int, np.integer)) or isinstance(num_classes, bool) or num_classes < 1:
        raise ValueError(f"{name}: `num_classes` must be a positive int, got {num_classes!r}")
    return int(num_classes)


def same_shape(name: str, t_shape: Shape, o_shape: Shape) -> Shape:
    if len(t_shape) != len(o_shape) or any(
            a is not None and b is not None and a != b for a, b in zip(t_shape, o_shape)):
        raise ValueError(
            f"{name}: `target` and `output` must have the same shape, got target shape {tuple(t_shape)} "
            f"and output shape {tuple(o_shape)}"
        )
    return tuple(b if a is None else a for a, b in zip(t_shape, o_shape))


def infer_binary_crossentropy(target, output, from_logits=False) -> KerasTensor:
    shape = same_shape("binary_crossentropy", shape_of(target), shape_of(output))
    return _kt(shape, _promoted_float(target, output))


def infer_categorical_crossentropy(target, output, from_logits=False, axis=-1) -> KerasTensor:
    name = "categorical_crossentropy"
    shape = same_shape(name, shape_of(target), shape_of(output))
    if not shape:
        raise ValueError(f"{name}: `output` must have rank >= 1 (the class axis), got a scalar")
    axis = canonical_axis(name, axis, len(shape))
    return _kt(shape[:axis] + shape[axis + 1:], _promoted_float(target, output))


def sparse_target_shape(name: str, t_shape: Shape, o_shape: Shape, axis: int) -> tuple[Shape, bool]:
    """Expected target shape (output shape without ``axis``); also whether a trailing 1 must be squeezed."""
    if not o_shape:
        raise ValueError(f"{name}: `output` must have rank >= 1 (the class axis), got a scalar")
    axis = canonical_axis(name, axis, len(o_shape))
    expected = tuple(o_shape[:axis]) + tuple(o_shape[axis + 1:])
    squeeze_last = len(t_shape) == len(o_shape) and len(t_shape) > 0 and t_shape[-1] == 1
    shape = tuple(t_shape[:-1]) if squeeze_last else tuple(t_shape)
    if len(shape) != len(expected) or any(a is not None and b is not None and a != b
                                          for a, b in zip(shape, expected)):
        raise ValueError(
            f"{name}: `target` must have the shape of `output` without the class axis {axis}: expected "
            f"{expected}, got target shape {tuple(t_shape)} (output shape {tuple(o_shape)})"
        )
    return tuple(b if a is None else a for a, b in zip(shape, expected)), squeeze_last


def infer_sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1) -> KerasTensor:
    shape, _ = sparse_target_shape("sparse_categorical_crossentropy", shape_of(target), shape_of(output), axis)
    return _kt(shape, float_dtype(tensor_dtype(output)))


def infer_moments(x, axes, keepdims=False, synchronized=False) -> tuple:
    shape = reduce_shape("moments", shape_of(x), axes, keepdims)
    dtype = float_dtype(tensor_dtype(x))
    return _kt(shape, dtype), _kt(shape, dtype)


def batch_norm_check(name: str, x_shape: Shape, axis: int, **params) -> int:
    axis = canonical_axis(name, axis, len(x_shape))
    channels = x_shape[axis]
    for arg, shape in params.items():
        if shape is None:
            continue
        if len(shape) != 1 or (channels is not None and shape[0] is not None and shape[0] != channels):
            raise ValueError(
                f"{name}: `{arg}` must have shape ({channels},) to match axis {axis} of x with shape "
                f"{tuple(x_shape)}, got {tuple(shape)}"
            )
    return axis


def infer_batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3) -> KerasTensor:
    shapes = {k: None if v is None else shape_of(v)
              for k, v in dict(mean=mean, variance=variance, offset=offset, scale=scale).items()}
    batch_norm_check("batch_normalization", shape_of(x), axis, **shapes)
    return _kt(shape_of(x), float_dtype(tensor_dtype(x)))
