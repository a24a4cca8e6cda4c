"""Loss functions: ``fn(y_true, y_pred, **options)`` -> per-sample losses (last axis reduced)."""

from __future__ import annotations

import warnings

from kcore import backend as _backend
from kcore import ops
from kcore.losses.loss import squeeze_or_expand_to_same_rank
from kcore.ops.dispatch import dtype_of, shape_of


def _pair(y_true, y_pred):
    """Tensors of ``y_pred``'s dtype with matched ranks."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=dtype_of(y_pred))
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def mean_squared_error(y_true, y_pred):
    """Mean of ``(y_true - y_pred) ** 2`` over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.square(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Mean of ``|y_true - y_pred|`` over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.abs(ops.subtract(y_true, y_pred)), axis=-1)


def huber(y_true, y_pred, delta: float = 1.0):
    """Quadratic for ``|error| <= delta``, linear beyond; averaged over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    dtype = dtype_of(y_pred)
    delta = ops.convert_to_tensor(delta, dtype=dtype)
    error = ops.subtract(y_pred, y_true)
    abs_error = ops.abs(error)
    half = ops.convert_to_tensor(0.5, dtype=dtype)
    return ops.mean(
        ops.where(ops.less_equal(abs_error, delta),
                  ops.multiply(half, ops.square(error)),
                  ops.subtract(ops.multiply(delta, abs_error), ops.multiply(half, ops.square(delta)))),
        axis=-1,
    )


def kl_divergence(y_true, y_pred):
    """``sum(y_true * log(y_true / y_pred))`` over the last axis, both clipped to ``[eps, 1]``."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, dtype=dtype_of(y_pred))
    eps = _backend.epsilon()
    y_true = ops.clip(y_true, eps, 1.0)
    y_pred = ops.clip(y_pred, eps, 1.0)
    return ops.sum(ops.multiply(y_true, ops.log(ops.divide(y_true, y_pred))), axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits: bool = False, label_smoothing: float = 0.0,
                        axis: int = -1):
    """Binary crossentropy averaged over ``axis``; labels smoothed towards 0.5."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, dtype_of(y_pred))
    if label_smoothing:
        y_true = ops.add(ops.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits: bool = False, label_smoothing: float = 0.0,
                             axis: int = -1):
    """Crossentropy between one-hot (or soft) ``y_true`` and ``y_pred`` over ``axis``."""
    if isinstance(axis, bool):
        raise ValueError(f"categorical_crossentropy: `axis` must be an int. Received: axis={axis!r}")
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, dtype_of(y_pred))
    if shape_of(y_pred)[-1] == 1:
        warnings.warn(
            "In loss categorical_crossentropy, expected y_pred.shape to be (batch_size, num_classes) "
            f"with num_classes > 1. Received: y_pred.shape={shape_of(y_pred)}. "
            "Consider using 'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=2,
        )
    if label_smoothing:
        num_classes = float(shape_of(y_true)[-1])
        y_true = ops.add(ops.multiply(y_true, 1.0 - label_smoothing), label_smoothing / num_classes)
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def _ignore_class_mask(y_true, y_pred, ignore_class, axis: int):
    """(y_true, y_pred, valid_mask) with ignored entries replaced by class 0 / zero scores."""
    valid = ops.not_equal(y_true, ops.cast(ignore_class, dtype_of(y_true)))
    y_true = ops.where(valid, y_true, ops.zeros((), dtype_of(y_true)))
    y_pred = ops.where(ops.expand_dims(valid, axis), y_pred, ops.zeros((), dtype_of(y_pred)))
    return y_true, y_pred, valid


def sparse_categorical_crossentropy_with_mask(y_true, y_pred, from_logits: bool = False,
                                              ignore_class: int | None = None, axis: int = -1):
    """``(losses, mask)``: sparse crossentropy and the mask of entries not equal to ``ignore_class``."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    rank = len(shape_of(y_pred))
    if len(shape_of(y_true)) == rank and shape_of(y_true)[axis] == 1:
        y_true = ops.squeeze(y_true, axis)
    valid = None
    if ignore_class is not None:
        y_true, y_pred, valid = _ignore_class_mask(y_true, y_pred, ignore_class, axis)
    res = ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)
    if valid is not None:
        class_axis = axis % rank
        res_shape = tuple(d for i, d in enumerate(shape_of(y_pred)) if i != class_axis)
        valid = ops.reshape(valid, res_shape)
        res = ops.where(valid, res, ops.zeros((), dtype_of(res)))
    return res, valid


def sparse_categorical_crossentropy(y_true, y_pred, from_logits: bool = False,
                                    ignore_class: int | None = None, axis: int = -1):
    """Crossentropy with integer class ids ``y_true``; ``ignore_class`` entries give 0."""
    res, mask = sparse_categorical_crossentropy_with_mask(y_true, y_pred, from_logits, ignore_class, axis)
    if mask is not None:
        try:
            res._keras_mask = mask
        except (AttributeError, TypeError):  # immutable array types
            pass
    return res

