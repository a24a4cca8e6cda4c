"""The jax backend: the contract's mixins composed into one class."""

from __future__ import annotations

from kcore.backend.contract import Backend
from kcore_jax.core import Core
from kcore_jax.nn import NN
from kcore_jax.numpy import Numpy
from kcore_jax.random import Random


class JaxBackend(Core, Numpy, NN, Random, Backend):
    """kcore on JAX/XLA: eager jax.numpy ops; train steps compiled whole with ``jax.jit``."""

    name = "jax"


__all__ = ["JaxBackend"]
