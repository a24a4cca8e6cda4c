"""What ``compile()`` was given, matched to the model's outputs: losses, loss weights and metrics.

The rules follow Keras 3:

* ``loss``/``loss_weights``/``metrics`` are one value for every output, a list
  (one entry per output, in output order; for dict outputs the dict's order)
  or a dict keyed by output name.
* Strings and functions become ``LossFunctionWrapper``/``MeanMetricWrapper``
  named after the string (``"acc"`` logs as ``acc``) or the function.
* ``"accuracy"``/``"acc"`` pick binary, sparse categorical or categorical
  accuracy from the target and prediction shapes; the loss strings
  ``"crossentropy"``/``"ce"`` do the same for the crossentropy losses.
* With several outputs, metrics log as ``<output>_<metric>`` and each
  output's unweighted loss as ``<output>_loss``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kcore import ops
from kcore.graph import nest
from kcore.trainers.data_adapter import DataError

_ACCURACY_NAMES = ("accuracy", "acc")
_CROSSENTROPY_NAMES = ("crossentropy", "ce")


def output_names(model, y_pred: Any) -> list[str]:
    """Names of the model's outputs in flat order: dict keys, else the producing layers' names.

    Models without a graph (subclassed) name their outputs ``output`` or ``output_<i>``.
    """
    n = len(nest.flatten(y_pred))
    names = _graph_output_names(model)
    if names is None or len(names) != n:
        names = ["output"] if n == 1 else [f"output_{i}" for i in range(n)]
    return names


def _graph_output_names(model) -> list[str] | None:
    struct = getattr(model, "_outputs_struct", None)
    functional = getattr(model, "_functional", None)
    if struct is None and functional is not None:
        struct = functional._outputs_struct
    if isinstance(struct, dict):
        return [str(k) for k in struct]
    tensors = getattr(model, "_output_tensors", None)
    if tensors is None and functional is not None:
        tensors = functional._output_tensors
    if tensors:
        return [t._keras_history.operation.name for t in tensors]
    return None


def _shape(x: Any) -> tuple:
    return tuple(x.shape) if hasattr(x, "shape") else tuple(np.shape(x))


def binary_or_sparse(y_true: Any, y_pred: Any) -> tuple[bool, bool]:
    """``(is_binary, is_sparse_categorical)`` from the target and prediction shapes (as Keras)."""
    ts, ps = _shape(y_true), _shape(y_pred)
    if not ps:
        return True, False
    is_binary = ps[-1] == 1
    is_sparse = len(ts) < len(ps) or (bool(ts) and ts[-1] == 1 and ps[-1] not in (1, None))
    return is_binary, is_sparse


def expand_per_output(spec: Any, names: list[str], what: str, sequence_is_per_output: bool = True) -> list:
    """One entry per output from a single value, a list (by position) or a dict (by output name)."""
    n = len(names)
    if isinstance(spec, dict):
        unknown = [k for k in spec if k not in names]
        if unknown:
            raise ValueError(
                f"compile(): `{what}` names unknown output(s) {unknown}; the model's outputs are {names}."
            )
        return [spec.get(name) for name in names]
    if isinstance(spec, (list, tuple)) and sequence_is_per_output:
        if len(spec) != n:
            raise ValueError(
                f"compile(): `{what}` is a list of {len(spec)} entries but the model has {n} output(s) {names}; "
                f"pass one entry per output or a dict keyed by output name."
            )
        return list(spec)
    return [spec] * n


def per_output_values(y: Any, names: list[str], what: str = "y", broadcast_single: bool = False) -> list:
    """Targets (or sample weights) as one entry per output, from a single array, a list or a dict."""
    n = len(names)
    if y is None:
        return [None] * n
    if isinstance(y, dict):
        unknown = [k for k in y if k not in names]
        if unknown:
            raise DataError(
                f"`{what}` has key(s) {unknown} that are not outputs of the model; the outputs are {names}."
            )
        return [y.get(k) for k in names]
    if isinstance(y, (list, tuple)):
        if len(y) == n:
            return list(y)
        if len(y) == 1 and broadcast_single:
            return [y[0]] * n
        raise DataError(f"The model has {n} output(s) {names} but `{what}` has {len(y)} entries.")
    if n != 1 and not broadcast_single:
        raise DataError(
            f"The model has {n} outputs {names} but `{what}` is a single array; pass a list (one array per output) "
            "or a dict keyed by output name."
        )
    return [y] * n


# ------------------------------------------------------------------ losses
def resolve_loss(identifier: Any, y_true: Any, y_pred: Any):
    """A ``Loss`` object for a compile() loss entry (``None`` stays ``None``)."""
    from kcore import losses

    if identifier is None:
        return None
    if isinstance(identifier, str) and identifier.lower() in _CROSSENTROPY_NAMES:
        is_binary, is_sparse = binary_or_sparse(y_true, y_pred)
        fn = losses.binary_crossentropy if is_binary else (
            losses.sparse_categorical_crossentropy if is_sparse else losses.categorical_crossentropy)
    else:
        fn = losses.get(identifier)
    if isinstance(fn, losses.Loss):
        return fn
    name = identifier if isinstance(identifier, str) else getattr(fn, "__name__", type(fn).__name__)
    return losses.LossFunctionWrapper(fn, name=name)


def _loss_kind(loss: Any) -> str | None:
    """``"sparse"`` / ``"dense"`` for built-in losses whose target shape is known, else ``None``."""
    from kcore import losses

    fn = getattr(loss, "fn", None)
    if isinstance(loss, losses.SparseCategoricalCrossentropy) or fn is losses.sparse_categorical_crossentropy:
        return "sparse"
    dense_classes = (losses.CategoricalCrossentropy, losses.BinaryCrossentropy, losses.MeanSquaredError,
                     losses.MeanAbsoluteError, losses.Huber, losses.KLDivergence)
    dense_fns = (losses.categorical_crossentropy, losses.binary_crossentropy, losses.mean_squared_error,
                 losses.mean_absolute_error, losses.huber, losses.kl_divergence)
    if isinstance(loss, dense_classes) or any(fn is f for f in dense_fns):
        return "dense"
    return None


class CompileLoss:
    """The total loss: the weighted sum of one loss per output."""

    def __init__(self, loss: Any, loss_weights: Any = None) -> None:
        if loss_weights is not None and not isinstance(loss_weights, (list, tuple, dict, int, float)):
            raise ValueError(
                "compile(): `loss_weights` must be a number, a list or a dict; received "
                f"loss_weights={loss_weights!r} of type {type(loss_weights).__name__}."
            )
        self.loss_spec = loss
        self.loss_weights_spec = loss_weights
        self.built = False
        self.trackers: list = []

    def build(self, names: list[str], y_true: Any, y_pred: Any) -> None:
        """Resolve the losses and weights for the outputs ``names`` (flat order of ``y_pred``)."""
        from kcore import metrics

        self.names = names
        flat_pred = nest.flatten(y_pred)
        specs = expand_per_output(self.loss_spec, names, "loss")
        ys = per_output_values(y_true, names, "y")
        self.losses = [resolve_loss(s, yt, yp) for s, yt, yp in zip(specs, ys, flat_pred)]
        if all(l is None for l in self.losses):
            raise ValueError(f"compile(): no loss was given for any of the outputs {names}.")
        if self.loss_weights_spec is None:
            weights = [None] * len(names)
        else:
            weights = expand_per_output(self.loss_weights_spec, names, "loss_weights")
        self.weights = [None if w is None else float(w) for w in weights]
        active = [name for name, l in zip(names, self.losses) if l is not None]
        self.trackers = [metrics.Mean(name=f"{name}_loss") for name in active] if len(active) > 1 else []
        self.built = True

    @property
    def variables(self) -> list:
        return [v for t in self.trackers for v in t.variables]

    def check_targets(self, y: Any, y_pred_shapes: list[tuple | None]) -> None:
        """Targets whose shape cannot match the output, or labels out of range for sparse crossentropy."""
        ys = per_output_values(y, self.names, "y")
        for name, loss, yt, shape in zip(self.names, self.losses, ys, y_pred_shapes):
            if loss is None:
                continue
            if yt is None:
                raise DataError(f"No target was given for output '{name}', which has the loss '{loss.name}'.")
            kind = _loss_kind(loss)
            if shape is None or kind is None or not hasattr(yt, "shape"):
                continue
            ts, ps = tuple(yt.shape)[1:], tuple(shape)[1:]
            if kind == "sparse":
                ok = ts == ps[:-1] or ts == ps[:-1] + (1,)
                ok = ok and all(a == b or b is None for a, b in zip(ts, ps[:-1]))
            else:
                if len(ts) == len(ps) + 1 and ts and ts[-1] == 1:
                    ts = ts[:-1]
                elif len(ps) == len(ts) + 1 and ps and ps[-1] == 1:
                    ps = ps[:-1]
                ok = len(ts) == len(ps) and all(a == b or b is None for a, b in zip(ts, ps))
            if not ok:
                expected = (None,) + (ps[:-1] if kind == "sparse" else ps)
                raise DataError(
                    f"Target for output '{name}' has shape {tuple(yt.shape)}, incompatible with the output shape "
                    f"{(None,) + ps} and the loss '{loss.name}' (expected targets of shape {expected})."
                )
            if kind == "sparse" and ps and ps[-1] is not None and isinstance(yt, np.ndarray) and yt.size:
                lo, hi = yt.min(), yt.max()
                if lo < 0 or hi >= ps[-1]:
                    raise DataError(
                        f"Labels for output '{name}' are out of range: found values in [{lo}, {hi}] but the output "
                        f"has {ps[-1]} classes (the loss '{loss.name}' expects integer labels 0..{ps[-1] - 1})."
                    )

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None):
        """``(total, per_output)``: the weighted total and each output's unweighted loss."""
        ys = per_output_values(y_true, self.names, "y")
        ps = nest.flatten(y_pred)
        sws = per_output_values(sample_weight, self.names, "sample_weight", broadcast_single=True)
        total = None
        values = []
        for loss, w, yt, yp, sw in zip(self.losses, self.weights, ys, ps, sws):
            if loss is None:
                continue
            if yt is None:
                raise DataError("A batch has no target for an output that has a loss.")
            value = loss(yt, yp, sample_weight=sw)
            values.append(value)
            if w is not None:
                value = value * w
            total = value if total is None else total + value
        return total, values


