"""Activations, convolutions, pooling, normalization and losses with jax.nn / jax.lax.

Kernels arrive in Keras' channels-last layouts; ``lax.conv_general_dilated``
reads them in place through dimension-number strings (``"HWIO"``,
``"HWOI"``), so no kernel is transposed at run time.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from kcore_jax.core import FLOAT_DTYPES, FLOAT32, floating, operand, static_axis, tensor, to_dtype

_SPATIAL = {1: "W", 2: "HW", 3: "DHW"}
_HALF = frozenset((jnp.dtype("float16"), jnp.dtype("bfloat16")))


@functools.lru_cache(maxsize=None)
def _dimension_numbers(rank: int, data_format: str, kernel: str) -> tuple[str, str, str]:
    """(lhs, rhs, out) specs for ``rank`` spatial dims; ``kernel`` is ``"IO"`` or ``"OI"``."""
    spatial = _SPATIAL[rank]
    lhs = f"N{spatial}C" if data_format == "channels_last" else f"NC{spatial}"
    return lhs, spatial + kernel, lhs


def _spatial_rank(op: str, x: jax.Array) -> int:
    rank = x.ndim - 2
    if rank not in _SPATIAL:
        raise ValueError(
            f"{op}: inputs must have rank 3, 4 or 5 (batch, spatial..., channels); "
            f"received shape {x.shape}"
        )
    return rank


def _check_format(op: str, data_format: str) -> None:
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            f"{op}: data_format must be 'channels_last' or 'channels_first', got {data_format!r}"
        )


def _padding(op: str, padding: str) -> str:
    p = padding.lower()
    if p not in ("valid", "same"):
        raise ValueError(f"{op}: padding must be 'valid' or 'same', got {padding!r}")
    return p


def _ntuple(value: Any, n: int) -> tuple[int, ...]:
    if isinstance(value, int):
        return (value,) * n
    return tuple(int(v) for v in value)


def _same_dtype(x: jax.Array, kernel: jax.Array) -> tuple[jax.Array, jax.Array]:
    if x.dtype == kernel.dtype:
        return x, kernel
    dt = jnp.result_type(x.dtype, kernel.dtype)
    return x.astype(dt), kernel.astype(dt)


def _nonempty(op: str, out: jax.Array, x: jax.Array, kernel: jax.Array) -> jax.Array:
    if 0 in out.shape:
        raise ValueError(
            f"{op}: inputs of shape {x.shape} are too small for a kernel of shape {kernel.shape} "
            f"with these strides, dilation and padding; the output would have shape {out.shape}"
        )
    return out


def _transpose_length(size: int, kernel: int, stride: int, padding: str, output_padding: int | None) -> int:
    """Keras' output length of a transposed convolution (``kernel`` already dilated)."""
    if output_padding is None:
        if padding == "valid":
            return size * stride + max(kernel - stride, 0)
        return size * stride
    pad = kernel // 2 if padding == "same" else 0
    return (size - 1) * stride + kernel - 2 * pad + output_padding


