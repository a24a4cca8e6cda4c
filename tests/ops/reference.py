"""Direct NumPy reference implementations of convolution and pooling, written as
explicit loops over output and kernel positions (float64 accumulation).

Conventions (Keras): channels-last kernels; "same" padding puts the extra
pad at the end; transposed convolution output sizes follow Keras' rule.
"""

from __future__ import annotations

import math

import numpy as np


def _to_last(x, data_format):
    return np.moveaxis(x, 1, -1) if data_format == "channels_first" else x


def _from_last(x, data_format):
    return np.moveaxis(x, -1, 1) if data_format == "channels_first" else x


def _tuple(v, n):
    return (v,) * n if isinstance(v, int) else tuple(v)


def _pads(length, window, stride, padding):
    """(before, after, out_length) of one spatial dim, TF/Keras style."""
    if padding == "valid":
        return 0, 0, (length - window) // stride + 1
    out = math.ceil(length / stride)
    total = max((out - 1) * stride + window - length, 0)
    return total // 2, total - total // 2, out


def conv(x, kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    """Cross-correlation; kernel ``(*spatial, in, out)``."""
    x = _to_last(np.asarray(x, np.float64), data_format)
    kernel = np.asarray(kernel, np.float64)
    n = kernel.ndim - 2
    s, d = _tuple(strides, n), _tuple(dilation_rate, n)
    win = [(kernel.shape[i] - 1) * d[i] + 1 for i in range(n)]
    pads = [_pads(x.shape[1 + i], win[i], s[i], padding) for i in range(n)]
    xp = np.pad(x, [(0, 0)] + [(a, b) for a, b, _ in pads] + [(0, 0)])
    outs = [o for _, _, o in pads]
    out = np.zeros((x.shape[0], *outs, kernel.shape[-1]))
    for o in np.ndindex(*outs):
        for k in np.ndindex(*kernel.shape[:n]):
            pos = tuple(o[i] * s[i] + k[i] * d[i] for i in range(n))
            out[(slice(None),) + o] += xp[(slice(None),) + pos] @ kernel[k]
    return _from_last(out, data_format).astype(np.float32)


def depthwise_conv(x, kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    """Per-channel cross-correlation; kernel ``(*spatial, in, multiplier)``, output channel ``c * m + j``."""
    x = _to_last(np.asarray(x, np.float64), data_format)
    kernel = np.asarray(kernel, np.float64)
    n = kernel.ndim - 2
    s, d = _tuple(strides, n), _tuple(dilation_rate, n)
    win = [(kernel.shape[i] - 1) * d[i] + 1 for i in range(n)]
    pads = [_pads(x.shape[1 + i], win[i], s[i], padding) for i in range(n)]
    xp = np.pad(x, [(0, 0)] + [(a, b) for a, b, _ in pads] + [(0, 0)])
    outs = [o for _, _, o in pads]
    cin, mult = kernel.shape[-2:]
    out = np.zeros((x.shape[0], *outs, cin * mult))
    for o in np.ndindex(*outs):
        for k in np.ndindex(*kernel.shape[:n]):
            pos = tuple(o[i] * s[i] + k[i] * d[i] for i in range(n))
            prod = xp[(slice(None),) + pos][:, :, None] * kernel[k][None]
            out[(slice(None),) + o] += prod.reshape(x.shape[0], cin * mult)
    return _from_last(out, data_format).astype(np.float32)


def separable_conv(x, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format="channels_last", dilation_rate=1):
    y = depthwise_conv(x, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv(y, pointwise_kernel, 1, "valid", data_format, 1)


def conv_transpose_length_and_crop(length, k, stride, padding, output_padding, dilation):
    """Keras' output size, and how many leading cells of the full scatter output it drops."""
    win = (k - 1) * dilation + 1
    if padding == "valid":
        extra = max(win, stride) - win if output_padding is None else output_padding
        left = win - 1
        right = win - 1 + extra
    else:
        pad_len = stride + win - 2 if output_padding is None else win + win % 2 - 2 + output_padding
        left = min(pad_len // 2 + pad_len % 2, win - 1)
        right = pad_len - left
    out = (length - 1) * stride + 1 + left + right - win + 1
    return out, win - 1 - left


def conv_transpose(x, kernel, strides=1, padding="valid", output_padding=None, data_format="channels_last",
                   dilation_rate=1):
    """Scatter each input cell times the kernel ``(*spatial, out, in)`` into the output, then crop."""
    x = _to_last(np.asarray(x, np.float64), data_format)
    kernel = np.asarray(kernel, np.float64)
    n = kernel.ndim - 2
    s, d = _tuple(strides, n), _tuple(dilation_rate, n)
    op = [None] * n if output_padding is None else list(_tuple(output_padding, n))
    spatial = x.shape[1:-1]
    sizes = [conv_transpose_length_and_crop(spatial[i], kernel.shape[i], s[i], padding, op[i], d[i])
             for i in range(n)]
    full = [(spatial[i] - 1) * s[i] + (kernel.shape[i] - 1) * d[i] + 1 for i in range(n)]
    y = np.zeros((x.shape[0], *[max(f, o + c) for f, (o, c) in zip(full, sizes)], kernel.shape[-2]))
    for i in np.ndindex(*spatial):
        for k in np.ndindex(*kernel.shape[:n]):
            pos = tuple(i[j] * s[j] + k[j] * d[j] for j in range(n))
            y[(slice(None),) + pos] += x[(slice(None),) + i] @ kernel[k].T
    crop = tuple(slice(c, c + o) for o, c in sizes)
    return _from_last(y[(slice(None),) + crop + (slice(None),)], data_format).astype(np.float32)


def pool(x, pool_size, strides=None, padding="valid", data_format="channels_last", kind="max"):
    """Max or average pooling; "same" padding cells are ignored (not counted in averages)."""
    x = _to_last(np.asarray(x, np.float64), data_format)
    n = x.ndim - 2
    p = _tuple(pool_size, n)
    s = p if strides is None else _tuple(strides, n)
    pads = [_pads(x.shape[1 + i], p[i], s[i], padding) for i in range(n)]
    outs = [o for _, _, o in pads]
    out = np.zeros((x.shape[0], *outs, x.shape[-1]))
    for o in np.ndindex(*outs):
        window = []
        for i in range(n):
            start = o[i] * s[i] - pads[i][0]
            window.append(slice(max(start, 0), min(start + p[i], x.shape[1 + i])))
        cells = x[(slice(None),) + tuple(window) + (slice(None),)].reshape(x.shape[0], -1, x.shape[-1])
        out[(slice(None),) + o] = cells.max(axis=1) if kind == "max" else cells.mean(axis=1)
    return _from_last(out, data_format).astype(np.float32)