# ----------------------------------------------------------------- metrics
def resolve_metric(identifier: Any, y_true: Any, y_pred: Any):
    """A ``Metric`` object for a compile() metric entry, named as Keras names it."""
    from kcore import metrics

    if identifier is None:
        raise ValueError("compile(): a metric entry is None.")
    if isinstance(identifier, str) and identifier.lower() in _ACCURACY_NAMES:
        is_binary, is_sparse = binary_or_sparse(y_true, y_pred)
        cls = metrics.BinaryAccuracy if is_binary else (
            metrics.SparseCategoricalAccuracy if is_sparse else metrics.CategoricalAccuracy)
        return cls(name=identifier)
    try:
        obj = metrics.get(identifier)
    except ValueError:
        obj = None
    if obj is None:
        raise ValueError(f"compile(): could not interpret metric identifier {identifier!r}.")
    if isinstance(obj, metrics.Metric):
        if isinstance(identifier, str):
            obj.name = identifier
        return obj
    name = identifier if isinstance(identifier, str) else getattr(obj, "__name__", type(obj).__name__)
    return metrics.MeanMetricWrapper(obj, name=name)


def _as_list(spec: Any) -> list:
    if spec is None:
        return []
    return list(spec) if isinstance(spec, (list, tuple)) else [spec]


