"""Tensors, dtypes, differentiation, compilation and loops for the tensorflow backend.

Also holds the helpers the other mixins share: operand conversion with
keras-style dtype promotion (Python scalars and float64 NumPy data are weak).
"""

from __future__ import annotations

import functools
import os
from typing import Any, Callable, Sequence

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from kcore.dtypes import result_type  # noqa: E402

TENSOR_TYPES = (tf.Tensor, tf.Variable)
_WEAK_TYPES = (bool, int, float)
_FLOATS = frozenset(("float16", "bfloat16", "float32", "float64"))
_INTS = frozenset(("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"))


# --------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def promote(*dtypes) -> str:
    """Cached :func:`kcore.dtypes.result_type` (standard names or weak Python types)."""
    return result_type(*dtypes)


def operand_dtype(x: Any):
    """The dtype an operand contributes to promotion: a name, or a weak Python type.

    Python scalars and float64 NumPy data are weak (they never widen a tensor).
    """
    t = type(x)
    if t is float or t is int or t is bool:
        return t
    if isinstance(x, TENSOR_TYPES):
        return x.dtype.name
    if isinstance(x, (np.ndarray, np.generic)):
        name = x.dtype.name
        return float if name == "float64" else name
    return tf.convert_to_tensor(x).dtype.name


def to_tensor(x: Any, dtype: str | None = None) -> tf.Tensor:
    """``x`` as a tensor of ``dtype`` (``None``: keep or infer it)."""
    if isinstance(x, tf.Tensor):
        if dtype is None or x.dtype.name == dtype:
            return x
        return tf.cast(x, dtype)
    if isinstance(x, tf.Variable):
        x = x.read_value()
        return x if dtype is None or x.dtype.name == dtype else tf.cast(x, dtype)
    if dtype is None:
        if isinstance(x, np.ndarray) and x.dtype == object:
            raise TypeError(f"convert_to_tensor: cannot convert an object array {x!r}")
        return tf.convert_to_tensor(x)
    try:
        return tf.convert_to_tensor(x, dtype=dtype)
    except (TypeError, ValueError):  # e.g. a Python float into an int dtype
        return tf.cast(tf.convert_to_tensor(x), dtype)


def promote_pair(x1: Any, x2: Any, *extra) -> tuple[tf.Tensor, tf.Tensor]:
    """Both operands as tensors of their promoted dtype (``extra`` joins the promotion)."""
    d1, d2 = operand_dtype(x1), operand_dtype(x2)
    if d1 == d2 and not extra and type(d1) is str:
        return to_tensor(x1), to_tensor(x2)
    dtype = promote(d1, d2, *extra)
    return to_tensor(x1, dtype), to_tensor(x2, dtype)


def promote_all(xs: Sequence[Any]) -> list[tf.Tensor]:
    """Every element of ``xs`` as a tensor of their common promoted dtype."""
    dtypes = [operand_dtype(x) for x in xs]
    if all(type(d) is str for d in dtypes) and len(set(dtypes)) <= 1:
        return [to_tensor(x) for x in xs]
    dtype = promote(*dtypes)
    return [to_tensor(x, dtype) for x in xs]


def to_float(x: Any) -> tf.Tensor:
    """``x`` as a floating tensor (ints and bools become float32)."""
    x = to_tensor(x) if not isinstance(x, tf.Tensor) else x
    if x.dtype.is_floating:
        return x
    return tf.cast(x, tf.float32)


def axis_arg(axis):
    """``axis`` in the form tf reductions accept (tuples become lists)."""
    return list(axis) if isinstance(axis, tuple) else axis


def static_or_dynamic_shape(x: tf.Tensor) -> tuple:
    """Static dims as ints; unknown dims (inside ``tf.function``) as scalar tensors."""
    static = x.shape.as_list()
    if None not in static:
        return tuple(static)
    dynamic = tf.shape(x)
    return tuple(dynamic[i] if d is None else d for i, d in enumerate(static))


# --------------------------------------------------------------------------
# Compiled functions
# --------------------------------------------------------------------------


