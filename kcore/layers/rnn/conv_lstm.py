"""ConvLSTMCell and ConvLSTM: an LSTM whose input and recurrent transforms are convolutions.

``ConvLSTM1D/2D/3D`` (their own modules) fix the rank.
"""

from __future__ import annotations

from kcore import activations, ops
from kcore.backend import image_data_format
from kcore.layers.input_spec import InputSpec
from kcore.layers.rnn.cell_base import COMMON_CELL_PROPERTIES, RecurrentCell, check_positive_int, delegate_to_cell
from kcore.layers.rnn.lstm import lstm_gates
from kcore.layers.rnn.rnn import RNN


def _tuple_arg(layer_name: str, arg: str, value, rank: int, allow_zero: bool = False) -> tuple:
    values = (value,) * rank if isinstance(value, int) and not isinstance(value, bool) else tuple(value)
    low = 0 if allow_zero else 1
    if len(values) != rank or not all(isinstance(v, int) and not isinstance(v, bool) and v >= low for v in values):
        raise ValueError(
            f"Layer '{layer_name}': `{arg}` must be an integer or a tuple of {rank} integers >= {low}, "
            f"received {arg}={value!r}"
        )
    return values


def _conv_length(length, window: int, stride: int, padding: str, dilation: int):
    if length is None:
        return None
    window = (window - 1) * dilation + 1
    if padding == "same":
        return (length + stride - 1) // stride
    return (length - window) // stride + 1


class ConvLSTMCell(RecurrentCell):
    """One ConvLSTM step on ``(batch, *spatial, channels)`` inputs (channels first with ``data_format``).

    Weights: ``kernel`` (*kernel_size, channels, 4 * filters), ``recurrent_kernel``
    (*kernel_size, filters, 4 * filters), ``bias`` (4 * filters,); gates i, f, c, o.
    """

    def __init__(self, rank: int, filters: int, kernel_size, strides=1, padding: str = "valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
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
        if rank not in (1, 2, 3):
            raise ValueError(f"Layer '{self.name}': rank {rank!r} convolutions are not implemented; use 1, 2 or 3")
        self.rank = rank
        self.filters = check_positive_int(self.name, "filters", filters)
        self.kernel_size = _tuple_arg(self.name, "kernel_size", kernel_size, rank)
        self.strides = _tuple_arg(self.name, "strides", strides, rank)
        padding = padding.lower() if isinstance(padding, str) else padding
        if padding not in ("valid", "same"):
            raise ValueError(f"Layer '{self.name}': `padding` must be 'valid' or 'same', received padding={padding!r}")
        self.padding = padding
        data_format = image_data_format() if data_format is None else str(data_format).lower()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(
                f"Layer '{self.name}': `data_format` must be 'channels_last' or 'channels_first', "
                f"received data_format={data_format!r}"
            )
        self.data_format = data_format
        self.dilation_rate = _tuple_arg(self.name, "dilation_rate", dilation_rate, rank)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"Layer '{self.name}': `strides > 1` is not compatible with `dilation_rate > 1`. "
                f"Received strides={self.strides} and dilation_rate={self.dilation_rate}"
            )
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias
        self.dropout_mask_count = 4
        self.input_spec = InputSpec(ndim=rank + 2)
        self.state_size = -1  # the state shape depends on the input's spatial shape

    @property
    def _channel_axis(self) -> int:
        return -1 if self.data_format == "channels_last" else 1

    def build(self, inputs_shape) -> None:
        inputs_shape = tuple(inputs_shape)
        if self.data_format == "channels_first":
            self.spatial_dims = tuple(inputs_shape[2:])
        else:
            self.spatial_dims = tuple(inputs_shape[1:-1])
        if None in self.spatial_dims:
            raise ValueError(
                f"ConvLSTM layer '{self.name}' only supports static spatial dimensions. "
                f"Received input_shape={inputs_shape}"
            )
        channels = inputs_shape[self._channel_axis]
        if channels is None:
            raise ValueError(
                f"ConvLSTM layer '{self.name}': the channel dimension of the inputs must be defined. "
                f"Received input_shape={inputs_shape}"
            )
        self.input_dim = channels
        self._add_kernels(self.kernel_size + (channels, self.filters * 4),
                          self.kernel_size + (self.filters, self.filters * 4))
        init = self._forget_bias_initializer(self.filters) if self.unit_forget_bias else None
        self._add_bias((self.filters * 4,), init)
        self.built = True

    def compute_output_shape(self, inputs_shape, states_shape=None):
        inputs_shape = tuple(inputs_shape)
        spatial = inputs_shape[2:] if self.data_format == "channels_first" else inputs_shape[1:-1]
        out = tuple(_conv_length(n, k, s, self.padding, d)
                    for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate))
        if self.data_format == "channels_first":
            shape = (inputs_shape[0], self.filters) + out
        else:
            shape = (inputs_shape[0],) + out + (self.filters,)
        return shape, [shape, shape]

    def get_initial_state(self, batch_size=None) -> list:
        if self.data_format == "channels_last":
            input_shape = (batch_size,) + self.spatial_dims + (self.input_dim,)
        else:
            input_shape = (batch_size, self.input_dim) + self.spatial_dims
        shape = self.compute_output_shape(input_shape)[0]
        return [ops.zeros(shape, dtype=self.compute_dtype), ops.zeros(shape, dtype=self.compute_dtype)]

    def _bias_shape(self) -> tuple:
        if self.data_format == "channels_last":
            return (1,) * (self.rank + 1) + (self.filters * 4,)
        return (1, self.filters * 4) + (1,) * self.rank

    def _input_conv(self, gate_inputs: list):
        """Input convolution for the four gates, plus bias.

        ``gate_inputs`` is ``[x]`` (one conv with the whole kernel) or one
        dropout-masked input per gate (one conv per kernel slice).
        """
        kernel = self.kernel.value
        kernels = [kernel] if len(gate_inputs) == 1 else ops.split(kernel, 4, axis=-1)
        outs = [ops.conv(x, k, strides=self.strides, padding=self.padding, data_format=self.data_format,
                         dilation_rate=self.dilation_rate) for x, k in zip(gate_inputs, kernels)]
        out = outs[0] if len(outs) == 1 else ops.concatenate(outs, axis=self._channel_axis)
        if self.bias is not None:
            out = ops.add(out, ops.reshape(self.bias.value, self._bias_shape()))
        return out

    def _make_step(self, rec_masks):
        recurrent_kernel = self.recurrent_kernel.value
        kernels = ops.split(recurrent_kernel, 4, axis=-1) if rec_masks is not None else None
        axis, data_format = self._channel_axis, self.data_format
        activation, recurrent_activation = self.activation, self.recurrent_activation

        def recurrent_conv(h):
            if rec_masks is None:
                return ops.conv(h, recurrent_kernel, strides=1, padding="same", data_format=data_format)
            return ops.concatenate([ops.conv(ops.multiply(h, m), k, strides=1, padding="same", data_format=data_format)
                                    for m, k in zip(rec_masks, kernels)], axis=axis)

        def step(x_t, states):
            z = ops.add(x_t, recurrent_conv(states[0]))
            h, c = lstm_gates(z, states[1], activation, recurrent_activation, axis=axis)
            return h, [h, c]

        return step

    def call(self, inputs, states, training=False):
        dp = self.get_dropout_mask(inputs) if training else None
        rec = self.get_recurrent_dropout_mask(states[0]) if training else None
        gate_inputs = [inputs] if dp is None else [ops.multiply(inputs, m) for m in dp]
        return self._make_step(rec)(self._input_conv(gate_inputs), states)

    def _fused_sequence_step(self, sequences, states, training: bool):
        dp, rec = self._dropout_masks(sequences, states[0], training)
        shape = ops.shape(sequences)
        gate_inputs = [sequences] if dp is None else [ops.multiply(sequences, m) for m in dp]
        # Fold time into the batch: one convolution for every timestep at once.
        folded = [ops.reshape(x, (-1,) + tuple(shape[2:])) for x in gate_inputs]
        xs = self._input_conv(folded)
        xs = ops.reshape(xs, (shape[0], shape[1]) + tuple(ops.shape(xs)[1:]))
        return xs, self._make_step(rec)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(self._common_config())
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
        })
        return config