class CompileMetrics:
    """The compiled metrics (unweighted and sample-weighted), grouped per output."""

    def __init__(self, metrics: Any, weighted_metrics: Any = None) -> None:
        for what, spec in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
            if spec is not None and not isinstance(spec, (list, tuple, dict)):
                raise ValueError(
                    f"compile(): `{what}` must be a list or a dict (keyed by output name); received "
                    f"{what}={spec!r} of type {type(spec).__name__}. Did you mean {what}=[{spec!r}]?"
                )
        self.spec = metrics
        self.weighted_spec = weighted_metrics
        self.built = False
        self.metrics: list = []
        self.unweighted: list[list] = []
        self.weighted: list[list] = []
        self.log_names: list[str] = []

    def _build_set(self, spec: Any, names: list[str], ys: list, ps: list) -> list[list]:
        n = len(names)
        if not spec:
            return [[] for _ in range(n)]
        if n == 1:
            entries = [_as_list(spec) if not isinstance(spec, dict) else _as_list(expand_per_output(spec, names, "metrics")[0])]
        else:
            if isinstance(spec, (list, tuple)) and len(spec) != n:
                raise ValueError(
                    f"compile(): the model has {n} outputs {names}; `metrics` must be a list with one entry "
                    f"(a metric or a list of metrics) per output, or a dict keyed by output name. Received {spec!r}."
                )
            entries = [_as_list(e) for e in expand_per_output(spec, names, "metrics")]
        return [[resolve_metric(m, yt, yp) for m in ms] if yt is not None else []
                for ms, yt, yp in zip(entries, ys, ps)]

    def build(self, names: list[str], y_true: Any, y_pred: Any) -> None:
        """Resolve the metrics for the outputs ``names`` (flat order of ``y_pred``)."""
        self.names = names
        ys = per_output_values(y_true, names, "y")
        ps = nest.flatten(y_pred)
        self.unweighted = self._build_set(self.spec, names, ys, ps)
        self.weighted = self._build_set(self.weighted_spec, names, ys, ps)
        prefix = [f"{name}_" if len(names) > 1 else "" for name in names]
        seen: dict[str, int] = {}
        log_names = []
        for group, weighted in ((self.unweighted, False), (self.weighted, True)):
            for p, ms in zip(prefix, group):
                for m in ms:
                    name = p + m.name
                    if name in seen and weighted:
                        name = f"{p}weighted_{m.name}"
                    if name in seen:
                        seen[name] += 1
                        name = f"{name}_{seen[name] - 1}"
                    seen.setdefault(name, 1)
                    log_names.append(name)
        self.metrics = [m for group in (self.unweighted, self.weighted) for ms in group for m in ms]
        self.log_names = log_names
        self.built = True

    @property
    def variables(self) -> list:
        return [v for m in self.metrics for v in m.variables]

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        ys = per_output_values(y_true, self.names, "y")
        ps = nest.flatten(y_pred)
        for ms, yt, yp in zip(self.unweighted, ys, ps):
            for m in ms:
                m.update_state(yt, yp)
        if any(self.weighted):
            sws = per_output_values(sample_weight, self.names, "sample_weight", broadcast_single=True)
            for ms, yt, yp, sw in zip(self.weighted, ys, ps, sws):
                for m in ms:
                    m.update_state(yt, yp, sample_weight=sw)

    def results(self) -> dict:
        return {name: m.result() for name, m in zip(self.log_names, self.metrics)}

    def reset_state(self) -> None:
        for m in self.metrics:
            m.reset_state()


def to_float(value: Any) -> float:
    return float(np.asarray(ops.convert_to_numpy(value)))
