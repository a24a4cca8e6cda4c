"""Activations, convolutions, pooling, normalization and losses for the torch backend.

Spatial ops take Keras layouts (channels-last kernels, either data format)
and run torch's NC* kernels. "same" padding follows TF/Keras: the total
padding ``max((ceil(L/s) - 1) * s + k_eff - L, 0)`` is split with the extra
cell at the end, passed to torch natively when symmetric and applied with
``F.pad`` otherwise.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F

from kcore_torch.core import Tensor, to_torch_dtype
from kcore_torch.numpy import dims, floating, t, tensors

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}
_EPSILON = 1e-7


# ------------------------------------------------------------------ helpers


def _rank(op: str, x: Tensor) -> int:
    n = x.ndim - 2
    if n not in _CONV:
        raise ValueError(f"{op}: expected a 3D, 4D or 5D input (batch, spatial..., channels); got shape {tuple(x.shape)}")
    return n


def _channels_first(x: Tensor, data_format: str) -> Tensor:
    if data_format == "channels_last":
        return x.permute(0, x.ndim - 1, *range(1, x.ndim - 1))
    return x


def _restore_format(x: Tensor, data_format: str) -> Tensor:
    if data_format == "channels_last":
        return x.permute(0, *range(2, x.ndim), 1)
    return x


def same_padding(spatial, kernel, strides, dilation) -> list[tuple[int, int]]:
    """TF-style "same" padding per spatial dim as ``(before, after)``."""
    pads = []
    for size, k, s, d in zip(spatial, kernel, strides, dilation):
        k_eff = (k - 1) * d + 1
        total = max((-(-size // s) - 1) * s + k_eff - size, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def _flat(pads: list[tuple[int, int]]) -> list[int]:
    """``F.pad``'s argument order: last dim first."""
    out: list[int] = []
    for before, after in reversed(pads):
        out += [before, after]
    return out


def _padded(x: Tensor, padding: str, kernel, strides, dilation, value: float = 0.0) -> tuple[Tensor, Any]:
    """``(x, torch_padding)`` after applying Keras ``padding`` (x is channels-first)."""
    if padding == "valid":
        return x, 0
    if padding != "same":
        raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
    pads = same_padding(x.shape[2:], kernel, strides, dilation)
    if all(b == a for b, a in pads):
        return x, tuple(b for b, _ in pads)
    return F.pad(x, _flat(pads), value=value), 0


def _tuple(v: Any, n: int) -> tuple:
    return (v,) * n if isinstance(v, int) else tuple(v)


