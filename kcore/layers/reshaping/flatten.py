"""Flatten: collapse every non-batch axis into one."""

from __future__ import annotations

import math

from kcore import ops
from kcore.layers.convolutional.conv_utils import autocast_dtype, data_format_arg
from kcore.layers.input_spec import InputSpec
from kcore.layers.layer import Layer


def reshape_batch(x, tail: tuple):
    """Reshape ``x`` to ``(batch, *tail)``; ``tail`` holds ints, at most one ``-1``."""
    if -1 not in tail and math.prod(tail) > 0:
        return ops.reshape(x, (-1, *tail))
    return ops.reshape(x, (ops.shape(x)[0], *tail))


class Flatten(Layer):
    """``(batch, d1, ..., dn)`` to ``(batch, d1 * ... * dn)``; ``(batch,)`` becomes ``(batch, 1)``.

    With ``data_format="channels_first"`` the channel axis is moved last first,
    so the flattened order matches a channels-last model.
    """

    def __init__(self, data_format=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.data_format = data_format_arg(self, data_format)
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        shape = ops.shape(inputs)
        rank = len(shape)
        if self.data_format == "channels_first" and rank > 2:
            inputs = ops.transpose(inputs, (0, *range(2, rank), 1))
        dims = shape[1:]
        if all(isinstance(d, int) for d in dims):
            return reshape_batch(inputs, (math.prod(dims),))
        return reshape_batch(inputs, (-1,))

    def compute_output_shape(self, input_shape):
        dims = tuple(input_shape[1:])
        return (input_shape[0], None if None in dims else math.prod(dims))

    def _output_dtype(self, input_dtype: str) -> str:
        return autocast_dtype(self, input_dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
