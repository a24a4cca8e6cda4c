"""Random ops (``keras.random`` names). Each takes ``seed``: ``None``, an int, a
:class:`~kcore.random.seed_generator.SeedGenerator` or a ``(2,)`` int32 seed tensor."""

from __future__ import annotations

from typing import Any

from kcore import backend as _backend
from kcore.graph.keras_tensor import KerasTensor
from kcore.ops import shape_inference as si
from kcore.ops.core import backend, to_float, to_tensor
from kcore.ops.dispatch import op, shape_of
from kcore.ops.numpy import unknown_shape_result
from kcore.random.seed_generator import draw_seed

__all__ = ["normal", "uniform", "truncated_normal", "randint", "dropout", "shuffle"]


def _dtype(name: str, dtype, kind: str) -> str:
    if dtype is None:
        return _backend.floatx() if kind == "float" else "int32"
    dtype = si.check_dtype(name, dtype)
    ok = dtype in si.FLOAT_TYPES if kind == "float" else dtype in si.INT_TYPES
    if not ok:
        raise ValueError(f"{name}: `dtype` must be a {kind} dtype, got {dtype!r}")
    return dtype


def _scalar(v: Any) -> Any:
    return float(v) if isinstance(v, (int, float)) else v


def _infer_sampler(name: str, kind: str):
    def infer(shape, *args, dtype=None, seed=None, **kwargs):
        return KerasTensor(si.creation_shape(name, shape), _dtype(name, dtype, kind))
    return infer


@op(infer=_infer_sampler("normal", "float"))
def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from a normal distribution with ``mean`` and ``stddev``."""
    dims, dtype = si.creation_shape("normal", shape), _dtype("normal", dtype, "float")
    if None in dims:
        return unknown_shape_result("normal", dims, dtype)
    return backend().random_normal(dims, _scalar(mean), _scalar(stddev), dtype, draw_seed(seed))


@op(infer=_infer_sampler("uniform", "float"))
def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples from a uniform distribution on ``[minval, maxval)``."""
    dims, dtype = si.creation_shape("uniform", shape), _dtype("uniform", dtype, "float")
    if None in dims:
        return unknown_shape_result("uniform", dims, dtype)
    return backend().random_uniform(dims, _scalar(minval), _scalar(maxval), dtype, draw_seed(seed))


@op(infer=_infer_sampler("truncated_normal", "float"))
def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples, redrawn when more than two ``stddev`` from ``mean``."""
    dims, dtype = si.creation_shape("truncated_normal", shape), _dtype("truncated_normal", dtype, "float")
    if None in dims:
        return unknown_shape_result("truncated_normal", dims, dtype)
    return backend().random_truncated_normal(dims, _scalar(mean), _scalar(stddev), dtype, draw_seed(seed))


@op(infer=_infer_sampler("randint", "int"))
def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers drawn uniformly from ``[minval, maxval)``."""
    dims, dtype = si.creation_shape("randint", shape), _dtype("randint", dtype, "int")
    if isinstance(minval, int) and isinstance(maxval, int) and maxval <= minval:
        raise ValueError(f"randint: `maxval` must be greater than `minval`, got minval={minval}, maxval={maxval}")
    if None in dims:
        return unknown_shape_result("randint", dims, dtype)
    return backend().random_randint(dims, minval, maxval, dtype, draw_seed(seed))


def _noise_shape(shape: tuple, noise_shape) -> tuple | None:
    if noise_shape is None:
        return None
    noise = tuple(noise_shape)
    if len(noise) != len(shape):
        raise ValueError(f"dropout: `noise_shape` {noise} must have the rank of the inputs, shape {tuple(shape)}")
    out = tuple(d if n is None else int(n) for n, d in zip(noise, shape))
    for n, d in zip(out, shape):
        if n is not None and d is not None and n not in (1, d):
            raise ValueError(f"dropout: `noise_shape` {noise} does not broadcast to the inputs shape {tuple(shape)}")
    return out


def _check_rate(rate) -> float:
    if isinstance(rate, (int, float)) and not 0 <= rate < 1:
        raise ValueError(f"dropout: `rate` must be in [0, 1), got {rate}")
    return rate


def _infer_dropout(inputs, rate, noise_shape=None, seed=None):
    _check_rate(rate)
    _noise_shape(shape_of(inputs), noise_shape)
    return KerasTensor(shape_of(inputs), si.float_dtype(si.tensor_dtype(inputs)))


@op(infer=_infer_dropout)
def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero each element with probability ``rate`` and scale the rest by ``1 / (1 - rate)``."""
    b = backend()
    inputs = to_float(b, inputs)
    rate = _check_rate(rate)
    if isinstance(rate, (int, float)) and rate == 0:
        return inputs
    noise = _noise_shape(b.shape(inputs), noise_shape)
    return b.random_dropout(inputs, _scalar(rate), noise, draw_seed(seed))


def _infer_shuffle(x, axis=0, seed=None):
    si.canonical_axis("shuffle", axis, len(shape_of(x)))
    return KerasTensor(shape_of(x), si.tensor_dtype(x))


@op(infer=_infer_shuffle)
def shuffle(x, axis=0, seed=None):
    """``x`` with its slices along ``axis`` randomly permuted."""
    b = backend()
    x = to_tensor(b, x)
    axis = si.canonical_axis("shuffle", axis, len(b.shape(x)))
    return b.random_shuffle(x, axis, draw_seed(seed))
