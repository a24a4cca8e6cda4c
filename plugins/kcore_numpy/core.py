"""Tensors, dtypes, variables and differentiation for the numpy backend.

Tensors are plain ``np.ndarray`` (or NumPy scalars). Inside
:meth:`Core.value_and_grad` they are autograd ``ArrayBox`` objects that record
the computation; every op of this backend is written with ``autograd.numpy``
or with the custom primitives of :mod:`kcore_numpy.numpy` and
:mod:`kcore_numpy.nn`, so the recorded graph can be differentiated.
"""

from __future__ import annotations

import importlib.metadata
from typing import Any, Callable

import autograd.numpy as anp
import numpy as np
from autograd.core import VJPNode, add_outgrads
from autograd.extend import defvjp, primitive
from autograd.numpy.numpy_boxes import ArrayBox
from autograd.tracer import Box, getval, isbox, new_box, trace_stack
from autograd.util import toposort

from kcore.dtypes import FLOAT_TYPES, standardize_dtype

_WEAK_TYPES = (bool, int, float)
_NP_DTYPES: dict[str, np.dtype] = {}
_STD_NAMES: dict[np.dtype, str] = {}


def np_dtype(name: str) -> np.dtype:
    """The NumPy dtype of a standard dtype name (bfloat16 through ``ml_dtypes``)."""
    dt = _NP_DTYPES.get(name)
    if dt is None:
        if name == "bfloat16":
            import ml_dtypes

            dt = np.dtype(ml_dtypes.bfloat16)
        else:
            dt = np.dtype(name)
        _NP_DTYPES[name] = dt
        _STD_NAMES[dt] = name
    return dt


def std_name(dt: np.dtype) -> str:
    """The standard dtype name of a NumPy dtype."""
    name = _STD_NAMES.get(dt)
    if name is None:
        name = standardize_dtype(dt.name)
        _STD_NAMES[dt] = name
    return name


def is_float_dtype(dt: np.dtype) -> bool:
    return dt.kind == "f" or std_name(dt) in FLOAT_TYPES


def raw(x: Any) -> Any:
    """The NumPy value under any autograd boxes."""
    return getval(x)


# ----------------------------------------------------------------- casting
@primitive
def _cast_float(x, dtype):
    return x.astype(dtype)


defvjp(_cast_float, lambda ans, x, dtype: lambda g: g.astype(x.dtype, copy=False))


def cast_array(x: Any, dt: np.dtype) -> Any:
    """Cast a (possibly boxed) array; gradients flow only between float dtypes."""
    if type(x) is ArrayBox:
        if x._value.dtype == dt:
            return x
        if dt.kind == "f" or std_name(dt) == "bfloat16":
            if is_float_dtype(x._value.dtype):
                return _cast_float(x, dt)
        return np.asarray(getval(x)).astype(dt)
    if isinstance(x, (np.ndarray, np.generic)):
        return x if x.dtype == dt else x.astype(dt)
    return np.asarray(x, dtype=dt)


def to_tensor(x: Any, dtype: str | None = None) -> Any:
    """``convert_to_tensor`` as a function (used by every mixin)."""
    t = type(x)
    if t is np.ndarray or t is ArrayBox:
        if dtype is None:
            return x
        return cast_array(x, np_dtype(dtype))
    if isinstance(x, np.generic):
        arr = np.asarray(x)
        return arr if dtype is None else cast_array(arr, np_dtype(dtype))
    if t in _WEAK_TYPES:
        if dtype is None:
            dtype = "bool" if t is bool else ("int32" if t is int else "float32")
        return np.asarray(x, dtype=np_dtype(dtype))
    if isinstance(x, Box):
        return x if dtype is None else cast_array(x, np_dtype(dtype))
    if isinstance(x, (list, tuple)):
        if any(isbox(e) or isinstance(e, (list, tuple)) for e in x):
            arr = anp.array([to_tensor(e) for e in x]) if x else np.asarray(x)
        else:
            arr = np.asarray(x)
            if dtype is None:
                if arr.dtype == np.float64:
                    arr = arr.astype(np.float32)
                elif arr.dtype == np.int64:
                    arr = arr.astype(np.int32)
        return arr if dtype is None else cast_array(arr, np_dtype(dtype))
    value = getattr(x, "value", None)  # a kcore Variable
    if value is not None and type(x).__name__ == "Variable":
        return to_tensor(value, dtype)
    arr = np.asarray(x)
    return arr if dtype is None else cast_array(arr, np_dtype(dtype))


