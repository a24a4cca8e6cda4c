"""LSTMCell and LSTM (Hochreiter & Schmidhuber, 1997), gates in Keras order i, f, c, o."""

from __future__ import annotations

from kcore import activations, ops
from kcore.layers.input_spec import InputSpec
from kcore.layers.rnn.cell_base import (COMMON_CELL_PROPERTIES, RecurrentCell, check_positive_int, delegate_to_cell,
                                        masked_matmul)
from kcore.layers.rnn.rnn import RNN


def lstm_gates(z, c_prev, activation, recurrent_activation, axis: int = -1):
    """New ``(h, c)`` from the summed pre-activations ``z`` (gates i, f, c, o along ``axis``)."""
    z_i, z_f, z_c, z_o = ops.split(z, 4, axis=axis)
    i = recurrent_activation(z_i)
    f = recurrent_activation(z_f)
    c = ops.add(ops.multiply(f, c_prev), ops.multiply(i, activation(z_c)))
    o = recurrent_activation(z_o)
    return ops.multiply(o, activation(c)), c


class LSTMCell(RecurrentCell):
    """One LSTM step. States: ``[h, c]``.

    Weights: ``kernel`` (input_dim, 4 * units), ``recurrent_kernel`` (units, 4 * units),
    ``bias`` (4 * units,); with ``unit_forget_bias`` the forget-gate bias starts at one.
    """

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias: bool = True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, seed=None, **kwargs) -> None:
        super().__init__(activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
                         recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.units = check_positive_int(self.name, "units", units)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias
        # With recurrent dropout every gate gets its own masks (Keras "implementation 1").
        self.dropout_mask_count = 4 if self.recurrent_dropout > 0 else None
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape) -> None:
        self._add_kernels((input_shape[-1], self.units * 4), (self.units, self.units * 4))
        init = self._forget_bias_initializer(self.units) if self.unit_forget_bias else None
        self._add_bias((self.units * 4,), init)
        self.built = True

    def call(self, inputs, states, training=False):
        h_prev, c_prev = states[0], states[1]
        dp = self.get_dropout_mask(inputs) if training else None
        rec = self.get_recurrent_dropout_mask(h_prev) if training else None
        z = masked_matmul(inputs, self.kernel, dp)
        if self.bias is not None:
            z = ops.add(z, self.bias)
        z = ops.add(z, masked_matmul(h_prev, self.recurrent_kernel, rec))
        h, c = lstm_gates(z, c_prev, self.activation, self.recurrent_activation)
        return h, [h, c]

    def _fused_sequence_step(self, sequences, states, training: bool):
        dp, rec = self._dropout_masks(sequences, states[0], training)
        xs = masked_matmul(sequences, self.kernel, dp)
        if self.bias is not None:
            xs = ops.add(xs, self.bias)
        recurrent_kernel = self.recurrent_kernel.value
        activation, recurrent_activation = self.activation, self.recurrent_activation

        def step(x_t, step_states):
            z = ops.add(x_t, masked_matmul(step_states[0], recurrent_kernel, rec))
            h, c = lstm_gates(z, step_states[1], activation, recurrent_activation)
            return h, [h, c]

        return xs, step

    def get_initial_state(self, batch_size=None) -> list:
        return [ops.zeros((batch_size, d), dtype=self.compute_dtype) for d in self.state_size]

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(self._common_config())
        config.update({
            "units": self.units,
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
        })
        return config


@delegate_to_cell("units", "recurrent_activation", "unit_forget_bias", *COMMON_CELL_PROPERTIES)
class LSTM(RNN):
    """Long Short-Term Memory layer: an :class:`LSTMCell` run over the time axis."""

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias: bool = True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout: float = 0.0, recurrent_dropout: float = 0.0, seed=None,
                 return_sequences: bool = False, return_state: bool = False, go_backwards: bool = False,
                 stateful: bool = False, unroll: bool = False, use_cudnn="auto", **kwargs) -> None:
        cell = LSTMCell(
            units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, unit_forget_bias=unit_forget_bias,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
            name="lstm_cell", seed=seed, implementation=kwargs.pop("implementation", 2),
        )
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
                         stateful=stateful, unroll=unroll, activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=3)
        self._set_use_cudnn(use_cudnn)

    def get_config(self) -> dict:
        return self._cell_layer_config({
            "units": self.units,
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
        })
