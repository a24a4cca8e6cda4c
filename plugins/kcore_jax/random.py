"""Stateless random ops: a kcore seed (int32, shape (2,)) is the raw data of a threefry key.

Each op is one jitted function of the seed, so eager calls cost one dispatch
and a traced seed (inside ``jax.jit``) works the same way.
"""

from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from kcore_jax.core import FLOAT32, INT32, tensor, to_dtype

_UINT32 = jnp.dtype("uint32")
_static = functools.partial(jax.jit, static_argnames=("shape", "dtype"))


def seed_data(seed: Any) -> jax.Array:
    """kcore's seed as an array of shape (2,) (key data, passed to jit as is) or a typed key."""
    if isinstance(seed, int):
        return jax.random.key(seed)
    if not isinstance(seed, (jax.Array, np.ndarray)):
        seed = tensor(seed)
    if jnp.issubdtype(seed.dtype, jax.dtypes.prng_key):
        return seed
    if seed.shape != (2,):
        raise ValueError(f"random: seed must have shape (2,), received shape {seed.shape}")
    return seed


def key_from_seed(seed: jax.Array) -> jax.Array:
    """A typed PRNG key from :func:`seed_data`'s output; traceable under ``jax.jit``."""
    if jnp.issubdtype(seed.dtype, jax.dtypes.prng_key):
        return seed
    if seed.dtype != _UINT32:
        seed = lax.bitcast_convert_type(seed.astype(INT32), _UINT32)
    return jax.random.wrap_key_data(seed)


@_static
def _normal(seed, shape, dtype, mean, stddev):
    sample = jax.random.normal(key_from_seed(seed), shape, dtype)
    return (sample * stddev + mean).astype(dtype)


@_static
def _uniform(seed, shape, dtype, minval, maxval):
    return jax.random.uniform(key_from_seed(seed), shape, dtype, minval, maxval)


@_static
def _randint(seed, shape, dtype, minval, maxval):
    return jax.random.randint(key_from_seed(seed), shape, minval, maxval, dtype=dtype)


@_static
def _truncated_normal(seed, shape, dtype, mean, stddev):
    sample = jax.random.truncated_normal(key_from_seed(seed), -2.0, 2.0, shape, dtype)
    return (sample * stddev + mean).astype(dtype)


@functools.partial(jax.jit, static_argnames=("shape",))
def _dropout(seed, x, rate, shape):
    keep_prob = 1.0 - rate
    keep = jnp.broadcast_to(jax.random.bernoulli(key_from_seed(seed), keep_prob, shape), x.shape)
    return lax.select(keep, x / keep_prob.astype(x.dtype), jnp.zeros_like(x))


@functools.partial(jax.jit, static_argnames=("axis",))
def _shuffle(seed, x, axis):
    return jax.random.permutation(key_from_seed(seed), x, axis=axis, independent=False)


def _float_dtype(dtype: Any) -> np.dtype:
    return FLOAT32 if dtype is None else to_dtype(dtype)


class Random:
    """The ``keras.random``-like part of the contract."""

    def random_normal(self, shape, mean, stddev, dtype, seed):
        return _normal(seed_data(seed), tuple(shape), _float_dtype(dtype), mean, stddev)

    def random_uniform(self, shape, minval, maxval, dtype, seed):
        return _uniform(seed_data(seed), tuple(shape), _float_dtype(dtype), minval, maxval)

    def random_randint(self, shape, minval, maxval, dtype, seed):
        dt = INT32 if dtype is None else to_dtype(dtype)
        return _randint(seed_data(seed), tuple(shape), dt, minval, maxval)

    def random_truncated_normal(self, shape, mean, stddev, dtype, seed):
        return _truncated_normal(seed_data(seed), tuple(shape), _float_dtype(dtype), mean, stddev)

    def random_dropout(self, x, rate, noise_shape, seed):
        x = tensor(x)
        if noise_shape is None:
            shape = x.shape
        else:
            shape = tuple(x.shape[i] if d is None else int(d) for i, d in enumerate(noise_shape))
        return _dropout(seed_data(seed), x, jnp.asarray(rate, FLOAT32), shape)

    def random_shuffle(self, x, axis, seed):
        return _shuffle(seed_data(seed), tensor(x), axis=axis)
