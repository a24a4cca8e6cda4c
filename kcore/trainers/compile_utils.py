"""What ``compile()`` was given, matched to the model's outputs: losses, weights and metrics."""

from __future__ import annotations

from typing import Any

import numpy as np

from kcore import ops
from kcore.graph import nest
from kcore.trainers.data_adapter import DataError

_ACCURACY_NAMES = ("accuracy", "acc")


def output_names(model) -> list[str]:
    """Names of the model outputs: dict keys, else the producing layers' names."""
    struct = getattr(model, "_outputs_struct", None)
    if isinstance(struct, dict):
        return list(struct)
    tensors = getattr(model, "_output_tensors", None)
    if tensors:
        return [t._keras_history.operation.name for t in tensors]
    return ["output"]


def _per_output(spec: Any, names: list[str], what: str) -> list:
    """Expand a single value, a list (by position) or a dict (by output name) to one entry per output."""
    n = len(names)
    if isinstance(spec, dict):
        unknown = [k for k in spec if k not in names]
        if unknown:
            raise ValueError(
                f"compile(): {what} given for unknown output(s) {unknown}; the model's outputs are {names}."
            )
        return [spec.get(name) for name in names]
    if isinstance(spec, (list, tuple)):
        if n == 1 and what == "metrics":
            return [list(spec)]
        if len(spec) != n:
            raise ValueError(
                f"compile(): {what} is a list of {len(spec)} entries but the model has {n} outputs {names}."
            )
        return list(spec)
    return [spec] * n


def flatten_targets(y: Any, names: list[str], what: str = "y") -> list:
    """Targets (or sample weights) as one entry per output, from a single array, a list or a dict."""
    n = len(names)
    if y is None:
        return [None] * n
    if isinstance(y, dict):
        missing = [k for k in names if k not in y]
        unknown = [k for k in y if k not in names]
        if unknown or (missing and len(y) != 0):
            if missing:
                raise DataError(
                    f"Target dict is missing key(s) {missing} (received keys {list(y)}); the model's outputs are {names}."
                )
        return [y.get(k) for k in names]
    if isinstance(y, (list, tuple)):
        if len(y) != n:
            raise DataError(f"The model has {n} outputs {names} but {len(y)} {what} arrays were passed.")
        return list(y)
    if n != 1:
        if what == "sample_weight":
            return [y] * n
        raise DataError(f"The model has {n} outputs {names} but a single {what} array was passed.")
    return [y]


class CompileLoss:
    """The total loss: a weighted sum of one loss per output, plus layer losses."""

    def __init__(self, loss: Any, loss_weights: Any = None) -> None:
        self.loss_spec = loss
        self.loss_weights_spec = loss_weights
        self.built = False

    def build(self, model, y_true: Any) -> None:
        from kcore import losses

        names = output_names(model)
        self.names = names
        specs = _per_output(self.loss_spec, names, "loss")
        self.losses = [losses.get(s) if s is not None else None for s in specs]
        weights = _per_output(self.loss_weights_spec, names, "loss_weights") if self.loss_weights_spec is not None else [1.0] * len(names)
        self.weights = [1.0 if w is None else float(w) for w in weights]
        if all(l is None for l in self.losses):
            raise ValueError("compile(): no loss was given for any output.")
        self.built = True

    def check_targets(self, model, y: Any) -> None:
        """Catch labels out of range for sparse crossentropy before training starts."""
        ys = flatten_targets(y, self.names)
        shapes = [tuple(t.shape) for t in getattr(model, "_output_tensors", [])] or [None] * len(ys)
        for name, loss, yt, shape in zip(self.names, self.losses, ys, shapes):
            if yt is None or loss is None or shape is None or not isinstance(yt, np.ndarray):
                continue
            fn_name = getattr(loss, "name", "") or getattr(loss, "__name__", "")
            if "sparse_categorical" in str(fn_name) and shape[-1] is not None and yt.size:
                lo, hi = yt.min(), yt.max()
                if lo < 0 or hi >= shape[-1]:
                    raise DataError(
                        f"Labels for output '{name}' are out of range: found values in [{lo}, {hi}] but the output "
                        f"has {shape[-1]} classes (valid labels are 0..{shape[-1] - 1})."
                    )

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None):
        ys = flatten_targets(y_true, self.names)
        ps = nest.flatten(y_pred)
        sws = flatten_targets(sample_weight, self.names, "sample_weight")
        total = None
        for loss, w, yt, yp, sw in zip(self.losses, self.weights, ys, ps, sws):
            if loss is None or yt is None:
                continue
            value = loss(yt, yp, sample_weight=sw)
            value = value * w if w != 1.0 else value
            total = value if total is None else total + value
        if total is None:
            raise DataError("No targets were given for any output that has a loss.")
        return total


