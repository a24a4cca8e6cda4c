"""BaseSeparableConv: depthwise then pointwise convolution, shared by SeparableConv1D and SeparableConv2D."""

from __future__ import annotations

from kcore import activations, constraints, initializers, ops, regularizers
from kcore.layers.convolutional.conv_utils import (bias_and_activation, bias_weight, channels_input_spec,
                                                   check_strides_dilation, data_format_arg, input_channels,
                                                   join_shape, padding_arg, positive_int, spatial_tuple,
                                                   windowed_output_spatial)
from kcore.layers.layer import Layer


class BaseSeparableConv(Layer):
    """A depthwise convolution (``depth_multiplier`` filters per channel) followed by a 1x1 convolution.

    Weights, in creation order: ``depthwise_kernel`` of shape
    ``kernel_size + (in_channels, depth_multiplier)``, ``pointwise_kernel`` of
    shape ``(1,) * rank + (in_channels * depth_multiplier, filters)``, ``bias``.
    """

    def __init__(self, rank: int, depth_multiplier: int = 1, filters: int = 1, kernel_size=3, strides=1,
                 padding: str = "valid", data_format=None, dilation_rate=1, activation=None, use_bias: bool = True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.depth_multiplier = positive_int(self, "depth_multiplier", depth_multiplier)
        self.filters = positive_int(self, "filters", filters)
        self.kernel_size = spatial_tuple(self, "kernel_size", kernel_size, rank)
        self.strides = spatial_tuple(self, "strides", strides, rank)
        self.dilation_rate = spatial_tuple(self, "dilation_rate", dilation_rate, rank)
        check_strides_dilation(self)
        self.padding = padding_arg(self, padding)
        self.data_format = data_format_arg(self, data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape) -> None:
        channels = input_channels(self, input_shape, self.rank, self.data_format)
        self.compute_output_shape(input_shape)
        self.depthwise_kernel = self.add_weight(
            shape=self.kernel_size + (channels, self.depth_multiplier), initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer, constraint=self.depthwise_constraint, name="depthwise_kernel")
        self.pointwise_kernel = self.add_weight(
            shape=(1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint, name="pointwise_kernel")
        self.bias = bias_weight(self, self.filters)
        self.input_spec = channels_input_spec(self, channels)
        self.built = True

    def call(self, inputs):
        x = ops.separable_conv(inputs, self.depthwise_kernel, self.pointwise_kernel, self.strides, self.padding,
                               self.data_format, self.dilation_rate)
        return bias_and_activation(self, x)

    def compute_output_shape(self, input_shape):
        batch, out, _ = windowed_output_spatial(self, input_shape, self.padding)
        return join_shape(batch, out, self.filters, self.data_format)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
            "pointwise_constraint": constraints.serialize(self.pointwise_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return config