_BOX_BINARY_OPERATORS = (
    "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__",
    "__pow__", "__rpow__", "__matmul__", "__rmatmul__", "__mod__", "__rmod__",
    "__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__",
)


def _let_boxes_read_kcore_variables() -> None:
    """``box + variable`` (an autograd-traced array on the left, a kcore Variable on the right) must use
    the variable's traced value: autograd would otherwise convert it with ``__array__``, a constant, and
    its gradient would silently be lost. Only operands that are kcore Variables are touched."""
    from kcore.variables import Variable

    def reading(original):
        def operator(self, other):
            return original(self, other.value if isinstance(other, Variable) else other)

        operator.__name__ = original.__name__
        return operator

    for name in _BOX_BINARY_OPERATORS:
        original = getattr(ArrayBox, name, None)
        if original is not None and not getattr(original, "_kcore_reads_variables", False):
            patched = reading(original)
            patched._kcore_reads_variables = True
            setattr(ArrayBox, name, patched)


_let_boxes_read_kcore_variables()


def _unbox_level(x: Any, trace_id: int | None) -> Any:
    """Strip the boxes of trace ``trace_id`` (all boxes when ``None``)."""
    if trace_id is None:
        return getval(x)
    while isinstance(x, Box) and x._trace >= trace_id:
        x = x._value
    return x


def unbox_nested(x: Any, trace_id: int | None = None) -> Any:
    """Replace autograd boxes inside nested lists/tuples/dicts by their values.

    With ``trace_id``, only the boxes of that trace (and inner ones) are
    removed, so nested differentiation keeps the enclosing trace's boxes.
    """
    if isinstance(x, Box):
        return _unbox_level(x, trace_id)
    if isinstance(x, list):
        return [unbox_nested(e, trace_id) for e in x]
    if isinstance(x, tuple):
        items = [unbox_nested(e, trace_id) for e in x]
        return type(x)(*items) if hasattr(x, "_fields") else tuple(items)
    if isinstance(x, dict):
        return type(x)((k, unbox_nested(v, trace_id)) for k, v in x.items())
    return x


_THREAD_ENV_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_BLAS_SETTERS = (
    "scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
    "openblas_set_num_threads64_", "openblas_set_num_threads",
)


def limit_blas_threads(n: int) -> bool:
    """Best effort: run NumPy's OpenBLAS with ``n`` threads; False when none was found.

    kcore's numpy backend mostly multiplies small matrices, where OpenBLAS'
    spinning worker threads cost far more than they save (30x to 300x on a
    busy machine). Linux only (reads ``/proc/self/maps``); elsewhere a no-op.
    """
    import ctypes

    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower() and "/" in line}
    except OSError:
        return False
    done = False
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for symbol in _BLAS_SETTERS:
            setter = getattr(lib, symbol, None)
            if setter is not None:
                setter(ctypes.c_int(int(n)))
                done = True
                break
    return done


_blas_configured = False


def configure_blas_threads() -> None:
    """Apply ``KCORE_NUMPY_BLAS_THREADS`` (default 1) unless a BLAS thread variable is set.

    Runs once per process.
    """
    import os

    global _blas_configured
    if _blas_configured:
        return
    _blas_configured = True
    explicit = os.environ.get("KCORE_NUMPY_BLAS_THREADS", "").strip()
    if explicit:
        if int(explicit) > 0:
            limit_blas_threads(int(explicit))
        return
    if not any(os.environ.get(v) for v in _THREAD_ENV_VARS):
        limit_blas_threads(1)


def _backward(end_node, g, roots: list) -> dict:
    """Reverse pass from ``end_node`` collecting the cotangent reaching each root node."""
    root_set = set(roots)
    found = {}
    outgrads = {end_node: (g, False)}
    for node in toposort(end_node):
        outgrad = outgrads.pop(node)
        if node in root_set:
            found[node] = outgrad[0]
            continue
        for parent, ingrad in zip(node.parents, node.vjp(outgrad[0])):
            outgrads[parent] = add_outgrads(outgrads.get(parent), ingrad)
    return found