def _transpose_geometry(size: int, k: int, s: int, d: int, padding: str, output_padding: int | None) -> tuple[int, int]:
    """``(crop_before, output_length)`` of a Keras transposed convolution along one dim.

    The un-cropped result has length ``(size - 1) * s + k_eff``; Keras keeps
    ``output_length`` cells starting at ``crop_before`` (zeros past the end).
    """
    k_eff = (k - 1) * d + 1
    if padding == "valid":
        extra = max(k_eff, s) - k_eff if output_padding is None else output_padding
        return 0, (size - 1) * s + k_eff + extra
    if padding != "same":
        raise ValueError(f"conv_transpose: padding must be 'valid' or 'same', got {padding!r}")
    if output_padding is None:
        length, pad_len = size * s, s + k_eff - 2
    else:
        length, pad_len = (size - 1) * s + k_eff % 2 + output_padding, k_eff + k_eff % 2 - 2 + output_padding
    left = min(pad_len // 2 + pad_len % 2, k_eff - 1)
    return k_eff - 1 - left, length


class NN:
    """Neural-network ops."""

    # ------------------------------------------------------------ activations
    def relu(self, x):
        return F.relu(t(x))

    def relu6(self, x):
        return F.relu6(floating(x))

    def sigmoid(self, x):
        return torch.sigmoid(t(x))

    def softplus(self, x):
        return F.softplus(floating(x))

    def softsign(self, x):
        return F.softsign(floating(x))

    def silu(self, x):
        return F.silu(floating(x))

    def elu(self, x, alpha: float = 1.0):
        return F.elu(floating(x), alpha=alpha)

    def selu(self, x):
        return F.selu(floating(x))

    def leaky_relu(self, x, negative_slope: float = 0.2):
        return F.leaky_relu(floating(x), negative_slope=negative_slope)

    def hard_sigmoid(self, x):
        return F.hardsigmoid(floating(x))

    def gelu(self, x, approximate: bool = True):
        return F.gelu(floating(x), approximate="tanh" if approximate else "none")

    def softmax(self, x, axis=-1):
        x = floating(x)
        if isinstance(axis, int):
            return F.softmax(x, dim=axis)
        return torch.exp(x - torch.logsumexp(x, dim=dims(axis, x.ndim), keepdim=True))

    def log_softmax(self, x, axis=-1):
        x = floating(x)
        if isinstance(axis, int):
            return F.log_softmax(x, dim=axis)
        return x - torch.logsumexp(x, dim=dims(axis, x.ndim), keepdim=True)

    # ----------------------------------------------------------- convolutions
    def conv(self, inputs, kernel, strides, padding, data_format, dilation_rate):
        x, kernel = tensors(inputs, kernel)
        n = _rank("conv", x)
        x = _channels_first(x, data_format)
        in_per_group, channels = kernel.shape[n], x.shape[1]
        if kernel.ndim != n + 2 or channels % in_per_group:
            raise ValueError(
                f"conv: kernel of shape {tuple(kernel.shape)} does not fit an input with {channels} channels "
                f"(expected (*spatial, in_channels / groups, out_channels))"
            )
        strides, dilation = _tuple(strides, n), _tuple(dilation_rate, n)
        weight = kernel.permute(n + 1, n, *range(n))
        x, pad = _padded(x, padding, kernel.shape[:n], strides, dilation)
        out = _CONV[n](x, weight, None, strides, pad, dilation, channels // in_per_group)
        return _restore_format(out, data_format)

    def depthwise_conv(self, inputs, kernel, strides, padding, data_format, dilation_rate):
        x, kernel = tensors(inputs, kernel)
        n = _rank("depthwise_conv", x)
        x = _channels_first(x, data_format)
        channels = x.shape[1]
        if kernel.ndim != n + 2 or kernel.shape[n] != channels:
            raise ValueError(
                f"depthwise_conv: kernel of shape {tuple(kernel.shape)} does not fit an input with {channels} "
                f"channels (expected (*spatial, {channels}, multiplier))"
            )
        strides, dilation = _tuple(strides, n), _tuple(dilation_rate, n)
        spatial = tuple(kernel.shape[:n])
        weight = kernel.reshape(*spatial, 1, channels * kernel.shape[n + 1]).permute(n + 1, n, *range(n))
        x, pad = _padded(x, padding, spatial, strides, dilation)
        out = _CONV[n](x, weight, None, strides, pad, dilation, channels)
        return _restore_format(out, data_format)

    def conv_transpose(self, inputs, kernel, strides, padding, output_padding, data_format, dilation_rate):
        x, kernel = tensors(inputs, kernel)
        n = _rank("conv_transpose", x)
        x = _channels_first(x, data_format)
        if kernel.ndim != n + 2 or kernel.shape[n + 1] != x.shape[1]:
            raise ValueError(
                f"conv_transpose: kernel of shape {tuple(kernel.shape)} does not fit an input with {x.shape[1]} "
                f"channels (expected (*spatial, out_channels, {x.shape[1]}))"
            )
        strides, dilation = _tuple(strides, n), _tuple(dilation_rate, n)
        output_padding = (None,) * n if output_padding is None else _tuple(output_padding, n)
        weight = kernel.permute(n + 1, n, *range(n))
        geometry = [
            _transpose_geometry(size, k, s, d, padding, op)
            for size, k, s, d, op in zip(x.shape[2:], kernel.shape[:n], strides, dilation, output_padding)
        ]
        full = [(size - 1) * s + (k - 1) * d + 1 for size, k, s, d in zip(x.shape[2:], kernel.shape[:n], strides, dilation)]
        for (crop, length), f in zip(geometry, full):
            if length <= 0:
                raise ValueError(f"conv_transpose: the output would have a non-positive spatial size {length}")
        torch_pads = [crop for crop, _ in geometry]
        extras = [length - (f - 2 * crop) for (crop, length), f in zip(geometry, full)]
        if all(0 <= e < max(s, d) for e, s, d in zip(extras, strides, dilation)):
            out = _CONV_T[n](x, weight, None, strides, tuple(torch_pads), tuple(extras), 1, dilation)
        else:
            out = _CONV_T[n](x, weight, None, strides, 0, 0, 1, dilation)
            index = [slice(None), slice(None)]
            pads = []
            for (crop, length), f in zip(geometry, full):
                index.append(slice(crop, min(crop + length, f)))
                pads.append((0, max(crop + length - f, 0)))
            out = out[tuple(index)]
            if any(after for _, after in pads):
                out = F.pad(out, _flat(pads))
        return _restore_format(out, data_format)

    # ---------------------------------------------------------------- pooling
    def max_pool(self, inputs, pool_size, strides, padding, data_format):
        x = t(inputs)
        n = _rank("max_pool", x)
        x = _channels_first(x, data_format)
        pool_size = _tuple(pool_size, n)
        strides = pool_size if strides is None else _tuple(strides, n)
        low = -math.inf if x.is_floating_point() else torch.iinfo(x.dtype).min
        x, pad = _padded(x, padding, pool_size, strides, (1,) * n, value=low)
        if pad != 0 and any(p > k // 2 for p, k in zip(pad, pool_size)):
            x, pad = F.pad(x, _flat([(p, p) for p in pad]), value=low), 0
        out = _MAX_POOL[n](x, pool_size, strides, pad)
        return _restore_format(out, data_format)

    def average_pool(self, inputs, pool_size, strides, padding, data_format):
        x = floating(inputs)
        n = _rank("average_pool", x)
        x = _channels_first(x, data_format)
        pool_size = _tuple(pool_size, n)
        strides = pool_size if strides is None else _tuple(strides, n)
        if padding == "valid":
            out = _AVG_POOL[n](x, pool_size, strides)
        elif padding == "same":
            pads = same_padding(x.shape[2:], pool_size, strides, (1,) * n)
            if all(b == a and b <= k // 2 for (b, a), k in zip(pads, pool_size)):
                out = _AVG_POOL[n](x, pool_size, strides, tuple(b for b, _ in pads), False, False)
            else:
                # window sums over zero padding, divided by the count of real cells
                flat = _flat(pads)
                sums = _AVG_POOL[n](F.pad(x, flat), pool_size, strides)
                mask = F.pad(torch.ones((1, 1, *x.shape[2:]), dtype=x.dtype, device=x.device), flat)
                out = sums / _AVG_POOL[n](mask, pool_size, strides)
        else:
            raise ValueError(f"average_pool: padding must be 'valid' or 'same', got {padding!r}")
        return _restore_format(out, data_format)

    # ----------------------------------------------------------- normalization
    def one_hot(self, x, num_classes: int, axis: int = -1, dtype: str = "float32"):
        x = t(x)
        classes = torch.arange(num_classes, device=x.device, dtype=x.dtype if not x.is_floating_point() else torch.int64)
        out = (x.unsqueeze(-1) == classes).to(to_torch_dtype(dtype))
        return out if axis == -1 else out.movedim(-1, axis)

    def moments(self, x, axes, keepdims: bool = False):
        x = floating(x)
        low = x.dtype in (torch.float16, torch.bfloat16)
        variance, mean = torch.var_mean(x.float() if low else x, dim=dims(axes, x.ndim), correction=0, keepdim=keepdims)
        if low:
            mean, variance = mean.to(x.dtype), variance.to(x.dtype)
        return mean, variance

    def batch_normalization(self, x, mean, variance, axis: int, offset=None, scale=None, epsilon: float = 1e-3):
        x = t(x)
        shape = [1] * x.ndim
        shape[axis] = -1
        inv = torch.rsqrt(t(variance).reshape(shape) + epsilon)
        if scale is not None:
            inv = inv * t(scale).reshape(shape)
        shift = -t(mean).reshape(shape) * inv
        if offset is not None:
            shift = shift + t(offset).reshape(shape)
        return torch.addcmul(shift, x, inv)

    # ------------------------------------------------------------------ losses
    def binary_crossentropy(self, target, output, from_logits: bool = False):
        output = floating(output)
        target = t(target).to(output.dtype)
        if from_logits:
            if target.shape == output.shape:
                return F.binary_cross_entropy_with_logits(output, target, reduction="none")
            return F.relu(output) - output * target + F.softplus(-torch.abs(output))
        output = torch.clamp(output, _EPSILON, 1.0 - _EPSILON)
        return -(target * torch.log(output) + (1.0 - target) * torch.log1p(-output))

    def categorical_crossentropy(self, target, output, from_logits: bool = False, axis: int = -1):
        output = floating(output)
        target = t(target).to(output.dtype)
        if from_logits:
            log_prob = F.log_softmax(output, dim=axis)
        else:
            output = output / torch.sum(output, dim=axis, keepdim=True)
            log_prob = torch.log(torch.clamp(output, _EPSILON, 1.0 - _EPSILON))
        return -torch.sum(target * log_prob, dim=axis)

    def sparse_categorical_crossentropy(self, target, output, from_logits: bool = False, axis: int = -1):
        output = floating(output)
        target = t(target)
        axis = axis % output.ndim
        if target.ndim == output.ndim and target.shape[axis] == 1:
            target = target.squeeze(axis)
        if from_logits:
            log_prob = F.log_softmax(output, dim=axis)
        else:
            output = output / torch.sum(output, dim=axis, keepdim=True)
            log_prob = torch.log(torch.clamp(output, _EPSILON, 1.0 - _EPSILON))
        target = target.long()
        classes = output.shape[axis]
        valid = (target >= 0) & (target < classes)
        picked = torch.gather(log_prob, axis, torch.where(valid, target, 0).unsqueeze(axis)).squeeze(axis)
        return torch.where(valid, -picked, 0.0)
