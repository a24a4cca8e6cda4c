"""Neural-network ops for the tensorflow backend: activations, convolutions, pooling, losses.

TensorFlow's CPU kernels only take channels-last inputs, so channels-first
inputs are transposed in and out. Combinations the CPU kernels reject
(strides with dilation, dilated transposed convolutions, unequal depthwise
strides, grouped 3D convolutions) are rewritten into equivalent supported ones.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # noqa: E402

from kcore import backend as _kcore_backend  # noqa: E402
from kcore_tensorflow.core import promote_pair, to_float, to_tensor  # noqa: E402


# --------------------------------------------------------------------------
# Layout helpers
# --------------------------------------------------------------------------


def _to_channels_last(x: tf.Tensor, data_format: str) -> tf.Tensor:
    if data_format == "channels_last":
        return x
    rank = x.shape.rank
    return tf.transpose(x, [0, *range(2, rank), 1])


def _from_channels_last(x: tf.Tensor, data_format: str) -> tf.Tensor:
    if data_format == "channels_last":
        return x
    rank = x.shape.rank
    return tf.transpose(x, [0, rank - 1, *range(1, rank - 1)])


def _check_data_format(op: str, data_format: str) -> None:
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"{op}: data_format must be 'channels_last' or 'channels_first'; received {data_format!r}")


def _check_rank(op: str, x: tf.Tensor, kernel: tf.Tensor | None = None) -> int:
    rank = x.shape.rank
    if rank not in (3, 4, 5):
        raise ValueError(
            f"{op}: inputs must have rank 3, 4 or 5 (batch, spatial..., channels); received shape {x.shape}"
        )
    if kernel is not None and kernel.shape.rank != rank:
        raise ValueError(f"{op}: kernel rank must equal inputs rank {rank}; received kernel shape {kernel.shape}")
    return rank - 2


_TF_FORMATS = {1: "NWC", 2: "NHWC", 3: "NDHWC"}


def _tf_format(x: tf.Tensor) -> str:
    """TF's name of the channels-last layout of ``x`` (passed explicitly: some gradients need it)."""
    return _TF_FORMATS[x.shape.rank - 2]


def _dilate_kernel(kernel: tf.Tensor, dilation_rate: tuple) -> tf.Tensor:
    """Insert ``d - 1`` zeros between kernel taps so a plain kernel acts dilated."""
    for axis, d in enumerate(dilation_rate):
        if d == 1:
            continue
        k = kernel.shape[axis]
        stacked = tf.stack([kernel] + [tf.zeros_like(kernel)] * (d - 1), axis=axis + 1)
        shape = kernel.shape.as_list()
        shape[axis] = k * d
        kernel = tf.reshape(stacked, shape)
        index = [slice(None)] * len(shape)
        index[axis] = slice(0, (k - 1) * d + 1)
        kernel = kernel[tuple(index)]
    return kernel


def _spatial_size(x: tf.Tensor, axis: int):
    d = x.shape[axis]
    return d if d is not None else tf.shape(x)[axis]


def _conv_transpose_length(size, k: int, s: int, padding: str, output_padding: int | None, d: int):
    """Keras' output length of a transposed convolution along one axis."""
    k_eff = (k - 1) * d + 1
    if padding == "valid":
        extra = max(k_eff, s) - k_eff if output_padding is None else output_padding
        return (size - 1) * s + k_eff + extra
    if output_padding is None:
        return size * s
    return (size - 1) * s + k_eff % 2 + output_padding


def _conv_channels_last(x, kernel, strides, padding, dilation_rate):
    """N-d (grouped) convolution of a channels-last input."""
    nd = len(strides)
    if any(s > 1 for s in strides) and any(d > 1 for d in dilation_rate):
        kernel = _dilate_kernel(kernel, dilation_rate)
        dilation_rate = (1,) * nd
    cin, kin = x.shape[-1], kernel.shape[-2]
    groups = 1 if cin is None or cin == kin else cin // kin
    if groups > 1 and nd == 3:  # CPU Conv3D has no groups: convolve each group apart
        xs = tf.split(x, groups, axis=-1)
        ks = tf.split(kernel, groups, axis=-1)
        return tf.concat(
            [tf.nn.convolution(xi, ki, strides=list(strides), padding=padding.upper(),
                               data_format=_tf_format(x), dilations=list(dilation_rate))
             for xi, ki in zip(xs, ks)],
            axis=-1,
        )
    return tf.nn.convolution(x, kernel, strides=list(strides), padding=padding.upper(),
                             data_format=_tf_format(x), dilations=list(dilation_rate))


