"""Neural-network ops of the numpy backend: convolutions, pooling, activations, losses.

Convolutions work channels-last on NumPy strided views: the forward pass and
the kernel gradient are one GEMM with an im2col patch matrix; the input
gradient (and so ``conv_transpose``) is one GEMM per kernel tap, each added
into the input cells that tap reads (a loop over the ``prod(kernel_size)``
taps, never over pixels). The three functions are autograd primitives
whose VJPs are each other, so any order of differentiation works. Padding
follows TF/Keras: ``"same"`` puts the odd extra cell at the end.
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

import autograd.numpy as anp
import numpy as np
from autograd.extend import defvjp, primitive
from autograd.tracer import getval
from numpy.lib.stride_tricks import as_strided

from kcore.dtypes import standardize_dtype
from kcore_numpy.core import np_dtype
from kcore_numpy.numpy import float_, p_getitem, prep2, t_, take_along_axis

Pads = tuple  # ((before, after), ...) per spatial dim; ``after`` may be negative (crop)


# ----------------------------------------------------------- geometry helpers
def _same_pads(sizes, k_eff, strides) -> Pads:
    pads = []
    for n, k, s in zip(sizes, k_eff, strides):
        out = -(-n // s)
        total = max((out - 1) * s + k - n, 0)
        pads.append((total // 2, total - total // 2))
    return tuple(pads)


def _window_pads(sizes, kernel, strides, dilation, padding: str) -> Pads:
    if padding == "valid":
        return ((0, 0),) * len(sizes)
    if padding == "same":
        k_eff = [(k - 1) * d + 1 for k, d in zip(kernel, dilation)]
        return _same_pads(sizes, k_eff, strides)
    raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")


def _pad_spatial(x: np.ndarray, pads: Pads, value=0) -> np.ndarray:
    """Pad (or, for a negative ``after``, crop) the spatial dims of ``(N, *S, C)``."""
    if all(b == 0 and a == 0 for b, a in pads):
        return x
    shape, src, dst = [x.shape[0]], [slice(None)], [slice(None)]
    for (b, a), n in zip(pads, x.shape[1:-1]):
        keep = n + min(a, 0)
        shape.append(n + b + a)
        src.append(slice(0, keep))
        dst.append(slice(b, b + keep))
    shape.append(x.shape[-1])
    out = np.zeros(shape, x.dtype) if value == 0 else np.full(shape, value, x.dtype)
    out[tuple(dst)] = x[tuple(src)]
    return out


def _unpad_spatial(gp: np.ndarray, pads: Pads, x_shape: tuple) -> np.ndarray:
    """The adjoint of :func:`_pad_spatial`: the cotangent of the unpadded input."""
    if all(b == 0 and a == 0 for b, a in pads):
        return gp
    key, dst, alloc = [slice(None)], [slice(None)], False
    for (b, a), n in zip(pads, x_shape[1:-1]):
        keep = n + min(a, 0)
        key.append(slice(b, b + keep))
        dst.append(slice(0, keep))
        alloc = alloc or keep != n
    if not alloc:
        return gp[tuple(key)]
    out = np.zeros(x_shape, gp.dtype)
    out[tuple(dst)] = gp[tuple(key)]
    return out


def _out_sizes(padded, kernel, strides, dilation) -> tuple:
    return tuple((p - ((k - 1) * d + 1)) // s + 1 for p, k, s, d in zip(padded, kernel, strides, dilation))


@functools.lru_cache(maxsize=512)
def _taps(kernel: tuple, strides: tuple, dilation: tuple, out: tuple) -> tuple:
    """``(tap_index, spatial_slices)`` for every kernel tap: the input cells that tap reads."""
    result = []
    for tap in itertools.product(*(range(k) for k in kernel)):
        sl = tuple(slice(t * d, t * d + (o - 1) * s + 1, s) for t, d, s, o in zip(tap, dilation, strides, out))
        result.append((tap, (slice(None),) + sl))
    return tuple(result)


def _windows(xp: np.ndarray, kernel, strides, dilation, out) -> np.ndarray:
    """Read-only view ``(N, *out, *kernel, C)`` of the windows of padded ``xp``."""
    st = xp.strides
    nd = len(kernel)
    shape = (xp.shape[0], *out, *kernel, xp.shape[-1])
    strides_ = (
        st[0],
        *(st[i + 1] * strides[i] for i in range(nd)),
        *(st[i + 1] * dilation[i] for i in range(nd)),
        st[-1],
    )
    return as_strided(xp, shape, strides_, writeable=False)


def _im2col(x, pads, kernel, strides, dilation, out=None) -> tuple[np.ndarray, tuple]:
    """Patches of padded ``x`` as a contiguous ``(N * prod(out), prod(kernel) * C)`` matrix."""
    xp = _pad_spatial(x, pads)
    if out is None:
        out = _out_sizes(xp.shape[1:-1], kernel, strides, dilation)
    win = _windows(xp, kernel, strides, dilation, out)
    rows = xp.shape[0] * int(np.prod(out, dtype=np.int64))
    return np.ascontiguousarray(win).reshape(rows, int(np.prod(kernel)) * xp.shape[-1]), tuple(out)


# ----------------------------------------------------- convolution primitives
@primitive
def conv_fwd(x, w, strides, dilation, pads):
    """Channels-last convolution of ``x (N,*S,C)`` with ``w (*K,C,O)``."""
    nd = len(strides)
    cols, out = _im2col(x, pads, w.shape[:nd], strides, dilation)
    y = cols @ w.reshape(-1, w.shape[-1])
    return y.reshape(x.shape[0], *out, w.shape[-1])


@primitive
def conv_input_grad(g, w, x_shape, strides, dilation, pads):
    """Adjoint of :func:`conv_fwd` in ``x``: ``g (N,*out,O)`` -> ``(N,*S,C)``."""
    nd = len(strides)
    kernel, out = w.shape[:nd], g.shape[1:-1]
    g2 = g.reshape(-1, g.shape[-1])
    tap_shape = (*g.shape[:-1], w.shape[-2])
    padded = (x_shape[0], *(n + b + a for n, (b, a) in zip(x_shape[1:-1], pads)), x_shape[-1])
    gp = np.zeros(padded, np.result_type(g, w))
    for tap, sl in _taps(kernel, strides, dilation, out):  # one GEMM per tap, added where the tap reads
        gp[sl] += (g2 @ w[tap].T).reshape(tap_shape)
    return _unpad_spatial(gp, pads, x_shape)


@primitive
def conv_kernel_grad(g, x, kernel, strides, dilation, pads):
    """Adjoint of :func:`conv_fwd` in ``w``: ``(*K, C, O)``."""
    cols, _ = _im2col(x, pads, tuple(kernel), strides, dilation, g.shape[1:-1])
    dw = cols.T @ g.reshape(-1, g.shape[-1])
    return dw.reshape(*kernel, x.shape[-1], g.shape[-1])


defvjp(
    conv_fwd,
    lambda ans, x, w, s, d, p: lambda g: conv_input_grad(g, w, np.shape(x), s, d, p),
    lambda ans, x, w, s, d, p: lambda g: conv_kernel_grad(g, x, np.shape(w)[: len(s)], s, d, p),
)
defvjp(
    conv_input_grad,
    lambda ans, g, w, xs, s, d, p: lambda h: conv_fwd(h, w, s, d, p),
    lambda ans, g, w, xs, s, d, p: lambda h: conv_kernel_grad(g, h, np.shape(w)[: len(s)], s, d, p),
)
defvjp(
    conv_kernel_grad,
    lambda ans, g, x, k, s, d, p: lambda h: conv_fwd(x, h, s, d, p),
    lambda ans, g, x, k, s, d, p: lambda h: conv_input_grad(g, h, np.shape(x), s, d, p),
)


# ------------------------------------------------------- depthwise primitives
@primitive
def dw_fwd(x, w, strides, dilation, pads):
    """Depthwise convolution: ``x (N,*S,C)``, ``w (*K,C,M)`` -> ``(N,*out,C*M)``."""
    nd = len(strides)
    xp = _pad_spatial(x, pads)
    out = _out_sizes(xp.shape[1:-1], w.shape[:nd], strides, dilation)
    c, m = w.shape[-2:]
    y = np.zeros((x.shape[0], *out, c, m), np.result_type(x, w))
    for tap, sl in _taps(w.shape[:nd], strides, dilation, out):
        y += xp[sl][..., None] * w[tap]
    return y.reshape(*y.shape[:-2], c * m)


@primitive
def dw_input_grad(g, w, x_shape, strides, dilation, pads):
    nd = len(strides)
    c, m = w.shape[-2:]
    g4 = g.reshape(*g.shape[:-1], c, m)
    padded = (x_shape[0], *(n + b + a for n, (b, a) in zip(x_shape[1:-1], pads)), x_shape[-1])
    gp = np.zeros(padded, g.dtype)
    for tap, sl in _taps(w.shape[:nd], strides, dilation, g.shape[1:-1]):
        gp[sl] += g4[..., 0] * w[tap][:, 0] if m == 1 else (g4 * w[tap]).sum(-1)
    return _unpad_spatial(gp, pads, x_shape)


@primitive
def dw_kernel_grad(g, x, kernel, strides, dilation, pads):
    nd = len(strides)
    c = x.shape[-1]
    m = g.shape[-1] // c
    out = g.shape[1:-1]
    g2 = g.reshape(-1, c, m)
    xp = _pad_spatial(x, pads)
    dw = np.zeros((*kernel, c, m), g.dtype)
    for tap, sl in _taps(tuple(kernel), strides, dilation, out):
        dw[tap] = np.einsum("pc,pcm->cm", xp[sl].reshape(-1, c), g2)
    return dw


defvjp(
    dw_fwd,
    lambda ans, x, w, s, d, p: lambda g: dw_input_grad(g, w, np.shape(x), s, d, p),
    lambda ans, x, w, s, d, p: lambda g: dw_kernel_grad(g, x, np.shape(w)[: len(s)], s, d, p),
)
defvjp(
    dw_input_grad,
    lambda ans, g, w, xs, s, d, p: lambda h: dw_fwd(h, w, s, d, p),
    lambda ans, g, w, xs, s, d, p: lambda h: dw_kernel_grad(g, h, np.shape(w)[: len(s)], s, d, p),
)
defvjp(
    dw_kernel_grad,
    lambda ans, g, x, k, s, d, p: lambda h: dw_fwd(x, h, s, d, p),
    lambda ans, g, x, k, s, d, p: lambda h: dw_input_grad(g, h, np.shape(x), s, d, p),
)


# ---------------------------------------------------------- pool primitives
def _lowest(dtype: np.dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


@primitive
def max_pool_fwd(x, pool, strides, pads):
    xp = _pad_spatial(x, pads, _lowest(x.dtype))
    ones = (1,) * len(pool)
    out = _out_sizes(xp.shape[1:-1], pool, strides, ones)
    y = None
    for _, sl in _taps(pool, strides, ones, out):
        y = xp[sl].copy() if y is None else np.maximum(y, xp[sl], out=y)
    return y


def _max_pool_vjp(ans, x, pool, strides, pads):
    def vjp(g):
        nd = len(pool)
        xp = _pad_spatial(x, pads, _lowest(x.dtype))
        gp = np.zeros(xp.shape, g.dtype)
        claimed = np.zeros(ans.shape, bool)
        disjoint = all(s >= p for s, p in zip(strides, pool))
        for _, sl in _taps(pool, strides, (1,) * nd, ans.shape[1:-1]):
            hit = np.equal(xp[sl], ans)
            np.greater(hit, claimed, out=hit)  # only the first maximum of each window
            np.logical_or(claimed, hit, out=claimed)
            if disjoint:
                gp[sl] = g * hit
            else:
                gp[sl] += g * hit
        return _unpad_spatial(gp, pads, x.shape)

    return vjp


defvjp(max_pool_fwd, _max_pool_vjp)


def _pool_counts(sizes, pool, strides, pads, out, dtype) -> Any:
    """Number of real (unpadded) cells in each window, shaped ``(1, *out, 1)``."""
    if all(b == 0 and a == 0 for b, a in pads):
        return dtype.type(int(np.prod(pool)))
    counts = np.ones((1,) * (len(pool) + 2), dtype)
    for i, (n, p, s, (b, _), o) in enumerate(zip(sizes, pool, strides, pads, out)):
        start = np.arange(o) * s - b
        c = np.minimum(start + p, n) - np.maximum(start, 0)
        shape = [1] * (len(pool) + 2)
        shape[i + 1] = o
        counts = counts * c.reshape(shape).astype(dtype)
    return counts


@primitive
def avg_pool_fwd(x, pool, strides, pads):
    xp = _pad_spatial(x, pads)
    ones = (1,) * len(pool)
    out = _out_sizes(xp.shape[1:-1], pool, strides, ones)
    y = None
    for _, sl in _taps(pool, strides, ones, out):
        y = xp[sl].copy() if y is None else np.add(y, xp[sl], out=y)
    y /= _pool_counts(x.shape[1:-1], pool, strides, pads, out, y.dtype)
    return y


def _avg_pool_vjp(ans, x, pool, strides, pads):
    def vjp(g):
        out = g.shape[1:-1]
        gc = g / _pool_counts(x.shape[1:-1], pool, strides, pads, out, g.dtype)
        padded = (x.shape[0], *(n + b + a for n, (b, a) in zip(x.shape[1:-1], pads)), x.shape[-1])
        gp = np.zeros(padded, g.dtype)
        for _, sl in _taps(pool, strides, (1,) * len(pool), out):
            gp[sl] += gc
        return _unpad_spatial(gp, pads, x.shape)

    return vjp


defvjp(avg_pool_fwd, _avg_pool_vjp)


# ------------------------------------------------------ activation primitives
@primitive
def p_relu(x):
    return np.maximum(x, 0)


defvjp(p_relu, lambda ans, x: lambda g: g * (ans > 0))


@primitive
def p_sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


defvjp(p_sigmoid, lambda ans, x: lambda g: g * ans * (1 - ans))


@primitive
def p_softmax(x, axis):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


defvjp(p_softmax, lambda ans, x, axis: lambda g: ans * (g - np.sum(g * ans, axis=axis, keepdims=True)))


@primitive
def p_log_softmax(x, axis):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


defvjp(p_log_softmax, lambda ans, x, axis: lambda g: g - np.exp(ans) * np.sum(g, axis=axis, keepdims=True))


@primitive
def p_softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


defvjp(p_softplus, lambda ans, x: lambda g: g * p_sigmoid.fun(x))


# ------------------------------------------------------------------- helpers
def _channels_last(x, data_format: str, nd: int):
    if data_format == "channels_first":
        return anp.transpose(x, (0, *range(2, nd + 2), 1))
    if data_format != "channels_last":
        raise ValueError(f"data_format must be 'channels_last' or 'channels_first', got {data_format!r}")
    return x


def _restore_format(y, data_format: str, nd: int):
    if data_format == "channels_first":
        return anp.transpose(y, (0, nd + 1, *range(1, nd + 1)))
    return y


def _check_rank(op: str, x, nd: int, kernel=None, kernel_rank=None) -> None:
    if len(np.shape(getval(x))) != nd + 2:
        raise ValueError(
            f"{op}: inputs must have rank {nd + 2} (batch, {nd} spatial dims, channels), "
            f"got shape {np.shape(getval(x))}"
        )
    if kernel is not None and len(np.shape(getval(kernel))) != kernel_rank:
        raise ValueError(f"{op}: kernel must have rank {kernel_rank}, got shape {np.shape(getval(kernel))}")


def _tuple(v, nd: int) -> tuple:
    if v is None:
        return (1,) * nd
    if isinstance(v, int):
        return (v,) * nd
    return tuple(int(e) for e in v)


def _transpose_pads(size: int, k: int, s: int, d: int, padding: str, output_padding) -> tuple[int, int, int]:
    """Keras' conv_transpose geometry for one dim: ``(out_len, before, after)`` of the scatter buffer."""
    k_eff = (k - 1) * d + 1
    if padding == "valid":
        extra = max(k_eff, s) - k_eff if output_padding is None else output_padding
        left, right = k_eff - 1, k_eff - 1 + extra
    elif padding == "same":
        total = s + k_eff - 2 if output_padding is None else k_eff + k_eff % 2 - 2 + output_padding
        left = min(total // 2 + total % 2, k_eff - 1)
        right = total - left
    else:
        raise ValueError(f"conv_transpose: padding must be 'valid' or 'same', got {padding!r}")
    out_len = (size - 1) * s + left + right - k_eff + 2
    before = k_eff - 1 - left
    after = (size - 1) * s + k_eff - out_len - before
    return out_len, before, after


class NN:
    """Convolutions, pooling, activations and losses."""

    # ----------------------------------------------------------- convolution
    def conv(self, inputs, kernel, strides, padding, data_format, dilation_rate):
        x, w = prep2(float_(inputs), float_(kernel))
        nd = len(np.shape(getval(w))) - 2
        _check_rank("conv", x, nd)
        strides, dilation = _tuple(strides, nd), _tuple(dilation_rate, nd)
        x = _channels_last(x, data_format, nd)
        xs, ws = np.shape(getval(x)), np.shape(getval(w))
        pads = _window_pads(xs[1:-1], ws[:nd], strides, dilation, padding)
        c_in, c_k = xs[-1], ws[-2]
        if c_in == c_k:
            y = conv_fwd(x, w, strides, dilation, pads)
        elif c_in % c_k == 0 and ws[-1] % (c_in // c_k) == 0:
            groups = c_in // c_k
            o = ws[-1] // groups
            lead = (slice(None),) * (nd + 1)
            parts = [
                conv_fwd(
                    p_getitem(x, lead + (slice(i * c_k, (i + 1) * c_k),)),
                    p_getitem(w, lead[:nd] + (slice(None), slice(i * o, (i + 1) * o))),
                    strides, dilation, pads,
                )
                for i in range(groups)
            ]
            y = anp.concatenate(parts, axis=-1)
        else:
            raise ValueError(
                f"conv: inputs have {c_in} channels but the kernel expects {c_k} "
                f"(kernel shape {ws}); channels must equal or be a multiple of it"
            )
        return _restore_format(y, data_format, nd)

    def depthwise_conv(self, inputs, kernel, strides, padding, data_format, dilation_rate):
        x, w = prep2(float_(inputs), float_(kernel))
        nd = len(np.shape(getval(w))) - 2
        _check_rank("depthwise_conv", x, nd)
        strides, dilation = _tuple(strides, nd), _tuple(dilation_rate, nd)
        x = _channels_last(x, data_format, nd)
        xs, ws = np.shape(getval(x)), np.shape(getval(w))
        if xs[-1] != ws[-2]:
            raise ValueError(
                f"depthwise_conv: inputs have {xs[-1]} channels, kernel shape {ws} expects {ws[-2]}"
            )
        pads = _window_pads(xs[1:-1], ws[:nd], strides, dilation, padding)
        return _restore_format(dw_fwd(x, w, strides, dilation, pads), data_format, nd)

    def separable_conv(self, inputs, depthwise_kernel, pointwise_kernel, strides, padding, data_format, dilation_rate):
        x = self.depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
        ones = (1,) * len(np.shape(getval(depthwise_kernel))[:-2])
        return self.conv(x, pointwise_kernel, ones, "valid", data_format, ones)

    def conv_transpose(self, inputs, kernel, strides, padding, output_padding, data_format, dilation_rate):
        x, w = prep2(float_(inputs), float_(kernel))
        nd = len(np.shape(getval(w))) - 2
        _check_rank("conv_transpose", x, nd)
        strides, dilation = _tuple(strides, nd), _tuple(dilation_rate, nd)
        out_pad = None if output_padding is None else _tuple(output_padding, nd)
        x = _channels_last(x, data_format, nd)
        xs, ws = np.shape(getval(x)), np.shape(getval(w))
        if xs[-1] != ws[-1]:
            raise ValueError(
                f"conv_transpose: inputs have {xs[-1]} channels, kernel shape {ws} expects {ws[-1]}"
            )
        out_sizes, pads = [], []
        for i in range(nd):
            n, before, after = _transpose_pads(
                xs[i + 1], ws[i], strides[i], dilation[i], padding, None if out_pad is None else out_pad[i]
            )
            out_sizes.append(n)
            pads.append((before, after))
        z_shape = (xs[0], *out_sizes, ws[-2])
        y = conv_input_grad(x, w, z_shape, strides, dilation, tuple(pads))
        return _restore_format(y, data_format, nd)

    # ---------------------------------------------------------------- pooling
    def _pool(self, prim, op, inputs, pool_size, strides, padding, data_format):
        x = t_(inputs)
        nd = len(np.shape(getval(x))) - 2
        pool = _tuple(pool_size, nd)
        strides = pool if strides is None else _tuple(strides, nd)
        if len(pool) != nd or len(strides) != nd:
            raise ValueError(
                f"{op}: pool_size {pool} and strides {strides} need one entry per spatial dim of "
                f"inputs with shape {np.shape(getval(x))}"
            )
        x = _channels_last(x, data_format, nd)
        pads = _window_pads(np.shape(getval(x))[1:-1], pool, strides, (1,) * nd, padding)
        return _restore_format(prim(x, pool, strides, pads), data_format, nd)

    def max_pool(self, inputs, pool_size, strides, padding, data_format):
        return self._pool(max_pool_fwd, "max_pool", inputs, pool_size, strides, padding, data_format)

    def average_pool(self, inputs, pool_size, strides, padding, data_format):
        return self._pool(avg_pool_fwd, "average_pool", float_(inputs), pool_size, strides, padding, data_format)

    # ------------------------------------------------------------ activations
    def relu(self, x):
        return p_relu(t_(x))

    def sigmoid(self, x):
        return p_sigmoid(float_(x))

    def softplus(self, x):
        return p_softplus(float_(x))

    def softmax(self, x, axis=-1):
        return p_softmax(float_(x), axis)

    def log_softmax(self, x, axis=-1):
        return p_log_softmax(float_(x), axis)

    # ------------------------------------------------------------------ misc
    def one_hot(self, x, num_classes, axis=-1, dtype="float32"):
        v = np.asarray(getval(t_(x)))
        out = (v[..., None] == np.arange(num_classes)).astype(np_dtype(standardize_dtype(dtype)))
        if axis != -1 and axis != v.ndim:
            out = np.moveaxis(out, -1, axis)
        return out

    def sparse_categorical_crossentropy(self, target, output, from_logits=False, axis=-1):
        output = float_(output)
        if from_logits:
            log_prob = p_log_softmax(output, axis)
        else:
            output = anp.divide(output, anp.sum(output, axis=axis, keepdims=True))
            log_prob = anp.log(anp.clip(output, 1e-7, 1.0 - 1e-7))
        labels = np.asarray(getval(t_(target))).astype(np.int64)
        ndim = len(np.shape(getval(output)))
        axis = axis % ndim
        if labels.ndim == ndim and labels.shape[axis] == 1:
            labels = np.squeeze(labels, axis)
        if labels.ndim != ndim - 1:
            raise ValueError(
                "sparse_categorical_crossentropy: target must have the shape of output without "
                f"axis {axis}; got target {labels.shape} and output {np.shape(getval(output))}"
            )
        picked = take_along_axis(log_prob, np.expand_dims(labels, axis), axis)
        return anp.negative(anp.squeeze(picked, axis))

    def moments(self, x, axes, keepdims=False):
        x = float_(x)
        axes = tuple(axes) if not isinstance(axes, int) else (axes,)
        mean = self.mean(x, axis=axes, keepdims=True)
        centered = anp.subtract(x, getval(mean))
        variance = self.mean(anp.multiply(centered, centered), axis=axes, keepdims=True)
        if not keepdims:
            mean, variance = anp.squeeze(mean, axes), anp.squeeze(variance, axes)
        return mean, variance

