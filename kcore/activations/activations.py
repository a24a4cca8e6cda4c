"""Activation functions (``keras.activations``), written with ``kcore.ops``.

Every function accepts backend tensors, NumPy arrays and symbolic
``KerasTensor``s (through the ops' shape inference).
"""

from __future__ import annotations

from typing import Any

from kcore import ops
from kcore.dtypes import standardize_dtype
from kcore.graph.keras_tensor import KerasTensor


def _keep_logits(output: Any, logits: Any) -> Any:
    """Remember the pre-activation input on the output, as Keras does for losses' ``from_logits`` shortcut."""
    try:
        output._keras_logits = logits
    except AttributeError:  # immutable C tensors (jax/numpy)
        pass
    return output


def relu(x: Any, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0) -> Any:
    """Rectified linear unit.

    ``x`` above ``threshold`` passes through (capped at ``max_value``);
    below it the output is ``negative_slope * (x - threshold)``.
    """
    if negative_slope == 0.0 and threshold == 0.0:
        if max_value is None:
            return ops.relu(x)
        if max_value == 6:
            return ops.relu6(x)
    if negative_slope != 0.0 and max_value is None and threshold == 0.0:
        return ops.leaky_relu(x, negative_slope=negative_slope)
    x = _tensor(x)
    if threshold != 0.0:
        positive = ops.where(ops.greater(x, threshold), x, ops.zeros_like(x))
    else:
        positive = ops.relu(x)
    if max_value is not None:
        positive = ops.minimum(positive, max_value)
    if negative_slope == 0.0:
        return positive
    negative = ops.relu(ops.subtract(threshold, x)) if threshold != 0.0 else ops.relu(ops.negative(x))
    return ops.subtract(positive, ops.multiply(negative_slope, negative))


def _tensor(x: Any) -> Any:
    """``x`` as a backend tensor; KerasTensors pass through unchanged."""
    return x if isinstance(x, KerasTensor) else ops.convert_to_tensor(x)


def relu6(x: Any) -> Any:
    """``min(max(x, 0), 6)``."""
    return ops.relu6(x)


def leaky_relu(x: Any, negative_slope: float = 0.2) -> Any:
    """``x`` for ``x >= 0``, ``negative_slope * x`` otherwise."""
    return ops.leaky_relu(x, negative_slope=negative_slope)