class Core:
    """Identity, conversion, dtypes, variables and autodiff."""

    name = "numpy"
    tensor_types = (np.ndarray, np.generic, ArrayBox)

    # ---------------------------------------------------------------- identity
    def framework_version(self) -> str:
        """NumPy's version (autograd's is in :attr:`autograd_version`)."""
        return np.__version__

    @property
    def autograd_version(self) -> str:
        return importlib.metadata.version("autograd")

    def devices(self) -> list[str]:
        return ["cpu:0"]

    # ------------------------------------------------------- tensors & dtypes
    def convert_to_tensor(self, x: Any, dtype: str | None = None) -> Any:
        return to_tensor(x, None if dtype is None else standardize_dtype(dtype))

    def convert_to_numpy(self, x: Any) -> np.ndarray:
        return np.asarray(unbox_nested(x) if not isinstance(x, np.ndarray) else x)

    def is_tensor(self, x: Any) -> bool:
        return isinstance(x, (np.ndarray, np.generic, ArrayBox))

    def shape(self, x: Any) -> tuple:
        if type(x) is np.ndarray:
            return x.shape
        return tuple(np.shape(getval(x)))

    def dtype(self, x: Any) -> str:
        t = type(x)
        if t is np.ndarray:
            return std_name(x.dtype)
        if t is bool:
            return "bool"
        if t is int:
            return "int32"
        if t is float:
            return "float32"
        v = getval(x)
        if hasattr(v, "dtype"):
            return std_name(v.dtype)
        return std_name(to_tensor(v).dtype)

    def cast(self, x: Any, dtype: str) -> Any:
        return cast_array(to_tensor(x), np_dtype(standardize_dtype(dtype)))

    # --------------------------------------------------------------- variables
    def variable_create(self, value: Any, trainable: bool, name: str) -> np.ndarray:
        """A private copy of the value (never an autograd box)."""
        return np.array(getval(value))

    def variable_read(self, storage: np.ndarray) -> np.ndarray:
        return storage

    def variable_assign(self, storage: Any, value: Any) -> np.ndarray:
        return np.asarray(getval(value))

    # ------------------------------------------------------- differentiation
    def value_and_grad(self, fn: Callable[..., tuple[Any, Any]]) -> Callable[..., tuple[tuple[Any, Any], list]]:
        """Reverse-mode gradients of ``fn(params, *args) -> (scalar, aux)`` with autograd.

        Each parameter is boxed on its own root node, so ``fn`` receives a real
        Python list of ``ArrayBox`` objects. Returned values, ``aux`` and the
        assignments recorded by an enclosing ``StatelessScope`` are unboxed;
        gradients have their parameter's dtype.
        """

        def wrapped(params, *args):
            params = list(params)
            with trace_stack.new_trace() as trace_id:
                roots = [VJPNode.new_root() for _ in params]
                boxes = [new_box(to_tensor(p), trace_id, r) for p, r in zip(params, roots)]
                out = fn(boxes, *args)
            if not isinstance(out, (tuple, list)) or len(out) != 2:
                raise ValueError(
                    "value_and_grad: fn must return (scalar, aux); "
                    f"got {type(out).__name__}"
                )
            value, aux = out
            if isbox(value) and value._trace == trace_id:
                end_value = value._value
                if np.ndim(getval(end_value)) != 0:
                    raise ValueError(
                        f"value_and_grad: fn must return a scalar loss, got shape {np.shape(getval(end_value))}"
                    )
                found = _backward(value._node, np.ones_like(getval(end_value)), roots)
            else:
                end_value, found = _unbox_level(value, trace_id), {}
            grads = []
            for p, r in zip(params, roots):
                g = found.get(r)
                dt = np.asarray(getval(p)).dtype
                if g is None:
                    g = np.zeros(np.shape(getval(p)), dt)
                elif isbox(g):  # differentiating through an enclosing trace
                    g = cast_array(g, dt)
                else:
                    g = np.asarray(g)
                    if g.dtype != dt:
                        g = g.astype(dt)
                    elif not g.flags.writeable:
                        g = g.copy()
                grads.append(g)
            value = end_value if isbox(end_value) else np.asarray(end_value)
            self._unbox_scope(trace_id)
            return (value, unbox_nested(aux, trace_id)), grads

        return wrapped

    @staticmethod
    def _unbox_scope(trace_id: int) -> None:
        """Unbox values assigned inside a ``StatelessScope`` during the traced call."""
        from kcore.variables import current_stateless_scope

        scope = current_stateless_scope()
        if scope is not None and scope.updates:
            for key, v in scope.updates.items():
                scope.updates[key] = _unbox_level(v, trace_id)

    def compile_function(self, fn: Callable, *, kind: str = "train") -> Callable:
        """NumPy runs eagerly: ``fn`` is returned unchanged."""
        return fn

    def stop_gradient(self, x: Any) -> Any:
        return getval(x) if isinstance(x, Box) else to_tensor(x)
