"""BaseConv: the N-D convolution layer shared by Conv1D, Conv2D and Conv3D."""

from __future__ import annotations

from kcore import activations, constraints, initializers, ops, regularizers
from kcore.layers.convolutional.conv_utils import (bias_and_activation, bias_weight, channels_input_spec,
                                                   check_strides_dilation, data_format_arg, describe, input_channels,
                                                   join_shape, padding_arg, positive_int, spatial_tuple,
                                                   windowed_output_spatial)
from kcore.layers.layer import Layer


class BaseConv(Layer):
    """N-D convolution: ``activation(conv(inputs, kernel) + bias)``.

    ``kernel`` has shape ``kernel_size + (in_channels // groups, filters)``;
    with ``groups > 1`` the channels are split into ``groups`` blocks, each
    convolved with its own ``filters // groups`` filters.
    """

    def __init__(self, rank: int, filters: int, kernel_size, strides=1, padding: str = "valid", data_format=None,
                 dilation_rate=1, groups: int = 1, activation=None, use_bias: bool = True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 lora_rank: int | None = None, lora_alpha: float | None = None, **kwargs) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        positive_int(self, "filters", filters)
        positive_int(self, "groups", groups)
        if filters % groups:
            raise ValueError(
                f"{describe(self)}: `filters` must be divisible by `groups`, received filters={filters}, "
                f"groups={groups}"
            )
        self.filters = filters
        self.groups = groups
        self.kernel_size = spatial_tuple(self, "kernel_size", kernel_size, rank)
        self.strides = spatial_tuple(self, "strides", strides, rank)
        self.dilation_rate = spatial_tuple(self, "dilation_rate", dilation_rate, rank)
        check_strides_dilation(self)
        self.padding = padding_arg(self, padding, allow_causal=rank == 1)
        self.data_format = data_format_arg(self, data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False

    # ----------------------------------------------------------- weights
    def build(self, input_shape) -> None:
        channels = input_channels(self, input_shape, self.rank, self.data_format)
        if channels % self.groups:
            raise ValueError(
                f"{describe(self)}: the number of input channels ({channels}) must be divisible by "
                f"groups={self.groups}; received an input of shape {tuple(input_shape)}"
            )
        self.compute_output_shape(input_shape)
        self._kernel = self.add_weight(shape=self.kernel_size + (channels // self.groups, self.filters),
                                       initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                       constraint=self.kernel_constraint, name="kernel")
        self.bias = bias_weight(self, self.filters)
        self.input_spec = channels_input_spec(self, channels)
        self.built = True
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    @property
    def kernel(self):
        """The kernel variable, plus ``lora_alpha / lora_rank * (a @ b)`` when LoRA is enabled."""
        if not self.built:
            raise AttributeError(f"{describe(self)} is not built yet, so it has no `kernel`.")
        if not self.lora_enabled:
            return self._kernel
        delta = ops.matmul(self.lora_kernel_a, self.lora_kernel_b)
        return ops.add(self._kernel, ops.multiply(delta, self.lora_alpha / self.lora_rank))

    def enable_lora(self, rank: int, lora_alpha: float | None = None, a_initializer="he_uniform",
                    b_initializer="zeros") -> None:
        """Freeze the kernel and learn a low-rank update ``a @ b`` of rank ``rank`` instead."""
        if self.kernel_constraint is not None:
            raise ValueError(f"{describe(self)}: LoRA cannot be enabled on a layer with a `kernel_constraint`.")
        if not self.built:
            raise ValueError(f"{describe(self)}: LoRA can only be enabled once the layer is built.")
        if self.lora_enabled:
            raise ValueError(f"{describe(self)}: LoRA is already enabled; it can be enabled only once.")
        self.lora_kernel_a = self.add_weight(shape=tuple(self._kernel.shape[:-1]) + (rank,),
                                             initializer=initializers.get(a_initializer), dtype="float32",
                                             regularizer=self.kernel_regularizer, name="lora_kernel_a")
        self.lora_kernel_b = self.add_weight(shape=(rank, self.filters), initializer=initializers.get(b_initializer),
                                             dtype="float32", regularizer=self.kernel_regularizer,
                                             name="lora_kernel_b")
        self._kernel.trainable = False
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    # ----------------------------------------------------------- compute
    def convolution_op(self, inputs, kernel):
        """``conv(inputs, kernel)`` with the layer's strides, padding and dilation, honouring ``groups``."""
        padding = self.padding
        if padding == "causal":
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            pads = [(0, 0), (left, 0), (0, 0)] if self.data_format == "channels_last" else [(0, 0), (0, 0), (left, 0)]
            inputs = ops.pad(inputs, pads)
            padding = "valid"
        if self.groups == 1:
            return ops.conv(inputs, kernel, self.strides, padding, self.data_format, self.dilation_rate)
        axis = -1 if self.data_format == "channels_last" else 1
        xs = ops.split(inputs, self.groups, axis=axis)
        ks = ops.split(kernel, self.groups, axis=-1)
        outs = [ops.conv(x, k, self.strides, padding, self.data_format, self.dilation_rate) for x, k in zip(xs, ks)]
        return ops.concatenate(outs, axis=axis)

    def call(self, inputs):
        return bias_and_activation(self, self.convolution_op(inputs, self.kernel))

    def compute_output_shape(self, input_shape):
        padding = "same" if self.padding == "causal" else self.padding
        batch, out, _ = windowed_output_spatial(self, input_shape, padding)
        return join_shape(batch, out, self.filters, self.data_format)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
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
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        return config
