"""Stateless random ops for the tensorflow backend (same seed, same numbers, also in ``tf.function``)."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

from kcore_tensorflow.core import to_tensor  # noqa: E402

_NATIVE_RANDINT = ("int32", "int64", "uint32", "uint64")


def _seed(seed) -> tf.Tensor:
    """A ``(2,)`` int32/int64 seed tensor from kcore's seed."""
    seed = to_tensor(seed)
    if seed.dtype not in (tf.int32, tf.int64):
        seed = tf.cast(seed, tf.int32)
    if seed.shape.rank != 1 or (seed.shape[0] is not None and seed.shape[0] != 2):
        raise ValueError(f"random ops need a seed of shape (2,); received shape {seed.shape}")
    return seed


class Random:
    """``tf.random.stateless_*`` based random ops."""

    def random_normal(self, shape, mean: float, stddev: float, dtype: str, seed):
        return tf.random.stateless_normal(list(shape), _seed(seed), mean=mean, stddev=stddev, dtype=dtype or "float32")

    def random_uniform(self, shape, minval: float, maxval: float, dtype: str, seed):
        return tf.random.stateless_uniform(list(shape), _seed(seed), minval=minval, maxval=maxval,
                                           dtype=dtype or "float32")

    def random_randint(self, shape, minval: int, maxval: int, dtype: str, seed):
        dtype = dtype or "int32"
        compute = dtype if dtype in _NATIVE_RANDINT else "int32"
        out = tf.random.stateless_uniform(list(shape), _seed(seed), minval=minval, maxval=maxval, dtype=compute)
        return out if compute == dtype else tf.cast(out, dtype)

    def random_truncated_normal(self, shape, mean: float, stddev: float, dtype: str, seed):
        return tf.random.stateless_truncated_normal(list(shape), _seed(seed), mean=mean, stddev=stddev,
                                                    dtype=dtype or "float32")

    def random_dropout(self, x, rate: float, noise_shape: tuple | None, seed):
        x = to_tensor(x)
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"dropout: rate must be in [0, 1); received {rate}")
        return tf.nn.experimental.stateless_dropout(
            x, rate=rate, seed=_seed(seed), noise_shape=None if noise_shape is None else list(noise_shape)
        )

    def random_shuffle(self, x, axis: int, seed):
        x = to_tensor(x)
        rank = x.shape.rank
        axis %= rank
        if axis == 0:
            return tf.random.experimental.stateless_shuffle(x, _seed(seed))
        perm = [axis] + [i for i in range(rank) if i != axis]
        inverse = [perm.index(i) for i in range(rank)]
        shuffled = tf.random.experimental.stateless_shuffle(tf.transpose(x, perm), _seed(seed))
        return tf.transpose(shuffled, inverse)
