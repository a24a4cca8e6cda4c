"""Threshold-based classification metrics: ``Precision``, ``Recall`` and ``AUC``."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from kcore import backend as _backend
from kcore import ops
from kcore.losses.loss import divide_no_nan
from kcore.metrics import confusion_matrix as cm
from kcore.metrics.metric import Metric


class _PrecisionRecallBase(Metric):
    """Shared state and config of ``Precision`` and ``Recall``."""

    _second: str  # "false_positives" or "false_negatives"
    _second_key: str

    def __init__(self, thresholds: float | Sequence[float] | None = None, top_k: int | None = None,
                 class_id: int | None = None, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else cm.NEG_INF
        self.thresholds = cm.parse_init_thresholds(thresholds, default_threshold=default)
        self._thresholds_distributed_evenly = cm.is_evenly_distributed_thresholds(self.thresholds)
        n = len(self.thresholds)
        self.true_positives = self.add_variable(shape=(n,), initializer="zeros", name="true_positives")
        setattr(self, self._second, self.add_variable(shape=(n,), initializer="zeros", name=self._second))

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        cm.update_confusion_matrix_variables(
            {cm.TRUE_POSITIVES: self.true_positives, self._second_key: getattr(self, self._second)},
            y_true, y_pred, thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            top_k=self.top_k, class_id=self.class_id, sample_weight=sample_weight,
        )

    def result(self):
        tp = self.true_positives.value
        res = divide_no_nan(tp, ops.add(tp, getattr(self, self._second).value))
        return ops.take(res, 0, axis=0) if len(self.thresholds) == 1 else res

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(thresholds=self.init_thresholds, top_k=self.top_k, class_id=self.class_id)
        return config


class Precision(_PrecisionRecallBase):
    """``TP / (TP + FP)`` at each threshold (a scalar for one threshold)."""

    _keras_module = "keras.metrics"
    _second, _second_key = "false_positives", cm.FALSE_POSITIVES


class Recall(_PrecisionRecallBase):
    """``TP / (TP + FN)`` at each threshold (a scalar for one threshold)."""

    _keras_module = "keras.metrics"
    _second, _second_key = "false_negatives", cm.FALSE_NEGATIVES


_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


class AUC(Metric):
    """Area under the ROC or PR curve, from confusion counts at ``num_thresholds`` thresholds.

    Args:
        num_thresholds: number of thresholds (``> 1``) evenly spread over ``[0, 1]``.
        curve: ``"ROC"``, ``"PR"`` or ``"PRGAIN"``.
        summation_method: ``"interpolation"``, ``"majoring"`` or ``"minoring"``.
        thresholds: explicit thresholds in ``[0, 1]`` (overrides ``num_thresholds``).
        multi_label: keep one curve per label (last axis) and average them.
        num_labels: number of labels when ``multi_label`` (otherwise found on first update).
        label_weights: per-label weights of the average.
        from_logits: apply a sigmoid to ``y_pred`` first.
    """

    _keras_module = "keras.metrics"

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC", summation_method: str = "interpolation",
                 name: str | None = None, dtype: Any = None, thresholds: Sequence[float] | None = None,
                 multi_label: bool = False, num_labels: int | None = None, label_weights: Any = None,
                 from_logits: bool = False) -> None:
        curve_name = _CURVES.get(str(getattr(curve, "value", curve)).lower())
        if curve_name is None:
            raise ValueError(f'Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC", "PRGAIN"]')
        summation = str(getattr(summation_method, "value", summation_method)).lower()
        if summation not in _SUMMATIONS:
            raise ValueError(f'Invalid AUC summation method value: "{summation_method}". '
                             f"Expected values are {list(_SUMMATIONS)}")
        eps = _backend.epsilon()
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            inner = sorted(cm.parse_init_thresholds(list(thresholds)))
            self._thresholds_distributed_evenly = cm.is_evenly_distributed_thresholds([0.0] + inner + [1.0])
        else:
            if num_thresholds <= 1:
                raise ValueError(f"Argument `num_thresholds` must be an integer > 1. Received: num_thresholds={num_thresholds}")
            self.num_thresholds = num_thresholds
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        self._thresholds = np.array([0.0 - eps] + inner + [1.0 + eps])
        self.curve = curve_name
        self.summation_method = summation
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else ops.convert_to_tensor(
            np.asarray(label_weights), dtype=self.dtype)
        self._label_weights_config = None if label_weights is None else [float(x) for x in np.asarray(label_weights).ravel()]
        self._from_logits = from_logits
        self._built = False
        if multi_label:
            if num_labels:
                self._build((None, num_labels))
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self) -> list[float]:
        return list(self._thresholds)

    def _build(self, shape) -> None:
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(f"AUC: `y_pred` must have rank 2 when `multi_label=True`; "
                                 f"received shape {tuple(shape)}")
            self._num_labels = int(shape[1])
            var_shape = (self.num_thresholds, self._num_labels)
        else:
            var_shape = (self.num_thresholds,)
        self._build_input_shape = shape
        for name in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(self, name, self.add_variable(shape=var_shape, initializer="zeros", name=name))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        if not self._built:
            self._build(tuple(ops.shape(y_pred)))
        if self._from_logits:
            y_pred = ops.sigmoid(y_pred)
        cm.update_confusion_matrix_variables(
            {cm.TRUE_POSITIVES: self.true_positives, cm.TRUE_NEGATIVES: self.true_negatives,
             cm.FALSE_POSITIVES: self.false_positives, cm.FALSE_NEGATIVES: self.false_negatives},
            y_true, y_pred, self._thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight, multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )

    def _average(self, per_threshold_terms):
        if not self.multi_label:
            return ops.sum(per_threshold_terms)
        by_label = ops.sum(per_threshold_terms, axis=0)
        if self.label_weights is None:
            return ops.mean(by_label)
        return divide_no_nan(ops.sum(ops.multiply(by_label, self.label_weights)), ops.sum(self.label_weights))

    def _interpolate_pr_auc(self, tp, fp, fn):
        """Davis & Goadrich (2006) interpolation of the PR curve between thresholds."""
        n = self.num_thresholds
        head, tail = slice(0, n - 1), slice(1, n)
        dtp = ops.subtract(tp[head], tp[tail])
        p = ops.add(tp, fp)
        dp = ops.subtract(p[head], p[tail])
        prec_slope = divide_no_nan(dtp, ops.maximum(dp, 0.0))
        intercept = ops.subtract(tp[tail], ops.multiply(prec_slope, p[tail]))
        safe_p_ratio = ops.where(
            ops.logical_and(ops.greater(p[head], 0.0), ops.greater(p[tail], 0.0)),
            divide_no_nan(p[head], ops.maximum(p[tail], 0.0)),
            ops.ones_like(p[tail]),
        )
        increments = divide_no_nan(
            ops.multiply(prec_slope, ops.add(dtp, ops.multiply(intercept, ops.log(safe_p_ratio)))),
            ops.maximum(ops.add(tp[tail], fn[tail]), 0.0),
        )
        return self._average(increments)

    def result(self):
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc(tp, fp, fn)
        recall = divide_no_nan(tp, ops.add(tp, fn))
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, ops.add(fp, tn)), recall
        elif self.curve == "PR":
            x, y = recall, divide_no_nan(tp, ops.add(tp, fp))
        else:  # PRGAIN
            scale = divide_no_nan(ops.add(tp, fn), ops.add(tn, fp))
            recall_gain = ops.subtract(1.0, ops.multiply(scale, divide_no_nan(fn, tp)))
            precision_gain = ops.subtract(1.0, ops.multiply(scale, divide_no_nan(fp, tp)))
            no_tp = ops.equal(tp, 0.0)
            recall_gain = ops.where(no_tp, ops.zeros_like(recall_gain), recall_gain)
            precision_gain = ops.where(no_tp, ops.ones_like(precision_gain), precision_gain)
            x, y = ops.maximum(recall_gain, 0.0), precision_gain
        n = self.num_thresholds
        y_head, y_tail = y[0:n - 1], y[1:n]
        if self.summation_method == "interpolation":
            heights = ops.divide(ops.add(y_head, y_tail), 2.0)
        elif self.summation_method == "minoring":
            heights = ops.minimum(y_head, y_tail)
        else:
            heights = ops.maximum(y_head, y_tail)
        return self._average(ops.multiply(ops.subtract(x[0:n - 1], x[1:n]), heights))

    def reset_state(self) -> None:
        if self._built:
            super().reset_state()

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            num_thresholds=self.num_thresholds, curve=self.curve, summation_method=self.summation_method,
            multi_label=self.multi_label, num_labels=self.num_labels,
            label_weights=self._label_weights_config, from_logits=self._from_logits,
        )
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