class FastFunction:
    """A ``tf.function`` whose repeated calls skip its per-call signature matching.

    ``tf.function.__call__`` rebuilds the trace type of every argument on each
    call (about a millisecond for a train step's few dozen state tensors). The
    first call with a new flat signature (leaf dtypes and shapes, non-tensor
    leaves by value) goes through the ``tf.function`` and remembers its
    concrete function; later calls with that signature and the same nesting
    hand the flat tensors straight to the concrete function.
    """

    def __init__(self, fn: Callable, jit_compile: bool) -> None:
        self.python_function = fn
        self.function = tf.function(fn, jit_compile=jit_compile, autograph=False)
        self._concrete: dict[tuple, tuple] = {}

    def __call__(self, *args: Any) -> Any:
        leaves = tf.nest.flatten(args)
        try:
            key = tuple((x.dtype, x.shape) if isinstance(x, tf.Tensor) else (type(x), x) for x in leaves)
            entry = self._concrete.get(key)
        except TypeError:  # an unhashable non-tensor leaf: let tf.function handle it
            return self.function(*args)
        if entry is not None:
            skeleton, concrete = entry
            if concrete is not None:
                try:
                    tf.nest.assert_same_structure(skeleton, args, check_types=True)
                except (TypeError, ValueError):
                    return self.function(*args)
                return concrete._call_flat([x for x in leaves if isinstance(x, tf.Tensor)],
                                           concrete.captured_inputs)
            return self.function(*args)
        out = self.function(*args)
        self._concrete[key] = (tf.nest.map_structure(lambda _: 0, args), self._flat_callable(leaves, args))
        return out

    def _flat_callable(self, leaves: list, args: tuple):
        """The concrete function for ``args`` if its inputs are exactly the tensor leaves, else ``None``."""
        if any(isinstance(x, tf.Variable) or not isinstance(x, (tf.Tensor, *_WEAK_TYPES, type(None)))
               for x in leaves):
            return None
        concrete = self.function.get_concrete_function(*args)
        tensors = [x for x in leaves if isinstance(x, tf.Tensor)]
        inputs = concrete.inputs[:len(concrete.inputs) - len(concrete.captured_inputs)]
        if not hasattr(concrete, "_call_flat") or len(inputs) != len(tensors) or any(
                i.dtype != x.dtype or not i.shape.is_compatible_with(x.shape) for i, x in zip(inputs, tensors)):
            return None
        return concrete

    def get_concrete_function(self, *args: Any, **kwargs: Any):
        return self.function.get_concrete_function(*args, **kwargs)


# --------------------------------------------------------------------------
# The mixin
# --------------------------------------------------------------------------


