"""GroupNormalization: normalizes each sample over groups of channels."""

from __future__ import annotations

from kcore import constraints, initializers, ops, regularizers
from kcore.dtypes import result_type
from kcore.layers.input_spec import InputSpec
from kcore.layers.layer import Layer


class GroupNormalization(Layer):
    """Split the channels on ``axis`` into ``groups`` and normalize each sample within each group.

    ``groups=-1`` gives instance normalization (one channel per group),
    ``groups=1`` layer normalization over all non-batch axes. ``gamma`` and
    ``beta`` are per channel.
    """

    def __init__(self, groups: int = 32, axis: int = -1, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs) -> None:
        if not isinstance(groups, int) or isinstance(groups, bool) or (groups <= 0 and groups != -1):
            raise ValueError(
                "GroupNormalization: `groups` should be a positive integer (or -1 for instance normalization). "
                f"Received: groups={groups!r}"
            )
        super().__init__(**kwargs)
        self.supports_masking = True
        self.autocast = False
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.gamma = None
        self.beta = None

    def _check_axis(self, input_shape) -> int:
        rank = len(input_shape)
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"GroupNormalization layer '{self.name}': axis {self.axis} is out of bounds for input shape "
                f"{tuple(input_shape)}. Received: axis={self.axis}"
            )
        return self.axis % rank

    def build(self, input_shape) -> None:
        input_shape = tuple(input_shape)
        axis = self._check_axis(input_shape)
        dim = input_shape[axis]
        if dim is None:
            raise ValueError(
                f"GroupNormalization layer '{self.name}': axis {self.axis} of the input must have a known size. "
                f"Received: input_shape={input_shape}"
            )
        if self.groups == -1:
            self.groups = dim
        if dim < self.groups or dim % self.groups:
            raise ValueError(
                f"GroupNormalization layer '{self.name}': the number of channels ({dim}) must be a multiple of "
                f"`groups` ({self.groups}). Received: input_shape={input_shape}"
            )
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: dim})
        if self.scale:
            self.gamma = self.add_weight(shape=(dim,), name="gamma", initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         autocast=False)
        if self.center:
            self.beta = self.add_weight(shape=(dim,), name="beta", initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        autocast=False)
        rank = len(input_shape)
        per_group = dim // self.groups
        self._param_shape = tuple([1] * axis + [self.groups, per_group] + [1] * (rank - axis - 1))
        self._reduction_axes = tuple(a for a in range(1, rank + 1) if a != axis)
        self._axis = axis
        self.built = True

    def call(self, inputs):
        in_dtype = ops.dtype(inputs)
        dtype = result_type(in_dtype, "float32")
        shape = list(ops.shape(inputs))
        grouped = [-1] + shape[1:self._axis] + [self.groups, shape[self._axis] // self.groups] + shape[self._axis + 1:]
        x = ops.reshape(inputs, grouped)
        if in_dtype != dtype:
            x = ops.cast(x, dtype)
        mean, variance = ops.moments(x, axes=self._reduction_axes, keepdims=True)
        inv = ops.rsqrt(ops.add(variance, self.epsilon))
        if self.gamma is not None:
            inv = ops.multiply(inv, ops.cast(ops.reshape(self.gamma, self._param_shape), dtype))
        offset = ops.multiply(ops.negative(mean), inv)
        if self.beta is not None:
            offset = ops.add(offset, ops.cast(ops.reshape(self.beta, self._param_shape), dtype))
        out = ops.add(ops.multiply(x, inv), offset)
        if in_dtype != dtype:
            out = ops.cast(out, in_dtype)
        out = ops.reshape(out, [-1] + shape[1:])
        return out if ops.dtype(out) == self.compute_dtype else ops.cast(out, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        self._check_axis(input_shape)
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        })
        return config
