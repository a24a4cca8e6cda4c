"""Accumulating thresholded confusion-matrix counts (TP/FP/TN/FN) into metric Variables.

Pure: only kcore ops and ``Variable.assign``; no branching on tensor values.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from kcore import backend as _backend
from kcore import ops
from kcore.losses.loss import squeeze_or_expand_to_same_rank
from kcore.ops.dispatch import shape_of
from kcore.variables import Variable

NEG_INF = -1e10
TRUE_POSITIVES, FALSE_POSITIVES, TRUE_NEGATIVES, FALSE_NEGATIVES = "tp", "fp", "tn", "fn"
_KEYS = (TRUE_POSITIVES, FALSE_POSITIVES, TRUE_NEGATIVES, FALSE_NEGATIVES)


def to_list(x) -> list:
    return list(x) if isinstance(x, (list, tuple)) else [x]


def parse_init_thresholds(thresholds, default_threshold: float = 0.5) -> list:
    """Thresholds as a list, checking user values lie in ``[0, 1]``."""
    if thresholds is not None:
        for t in to_list(thresholds):
            if t is None or not 0 <= t <= 1:
                raise ValueError(f"Threshold values must be in [0, 1]. Received: {thresholds!r}")
    return to_list(default_threshold if thresholds is None else thresholds)


def is_evenly_distributed_thresholds(thresholds: Sequence[float]) -> bool:
    """True for at least 3 thresholds equal to ``i / (n - 1)`` (up to ``epsilon``)."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(np.asarray(thresholds, dtype=np.float64), even, atol=_backend.epsilon()))


def filter_top_k(x, k: int):
    """Keep the ``k`` largest entries of the last axis; set the others to ``NEG_INF``."""
    _, idx = ops.top_k(x, k)
    mask = ops.sum(ops.one_hot(idx, shape_of(x)[-1], axis=-1, dtype=ops.dtype(x)), axis=-2)
    return ops.add(ops.multiply(x, mask), ops.multiply(NEG_INF, ops.subtract(1.0, mask)))


def _accumulate(variables: Mapping[str, Variable], tp, fp, total_true, total_false) -> None:
    if TRUE_POSITIVES in variables:
        variables[TRUE_POSITIVES].assign_add(tp)
    if FALSE_POSITIVES in variables:
        variables[FALSE_POSITIVES].assign_add(fp)
    if TRUE_NEGATIVES in variables:
        variables[TRUE_NEGATIVES].assign_add(ops.subtract(total_false, fp))
    if FALSE_NEGATIVES in variables:
        variables[FALSE_NEGATIVES].assign_add(ops.subtract(total_true, tp))


def _update_evenly_spaced(variables, y_true, y_pred, num_thresholds: int, multi_label: bool,
                          sample_weight, label_weights, thresholds_with_epsilon: bool, dtype: str) -> None:
    """Bucket predictions by ``ceil(p * (n - 1)) - 1``; a count at threshold ``i`` sums buckets ``>= i``."""
    weights = None
    if sample_weight is not None:
        weights = ops.broadcast_to(ops.cast(sample_weight, dtype), shape_of(y_pred))
    if label_weights is not None:
        lw = ops.broadcast_to(ops.expand_dims(ops.cast(label_weights, dtype), 0), shape_of(y_pred))
        weights = lw if weights is None else ops.multiply(weights, lw)
    y_pred = ops.clip(y_pred, 0.0, 1.0)
    y_true = ops.cast(ops.cast(y_true, "bool"), dtype)
    if not multi_label:
        y_true = ops.reshape(y_true, (-1,))
        y_pred = ops.reshape(y_pred, (-1,))
        if weights is not None:
            weights = ops.reshape(weights, (-1,))
    true_labels = y_true if weights is None else ops.multiply(y_true, weights)
    false_labels = ops.subtract(1.0, y_true)
    if weights is not None:
        false_labels = ops.multiply(false_labels, weights)
    bucket = ops.subtract(ops.ceil(ops.multiply(y_pred, float(num_thresholds - 1))), 1.0)
    if thresholds_with_epsilon:
        bucket = ops.maximum(bucket, 0.0)
    index_shape = (num_thresholds,) + (1,) * len(shape_of(y_pred))
    index = ops.reshape(ops.arange(num_thresholds, dtype=dtype), index_shape)
    above = ops.greater_equal(ops.expand_dims(bucket, 0), index)  # (T, N[, L])
    zero = ops.zeros((), dtype)
    tp = ops.sum(ops.where(above, ops.expand_dims(true_labels, 0), zero), axis=1)
    fp = ops.sum(ops.where(above, ops.expand_dims(false_labels, 0), zero), axis=1)
    _accumulate(variables, tp, fp, ops.sum(true_labels, axis=0), ops.sum(false_labels, axis=0))