@functools.lru_cache(maxsize=256)
def _average_counts(spatial: tuple, pool: tuple, strides: tuple) -> np.ndarray:
    """How many real (non-padded) cells each "same"-padded pooling window covers."""
    counts = np.ones((), dtype=np.float32)
    for size, k, s in zip(spatial, pool, strides):
        out = -(-size // s)
        pad_before = max((out - 1) * s + k - size, 0) // 2
        start = np.arange(out) * s - pad_before
        per_dim = (np.minimum(start + k, size) - np.maximum(start, 0)).astype(np.float32)
        counts = np.multiply.outer(counts, per_dim)
    return counts


# Composite jax.nn functions are jitted once here: eager calls then cost one
# dispatch instead of one per primitive; inside an outer jit they inline.
_relu = jax.jit(jax.nn.relu)
_relu6 = jax.jit(jax.nn.relu6)
_softsign = jax.jit(jax.nn.soft_sign)
_silu = jax.jit(jax.nn.silu)
_elu = jax.jit(jax.nn.elu)
_selu = jax.jit(jax.nn.selu)
_leaky_relu = jax.jit(jax.nn.leaky_relu)
_hard_sigmoid = jax.jit(jax.nn.hard_sigmoid)
_gelu = jax.jit(jax.nn.gelu, static_argnames=("approximate",))
_softmax = jax.jit(jax.nn.softmax, static_argnames=("axis",))
_log_softmax = jax.jit(jax.nn.log_softmax, static_argnames=("axis",))


@functools.partial(jax.jit, static_argnames=("num_classes", "axis", "dtype"))
def _one_hot(x, num_classes, axis, dtype):
    return jax.nn.one_hot(x, num_classes, dtype=dtype, axis=axis)


@functools.partial(jax.jit, static_argnames=("axes", "keepdims"))
def _moments(x, axes, keepdims):
    dtype = x.dtype
    if dtype in _HALF:  # accumulate in float32, as Keras does
        x = x.astype(FLOAT32)
    mean = jnp.mean(x, axis=axes, keepdims=True)
    variance = jnp.mean(jnp.square(x - lax.stop_gradient(mean)), axis=axes, keepdims=keepdims)
    if not keepdims:
        mean = jnp.squeeze(mean, axis=axes)
    return mean.astype(dtype), variance.astype(dtype)


@functools.partial(jax.jit, static_argnames=("axis",))
def _batch_normalization(x, mean, variance, axis, offset, scale, epsilon):
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    inv = lax.rsqrt(jnp.reshape(variance, shape) + epsilon)
    if scale is not None:
        inv = inv * jnp.reshape(scale, shape)
    out = (x - jnp.reshape(mean, shape)) * inv
    if offset is not None:
        out = out + jnp.reshape(offset, shape)
    return out


@functools.partial(jax.jit, static_argnames=("from_logits",))
def _binary_crossentropy(target, output, from_logits):
    if from_logits:
        return -(target * jax.nn.log_sigmoid(output) + (1.0 - target) * jax.nn.log_sigmoid(-output))
    output = jnp.clip(output, 1e-7, 1.0 - 1e-7)
    return -(target * jnp.log(output) + (1.0 - target) * jnp.log(1.0 - output))


def _log_probabilities(output, from_logits, axis):
    if from_logits:
        return jax.nn.log_softmax(output, axis=axis)
    output = output / jnp.sum(output, axis=axis, keepdims=True)
    return jnp.log(jnp.clip(output, 1e-7, 1.0 - 1e-7))


@functools.partial(jax.jit, static_argnames=("from_logits", "axis"))
def _categorical_crossentropy(target, output, from_logits, axis):
    return -jnp.sum(target * _log_probabilities(output, from_logits, axis), axis=axis)


@functools.partial(jax.jit, static_argnames=("from_logits", "axis"))
def _sparse_categorical_crossentropy(target, output, from_logits, axis):
    if target.ndim == output.ndim and target.shape[axis] == 1:
        target = jnp.squeeze(target, axis=axis)
    one_hot = jax.nn.one_hot(target.astype(jnp.int32), output.shape[axis], dtype=output.dtype, axis=axis)
    return -jnp.sum(one_hot * _log_probabilities(output, from_logits, axis), axis=axis)


class NN:
    """Activations and the ``keras.ops.nn``-like part of the contract."""

    # ---------------------------------------------------------- activations
    def relu(self, x):
        return _relu(floating(x))

    def relu6(self, x):
        return _relu6(floating(x))

    def sigmoid(self, x):
        return jax.nn.sigmoid(floating(x))

    def softplus(self, x):
        return jax.nn.softplus(floating(x))

    def softsign(self, x):
        return _softsign(floating(x))

    def silu(self, x):
        return _silu(floating(x))

    def elu(self, x, alpha=1.0):
        return _elu(floating(x), alpha)

    def selu(self, x):
        return _selu(floating(x))

    def leaky_relu(self, x, negative_slope=0.2):
        return _leaky_relu(floating(x), negative_slope)

    def hard_sigmoid(self, x):
        return _hard_sigmoid(floating(x))

    def gelu(self, x, approximate=True):
        return _gelu(floating(x), approximate=bool(approximate))

    def softmax(self, x, axis=-1):
        return _softmax(floating(x), axis=static_axis(axis))

    def log_softmax(self, x, axis=-1):
        return _log_softmax(floating(x), axis=static_axis(axis))

    # ------------------------------------------------------------- convolution
    def conv(self, inputs, kernel, strides, padding, data_format, dilation_rate):
        x, k = _same_dtype(tensor(inputs), tensor(kernel))
        rank = _spatial_rank("conv", x)
        _check_format("conv", data_format)
        channels = x.shape[-1] if data_format == "channels_last" else x.shape[1]
        if k.ndim != rank + 2 or channels % k.shape[-2]:
            raise ValueError(
                f"conv: kernel of shape {k.shape} does not fit inputs of shape {x.shape} "
                f"({data_format}); expected (*{rank} spatial, in_channels dividing {channels}, out_channels)"
            )
        out = lax.conv_general_dilated(
            x, k,
            window_strides=_ntuple(strides, rank),
            padding=_padding("conv", padding).upper(),
            rhs_dilation=_ntuple(dilation_rate, rank),
            dimension_numbers=_dimension_numbers(rank, data_format, "IO"),
            feature_group_count=channels // k.shape[-2],
        )
        return _nonempty("conv", out, x, k)

    def depthwise_conv(self, inputs, kernel, strides, padding, data_format, dilation_rate):
        x, k = _same_dtype(tensor(inputs), tensor(kernel))
        rank = _spatial_rank("depthwise_conv", x)
        _check_format("depthwise_conv", data_format)
        channels = x.shape[-1] if data_format == "channels_last" else x.shape[1]
        if k.ndim != rank + 2 or k.shape[-2] != channels:
            raise ValueError(
                f"depthwise_conv: kernel of shape {k.shape} does not fit inputs of shape {x.shape} "
                f"({data_format}); expected (*{rank} spatial, {channels}, multiplier)"
            )
        out = lax.conv_general_dilated(
            x, jnp.reshape(k, k.shape[:-2] + (1, channels * k.shape[-1])),
            window_strides=_ntuple(strides, rank),
            padding=_padding("depthwise_conv", padding).upper(),
            rhs_dilation=_ntuple(dilation_rate, rank),
            dimension_numbers=_dimension_numbers(rank, data_format, "IO"),
            feature_group_count=channels,
        )
        return _nonempty("depthwise_conv", out, x, k)

    def conv_transpose(self, inputs, kernel, strides, padding, output_padding, data_format, dilation_rate):
        """Gradient-of-conv semantics: a stride-dilated input convolved with the flipped kernel."""
        x, k = _same_dtype(tensor(inputs), tensor(kernel))
        rank = _spatial_rank("conv_transpose", x)
        _check_format("conv_transpose", data_format)
        padding = _padding("conv_transpose", padding)
        channels = x.shape[-1] if data_format == "channels_last" else x.shape[1]
        if k.ndim != rank + 2 or k.shape[-1] != channels:
            raise ValueError(
                f"conv_transpose: kernel of shape {k.shape} does not fit inputs of shape {x.shape} "
                f"({data_format}); expected (*{rank} spatial, out_channels, {channels})"
            )
        strides = _ntuple(strides, rank)
        dilation = _ntuple(dilation_rate, rank)
        out_pad = (None,) * rank if output_padding is None else _ntuple(output_padding, rank)
        sizes = x.shape[1:-1] if data_format == "channels_last" else x.shape[2:]
        pads = []
        for size, ksize, s, d, op in zip(sizes, k.shape[:rank], strides, dilation, out_pad):
            dilated = (ksize - 1) * d + 1
            length = _transpose_length(size, dilated, s, padding, op)
            full = (size - 1) * s + dilated  # output length before any cropping
            crop = max(full - length, 0) // 2 if padding == "same" else 0
            before = dilated - 1 - crop
            after = length + dilated - 1 - ((size - 1) * s + 1) - before
            pads.append((before, after))
        return lax.conv_general_dilated(
            x, lax.rev(k, tuple(range(rank))),
            window_strides=(1,) * rank,
            padding=pads,
            lhs_dilation=strides,
            rhs_dilation=dilation,
            dimension_numbers=_dimension_numbers(rank, data_format, "OI"),
        )

    # ----------------------------------------------------------------- pooling
    def _window(self, op, x, pool_size, strides, data_format):
        rank = _spatial_rank(op, x)
        _check_format(op, data_format)
        pool = _ntuple(pool_size, rank)
        strides = pool if strides is None else _ntuple(strides, rank)
        if data_format == "channels_last":
            return pool, strides, (1, *pool, 1), (1, *strides, 1), x.shape[1:-1]
        return pool, strides, (1, 1, *pool), (1, 1, *strides), x.shape[2:]

    def max_pool(self, inputs, pool_size, strides, padding, data_format):
        x = tensor(inputs)
        _, _, window, steps, _ = self._window("max_pool", x, pool_size, strides, data_format)
        if x.dtype in FLOAT_DTYPES:
            init = -np.inf
        elif x.dtype == np.bool_:
            init = False
        else:
            init = np.iinfo(x.dtype).min
        return lax.reduce_window(x, np.array(init, x.dtype), lax.max, window, steps,
                                 _padding("max_pool", padding).upper())

    def average_pool(self, inputs, pool_size, strides, padding, data_format):
        x = floating(inputs)
        pool, strides, window, steps, spatial = self._window("average_pool", x, pool_size, strides, data_format)
        padding = _padding("average_pool", padding)
        total = lax.reduce_window(x, np.array(0, x.dtype), lax.add, window, steps, padding.upper())
        if padding == "valid":
            return total / np.array(math.prod(pool), x.dtype)
        counts = _average_counts(tuple(spatial), pool, strides)
        counts = counts[..., None] if data_format == "channels_last" else counts[None]
        return total / counts.astype(x.dtype)

    # ---------------------------------------------------------- normalization
    def one_hot(self, x, num_classes, axis=-1, dtype="float32"):
        return _one_hot(tensor(x), num_classes=int(num_classes), axis=axis, dtype=to_dtype(dtype))

    def moments(self, x, axes, keepdims=False):
        return _moments(floating(x), axes=static_axis(axes), keepdims=bool(keepdims))

    def batch_normalization(self, x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
        x = tensor(x)
        return _batch_normalization(x, operand(mean), operand(variance), axis % x.ndim,
                                    None if offset is None else operand(offset),
                                    None if scale is None else operand(scale), epsilon)

    # ------------------------------------------------------------------ losses
    def binary_crossentropy(self, target, output, from_logits=False):
        return _binary_crossentropy(operand(target), floating(output), from_logits=bool(from_logits))

    def categorical_crossentropy(self, target, output, from_logits=False, axis=-1):
        return _categorical_crossentropy(operand(target), floating(output), from_logits=bool(from_logits), axis=axis)

    def sparse_categorical_crossentropy(self, target, output, from_logits=False, axis=-1):
        return _sparse_categorical_crossentropy(tensor(target), floating(output),
                                                from_logits=bool(from_logits), axis=axis)