def elu(x: Any, alpha: float = 1.0) -> Any:
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise."""
    return ops.elu(x, alpha=alpha)


def selu(x: Any) -> Any:
    """Scaled ELU with the self-normalising constants (Klambauer et al., 2017)."""
    return ops.selu(x)


def celu(x: Any, alpha: float = 1.0) -> Any:
    """``max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))``."""
    x = _tensor(x)
    negative = ops.multiply(alpha, ops.expm1(ops.divide(ops.minimum(x, 0.0), alpha)))
    return ops.add(ops.relu(x), negative)


def sigmoid(x: Any) -> Any:
    """``1 / (1 + exp(-x))``."""
    return _keep_logits(ops.sigmoid(x), x)


def hard_sigmoid(x: Any) -> Any:
    """Piecewise-linear sigmoid: ``clip(x / 6 + 0.5, 0, 1)``."""
    return ops.hard_sigmoid(x)


def log_sigmoid(x: Any) -> Any:
    """``log(sigmoid(x)) = -softplus(-x)``."""
    return ops.negative(ops.softplus(ops.negative(x)))


def tanh(x: Any) -> Any:
    """Hyperbolic tangent."""
    return ops.tanh(x)


def hard_tanh(x: Any) -> Any:
    """``clip(x, -1, 1)``."""
    return ops.clip(x, -1.0, 1.0)


def softmax(x: Any, axis: int = -1) -> Any:
    """``exp(x) / sum(exp(x))`` along ``axis``."""
    return _keep_logits(ops.softmax(x, axis=axis), x)


def log_softmax(x: Any, axis: int = -1) -> Any:
    """``log(softmax(x))`` along ``axis``, computed stably."""
    return ops.log_softmax(x, axis=axis)


def softplus(x: Any) -> Any:
    """``log(exp(x) + 1)``."""
    return ops.softplus(x)


def softsign(x: Any) -> Any:
    """``x / (abs(x) + 1)``."""
    return ops.softsign(x)


def silu(x: Any) -> Any:
    """``x * sigmoid(x)`` (also called swish)."""
    return ops.silu(x)


swish = silu


def hard_silu(x: Any) -> Any:
    """``x * hard_sigmoid(x)`` (also called hard swish)."""
    return ops.multiply(x, ops.hard_sigmoid(x))


hard_swish = hard_silu


def gelu(x: Any, approximate: bool = False) -> Any:
    """Gaussian error linear unit ``x * P(X <= x)``; the tanh approximation when ``approximate``."""
    return ops.gelu(x, approximate=approximate)


def exponential(x: Any) -> Any:
    """``exp(x)``."""
    return ops.exp(x)


def linear(x: Any) -> Any:
    """The identity: returns ``x`` unchanged."""
    return x


def mish(x: Any) -> Any:
    """``x * tanh(softplus(x))`` (Misra, 2019)."""
    return ops.multiply(x, ops.tanh(ops.softplus(x)))


def glu(x: Any, axis: int = -1) -> Any:
    """Gated linear unit: splits ``x`` in halves ``a, b`` along ``axis``, returns ``a * sigmoid(b)``."""
    x = _tensor(x)
    size = x.shape[axis]
    if size is not None and size % 2:
        raise ValueError(f"glu: axis {axis} must have an even size to be split in halves; received shape {x.shape}")
    a, b = ops.split(x, 2, axis=axis)
    return ops.multiply(a, ops.sigmoid(b))


def hard_shrink(x: Any, threshold: float = 0.5) -> Any:
    """``x`` where ``|x| > threshold``, else 0."""
    x = _tensor(x)
    return ops.where(ops.greater(ops.abs(x), threshold), x, ops.zeros_like(x))


def soft_shrink(x: Any, threshold: float = 0.5) -> Any:
    """``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``, else 0."""
    x = _tensor(x)
    shrunk = ops.subtract(x, ops.multiply(ops.sign(x), threshold))
    return ops.where(ops.greater(ops.abs(x), threshold), shrunk, ops.zeros_like(x))


def tanh_shrink(x: Any) -> Any:
    """``x - tanh(x)``."""
    return ops.subtract(x, ops.tanh(x))


def threshold(x: Any, threshold: float, default_value: float) -> Any:
    """``x`` where ``x > threshold``, else ``default_value``."""
    x = _tensor(x)
    return ops.where(ops.greater(x, threshold), x, ops.full_like(x, default_value))


def squareplus(x: Any, b: float = 4) -> Any:
    """``(x + sqrt(x**2 + b)) / 2``, a smooth ReLU."""
    return ops.divide(ops.add(x, ops.sqrt(ops.add(ops.square(x), b))), 2.0)


def sparse_plus(x: Any) -> Any:
    """0 for ``x <= -1``, ``(x + 1)**2 / 4`` on ``(-1, 1)``, ``x`` for ``x >= 1``."""
    x = _tensor(x)
    middle = ops.divide(ops.square(ops.add(x, 1.0)), 4.0)
    return ops.where(ops.less_equal(x, -1.0), ops.zeros_like(x), ops.where(ops.greater_equal(x, 1.0), x, middle))


def sparse_sigmoid(x: Any) -> Any:
    """0 for ``x <= -1``, ``(x + 1) / 2`` on ``(-1, 1)``, 1 for ``x >= 1``."""
    return ops.clip(ops.divide(ops.add(x, 1.0), 2.0), 0.0, 1.0)


def sparsemax(x: Any, axis: int = -1) -> Any:
    """Euclidean projection of ``x`` onto the probability simplex along ``axis`` (Martins & Astudillo, 2016)."""
    x = _tensor(x)
    rank = len(x.shape)
    axis = axis % rank
    dtype = standardize_dtype(x.dtype)
    n = x.shape[axis]
    if n is None:
        raise ValueError(f"sparsemax: the size of axis {axis} must be known; received shape {x.shape}")
    z_sorted = ops.flip(ops.sort(x, axis=axis), axis=axis)
    k = ops.reshape(ops.arange(1, n + 1, dtype=dtype), tuple(n if i == axis else 1 for i in range(rank)))
    z_cumsum = ops.cumsum(z_sorted, axis=axis)
    support = ops.greater(ops.add(1.0, ops.multiply(k, z_sorted)), z_cumsum)
    support_size = ops.sum(ops.cast(support, dtype), axis=axis, keepdims=True)
    support_sum = ops.sum(ops.where(support, z_sorted, ops.zeros_like(z_sorted)), axis=axis, keepdims=True)
    tau = ops.divide(ops.subtract(support_sum, 1.0), support_size)
    return ops.maximum(ops.subtract(x, tau), ops.zeros_like(x))