def update_confusion_matrix_variables(variables: Mapping[str, Variable], y_true, y_pred,
                                      thresholds: Sequence[float], top_k: int | None = None,
                                      class_id: int | None = None, sample_weight=None,
                                      multi_label: bool = False, label_weights=None,
                                      thresholds_distributed_evenly: bool = False) -> None:
    """Add this batch's confusion counts at each threshold to ``variables``.

    Args:
        variables: ``{"tp"|"fp"|"tn"|"fn": Variable}``; each Variable has shape
            ``(len(thresholds),)`` or ``(len(thresholds), num_labels)`` when
            ``multi_label``.
        y_true: labels (cast to bool), y_pred: scores in ``[0, 1]``.
        thresholds: a prediction counts as positive when ``> threshold``.
        top_k: only the top ``k`` scores of each row may count as positive.
        class_id: restrict to one class of the last axis.
        sample_weight: per-sample (or per-entry) weights.
        multi_label: keep labels (last axis) apart instead of flattening.
        label_weights: per-label weights (not with ``multi_label``).
        thresholds_distributed_evenly: thresholds are ``i / (n - 1)`` (faster path).
    """
    if multi_label and label_weights is not None:
        raise ValueError("`label_weights` for multi-label data must be applied outside "
                         "update_confusion_matrix_variables when `multi_label` is True.")
    bad = [k for k in variables if k not in _KEYS]
    if bad or not variables:
        raise ValueError(f"Invalid confusion matrix keys {bad or list(variables)}; expected some of {_KEYS}")
    dtype = next(iter(variables.values())).dtype
    y_true = ops.cast(y_true, dtype)
    y_pred = ops.cast(y_pred, dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = ops.expand_dims(ops.cast(sample_weight, dtype), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if len(shape_of(y_pred)) == 1:
            raise ValueError("When class_id is provided, y_pred must be a 2D array with shape "
                             f"(num_samples, num_classes), found shape: {shape_of(y_pred)}")
        y_true = ops.expand_dims(ops.take(y_true, class_id, axis=-1), -1)
        y_pred = ops.expand_dims(ops.take(y_pred, class_id, axis=-1), -1)
    if thresholds_distributed_evenly:
        with_eps = bool(thresholds[0] < 0.0 or thresholds[-1] > 1.0)
        _update_evenly_spaced(variables, y_true, y_pred, len(thresholds), multi_label, sample_weight,
                              label_weights, with_eps, dtype)
        return

    num_thresholds = len(thresholds)
    weights = None
    if sample_weight is not None:
        weights = ops.broadcast_to(ops.cast(sample_weight, dtype), shape_of(y_pred))
    if label_weights is not None and not multi_label:
        lw = ops.broadcast_to(ops.expand_dims(ops.cast(label_weights, dtype), 0), shape_of(y_pred))
        weights = lw if weights is None else ops.multiply(weights, lw)
    if multi_label:
        thresh_shape = (num_thresholds,) + (1,) * len(shape_of(y_pred))
    else:
        y_pred = ops.reshape(y_pred, (-1,))
        y_true = ops.reshape(y_true, (-1,))
        weights = None if weights is None else ops.reshape(weights, (-1,))
        thresh_shape = (num_thresholds, 1)
    thresh = ops.reshape(ops.convert_to_tensor(np.asarray(thresholds, dtype=dtype)), thresh_shape)
    pred_pos = ops.greater(ops.expand_dims(y_pred, 0), thresh)  # (T, N[, L])
    label_pos = ops.expand_dims(ops.cast(y_true, "bool"), 0)
    w = ops.ones((), dtype) if weights is None else ops.expand_dims(weights, 0)
    zero = ops.zeros((), dtype)

    def count(label, pred):
        return ops.sum(ops.where(ops.logical_and(label, pred), w, zero), axis=1)

    pred_neg, label_neg = ops.logical_not(pred_pos), ops.logical_not(label_pos)
    if TRUE_POSITIVES in variables:
        variables[TRUE_POSITIVES].assign_add(count(label_pos, pred_pos))
    if FALSE_POSITIVES in variables:
        variables[FALSE_POSITIVES].assign_add(count(label_neg, pred_pos))
    if TRUE_NEGATIVES in variables:
        variables[TRUE_NEGATIVES].assign_add(count(label_neg, pred_neg))
    if FALSE_NEGATIVES in variables:
        variables[FALSE_NEGATIVES].assign_add(count(label_pos, pred_neg))
