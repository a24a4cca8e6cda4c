"""BatchNormalization: normalizes with batch statistics in training, moving averages in inference."""

from __future__ import annotations

import numbers

from kcore import backend as _backend
from kcore import constraints, initializers, ops, regularizers
from kcore.dtypes import result_type
from kcore.graph.keras_tensor import KerasTensor
from kcore.layers.input_spec import InputSpec
from kcore.layers.layer import Layer

_RENORM_KEYS = ("rmax", "rmin", "dmax")


def _blend(old, new, momentum: float):
    """``old * momentum + new * (1 - momentum)``."""
    return ops.add(ops.multiply(old, momentum), ops.multiply(new, 1.0 - momentum))


class BatchNormalization(Layer):
    """Normalize ``inputs`` along ``axis``: ``gamma * (x - mean) / sqrt(var + epsilon) + beta``.

    With ``training=True`` (and a trainable layer) the statistics are the
    moments of the current batch (ignoring masked positions), and the moving
    averages are updated with ``moving = moving * momentum + batch * (1 - momentum)``.
    Otherwise the moving averages are used. A frozen layer (``trainable=False``)
    always runs in inference mode.

    ``renorm=True`` enables batch renormalization (Ioffe, 2017) with optional
    ``renorm_clipping`` bounds ``{"rmax", "rmin", "dmax"}``. ``synchronized``
    is accepted for API compatibility; kcore trains on one device, where
    synchronized and local statistics coincide.
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, renorm: bool = False,
                 renorm_clipping: dict | None = None, renorm_momentum: float = 0.99, synchronized: bool = False,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
            raise TypeError(f"BatchNormalization layer '{self.name}': `axis` should be an int. Received: axis={axis!r}")
        self.axis = int(axis)
        self.synchronized = synchronized
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.renorm = renorm
        if renorm:
            renorm_clipping = clip = renorm_clipping or {}
            unknown = set(clip) - set(_RENORM_KEYS)
            if unknown:
                raise ValueError(
                    f"BatchNormalization layer '{self.name}': invalid keys {sorted(unknown)} in `renorm_clipping`; "
                    f"supported keys: {list(_RENORM_KEYS)}. Received: renorm_clipping={renorm_clipping}"
                )
            rmax, rmin, dmax = clip.get("rmax"), clip.get("rmin"), clip.get("dmax")
            if rmax is not None and rmin is not None and rmax < rmin:
                raise ValueError(
                    f"BatchNormalization layer '{self.name}': `renorm_clipping` needs rmax >= rmin. "
                    f"Received: rmax={rmax}, rmin={rmin}"
                )
            if dmax is not None and dmax < 0:
                raise ValueError(
                    f"BatchNormalization layer '{self.name}': `renorm_clipping` needs dmax >= 0. Received: dmax={dmax}"
                )
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.gamma = None
        self.beta = None
        self.moving_mean = None
        self.moving_variance = None
        self._reduction_axes: list[int] | None = None

    # ------------------------------------------------------------- build
    def _check_axis(self, input_shape) -> None:
        rank = len(input_shape)
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"BatchNormalization layer '{self.name}': axis {self.axis} is out of bounds for input shape "
                f"{tuple(input_shape)}. Received: axis={self.axis}"
            )

    def build(self, input_shape) -> None:
        input_shape = tuple(input_shape)
        self._check_axis(input_shape)
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(
                f"BatchNormalization layer '{self.name}': axis {self.axis} of the input must have a known size. "
                f"Received: input_shape={input_shape}"
            )
        shape = (dim,)
        if self.scale:
            self.gamma = self.add_weight(shape=shape, name="gamma", initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         trainable=True, autocast=False)
        if self.center:
            self.beta = self.add_weight(shape=shape, name="beta", initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        trainable=True, autocast=False)
        self.moving_mean = self.add_weight(shape=shape, name="moving_mean", initializer=self.moving_mean_initializer,
                                           trainable=False, autocast=False)
        self.moving_variance = self.add_weight(shape=shape, name="moving_variance",
                                               initializer=self.moving_variance_initializer, trainable=False,
                                               autocast=False)
        if self.renorm:
            var_init = self.moving_variance_initializer

            def stddev_init(shape, dtype=None):
                return ops.sqrt(var_init(shape, dtype=dtype))

            self.moving_stddev = self.add_weight(shape=shape, name="moving_stddev", initializer=stddev_init,
                                                 trainable=False, autocast=False)
            self.renorm_mean = self.add_weight(shape=shape, name="renorm_mean", initializer=self.moving_mean_initializer,
                                               trainable=False, autocast=False)
            self.renorm_stddev = self.add_weight(shape=shape, name="renorm_stddev", initializer=stddev_init,
                                                 trainable=False, autocast=False)
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: dim})
        axes = list(range(len(input_shape)))
        del axes[self.axis]
        self._reduction_axes = axes
        self.built = True

    # -------------------------------------------------------------- call
    def call(self, inputs, training=None, mask=None):
        if mask is not None and len(ops.shape(mask)) != len(ops.shape(inputs)) - 1:
            raise ValueError(
                f"BatchNormalization layer '{self.name}': the mask should have one dimension less than the inputs. "
                f"Received: mask.shape={ops.shape(mask)}, inputs.shape={ops.shape(inputs)}"
            )
        dtype = result_type(ops.dtype(inputs), "float32")
        x = inputs if ops.dtype(inputs) == dtype else ops.cast(inputs, dtype)

        def as_x(v):
            return None if v is None else (v if v.dtype == dtype else ops.cast(v, dtype))

        gamma, beta = as_x(self.gamma), as_x(self.beta)
        if training and self.trainable:
            mean, variance = self._moments(x, mask)
            if self.renorm:
                r, d = self._renorm_correction(mean, variance)
                gamma, beta = self._compose_transforms(r, d, gamma, beta, dtype)
                self._update_renorm_statistics(mean, variance)
            else:
                self.moving_mean.assign(_blend(as_x(self.moving_mean), mean, self.momentum))
                self.moving_variance.assign(_blend(as_x(self.moving_variance), variance, self.momentum))
        else:
            mean, variance = as_x(self.moving_mean), as_x(self.moving_variance)
        out = ops.batch_normalization(x, mean, variance, axis=self.axis, offset=beta, scale=gamma,
                                      epsilon=self.epsilon)
        return out if ops.dtype(out) == self.compute_dtype else ops.cast(out, self.compute_dtype)

    def _moments(self, x, mask):
        """Per-channel mean and variance over the reduction axes, counting only unmasked positions."""
        if mask is None:
            return ops.moments(x, axes=self._reduction_axes, synchronized=self.synchronized)
        dtype = ops.dtype(x)
        keep = ops.logical_or(ops.expand_dims(mask, -1), ops.zeros_like(x, dtype="bool"))
        weights = ops.cast(keep, dtype)
        count = ops.add(ops.sum(weights, axis=self._reduction_axes, keepdims=True), _backend.epsilon())
        mean = ops.divide(ops.sum(ops.where(keep, x, 0.0), axis=self._reduction_axes, keepdims=True), count)
        diff = ops.where(keep, ops.subtract(x, mean), 0.0)
        variance = ops.divide(ops.sum(ops.square(diff), axis=self._reduction_axes, keepdims=True), count)
        channels = self.moving_mean.shape
        return ops.reshape(mean, channels), ops.reshape(variance, channels)

    # ------------------------------------------------------------ renorm
    def _renorm_correction(self, mean, variance):
        """Batch-renorm corrections ``r`` (scale) and ``d`` (shift), clipped as configured."""
        dtype = ops.dtype(mean)
        stddev = ops.sqrt(ops.add(variance, self.epsilon))
        renorm_mean = ops.cast(self.renorm_mean, dtype)
        renorm_stddev = ops.maximum(ops.cast(self.renorm_stddev, dtype), ops.sqrt(ops.cast(self.epsilon, dtype)))
        r = ops.divide(stddev, renorm_stddev)
        d = ops.divide(ops.subtract(mean, renorm_mean), renorm_stddev)
        clip = self.renorm_clipping or {}
        if clip.get("rmin") is not None:
            r = ops.maximum(r, clip["rmin"])
        if clip.get("rmax") is not None:
            r = ops.minimum(r, clip["rmax"])
        if clip.get("dmax") is not None:
            d = ops.clip(d, -clip["dmax"], clip["dmax"])
        return r, d

    @staticmethod
    def _compose_transforms(r, d, gamma, beta, dtype):
        """Fold ``(x * r + d) * gamma + beta`` into one scale and offset."""
        r, d = ops.stop_gradient(r), ops.stop_gradient(d)
        if gamma is not None:
            new_gamma, new_beta = ops.multiply(r, gamma), ops.multiply(d, gamma)
        else:
            new_gamma, new_beta = ops.cast(r, dtype), ops.cast(d, dtype)
        if beta is not None:
            new_beta = ops.add(new_beta, beta)
        return new_gamma, new_beta

    def _update_renorm_statistics(self, mean, variance) -> None:
        dtype = ops.dtype(mean)
        stddev = ops.sqrt(ops.add(variance, self.epsilon))
        self.renorm_mean.assign(_blend(ops.cast(self.renorm_mean, dtype), mean, self.renorm_momentum))
        self.renorm_stddev.assign(_blend(ops.cast(self.renorm_stddev, dtype), stddev, self.renorm_momentum))
        self.moving_mean.assign(_blend(ops.cast(self.moving_mean, dtype), mean, self.momentum))
        new_stddev = _blend(ops.cast(self.moving_stddev, dtype), stddev, self.momentum)
        self.moving_stddev.assign(new_stddev)
        self.moving_variance.assign(ops.relu(ops.subtract(ops.square(new_stddev), self.epsilon)))

    # ------------------------------------------------------------ shapes
    def compute_output_shape(self, input_shape):
        self._check_axis(input_shape)
        return tuple(input_shape)

    def compute_output_spec(self, inputs, training=None, mask=None) -> KerasTensor:
        return KerasTensor(self.compute_output_shape(tuple(inputs.shape)), dtype=self.compute_dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        })
        return config
