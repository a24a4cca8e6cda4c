"""Seeds for kcore's stateless random ops.

Backend random functions are pure: the same ``(2,)`` int32 seed tensor gives
the same numbers. :class:`SeedGenerator` keeps that seed in a kcore
``Variable`` and advances it with ``assign`` on every :meth:`SeedGenerator.next`,
so inside a ``StatelessScope`` (compiled train steps) the new state is
recorded like any other variable update.
"""

from __future__ import annotations

import random as _pyrandom
from typing import Any

import numpy as np

from kcore import backend as _backend
from kcore.variables import Variable

_MAX_SEED = 2**31 - 1
_rng = _pyrandom.Random()
_global_generator: "SeedGenerator | None" = None


def set_global_seed(seed: int) -> None:
    """Reseed the global Python RNG behind ``seed=None`` and reset the global SeedGenerator."""
    global _global_generator
    _rng.seed(int(seed))
    _global_generator = None


def draw_int() -> int:
    """A fresh seed integer from the global Python RNG."""
    return _rng.randint(0, _MAX_SEED - 1)


def global_seed_generator() -> "SeedGenerator":
    """The process-wide SeedGenerator (created on first use from the global RNG)."""
    global _global_generator
    if _global_generator is None:
        _global_generator = SeedGenerator()
    return _global_generator


def _check_seed_int(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"SeedGenerator: `seed` must be an int or None, got {seed!r}")
    if seed < 0:
        raise ValueError(f"SeedGenerator: `seed` must be non-negative, got {seed}")
    return int(seed) % _MAX_SEED


_INCREMENT = np.array([0, 1], dtype="int32")


class SeedGenerator:
    """A stateful source of seeds for the stateless random ops.

    Args:
        seed: an int for a reproducible sequence, or ``None`` to draw one
            from the global Python RNG (reseeded by ``set_global_seed``).
        name: name of the state variable.
    """

    def __init__(self, seed: int | None = None, name: str | None = None) -> None:
        self._initial_seed = draw_int() if seed is None else _check_seed_int(seed)
        self.name = name or "seed_generator"
        initial = np.array([self._initial_seed, 0], dtype="int32")
        self.state = Variable(initial, dtype="int32", trainable=False, name=f"{self.name}_state")

    def next(self) -> Any:
        """The current seed tensor (shape ``(2,)``, int32); advances the state."""
        b = _backend.current()
        seed = self.state.value
        # A fresh constant each call: a tensor cached here could belong to a finished trace (jit/tf.function).
        self.state.assign(b.add(seed, b.convert_to_tensor(_INCREMENT, dtype="int32")))
        return seed

    def get_config(self) -> dict:
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> "SeedGenerator":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<SeedGenerator seed={self._initial_seed} state={self.state.numpy().tolist()}>"


def draw_seed(seed: Any) -> Any:
    """The seed tensor for one random op call.

    ``seed`` is ``None`` (a fresh draw from the global RNG), an int (always
    the same numbers), a :class:`SeedGenerator` (advanced by one), or a
    ``(2,)`` integer tensor used as is.
    """
    b = _backend.current()
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if seed is None:
        return b.convert_to_tensor(np.array([draw_int(), 0], dtype="int32"), dtype="int32")
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        value = _check_seed_int(seed)
        return b.convert_to_tensor(np.array([value, 0], dtype="int32"), dtype="int32")
    if isinstance(seed, Variable):
        seed = seed.value
    if b.is_tensor(seed) or isinstance(seed, np.ndarray):
        shape = tuple(b.shape(seed)) if b.is_tensor(seed) else seed.shape
        if shape != (2,):
            raise ValueError(f"seed: a seed tensor must have shape (2,), got {shape}")
        if not b.is_tensor(seed):
            return b.convert_to_tensor(seed, dtype="int32")
        return seed if b.dtype(seed) == "int32" else b.cast(seed, "int32")
    raise TypeError(
        f"seed: expected None, an int, a SeedGenerator or a (2,) int32 tensor, got {type(seed).__name__}: {seed!r}"
    )
