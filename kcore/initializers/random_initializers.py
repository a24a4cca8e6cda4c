"""Random initializers: normal/uniform draws and the variance-scaling family.

Seeds behave as in Keras 3: ``seed=None`` picks a random int once, when the
initializer is built (from kcore's global seed RNG, which
``kcore.utils.set_random_seed`` reseeds), so one instance returns the same
values on every call; an int seed is deterministic; a ``kcore.random.SeedGenerator``
advances and gives new values on each call.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from kcore.dtypes import FLOAT_TYPES, standardize_dtype
from kcore.initializers.initializer import Initializer, standardize_shape

# Standard deviation of a unit normal truncated to [-2, 2]: VarianceScaling divides by
# it so that the truncated draw has the requested variance.
_TRUNCATED_STDDEV = 0.87962566103423978


def _float_dtype(dtype: str | None, name: str) -> str:
    dtype = standardize_dtype(dtype)
    if dtype not in FLOAT_TYPES:
        raise ValueError(f"{name}: random initializers need a float dtype, received dtype={dtype!r}")
    return dtype


def compute_fans(shape: tuple, input_axes: Any = None, output_axes: Any = None) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight shape, as Keras computes them.

    With both ``input_axes`` and ``output_axes`` given, the fans are the products
    of those dimensions. Otherwise: a scalar has fans 1, a vector its length, a
    matrix ``(in, out)``, and a convolution kernel ``(*spatial, in, out)`` is
    scaled by its receptive field ``prod(spatial)``.
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        fan_in = math.prod(shape[a] for a in input_axes)
        fan_out = math.prod(shape[a] for a in output_axes)
        return int(fan_in), int(fan_out)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    receptive_field = math.prod(shape[:-2])
    return int(shape[-2] * receptive_field), int(shape[-1] * receptive_field)


class RandomInitializer(Initializer):
    """Base of the seeded initializers; handles the ``seed`` argument and its config."""

    def __init__(self, seed: Any = None) -> None:
        self._init_seed = seed
        if seed is None:
            from kcore.random.seed_generator import draw_int

            seed = draw_int()
        elif isinstance(seed, dict):
            seed = _deserialize_seed(seed)
        elif not isinstance(seed, (int, np.integer)) and not _is_seed_generator(seed):
            raise ValueError(
                f"{type(self).__name__}: `seed` must be an int, a kcore.random.SeedGenerator or None. "
                f"Received: seed={seed!r}"
            )
        self.seed = int(seed) if isinstance(seed, np.integer) else seed

    def get_config(self) -> dict:
        return {"seed": _serialize_seed(self._init_seed)}

    @property
    def deferrable(self) -> bool:
        """True for an int seed and kcore's own ``__call__``: the values are sampled on the host with
        NumPy from that seed alone, so sampling them later gives the same weights."""
        owner = next(k for k in type(self).__mro__ if "__call__" in vars(k))
        return isinstance(self.seed, int) and owner.__module__ == __name__


def _is_seed_generator(obj: Any) -> bool:
    from kcore.random import SeedGenerator

    return isinstance(obj, SeedGenerator)


def _serialize_seed(seed: Any) -> Any:
    if seed is None or isinstance(seed, (int, np.integer)):
        return None if seed is None else int(seed)
    if isinstance(seed, dict):
        return seed
    return {"module": "keras.random", "class_name": "SeedGenerator", "config": seed.get_config(),
            "registered_name": None}


def _deserialize_seed(config: dict) -> Any:
    from kcore.random import SeedGenerator

    if config.get("class_name") != "SeedGenerator":
        raise ValueError(f"Cannot deserialize seed {config!r}: expected a SeedGenerator config.")
    inner = config.get("config") or {}
    if hasattr(SeedGenerator, "from_config"):
        return SeedGenerator.from_config(inner)
    return SeedGenerator(**inner)


class RandomNormal(RandomInitializer):
    """Values from a normal distribution.

    Args:
        mean: mean of the values.
        stddev: standard deviation of the values.
        seed: int, ``kcore.random.SeedGenerator`` or None.
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None) -> None:
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape: tuple, dtype: str | None = None) -> Any:
        from kcore.initializers import host_random

        return host_random.normal(standardize_shape(shape, "RandomNormal"), mean=self.mean, stddev=self.stddev,
                             dtype=_float_dtype(dtype, "RandomNormal"), seed=self.seed)

    def get_config(self) -> dict:
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomInitializer):
    """Normal values, redrawn when more than two standard deviations from the mean.

    Args:
        mean: mean of the untruncated distribution.
        stddev: standard deviation of the untruncated distribution.
        seed: int, ``kcore.random.SeedGenerator`` or None.
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None) -> None:
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape: tuple, dtype: str | None = None) -> Any:
        from kcore.initializers import host_random

        return host_random.truncated_normal(standardize_shape(shape, "TruncatedNormal"), mean=self.mean,
                                       stddev=self.stddev, dtype=_float_dtype(dtype, "TruncatedNormal"),
                                       seed=self.seed)

    def get_config(self) -> dict:
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Values uniformly distributed in ``[minval, maxval)``.

    Args:
        minval: lower bound.
        maxval: upper bound (excluded).
        seed: int, ``kcore.random.SeedGenerator`` or None.
    """

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: Any = None) -> None:
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape: tuple, dtype: str | None = None) -> Any:
        from kcore.initializers import host_random

        return host_random.uniform(standardize_shape(shape, "RandomUniform"), minval=self.minval, maxval=self.maxval,
                              dtype=_float_dtype(dtype, "RandomUniform"), seed=self.seed)

    def get_config(self) -> dict:
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


