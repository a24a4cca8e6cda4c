"""The ``Initializer`` base class (``keras.initializers.Initializer``)."""

from __future__ import annotations

from typing import Any


class Initializer:
    """Base class of weight initializers.

    A subclass implements ``__call__(shape, dtype=None)`` returning a tensor of
    that shape and dtype (``None`` means ``kcore.backend.floatx()``), and
    ``get_config()`` when its constructor takes arguments. The default
    ``from_config`` calls the constructor with the config's items.
    """

    def __call__(self, shape: tuple, dtype: str | None = None) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__} must implement __call__(shape, dtype=None)."
        )

    def get_config(self) -> dict:
        """The constructor arguments as a JSON-serializable dict."""
        return {}

    @property
    def deferrable(self) -> bool:
        """Whether a Variable may call this initializer later than when it is created (on first use of
        the value) and get the same values: true only for kcore's own initializers whose result depends
        on nothing but their config (no SeedGenerator to advance, no user code)."""
        return False

    @classmethod
    def from_config(cls, config: dict) -> "Initializer":
        """A new initializer from the output of :meth:`get_config`."""
        return cls(**config)

    def clone(self) -> "Initializer":
        """A new initializer with the same config."""
        return self.__class__.from_config(self.get_config())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def standardize_shape(shape: Any, name: str) -> tuple:
    """``shape`` as a tuple of non-negative ints, or a ValueError naming the initializer."""
    if isinstance(shape, int):
        shape = (shape,)
    try:
        out = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name}: expected a shape of non-negative ints, received shape={shape!r}"
        ) from None
    if any(d < 0 for d in out):
        raise ValueError(f"{name}: expected a shape of non-negative ints, received shape={shape!r}")
    return out
