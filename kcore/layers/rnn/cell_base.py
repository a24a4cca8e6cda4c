"""Shared pieces of the built-in recurrent cells and of the layers wrapping them."""

from __future__ import annotations

from typing import Any

from kcore import activations, constraints, initializers, ops, random, regularizers
from kcore.layers.layer import Layer
from kcore.layers.rnn.dropout_rnn_cell import DropoutRNNCell, check_rate


def check_positive_int(layer_name: str, arg: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"Layer '{layer_name}': `{arg}` must be a positive integer, received {arg}={value!r}")
    return value


class RecurrentCell(Layer, DropoutRNNCell):
    """Base of the built-in cells: activation, weight initializers/regularizers/constraints, dropout, seed."""

    def __init__(self, activation="tanh", use_bias: bool = True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout: float = 0.0, recurrent_dropout: float = 0.0, seed=None,
                 **kwargs) -> None:
        kwargs.pop("implementation", None)  # Keras 2 argument; one implementation here
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = check_rate(self.name, "dropout", dropout)
        self.recurrent_dropout = check_rate(self.name, "recurrent_dropout", recurrent_dropout)
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self._seed_generators.append(self.seed_generator)

    def _add_kernels(self, kernel_shape: tuple, recurrent_shape: tuple) -> None:
        self.kernel = self.add_weight(shape=kernel_shape, initializer=self.kernel_initializer, name="kernel",
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=recurrent_shape, initializer=self.recurrent_initializer,
                                                name="recurrent_kernel", regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)

    def _add_bias(self, shape: tuple, initializer=None) -> None:
        self.bias = self.add_weight(shape=shape, initializer=initializer or self.bias_initializer, name="bias",
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None

    def _forget_bias_initializer(self, units: int):
        """LSTM bias initializer: ``bias_initializer`` everywhere but ones for the forget gate."""
        base = self.bias_initializer
        ones = initializers.get("ones")

        def init(shape, dtype=None):
            return ops.concatenate([base((units,), dtype=dtype), ones((units,), dtype=dtype),
                                    base((units * 2,), dtype=dtype)])

        return init

    def _common_config(self) -> dict:
        return {
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }

    def _dropout_masks(self, sequences, h0, training: bool):
        """``(input_mask, recurrent_mask)`` for one RNN call; the input mask is expanded over time."""
        if not training:
            return None, None
        step_like = ops.getitem(sequences, (slice(None), 0))
        dp = self.get_dropout_mask(step_like)
        rec = self.get_recurrent_dropout_mask(h0)
        if dp is not None:
            dp = [ops.expand_dims(m, 1) for m in dp] if isinstance(dp, list) else ops.expand_dims(dp, 1)
        return dp, rec


def masked_matmul(x, kernel, masks):
    """``x @ kernel`` where ``x`` is first multiplied by dropout ``masks``.

    ``masks`` is None, one mask, or a list of one mask per gate (``kernel``'s
    last axis is split into that many gates).
    """
    if masks is None:
        return ops.matmul(x, kernel)
    if not isinstance(masks, list):
        return ops.matmul(ops.multiply(x, masks), kernel)
    kernels = ops.split(kernel, len(masks), axis=-1)
    return ops.concatenate([ops.matmul(ops.multiply(x, m), k) for m, k in zip(masks, kernels)], axis=-1)


def delegate_to_cell(*names: str):
    """Class decorator: read-only properties forwarding ``names`` to ``self.cell``."""
    def decorate(cls):
        for n in names:
            setattr(cls, n, property(lambda self, n=n: getattr(self.cell, n), doc=f"The cell's `{n}`."))
        return cls
    return decorate


COMMON_CELL_PROPERTIES = (
    "activation", "use_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer",
    "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
    "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout",
)
