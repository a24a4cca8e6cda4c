"""LayerNormalization: normalizes each sample over ``axis`` (the features)."""

from __future__ import annotations

import warnings

from kcore import constraints, initializers, ops, regularizers
from kcore.dtypes import result_type
from kcore.layers.layer import Layer


class LayerNormalization(Layer):
    """Normalize each sample over ``axis``: ``gamma * (x - mean) / sqrt(var + epsilon) + beta``.

    ``axis`` is an int or a list of ints; ``gamma`` and ``beta`` have the
    shape of those axes. ``rms_scaling=True`` (deprecated in Keras, kept for
    compatibility) skips the centering: ``x * gamma / sqrt(var + epsilon)``.
    The statistics are computed in at least float32.
    """

    def __init__(self, axis=-1, epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, *, rms_scaling: bool = False, **kwargs) -> None:
        if rms_scaling:
            warnings.warn(
                "LayerNormalization(rms_scaling=True) is deprecated: it scales by the variance, not the root mean "
                "square. Use an RMS normalization layer for true RMS normalization.",
                stacklevel=2,
            )
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(
                f"LayerNormalization layer '{self.name}': `axis` should be an int or a list/tuple of ints. "
                f"Received: axis={axis!r}"
            )
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.autocast = False
        self.gamma = None
        self.beta = None
        self._axes: tuple[int, ...] | None = None
        self._param_shape: tuple | None = None

    def _canonical_axes(self, input_shape) -> tuple[int, ...]:
        rank = len(input_shape)
        axes = [self.axis] if isinstance(self.axis, int) else list(self.axis)
        for a in axes:
            if not -rank <= a < rank:
                raise ValueError(
                    f"LayerNormalization layer '{self.name}': axis {a} is out of bounds for input shape "
                    f"{tuple(input_shape)}. Received: axis={self.axis}"
                )
        return tuple(sorted(a % rank for a in axes))

    def build(self, input_shape) -> None:
        input_shape = tuple(input_shape)
        axes = self._canonical_axes(input_shape)
        # Keras orders the weight dimensions by the sorted raw axis values (so [-1, 1] gives
        # (size[-1], size[1])) and reshapes them onto the input's axes at call time.
        self.axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        shape = tuple(input_shape[a] for a in self.axis)
        if None in shape:
            raise ValueError(
                f"LayerNormalization layer '{self.name}': the normalized axes {self.axis} must have known sizes. "
                f"Received: input_shape={input_shape}"
            )
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(name="gamma", shape=shape, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         trainable=True, autocast=False)
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(name="beta", shape=shape, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        trainable=True, autocast=False)
        rank = len(input_shape)
        self._axes = axes
        # gamma/beta need a reshape to broadcast unless they cover exactly the last axis.
        if axes != (rank - 1,):
            bshape = [1] * rank
            for a in axes:
                bshape[a] = input_shape[a]
            self._param_shape = tuple(bshape)
        self.built = True

    def call(self, inputs):
        in_dtype = ops.dtype(inputs)
        dtype = result_type(in_dtype, "float32")
        x = inputs if in_dtype == dtype else ops.cast(inputs, dtype)
        gamma, beta = self._param(self.gamma, dtype), self._param(self.beta, dtype)
        if self.rms_scaling:
            inv = ops.rsqrt(ops.add(ops.var(x, axis=self._axes, keepdims=True), self.epsilon))
            out = ops.multiply(x, inv)
            if gamma is not None:
                out = ops.multiply(out, gamma)
        else:
            mean, variance = ops.moments(x, axes=self._axes, keepdims=True)
            inv = ops.rsqrt(ops.add(variance, self.epsilon))
            if gamma is not None:
                inv = ops.multiply(inv, gamma)
            offset = ops.multiply(ops.negative(mean), inv)
            if beta is not None:
                offset = ops.add(offset, beta)
            out = ops.add(ops.multiply(x, inv), offset)
        if ops.dtype(out) != in_dtype:
            out = ops.cast(out, in_dtype)
        return out if ops.dtype(out) == self.compute_dtype else ops.cast(out, self.compute_dtype)

    def _param(self, v, dtype):
        if v is None:
            return None
        if v.dtype != dtype:
            v = ops.cast(v, dtype)
        return v if self._param_shape is None else ops.reshape(v, self._param_shape)

    def compute_output_shape(self, input_shape):
        self._canonical_axes(input_shape)
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        })
        return config
