"""Tensors, dtypes, differentiation and compilation for the jax backend.

Also holds the small conversion helpers the other mixins share. JAX runs
with its default 32-bit mode: 64-bit dtypes requested by name are narrowed
to their 32-bit counterparts instead of triggering JAX's truncation warning.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from kcore.dtypes import ALLOWED, FLOAT_TYPES, standardize_dtype
from kcore.variables import Variable

_X64 = bool(jax.config.jax_enable_x64)
_NARROW = {"float64": "float32", "int64": "int32", "uint64": "uint32"}

#: standard dtype name -> the jnp dtype actually used.
DTYPES: dict[str, np.dtype] = {
    name: jnp.dtype(name if _X64 else _NARROW.get(name, name)) for name in ALLOWED
}
#: jnp dtype -> standard dtype name.
NAMES: dict[np.dtype, str] = {jnp.dtype(name): name for name in ALLOWED}
FLOAT_DTYPES = frozenset(jnp.dtype(name) for name in FLOAT_TYPES)
FLOAT32 = DTYPES["float32"]
INT32 = DTYPES["int32"]

#: values jnp functions accept as operands directly (Python scalars stay weak).
_OPERANDS = (jax.Array, np.ndarray, np.generic, int, float)


def to_dtype(dtype: Any) -> np.dtype:
    """The jnp dtype for a standard name (or anything ``standardize_dtype`` accepts)."""
    try:
        return DTYPES[dtype]
    except (KeyError, TypeError):
        return DTYPES[standardize_dtype(dtype)]


def _infer_tensor(x: Any) -> jax.Array:
    """``x`` as a strongly typed jax array with kcore's default dtypes."""
    if isinstance(x, bool):
        return jnp.asarray(x, dtype=np.bool_)
    if isinstance(x, int):
        return jnp.asarray(x, dtype=INT32)
    if isinstance(x, float):
        return jnp.asarray(x, dtype=FLOAT32)
    if isinstance(x, Variable):
        return tensor(x.value)
    if not isinstance(x, (np.ndarray, np.generic)):
        try:
            x = np.asarray(x)
        except (TypeError, jax.errors.TracerArrayConversionError):
            return jnp.asarray(x)  # e.g. a list holding traced values
    dtype = DTYPES.get(x.dtype.name)
    return jnp.asarray(x) if dtype is None else jnp.asarray(x, dtype=dtype)


def tensor(x: Any) -> jax.Array:
    """``x`` as a jax array (jax arrays pass through unchanged)."""
    if isinstance(x, jax.Array):
        return x
    return _infer_tensor(x)


def operand(x: Any) -> Any:
    """``x`` ready for a jnp function: arrays and Python scalars pass through."""
    if isinstance(x, _OPERANDS):
        return x
    if isinstance(x, Variable):
        return x.value
    return _infer_tensor(x)


def floating(x: Any) -> jax.Array:
    """``x`` as a floating jax array (ints and bools become float32)."""
    x = tensor(x)
    return x if x.dtype in FLOAT_DTYPES else x.astype(FLOAT32)


def static_axis(axis: Any) -> Any:
    """``axis`` made hashable for a jitted function's static argument (lists become tuples)."""
    return tuple(axis) if isinstance(axis, list) else axis


@functools.lru_cache(maxsize=256)
def _jit(fn: Callable) -> Callable:
    return jax.jit(fn)


class Core:
    """Identity, tensors and dtypes, differentiation, compilation and loops."""

    name = "jax"
    tensor_types = (jax.Array,)

    # ---------------------------------------------------------------- identity
    def framework_version(self) -> str:
        return jax.__version__

    def devices(self) -> list[str]:
        counts: dict[str, int] = {}
        names = []
        for device in jax.devices():
            platform = "cuda" if device.platform == "gpu" else device.platform
            index = counts.get(platform, 0)
            counts[platform] = index + 1
            names.append(f"{platform}:{index}")
        return names

    # ------------------------------------------------------- tensors & dtypes
    def convert_to_tensor(self, x: Any, dtype: str | None = None) -> jax.Array:
        if dtype is None:
            return x if isinstance(x, jax.Array) else _infer_tensor(x)
        dt = to_dtype(dtype)
        if isinstance(x, jax.Array):
            return lax.convert_element_type(x, dt)
        if isinstance(x, Variable):
            return lax.convert_element_type(x.value, dt)
        return jnp.asarray(x, dtype=dt)

    def convert_to_numpy(self, x: Any) -> np.ndarray:
        if isinstance(x, Variable):
            x = x.value
        return np.asarray(x)

    def is_tensor(self, x: Any) -> bool:
        return isinstance(x, jax.Array)

    def shape(self, x: Any) -> tuple:
        if isinstance(x, jax.Array):
            return x.shape
        if isinstance(x, Variable):
            return x.shape
        return np.shape(x) if not isinstance(x, (int, float)) else ()

    def dtype(self, x: Any) -> str:
        if isinstance(x, jax.Array):
            return NAMES[x.dtype]
        if isinstance(x, Variable):
            return x.dtype
        return NAMES[tensor(x).dtype]

    def cast(self, x: Any, dtype: str) -> jax.Array:
        return lax.convert_element_type(operand(x), to_dtype(dtype))

    # ------------------------------------------------------- differentiation
    def value_and_grad(self, fn: Callable[..., tuple[Any, Any]]) -> Callable[..., tuple[tuple[Any, Any], list]]:
        grad_fn = jax.value_and_grad(fn, has_aux=True)

        def value_and_grad_fn(params: Sequence[Any], *args: Any):
            (value, aux), grads = grad_fn(list(params), *args)
            return (value, aux), grads

        return value_and_grad_fn

    def prepare_compiled_inputs(self, structure: Any) -> Any:
        """NumPy batches go to jitted functions as they are: jax transfers them in its C++ dispatch."""
        return structure

    def compile_function(self, fn: Callable, *, kind: str = "train") -> Callable:
        """``jax.jit(fn)``, cached per function (no buffer donation)."""
        if kind not in ("train", "test", "predict"):
            raise ValueError(
                f"compile_function: kind must be 'train', 'test' or 'predict', got {kind!r}"
            )
        try:
            return _jit(fn)
        except TypeError:  # unhashable callable
            return jax.jit(fn)

    def stop_gradient(self, x: Any) -> jax.Array:
        return lax.stop_gradient(operand(x))

    def scan(self, fn: Callable, init: Any, xs: Sequence[Any] | Any, length: int | None = None,
             reverse: bool = False) -> tuple[Any, Any]:
        if isinstance(xs, tuple):
            xs = list(xs)
        carry, ys = lax.scan(fn, init, xs, length=length, reverse=reverse)
        if isinstance(ys, tuple):
            ys = list(ys)
        return carry, ys
