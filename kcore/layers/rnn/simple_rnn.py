"""SimpleRNNCell and SimpleRNN: ``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``."""

from __future__ import annotations

from kcore import ops
from kcore.layers.input_spec import InputSpec
from kcore.layers.rnn.cell_base import (COMMON_CELL_PROPERTIES, RecurrentCell, check_positive_int, delegate_to_cell,
                                        masked_matmul)
from kcore.layers.rnn.rnn import RNN


class SimpleRNNCell(RecurrentCell):
    """One step of a fully-connected RNN whose output is fed back as its state.

    Weights: ``kernel`` (input_dim, units), ``recurrent_kernel`` (units, units), ``bias`` (units,).
    """

    def __init__(self, units: int, activation="tanh", use_bias: bool = True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout: float = 0.0, recurrent_dropout: float = 0.0, seed=None,
                 **kwargs) -> None:
        super().__init__(activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
                         recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.units = check_positive_int(self.name, "units", units)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape) -> None:
        self._add_kernels((input_shape[-1], self.units), (self.units, self.units))
        self._add_bias((self.units,))
        self.built = True

    def call(self, sequence, states, training=False):
        prev = states[0] if isinstance(states, (list, tuple)) else states
        dp = self.get_dropout_mask(sequence) if training else None
        rec = self.get_recurrent_dropout_mask(prev) if training else None
        h = masked_matmul(sequence, self.kernel, dp)
        if self.bias is not None:
            h = ops.add(h, self.bias)
        output = ops.add(h, masked_matmul(prev, self.recurrent_kernel, rec))
        if self.activation is not None:
            output = self.activation(output)
        return output, ([output] if isinstance(states, (list, tuple)) else output)

    def _fused_sequence_step(self, sequences, states, training: bool):
        dp, rec = self._dropout_masks(sequences, states[0], training)
        xs = masked_matmul(sequences, self.kernel, dp)
        if self.bias is not None:
            xs = ops.add(xs, self.bias)
        recurrent_kernel, activation = self.recurrent_kernel.value, self.activation

        def step(x_t, step_states):
            output = ops.add(x_t, masked_matmul(step_states[0], recurrent_kernel, rec))
            if activation is not None:
                output = activation(output)
            return output, [output]

        return xs, step

    def get_initial_state(self, batch_size=None) -> list:
        return [ops.zeros((batch_size, self.state_size), dtype=self.compute_dtype)]

    def get_config(self) -> dict:
        config = super().get_config()
        config["units"] = self.units
        config.update(self._common_config())
        return config


@delegate_to_cell("units", *COMMON_CELL_PROPERTIES)
class SimpleRNN(RNN):
    """Fully-connected RNN where the output is fed back to the input (a :class:`SimpleRNNCell` over time)."""

    def __init__(self, units: int, activation="tanh", use_bias: bool = True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 return_sequences: bool = False, return_state: bool = False, go_backwards: bool = False,
                 stateful: bool = False, unroll: bool = False, seed=None, **kwargs) -> None:
        cell = SimpleRNNCell(
            units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed, dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True), name="simple_rnn_cell",
        )
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
                         stateful=stateful, unroll=unroll, activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = [InputSpec(ndim=3)]

    def get_config(self) -> dict:
        config = self._cell_layer_config({"units": self.units})
        del config["seed"]  # Keras' SimpleRNN does not take one
        return config

