"""Loss classes: ``LossFunctionWrapper`` and the built-in losses wrapping ``functions``."""

from __future__ import annotations

from typing import Any, Callable

from kcore.losses import functions as F
from kcore.losses.loss import Loss, get_mask, reduce_weighted_values, squeeze_or_expand_to_same_rank
from kcore.losses.serialization import deserialize_keras_object, serialize_keras_object


class LossFunctionWrapper(Loss):
    """A ``Loss`` computing ``fn(y_true, y_pred, **kwargs)``."""

    _keras_module = "keras.src.losses.losses"
    _keras_registered_name = "LossFunctionWrapper"

    def __init__(self, fn: Callable, reduction: str | None = "sum_over_batch_size",
                 name: str | None = None, dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        config["fn"] = serialize_keras_object(self.fn)
        config.update(serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config: dict) -> "LossFunctionWrapper":
        config = dict(config)
        if isinstance(config.get("fn"), (dict, str)):
            from kcore.losses import ALL_OBJECTS_DICT

            config["fn"] = deserialize_keras_object(config["fn"], ALL_OBJECTS_DICT, kind="loss function",
                                                    instantiate_strings=False)
        return cls(**config)

    def __repr__(self) -> str:
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"


class _BuiltinLoss(LossFunctionWrapper):
    """Built-in wrappers: serialized under ``keras.losses`` with their own config keys."""

    def get_config(self) -> dict:
        return Loss.get_config(self)

    @classmethod
    def from_config(cls, config: dict) -> Loss:
        return cls(**config)


class MeanSquaredError(_BuiltinLoss):
    """Mean of squared errors over the last axis."""

    _keras_module = "keras.losses"

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "mean_squared_error",
                 dtype: Any = None) -> None:
        super().__init__(F.mean_squared_error, name=name, reduction=reduction, dtype=dtype)


class MeanAbsoluteError(_BuiltinLoss):
    """Mean of absolute errors over the last axis."""

    _keras_module = "keras.losses"

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "mean_absolute_error",
                 dtype: Any = None) -> None:
        super().__init__(F.mean_absolute_error, name=name, reduction=reduction, dtype=dtype)


class Huber(_BuiltinLoss):
    """Huber loss with threshold ``delta``.

    Keras leaves ``delta`` out of the config (so it is lost on reload); kcore
    writes it when it differs from the default, a key Keras also accepts.
    """

    _keras_module = "keras.losses"

    def __init__(self, delta: float = 1.0, reduction: str | None = "sum_over_batch_size",
                 name: str = "huber_loss", dtype: Any = None) -> None:
        super().__init__(F.huber, name=name, reduction=reduction, dtype=dtype, delta=delta)
        self.delta = delta

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        if self.delta != 1.0:
            config["delta"] = self.delta
        return config


class KLDivergence(_BuiltinLoss):
    """Kullback-Leibler divergence over the last axis."""

    _keras_module = "keras.losses"

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "kl_divergence",
                 dtype: Any = None) -> None:
        super().__init__(F.kl_divergence, name=name, reduction=reduction, dtype=dtype)


class BinaryCrossentropy(_BuiltinLoss):
    """Binary crossentropy, averaged over ``axis``."""

    _keras_module = "keras.losses"

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: str | None = "sum_over_batch_size", name: str = "binary_crossentropy",
                 dtype: Any = None) -> None:
        super().__init__(F.binary_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update(from_logits=self.from_logits, label_smoothing=self.label_smoothing, axis=self.axis)
        return config


class CategoricalCrossentropy(_BuiltinLoss):
    """Crossentropy with one-hot labels over ``axis``."""

    _keras_module = "keras.losses"

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: str | None = "sum_over_batch_size", name: str = "categorical_crossentropy",
                 dtype: Any = None) -> None:
        super().__init__(F.categorical_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update(from_logits=self.from_logits, label_smoothing=self.label_smoothing, axis=self.axis)
        return config


class SparseCategoricalCrossentropy(_BuiltinLoss):
    """Crossentropy with integer labels; entries equal to ``ignore_class`` are left out of the mean.

    Keras leaves ``axis`` out of the config; kcore writes it when it is not -1.
    """

    _keras_module = "keras.losses"

    def __init__(self, from_logits: bool = False, ignore_class: int | None = None,
                 reduction: str | None = "sum_over_batch_size", axis: int = -1,
                 name: str = "sparse_categorical_crossentropy", dtype: Any = None) -> None:
        super().__init__(F.sparse_categorical_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def __call__(self, y_true, y_pred, sample_weight=None):
        if self.ignore_class is None:
            return super().__call__(y_true, y_pred, sample_weight)
        from kcore import ops

        in_mask = get_mask(y_pred)
        y_pred = ops.convert_to_tensor(y_pred, dtype=self.dtype)
        y_true = ops.convert_to_tensor(y_true, dtype=self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        losses, mask = F.sparse_categorical_crossentropy_with_mask(
            y_true, y_pred, from_logits=self.from_logits, ignore_class=self.ignore_class, axis=self.axis)
        if in_mask is not None:
            mask = ops.logical_and(in_mask, mask)
        return reduce_weighted_values(losses, sample_weight=sample_weight, mask=mask,
                                      reduction=self.reduction, dtype=self.dtype)

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update(from_logits=self.from_logits, ignore_class=self.ignore_class)
        if self.axis != -1:
            config["axis"] = self.axis
        return config