class Core:
    """Identity, conversion, differentiation, compilation and ``scan``."""

    tensor_types = TENSOR_TYPES
    #: Passed to ``tf.function`` by :meth:`compile_function` (XLA is opt-in).
    jit_compile: bool = False

    # ---------------------------------------------------------------- identity
    def framework_version(self) -> str:
        return tf.__version__

    def devices(self) -> list[str]:
        out = []
        for d in tf.config.list_logical_devices():
            kind, _, index = d.name.rpartition("device:")[2].partition(":")
            out.append(f"{'cuda' if kind == 'GPU' else kind.lower()}:{index}")
        return out

    # ------------------------------------------------------- tensors & dtypes
    def convert_to_tensor(self, x: Any, dtype: str | None = None) -> tf.Tensor:
        if dtype is None and type(x) is float:
            return tf.constant(x, tf.float32)
        return to_tensor(x, dtype)

    def convert_to_numpy(self, x: Any) -> np.ndarray:
        if isinstance(x, TENSOR_TYPES):
            return np.asarray(x.numpy())
        return np.asarray(x)

    def is_tensor(self, x: Any) -> bool:
        return isinstance(x, TENSOR_TYPES)

    def shape(self, x: Any) -> tuple:
        if isinstance(x, TENSOR_TYPES):
            return static_or_dynamic_shape(x)
        return tuple(np.shape(x))

    def dtype(self, x: Any) -> str:
        if isinstance(x, TENSOR_TYPES):
            return x.dtype.name
        return to_tensor(x).dtype.name

    def cast(self, x: Any, dtype: str) -> tf.Tensor:
        x = to_tensor(x)
        if x.dtype.name == dtype:
            return x
        return tf.cast(x, dtype)

    # ------------------------------------------------------- differentiation
    def value_and_grad(self, fn: Callable[..., tuple[Any, Any]]) -> Callable[..., tuple[tuple[Any, Any], list]]:
        """``g(params, *args) -> ((value, aux), grads)`` using a ``tf.GradientTape``.

        Gradients of parameters the value does not depend on are zeros.
        """

        def value_and_grad_fn(params, *args):
            params = [to_tensor(p) for p in params]
            with tf.GradientTape(watch_accessed_variables=False) as tape:
                for p in params:
                    tape.watch(p)
                value, aux = fn(params, *args)
            grads = tape.gradient(value, params, unconnected_gradients=tf.UnconnectedGradients.ZERO)
            # Sparse gradients (Embedding lookups) are densified: optimizers and users get plain tensors.
            grads = [tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g for g in grads]
            return (value, aux), grads

        return value_and_grad_fn

    def compile_function(self, fn: Callable, *, kind: str = "train") -> Callable:
        """``tf.function(fn)`` behind a :class:`FastFunction`, cached on ``fn`` (or its bound instance).

        Traced once per input signature with static shapes (kcore's op layer
        checks shapes in Python); a last partial batch costs one extra trace.
        """
        owner = getattr(fn, "__self__", None)
        target = getattr(fn, "__func__", fn)
        holder = owner if owner is not None else fn
        store = getattr(holder, "__dict__", None)
        if not isinstance(store, dict):  # builtins, __slots__, classes: no cache
            return FastFunction(fn, self.jit_compile)
        cache = store.setdefault("_kcore_tf_functions", {})
        key = (target, self.jit_compile)
        compiled = cache.get(key)
        if compiled is None:
            compiled = FastFunction(fn, self.jit_compile)
            cache[key] = compiled
        return compiled

    def stop_gradient(self, x: Any) -> tf.Tensor:
        return tf.stop_gradient(x)

    def scan(self, fn: Callable, init: Any, xs: Sequence[Any] | Any, length: int | None = None,
             reverse: bool = False) -> tuple[Any, Any]:
        """``carry, y = fn(carry, x)`` over axis 0 of ``xs`` with a ``tf.while_loop``.

        The first step runs once outside the loop to learn the structure,
        shapes and dtypes of ``y``; the rest write into ``TensorArray``s.
        """
        is_seq = isinstance(xs, (list, tuple))
        xs_list = [] if xs is None else [to_tensor(x) for x in (xs if is_seq else [xs])]
        if length is None:
            if not xs_list:
                raise ValueError("scan: `length` is required when `xs` is None or empty")
            n = xs_list[0].shape[0]
            n = tf.shape(xs_list[0])[0] if n is None else n
        else:
            n = length
        if isinstance(n, int) and n == 0:
            return init, None

        def x_at(t):
            xt = [x[t] for x in xs_list]
            return xt if is_seq else (xt[0] if xt else None)

        carry = tf.nest.map_structure(to_tensor, init)
        first = (n - 1) if reverse else 0
        carry, y0 = fn(carry, x_at(first))
        carry = tf.nest.map_structure(to_tensor, carry)
        y0_flat = [to_tensor(y) for y in tf.nest.flatten(y0)]
        arrays = [
            tf.TensorArray(y.dtype, size=n, element_shape=y.shape, clear_after_read=False).write(first, y)
            for y in y0_flat
        ]

        def body(i, carry, arrays):
            t = (n - 1 - i) if reverse else i
            carry, y = fn(carry, x_at(t))
            carry = tf.nest.map_structure(to_tensor, carry)
            arrays = [a.write(t, to_tensor(v)) for a, v in zip(arrays, tf.nest.flatten(y))]
            return i + 1, carry, arrays

        _, carry, arrays = tf.while_loop(
            lambda i, c, a: i < n, body, (tf.constant(1), carry, arrays),
            parallel_iterations=1,
        )
        ys = tf.nest.pack_sequence_as(y0, [a.stack() for a in arrays])
        if isinstance(ys, tuple) and isinstance(y0, list):
            ys = list(ys)
        return carry, ys


def _convert_kcore_variable(variable, dtype=None, name=None, as_ref=False):
    """Lets TensorFlow's own operators (``tf_tensor * variable``) read a kcore Variable's current
    value, which inside a compiled step is the traced value, not a host copy."""
    value = to_tensor(variable.value)
    return value if dtype is None or value.dtype == dtype else tf.cast(value, dtype)


def _register_variable_conversion() -> None:
    from kcore.variables import Variable

    tf.register_tensor_conversion_function(Variable, _convert_kcore_variable)


_register_variable_conversion()
