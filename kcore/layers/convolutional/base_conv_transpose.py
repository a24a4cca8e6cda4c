"""BaseConvTranspose: the N-D transposed convolution shared by Conv1DTranspose, Conv2DTranspose, Conv3DTranspose."""

from __future__ import annotations

from kcore import activations, constraints, initializers, ops, regularizers
from kcore.layers.convolutional.conv_utils import (bias_and_activation, bias_weight, channels_input_spec,
                                                   check_input_rank, check_output_spatial, check_strides_dilation,
                                                   conv_transpose_output_length, data_format_arg, describe,
                                                   input_channels, join_shape, padding_arg, positive_int,
                                                   spatial_tuple, split_shape)
from kcore.layers.layer import Layer


class BaseConvTranspose(Layer):
    """Transposed convolution (the gradient of a convolution with respect to its input).

    ``kernel`` has shape ``kernel_size + (filters, in_channels)``. Each output
    spatial size follows Keras: ``n * stride + max(k - stride, 0)`` for
    "valid" and ``n * stride`` for "same" when ``output_padding`` is None.
    """

    def __init__(self, rank: int, filters: int, kernel_size, strides=1, padding: str = "valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias: bool = True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.filters = positive_int(self, "filters", filters)
        self.kernel_size = spatial_tuple(self, "kernel_size", kernel_size, rank)
        self.strides = spatial_tuple(self, "strides", strides, rank)
        self.dilation_rate = spatial_tuple(self, "dilation_rate", dilation_rate, rank)
        self.padding = padding_arg(self, padding)
        self.output_padding = (None if output_padding is None
                               else spatial_tuple(self, "output_padding", output_padding, rank, minimum=0))
        check_strides_dilation(self)
        if self.output_padding is not None:
            for i, (p, s) in enumerate(zip(self.output_padding, self.strides)):
                if p >= s:
                    raise ValueError(
                        f"{describe(self)}: each `output_padding` value must be smaller than the matching stride; "
                        f"at axis {i} received output_padding={self.output_padding}, strides={self.strides}"
                    )
        self.data_format = data_format_arg(self, data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape) -> None:
        channels = input_channels(self, input_shape, self.rank, self.data_format)
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(shape=self.kernel_size + (self.filters, channels),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, name="kernel")
        self.bias = bias_weight(self, self.filters)
        self.input_spec = channels_input_spec(self, channels)
        self.built = True

    def call(self, inputs):
        x = ops.conv_transpose(inputs, self.kernel, self.strides, self.padding, self.output_padding,
                               self.data_format, self.dilation_rate)
        return bias_and_activation(self, x)

    def compute_output_shape(self, input_shape):
        check_input_rank(self, input_shape, self.rank, self.data_format)
        batch, spatial, _ = split_shape(input_shape, self.data_format)
        out_pad = self.output_padding or (None,) * self.rank
        out = tuple(conv_transpose_output_length(d, k, s, self.padding, p, r)
                    for d, k, s, p, r in zip(spatial, self.kernel_size, self.strides, out_pad, self.dilation_rate))
        check_output_spatial(self, input_shape, out, f"kernel_size={self.kernel_size} and padding={self.padding!r}")
        return join_shape(batch, out, self.filters, self.data_format)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "output_padding": self.output_padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return config