@delegate_to_cell("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
                  "recurrent_activation", "unit_forget_bias", *COMMON_CELL_PROPERTIES)
class ConvLSTM(RNN):
    """N-D convolutional LSTM (base of ConvLSTM1D/2D/3D): inputs ``(batch, time, *spatial, channels)``."""

    def __init__(self, rank: int, filters: int, kernel_size, strides=1, padding: str = "valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias: bool = True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout: float = 0.0, recurrent_dropout: float = 0.0, seed=None,
                 return_sequences: bool = False, return_state: bool = False, go_backwards: bool = False,
                 stateful: bool = False, **kwargs) -> None:
        cell = ConvLSTMCell(
            rank=rank, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
            name="conv_lstm_cell", dtype=kwargs.get("dtype"),
        )
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
                         stateful=stateful, activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=rank + 3)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        batch, steps = sequences_shape[0], sequences_shape[1]
        state_shape = self.cell.compute_output_shape((batch,) + sequences_shape[2:])[0][1:]
        output_shape = (batch, steps) + state_shape if self.return_sequences else (batch,) + state_shape
        if self.return_state:
            return output_shape, (batch,) + state_shape, (batch,) + state_shape
        return output_shape

    def compute_mask(self, inputs, mask=None):
        from kcore.graph import nest

        mask = nest.flatten(mask)[0] if mask is not None else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask, None, None]
        return output_mask

    def get_config(self) -> dict:
        return self._cell_layer_config({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
        })