class NN:
    """Activations, convolutions, pooling, normalization and crossentropies."""

    # ---------------------------------------------------------- activations
    def relu(self, x):
        return tf.nn.relu(to_tensor(x))

    def relu6(self, x):
        return tf.nn.relu6(to_tensor(x))

    def sigmoid(self, x):
        return tf.nn.sigmoid(to_float(x))

    def softplus(self, x):
        return tf.math.softplus(to_float(x))

    def softsign(self, x):
        return tf.nn.softsign(to_float(x))

    def silu(self, x):
        return tf.nn.silu(to_float(x))

    def elu(self, x, alpha: float = 1.0):
        x = to_float(x)
        out = tf.nn.elu(x)
        if alpha == 1.0:
            return out
        return tf.where(x > 0, x, tf.cast(alpha, x.dtype) * out)

    def selu(self, x):
        return tf.nn.selu(to_float(x))

    def leaky_relu(self, x, negative_slope: float = 0.2):
        return tf.nn.leaky_relu(to_float(x), alpha=negative_slope)

    def hard_sigmoid(self, x):
        x = to_float(x)
        return tf.nn.relu6(x + 3.0) / 6.0

    def gelu(self, x, approximate: bool = True):
        return tf.nn.gelu(to_float(x), approximate=approximate)

    def erf(self, x):
        return tf.math.erf(to_float(x))

    def softmax(self, x, axis: int = -1):
        return tf.nn.softmax(to_float(x), axis=axis)

    def log_softmax(self, x, axis: int = -1):
        return tf.nn.log_softmax(to_float(x), axis=axis)

    # ---------------------------------------------------------- convolution
    def conv(self, inputs, kernel, strides: tuple, padding: str, data_format: str, dilation_rate: tuple):
        x, kernel = promote_pair(inputs, kernel)
        _check_data_format("conv", data_format)
        _check_rank("conv", x, kernel)
        x = _to_channels_last(x, data_format)
        cin, kin = x.shape[-1], kernel.shape[-2]
        if cin is not None and (cin % kin or kernel.shape[-1] % (cin // kin)):
            raise ValueError(
                f"conv: inputs have {cin} channels, which the kernel of shape {tuple(kernel.shape)} "
                f"(in_channels={kin}, out_channels={kernel.shape[-1]}) cannot split into equal groups"
            )
        out = _conv_channels_last(x, kernel, tuple(strides), padding, tuple(dilation_rate))
        return _from_channels_last(out, data_format)

    def depthwise_conv(self, inputs, kernel, strides: tuple, padding: str, data_format: str, dilation_rate: tuple):
        x, kernel = promote_pair(inputs, kernel)
        _check_data_format("depthwise_conv", data_format)
        nd = _check_rank("depthwise_conv", x, kernel)
        x = _to_channels_last(x, data_format)
        strides, dilation_rate = tuple(strides), tuple(dilation_rate)
        cin = x.shape[-1]
        if cin is not None and kernel.shape[-2] != cin:
            raise ValueError(
                f"depthwise_conv: kernel of shape {tuple(kernel.shape)} expects {kernel.shape[-2]} input "
                f"channels; inputs have {cin} (shape {x.shape})"
            )
        if nd == 1:  # run as 2D with a height of 1
            x = tf.expand_dims(x, 1)
            kernel = tf.expand_dims(kernel, 0)
            strides, dilation_rate = (1, *strides), (1, *dilation_rate)
        if nd <= 2 and strides[0] == strides[1] and (strides[0] == 1 or dilation_rate == (1, 1)):
            out = tf.nn.depthwise_conv2d(x, kernel, [1, *strides, 1], padding.upper(), data_format="NHWC",
                                         dilations=list(dilation_rate))
        else:  # a grouped convolution with one group per input channel
            shape = kernel.shape.as_list()
            grouped = tf.reshape(kernel, shape[:-2] + [1, shape[-2] * shape[-1]])
            out = _conv_channels_last(x, grouped, strides, padding, dilation_rate)
        if nd == 1:
            out = tf.squeeze(out, 1)
        return _from_channels_last(out, data_format)

    def separable_conv(self, inputs, depthwise_kernel, pointwise_kernel, strides, padding, data_format, dilation_rate):
        x = self.depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
        ones = (1,) * len(strides)
        return self.conv(x, pointwise_kernel, ones, "valid", data_format, ones)

    def conv_transpose(self, inputs, kernel, strides: tuple, padding: str, output_padding: tuple | None,
                       data_format: str, dilation_rate: tuple):
        x, kernel = promote_pair(inputs, kernel)
        _check_data_format("conv_transpose", data_format)
        nd = _check_rank("conv_transpose", x, kernel)
        x = _to_channels_last(x, data_format)
        if x.shape[-1] is not None and x.shape[-1] != kernel.shape[-1]:
            raise ValueError(
                f"conv_transpose: kernel of shape {tuple(kernel.shape)} expects {kernel.shape[-1]} input "
                f"channels (last kernel axis); inputs have {x.shape[-1]}"
            )
        strides, dilation_rate = tuple(strides), tuple(dilation_rate)
        if isinstance(output_padding, int):
            output_padding = (output_padding,) * nd
        spatial = [
            _conv_transpose_length(_spatial_size(x, i + 1), kernel.shape[i], strides[i], padding,
                                   None if output_padding is None else output_padding[i], dilation_rate[i])
            for i in range(nd)
        ]
        if any(d > 1 for d in dilation_rate):  # CPU kernels have no dilated transposed conv
            kernel = _dilate_kernel(kernel, dilation_rate)
        if padding == "same" and any(
            -(-spatial[i] // strides[i]) != _spatial_size(x, i + 1) for i in range(nd)
        ):
            # TF's SAME needs out = ceil(size / stride); Keras' explicit output_padding can ask for less.
            # Compute the VALID (full) transposed conv and crop Keras' left padding of kernel // 2.
            out = _same_transpose_by_cropping(x, kernel, strides, spatial, nd)
            return _from_channels_last(out, data_format)
        output_shape = [_spatial_size(x, 0), *spatial, kernel.shape[-2]]
        out = tf.nn.conv_transpose(x, kernel, output_shape, list(strides), padding=padding.upper(),
                                  data_format=_tf_format(x))
        return _from_channels_last(out, data_format)

    # -------------------------------------------------------------- pooling
    def max_pool(self, inputs, pool_size: tuple, strides: tuple, padding: str, data_format: str):
        x = to_tensor(inputs)
        _check_data_format("max_pool", data_format)
        _check_rank("max_pool", x)
        strides = pool_size if strides is None else strides
        x = _to_channels_last(x, data_format)
        out = tf.nn.max_pool(x, list(pool_size), list(strides), padding.upper(), data_format=_tf_format(x))
        return _from_channels_last(out, data_format)

    def average_pool(self, inputs, pool_size: tuple, strides: tuple, padding: str, data_format: str):
        x = to_float(inputs)
        _check_data_format("average_pool", data_format)
        _check_rank("average_pool", x)
        strides = pool_size if strides is None else strides
        x = _to_channels_last(x, data_format)
        out = tf.nn.avg_pool(x, list(pool_size), list(strides), padding.upper(), data_format=_tf_format(x))
        return _from_channels_last(out, data_format)

    # --------------------------------------------------------- normalization
    def one_hot(self, x, num_classes: int, axis: int = -1, dtype: str = "float32"):
        x = to_tensor(x)
        if not x.dtype.is_integer:
            x = tf.cast(x, tf.int32)
        return tf.one_hot(x, num_classes, axis=axis, dtype=dtype or "float32")

    def moments(self, x, axes: tuple, keepdims: bool = False):
        x = to_float(x)
        low = x.dtype in (tf.float16, tf.bfloat16)
        mean, variance = tf.nn.moments(tf.cast(x, tf.float32) if low else x, axes=list(axes), keepdims=keepdims)
        if low:
            mean, variance = tf.cast(mean, x.dtype), tf.cast(variance, x.dtype)
        return mean, variance

    def batch_normalization(self, x, mean, variance, axis: int, offset=None, scale=None, epsilon: float = 1e-3):
        x = to_float(x)
        rank = x.shape.rank
        axis %= rank
        if axis != rank - 1:
            shape = [1] * rank
            shape[axis] = -1

            def reshape(t):
                return None if t is None else tf.reshape(to_tensor(t, x.dtype.name), shape)
        else:
            def reshape(t):
                return None if t is None else to_tensor(t, x.dtype.name)

        return tf.nn.batch_normalization(x, reshape(mean), reshape(variance), reshape(offset), reshape(scale), epsilon)

    # --------------------------------------------------------------- losses
    def binary_crossentropy(self, target, output, from_logits: bool = False):
        output = to_float(output)
        target = to_tensor(target, output.dtype.name)
        if from_logits:
            return tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
        eps = _kcore_backend.epsilon()
        output = tf.clip_by_value(output, eps, 1.0 - eps)
        return -(target * tf.math.log(output) + (1.0 - target) * tf.math.log(1.0 - output))

    def categorical_crossentropy(self, target, output, from_logits: bool = False, axis: int = -1):
        output = to_float(output)
        target = to_tensor(target, output.dtype.name)
        if target.shape.rank != output.shape.rank:
            raise ValueError(
                f"categorical_crossentropy: target and output must have the same rank; "
                f"received target shape {target.shape} and output shape {output.shape}"
            )
        if from_logits:
            return tf.nn.softmax_cross_entropy_with_logits(labels=target, logits=output, axis=axis)
        output = output / tf.reduce_sum(output, axis=axis, keepdims=True)
        eps = _kcore_backend.epsilon()
        output = tf.clip_by_value(output, eps, 1.0 - eps)
        return -tf.reduce_sum(target * tf.math.log(output), axis=axis)

    def sparse_categorical_crossentropy(self, target, output, from_logits: bool = False, axis: int = -1):
        output = to_float(output)
        target = to_tensor(target)
        rank = output.shape.rank
        axis %= rank
        if axis != rank - 1:
            output = tf.transpose(output, [i for i in range(rank) if i != axis] + [axis])
        if target.shape.rank == rank and target.shape[-1] == 1:
            target = tf.squeeze(target, -1)
        if target.shape.rank != rank - 1:
            raise ValueError(
                f"sparse_categorical_crossentropy: target must have the output's shape without the class axis; "
                f"received target shape {target.shape} and output shape {output.shape}"
            )
        target = tf.cast(target, tf.int32) if target.dtype not in (tf.int32, tf.int64) else target
        if from_logits:
            return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=target, logits=output)
        output = output / tf.reduce_sum(output, axis=-1, keepdims=True)
        eps = _kcore_backend.epsilon()
        log_prob = tf.math.log(tf.clip_by_value(output, eps, 1.0 - eps))
        picked = tf.gather(log_prob, target[..., None], axis=-1, batch_dims=rank - 1)
        return -tf.squeeze(picked, -1)


def _same_transpose_by_cropping(x, kernel, strides, spatial, nd):
    """Keras' "same" transposed conv with an explicit output size, from a VALID one plus cropping."""
    lengths, pads = [], []
    for i in range(nd):
        k = kernel.shape[i]
        full = (_spatial_size(x, i + 1) - 1) * strides[i] + k
        pad = k // 2
        lengths.append(max(full, min(pad + spatial[i], full + strides[i] - 1)))
        pads.append(pad)
    output_shape = [_spatial_size(x, 0), *lengths, kernel.shape[-2]]
    out = tf.nn.conv_transpose(x, kernel, output_shape, list(strides), padding="VALID", data_format=_tf_format(x))
    for i in range(nd):
        axis = i + 1
        out = tf.gather(out, tf.range(pads[i], min(pads[i] + spatial[i], lengths[i])), axis=axis)
        short = pads[i] + spatial[i] - lengths[i]
        if short > 0:
            paddings = [[0, 0]] * (nd + 2)
            paddings[axis] = [0, short]
            out = tf.pad(out, paddings)
    return out
