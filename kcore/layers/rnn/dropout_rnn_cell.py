"""DropoutRNNCell: variational dropout masks shared by every timestep of one call."""

from __future__ import annotations

from typing import Any

from kcore import ops, random


def check_rate(layer_name: str, arg: str, rate: Any) -> float:
    """``rate`` clipped to ``[0, 1]`` as Keras does; a non-number is an error naming the layer."""
    if isinstance(rate, bool) or not isinstance(rate, (int, float)):
        raise ValueError(f"Layer '{layer_name}': `{arg}` must be a float between 0 and 1, received {arg}={rate!r}")
    return min(1.0, max(0.0, float(rate)))


class DropoutRNNCell:
    """Mixin for cells with ``dropout`` / ``recurrent_dropout`` and a ``seed_generator``.

    A mask is drawn once per RNN call and reused at every step (the same
    units are dropped along the whole sequence). The RNN layer resets the
    cached masks after each call. ``dropout_mask_count`` (when set) draws one
    mask per gate.
    """

    dropout: float = 0.0
    recurrent_dropout: float = 0.0
    dropout_mask_count: int | None = None

    def _create_dropout_mask(self, like, rate: float, count: int | None):
        ones = ops.ones_like(like)
        if count is None:
            return random.dropout(ones, rate, seed=self.seed_generator)
        return [random.dropout(ones, rate, seed=self.seed_generator) for _ in range(count)]

    def get_dropout_mask(self, step_input):
        """The (cached) input mask for ``step_input``-shaped tensors, or None when ``dropout`` is 0."""
        if getattr(self, "_dropout_mask", None) is None and 0.0 < self.dropout < 1.0:
            self._dropout_mask = self._create_dropout_mask(step_input, self.dropout, self.dropout_mask_count)
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_state):
        """The (cached) mask for the previous output, or None when ``recurrent_dropout`` is 0."""
        if getattr(self, "_recurrent_dropout_mask", None) is None and 0.0 < self.recurrent_dropout < 1.0:
            self._recurrent_dropout_mask = self._create_dropout_mask(step_state, self.recurrent_dropout,
                                                                     self.dropout_mask_count)
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self) -> None:
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self) -> None:
        self._recurrent_dropout_mask = None