def _resolve_metric(spec: Any, loss: Any, y_true: Any, y_pred: Any, name_prefix: str):
    from kcore import metrics

    if isinstance(spec, str) and spec in _ACCURACY_NAMES + ("crossentropy", "ce"):
        true_shape = tuple(getattr(y_true, "shape", ()))
        pred_shape = tuple(y_pred.shape)
        loss_name = str(getattr(loss, "name", "") or getattr(loss, "__name__", ""))
        is_sparse = "sparse" in loss_name or (
            len(true_shape) == len(pred_shape) - 1 or (true_shape and true_shape[-1] == 1 and pred_shape[-1] not in (1, None))
        )
        is_binary = "binary" in loss_name or pred_shape[-1] == 1
        if spec in _ACCURACY_NAMES:
            cls = metrics.BinaryAccuracy if is_binary else (metrics.SparseCategoricalAccuracy if is_sparse else metrics.CategoricalAccuracy)
        else:
            cls = metrics.BinaryCrossentropy if is_binary else (metrics.SparseCategoricalCrossentropy if is_sparse else metrics.CategoricalCrossentropy)
        return cls(name=name_prefix + spec)
    metric = metrics.get(spec)
    if not isinstance(metric, metrics.Metric):
        metric = metrics.MeanMetricWrapper(metric, name=name_prefix + getattr(metric, "__name__", "metric"))
    elif name_prefix and not metric.name.startswith(name_prefix):
        metric.name = name_prefix + metric.name
    return metric


class CompileMetrics:
    """The compiled metrics, one list per output."""

    def __init__(self, metrics: Any, weighted_metrics: Any = None) -> None:
        self.spec = metrics
        self.weighted_spec = weighted_metrics
        self.built = False
        self.metrics: list = []
        self.by_output: list[list] = []

    def build(self, model, compile_loss: CompileLoss, y_true: Any, y_pred: Any) -> None:
        names = output_names(model)
        self.names = names
        ys = flatten_targets(y_true, names)
        ps = nest.flatten(y_pred)
        per_output = _per_output(self.spec, names, "metrics") if self.spec is not None else [[]] * len(names)
        self.by_output = []
        for i, (name, specs, yt, yp) in enumerate(zip(names, per_output, ys, ps)):
            specs = [] if specs is None else (list(specs) if isinstance(specs, (list, tuple)) else [specs])
            prefix = f"{name}_" if len(names) > 1 else ""
            loss = compile_loss.losses[i] if compile_loss is not None and compile_loss.built else None
            ms = [_resolve_metric(s, loss, yt, yp, prefix) for s in specs] if yt is not None else []
            self.by_output.append(ms)
        self.metrics = [m for ms in self.by_output for m in ms]
        self.built = True

    @property
    def variables(self) -> list:
        return [v for m in self.metrics for v in m.variables]

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        ys = flatten_targets(y_true, self.names)
        ps = nest.flatten(y_pred)
        for ms, yt, yp in zip(self.by_output, ys, ps):
            for m in ms:
                m.update_state(yt, yp)

    def results(self) -> dict:
        return {m.name: m.result() for m in self.metrics}

    def reset_state(self) -> None:
        for m in self.metrics:
            m.reset_state()


def to_float(value: Any) -> float:
    return float(np.asarray(ops.convert_to_numpy(value)))
