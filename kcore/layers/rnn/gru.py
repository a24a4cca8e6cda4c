"""GRUCell and GRU (Cho et al., 2014), gates in Keras order z (update), r (reset), h (candidate)."""

from __future__ import annotations

from kcore import activations, ops
from kcore.layers.input_spec import InputSpec
from kcore.layers.rnn.cell_base import (COMMON_CELL_PROPERTIES, RecurrentCell, check_positive_int, delegate_to_cell,
                                        masked_matmul)
from kcore.layers.rnn.rnn import RNN


class GRUCell(RecurrentCell):
    """One GRU step. State: ``[h]``.

    Weights: ``kernel`` (input_dim, 3 * units), ``recurrent_kernel`` (units, 3 * units) and ``bias``:
    (2, 3 * units) -- input and recurrent biases -- with ``reset_after=True`` (the default, cuDNN
    compatible: the reset gate multiplies ``h @ recurrent_kernel``), else (3 * units,) with the reset
    gate applied to ``h`` before the matmul.
    """

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 reset_after: bool = True, seed=None, **kwargs) -> None:
        super().__init__(activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
                         recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.units = check_positive_int(self.name, "units", units)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = reset_after
        self.dropout_mask_count = 3 if self.recurrent_dropout > 0 else None
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape) -> None:
        self._add_kernels((input_shape[-1], self.units * 3), (self.units, self.units * 3))
        self._add_bias((2, 3 * self.units) if self.reset_after else (3 * self.units,))
        self.built = True

    def _biases(self):
        """``(input_bias, recurrent_bias)`` tensors (None where absent)."""
        if self.bias is None:
            return None, None
        if not self.reset_after:
            return self.bias.value, None
        bias = self.bias.value
        return ops.getitem(bias, 0), ops.getitem(bias, 1)

    def _make_step(self, rec_masks, recurrent_bias):
        """``step(x_proj_t, [h]) -> (h, [h])`` given the projected input of one timestep."""
        units, reset_after = self.units, self.reset_after
        activation, recurrent_activation = self.activation, self.recurrent_activation
        rk = self.recurrent_kernel.value
        rk_zr = ops.getitem(rk, (slice(None), slice(None, 2 * units)))
        rk_h = ops.getitem(rk, (slice(None), slice(2 * units, None)))
        masks = rec_masks if isinstance(rec_masks, list) else [rec_masks] * 3

        def step(x_t, states):
            h_prev = states[0]
            x_z, x_r, x_h = ops.split(x_t, 3, axis=-1)
            if reset_after:
                inner = masked_matmul(h_prev, rk, rec_masks)
                if recurrent_bias is not None:
                    inner = ops.add(inner, recurrent_bias)
                r_z, r_r, r_h = ops.split(inner, 3, axis=-1)
            else:
                zr_masks = rec_masks[:2] if isinstance(rec_masks, list) else rec_masks
                r_z, r_r = ops.split(masked_matmul(h_prev, rk_zr, zr_masks), 2, axis=-1)
            z = recurrent_activation(ops.add(x_z, r_z))
            r = recurrent_activation(ops.add(x_r, r_r))
            if reset_after:
                r_h = ops.multiply(r, r_h)
            else:
                h_in = h_prev if masks[2] is None else ops.multiply(h_prev, masks[2])
                r_h = ops.matmul(ops.multiply(r, h_in), rk_h)
            hh = activation(ops.add(x_h, r_h))
            h = ops.add(ops.multiply(z, h_prev), ops.multiply(ops.subtract(1.0, z), hh))
            return h, [h]

        return step

    def call(self, inputs, states, training=False):
        is_list = isinstance(states, (list, tuple))
        h_prev = states[0] if is_list else states
        dp = self.get_dropout_mask(inputs) if training else None
        rec = self.get_recurrent_dropout_mask(h_prev) if training else None
        input_bias, recurrent_bias = self._biases()
        x = masked_matmul(inputs, self.kernel, dp)
        if input_bias is not None:
            x = ops.add(x, input_bias)
        h, _ = self._make_step(rec, recurrent_bias)(x, [h_prev])
        return h, ([h] if is_list else h)

    def _fused_sequence_step(self, sequences, states, training: bool):
        dp, rec = self._dropout_masks(sequences, states[0], training)
        input_bias, recurrent_bias = self._biases()
        xs = masked_matmul(sequences, self.kernel, dp)
        if input_bias is not None:
            xs = ops.add(xs, input_bias)
        return xs, self._make_step(rec, recurrent_bias)

    def get_initial_state(self, batch_size=None) -> list:
        return [ops.zeros((batch_size, self.state_size), dtype=self.compute_dtype)]

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(self._common_config())
        config.update({
            "units": self.units,
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "reset_after": self.reset_after,
        })
        return config


@delegate_to_cell("units", "recurrent_activation", "reset_after", *COMMON_CELL_PROPERTIES)
class GRU(RNN):
    """Gated Recurrent Unit layer: a :class:`GRUCell` run over the time axis."""

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed=None, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False, reset_after: bool = True,
                 use_cudnn="auto", **kwargs) -> None:
        cell = GRUCell(
            units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
            reset_after=reset_after, dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
            name="gru_cell", seed=seed, implementation=kwargs.pop("implementation", 2),
        )
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
                         stateful=stateful, unroll=unroll, activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=3)
        self._set_use_cudnn(use_cudnn)

    def get_config(self) -> dict:
        return self._cell_layer_config({
            "units": self.units,
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "reset_after": self.reset_after,
        })