class VarianceScaling(RandomInitializer):
    """Values whose variance is ``scale / n``, with ``n`` a fan of the weight shape.

    ``n`` is ``fan_in``, ``fan_out`` or their average (``mode``); see
    :func:`compute_fans`. ``"truncated_normal"`` and ``"untruncated_normal"``
    draw from a normal with that variance (after truncation); ``"uniform"``
    draws from ``[-limit, limit]`` with ``limit = sqrt(3 * scale / n)``.

    Args:
        scale: positive scaling factor.
        mode: ``"fan_in"``, ``"fan_out"`` or ``"fan_avg"``.
        distribution: ``"truncated_normal"`` (``"normal"`` is an alias),
            ``"untruncated_normal"`` or ``"uniform"``.
        seed: int, ``kcore.random.SeedGenerator`` or None.
        input_axes: axes whose sizes multiply into ``fan_in`` (used together with ``output_axes``).
        output_axes: axes whose sizes multiply into ``fan_out``.
    """

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal",
                 seed: Any = None, input_axes: Any = None, output_axes: Any = None) -> None:
        name = type(self).__name__
        if not scale > 0.0:
            raise ValueError(f"{name}: `scale` must be a positive float. Received: scale={scale}")
        if mode not in _MODES:
            raise ValueError(f"{name}: invalid `mode` {mode!r}; expected one of {_MODES}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in _DISTRIBUTIONS:
            raise ValueError(f"{name}: invalid `distribution` {distribution!r}; expected one of {_DISTRIBUTIONS}")
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def __call__(self, shape: tuple, dtype: str | None = None) -> Any:
        from kcore.initializers import host_random

        name = type(self).__name__
        shape = standardize_shape(shape, name)
        dtype = _float_dtype(dtype, name)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            return host_random.truncated_normal(shape, mean=0.0, stddev=math.sqrt(scale) / _TRUNCATED_STDDEV,
                                           dtype=dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return host_random.normal(shape, mean=0.0, stddev=math.sqrt(scale), dtype=dtype, seed=self.seed)
        limit = math.sqrt(3.0 * scale)
        return host_random.uniform(shape, minval=-limit, maxval=limit, dtype=dtype, seed=self.seed)

    def get_config(self) -> dict:
        return {**super().get_config(), "scale": self.scale, "mode": self.mode,
                "distribution": self.distribution, "input_axes": self.input_axes,
                "output_axes": self.output_axes}


class _FixedVarianceScaling(VarianceScaling):
    """A VarianceScaling preset: only ``seed`` and the fan axes are configurable."""

    _preset: tuple[float, str, str] = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed: Any = None, input_axes: Any = None, output_axes: Any = None) -> None:
        scale, mode, distribution = self._preset
        super().__init__(scale=scale, mode=mode, distribution=distribution, seed=seed,
                         input_axes=input_axes, output_axes=output_axes)

    def get_config(self) -> dict:
        return {"seed": _serialize_seed(self._init_seed), "input_axes": self.input_axes,
                "output_axes": self.output_axes}


class GlorotUniform(_FixedVarianceScaling):
    """Glorot (Xavier) uniform: ``U(-limit, limit)``, ``limit = sqrt(6 / (fan_in + fan_out))``."""

    _preset = (1.0, "fan_avg", "uniform")


class GlorotNormal(_FixedVarianceScaling):
    """Glorot (Xavier) normal: truncated normal with ``stddev = sqrt(2 / (fan_in + fan_out))``."""

    _preset = (1.0, "fan_avg", "truncated_normal")


class LecunNormal(_FixedVarianceScaling):
    """LeCun normal: truncated normal with ``stddev = sqrt(1 / fan_in)``."""

    _preset = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_FixedVarianceScaling):
    """LeCun uniform: ``U(-limit, limit)``, ``limit = sqrt(3 / fan_in)``."""

    _preset = (1.0, "fan_in", "uniform")


class HeNormal(_FixedVarianceScaling):
    """He normal: truncated normal with ``stddev = sqrt(2 / fan_in)``."""

    _preset = (2.0, "fan_in", "truncated_normal")


class HeUniform(_FixedVarianceScaling):
    """He uniform: ``U(-limit, limit)``, ``limit = sqrt(6 / fan_in)``."""

    _preset = (2.0, "fan_in", "uniform")


class Orthogonal(RandomInitializer):
    """A (semi-)orthogonal matrix times ``gain``.

    The weight is seen as a matrix ``(prod(shape[:-1]), shape[-1])``; its rows
    (or columns, whichever are fewer) are orthonormal. The QR factorisation of
    a normal draw runs on the host in NumPy: initializers run eagerly when
    weights are built.

    Args:
        gain: multiplicative factor applied to the orthogonal matrix.
        seed: int, ``kcore.random.SeedGenerator`` or None.
    """

    def __init__(self, gain: float = 1.0, seed: Any = None) -> None:
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape: tuple, dtype: str | None = None) -> Any:
        from kcore import ops
        from kcore.initializers import host_random

        shape = standardize_shape(shape, "Orthogonal")
        dtype = _float_dtype(dtype, "Orthogonal")
        if len(shape) < 2:
            raise ValueError(
                "Orthogonal: the tensor to initialize must be at least two-dimensional. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        num_rows, num_cols = math.prod(shape[:-1]), shape[-1]
        flat_shape = (max(num_rows, num_cols), min(num_rows, num_cols))
        a = ops.convert_to_numpy(host_random.normal(flat_shape, dtype=dtype, seed=self.seed)).astype(np.float64)
        q, r = np.linalg.qr(a)
        d = np.sign(np.diag(r))
        q = q * np.where(d == 0, 1.0, d)  # unique Q: positive diagonal of R
        if num_rows < num_cols:
            q = q.T
        return ops.convert_to_tensor((self.gain * q).reshape(shape), dtype=dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "gain": self.gain}
