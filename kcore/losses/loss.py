"""The ``Loss`` base class and the weighting/reduction rules every loss shares."""

from __future__ import annotations

import math
from typing import Any

from kcore import backend as _backend
from kcore import ops
from kcore.graph.naming import to_snake_case, unique_name
from kcore.ops.dispatch import dtype_of, shape_of

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def divide_no_nan(x1, x2):
    """``x1 / x2`` with 0 where ``x2 == 0`` (``keras.ops.divide_no_nan``)."""
    fn = getattr(ops, "divide_no_nan", None)
    if fn is not None:
        return fn(x1, x2)
    zero = ops.equal(x2, 0)
    safe = ops.where(zero, ops.ones_like(x2), x2)
    out = ops.divide(x1, safe)
    return ops.where(zero, ops.zeros_like(out), out)


def standardize_reduction(reduction: str | None) -> str | None:
    """Check ``reduction`` against the names Keras accepts."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument `reduction`. Expected one of {list(REDUCTIONS)}. "
            f"Received: reduction={reduction!r}"
        )
    return reduction


def standardize_dtype_arg(dtype: Any) -> str:
    """A compute dtype name from ``None``, a name, or a Keras ``DTypePolicy`` object/config."""
    if dtype is None:
        return _backend.floatx()
    if isinstance(dtype, dict):  # serialized DTypePolicy
        dtype = dtype.get("config", {}).get("name", dtype.get("name"))
    elif hasattr(dtype, "compute_dtype"):
        dtype = dtype.compute_dtype
    from kcore.dtypes import standardize_dtype

    name = str(dtype)
    if name.startswith("mixed_"):
        name = name[len("mixed_"):]
    return standardize_dtype(name)


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1: bool = True):
    """Make ranks equal when they differ by one and the extra last dim is 1 (as Keras)."""
    r1, r2 = len(shape_of(x1)), len(shape_of(x2))
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and shape_of(x1)[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, -1)
        else:
            x1 = ops.squeeze(x1, -1)
    if r2 == r1 + 1 and shape_of(x2)[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, -1)
        else:
            x2 = ops.squeeze(x2, -1)
    return x1, x2


def _match_weight_rank(values, sample_weight):
    """Squeeze/expand like Keras, then append unit axes so lower-rank weights broadcast per sample."""
    values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
    extra = len(shape_of(values)) - len(shape_of(sample_weight))
    if extra > 0 and len(shape_of(sample_weight)) > 0:
        sample_weight = ops.reshape(sample_weight, tuple(shape_of(sample_weight)) + (1,) * extra)
    return values, sample_weight


def apply_mask(sample_weight, mask, dtype: str, reduction: str | None):
    """Fold a boolean ``mask`` into ``sample_weight``.

    For the averaging reductions, kept entries are up-weighted by
    ``total / kept`` so that dividing by the full size averages over kept
    entries only.
    """
    if mask is None:
        return sample_weight
    if reduction in ("mean", "sum_over_batch_size"):
        total = float(math.prod(shape_of(mask)))
        valid = ops.sum(ops.cast(mask, dtype))
        mask_weight = divide_no_nan(ops.cast(total, dtype), valid)
        float_mask = ops.where(ops.cast(mask, "bool"), mask_weight, ops.zeros((), dtype))
    else:
        float_mask = ops.cast(mask, dtype)
    if sample_weight is None:
        return float_mask
    sample_weight = ops.cast(sample_weight, dtype)
    float_mask, sample_weight = _match_weight_rank(float_mask, sample_weight)
    return ops.multiply(sample_weight, float_mask)


def reduce_values(values, sample_weight=None, reduction: str | None = "sum_over_batch_size"):
    """Sum or average ``values`` (already weighted) as ``reduction`` says."""
    shape = shape_of(values)
    if reduction is None or reduction == "none" or shape == () or shape == (0,):
        return values
    loss = ops.sum(values)
    if reduction in ("sum_over_batch_size", "mean", "mean_with_sample_weight"):
        if reduction == "mean_with_sample_weight" and sample_weight is not None:
            divisor = ops.cast(ops.sum(sample_weight), dtype_of(loss))
        else:
            divisor = ops.cast(float(math.prod(shape)), dtype_of(loss))
        loss = divide_no_nan(loss, divisor)
    return loss


def reduce_weighted_values(values, sample_weight=None, mask=None,
                           reduction: str | None = "sum_over_batch_size", dtype: str | None = None):
    """Apply ``mask`` and ``sample_weight`` to per-sample ``values``, then reduce."""
    reduction = standardize_reduction(reduction)
    values = ops.convert_to_tensor(values, dtype=dtype)
    dtype = dtype_of(values)
    if sample_weight is not None:
        sample_weight = ops.convert_to_tensor(sample_weight, dtype=dtype)
    sample_weight = apply_mask(sample_weight, mask, dtype=dtype, reduction=reduction)
    if sample_weight is not None:
        sample_weight = ops.cast(sample_weight, dtype)
        values, sample_weight = _match_weight_rank(values, sample_weight)
        values = ops.multiply(values, sample_weight)
    return reduce_values(values, sample_weight, reduction)


def get_mask(x) -> Any:
    """The Keras mask attached to a tensor (``x._keras_mask``), if any."""
    return getattr(x, "_keras_mask", None)


def _map(fn, x):
    if isinstance(x, (list, tuple)):
        return type(x)(_map(fn, e) for e in x)
    if isinstance(x, dict):
        return {k: _map(fn, v) for k, v in x.items()}
    return fn(x)


class Loss:
    """Base class of losses: ``loss(y_true, y_pred, sample_weight=None)``.

    Subclasses implement ``call(y_true, y_pred)`` returning per-sample losses;
    ``__call__`` converts inputs to ``dtype``, applies sample weights and any
    mask, and reduces.

    Args:
        name: the loss name (default: snake-cased class name, made unique).
        reduction: ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
            ``"mean_with_sample_weight"``, ``"none"`` or ``None``.
        dtype: compute dtype (default ``floatx()``).
    """

    _keras_module = "keras.losses"

    def __init__(self, name: str | None = None, reduction: str | None = "sum_over_batch_size",
                 dtype: Any = None) -> None:
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self.reduction = standardize_reduction(reduction)
        self._dtype = standardize_dtype_arg(dtype)

    @property
    def dtype(self) -> str:
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        in_mask = get_mask(y_pred)
        dtype = self._dtype
        y_pred = _map(lambda x: ops.convert_to_tensor(x, dtype=dtype), y_pred)
        y_true = _map(lambda x: ops.convert_to_tensor(x, dtype=dtype), y_true)
        losses = self.call(y_true, y_pred)
        out_mask = get_mask(losses)
        if in_mask is not None and out_mask is not None:
            mask = ops.logical_and(in_mask, out_mask)
        else:
            mask = in_mask if in_mask is not None else out_mask
        return reduce_weighted_values(losses, sample_weight=sample_weight, mask=mask,
                                      reduction=self.reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        raise NotImplementedError(f"Loss {type(self).__name__} must implement call(y_true, y_pred)")

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict) -> "Loss":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, reduction={self.reduction}>"
