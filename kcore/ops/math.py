"""Math ops outside NumPy's namespace: ``logsumexp``, ``top_k``, ``erf``, ``rsqrt``."""

from __future__ import annotations

from kcore.ops import shape_inference as si
from kcore.ops.core import backend, to_float, to_tensor
from kcore.ops.dispatch import op

__all__ = ["logsumexp", "top_k", "erf", "rsqrt"]


@op(infer=si.infer_reduce("logsumexp", si.float_dtype))
def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, computed without overflow."""
    b = backend()
    x = to_float(b, x)
    axis = si.axis_arg(axis)
    try:
        return b.logsumexp(x, axis=axis, keepdims=keepdims)
    except Exception:
        si.reduce_shape("logsumexp", b.shape(x), axis, keepdims)
        raise


@op(infer=si.infer_top_k)
def top_k(x, k, sorted=True):
    """``(values, indices)`` of the ``k`` largest entries along the last axis; indices are int32."""
    b = backend()
    x = to_tensor(b, x)
    k = si.top_k_arg("top_k", b.shape(x), k)
    values, indices = b.top_k(x, k, sorted=bool(sorted))
    if b.dtype(indices) != "int32":
        indices = b.cast(indices, "int32")
    return values, indices


@op(infer=si.infer_float)
def erf(x):
    """Elementwise Gauss error function."""
    b = backend()
    return b.erf(to_float(b, x))


@op(infer=si.infer_float)
def rsqrt(x):
    """Elementwise ``1 / sqrt(x)``."""
    b = backend()
    return b.rsqrt(to_float(b, x))
