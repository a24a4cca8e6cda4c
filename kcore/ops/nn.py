"""Neural-network ops: activations, convolutions, pooling, one-hot, crossentropies, normalization.

Spatial ops take Keras' channels-last kernel layouts whatever ``data_format``
is: ``(*spatial, in_channels, out_channels)`` for ``conv``,
``(*spatial, out_channels, in_channels)`` for ``conv_transpose`` and
``(*spatial, in_channels, channel_multiplier)`` for ``depthwise_conv``.
"""

from __future__ import annotations

from kcore import backend as _backend
from kcore.ops import shape_inference as si
from kcore.ops.core import backend, binary_operands, to_float, to_tensor
from kcore.ops.dispatch import op
from kcore.ops.numpy import tanh

__all__ = [
    "relu", "relu6", "sigmoid", "tanh", "softmax", "log_softmax", "gelu", "silu", "swish", "elu", "selu",
    "softplus", "softsign", "leaky_relu", "hard_sigmoid",
    "conv", "conv_transpose", "depthwise_conv", "separable_conv", "max_pool", "average_pool",
    "one_hot", "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
    "moments", "batch_normalization",
]

# ============================================================= activations


def _activation(name: str, doc: str, method: str | None = None):
    method = method or name

    def fn(x):
        b = backend()
        return getattr(b, method)(to_float(b, x))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    fn.__module__ = __name__
    return op(infer=si.infer_float)(fn)


relu = _activation("relu", "Rectified linear unit: ``max(x, 0)``.")
relu6 = _activation("relu6", "ReLU capped at 6: ``min(max(x, 0), 6)``.")
sigmoid = _activation("sigmoid", "Logistic sigmoid ``1 / (1 + exp(-x))``.")
softplus = _activation("softplus", "``log(1 + exp(x))``, computed without overflow.")
softsign = _activation("softsign", "``x / (1 + |x|)``.")
silu = _activation("silu", "Sigmoid linear unit ``x * sigmoid(x)``.")
swish = _activation("swish", "Alias of ``silu``: ``x * sigmoid(x)``.", "silu")
selu = _activation("selu", "Scaled exponential linear unit (self-normalizing constants).")
hard_sigmoid = _activation("hard_sigmoid", "Piecewise-linear sigmoid ``clip(x / 6 + 0.5, 0, 1)``.")


@op(infer=si.infer_float)
def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``."""
    b = backend()
    return b.elu(to_float(b, x), float(alpha))


@op(infer=si.infer_float)
def leaky_relu(x, negative_slope=0.2):
    """``x`` if ``x >= 0`` else ``negative_slope * x``."""
    b = backend()
    return b.leaky_relu(to_float(b, x), float(negative_slope))


@op(infer=si.infer_float)
def gelu(x, approximate=True):
    """Gaussian error linear unit (tanh approximation by default, exact with ``approximate=False``)."""
    b = backend()
    return b.gelu(to_float(b, x), bool(approximate))


def _softmax_like(name: str, doc: str):
    def fn(x, axis=-1):
        b = backend()
        x = to_float(b, x)
        if isinstance(axis, (tuple, list)):
            raise ValueError(f"{name}: `axis` must be an int, got {axis!r}")
        try:
            return getattr(b, name)(x, axis=int(axis))
        except Exception:
            si.canonical_axis(name, axis, len(b.shape(x)))
            raise

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    fn.__module__ = __name__
    return op(infer=si.infer_softmax)(fn)


softmax = _softmax_like("softmax", "``exp(x) / sum(exp(x))`` along ``axis``.")
log_softmax = _softmax_like("log_softmax", "``x - logsumexp(x)`` along ``axis``.")

# ========================================================== convolutions


def _float_operands(b, x1, x2):
    x1, x2, d = binary_operands(b, x1, x2)
    if d not in si.FLOAT_TYPES:
        f = _backend.floatx()
        x1, x2 = b.cast(x1, f), b.cast(x2, f)
    return x1, x2


@op(infer=si.infer_conv)
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (1D to 3D) of ``inputs`` with ``kernel`` of shape ``(*spatial, in_channels, out_channels)``."""
    b = backend()
    inputs, kernel = _float_operands(b, inputs, kernel)
    i_shape, k_shape = b.shape(inputs), b.shape(kernel)
    strides, padding, data_format, dilation_rate = si.conv_args(
        "conv", i_shape, k_shape, strides, padding, data_format, dilation_rate)
    si.conv_shape("conv", i_shape, k_shape, strides, padding, data_format, dilation_rate, k_shape[-1])
    return b.conv(inputs, kernel, strides, padding, data_format, dilation_rate)


@op(infer=si.infer_depthwise_conv)
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Per-channel convolution; ``kernel`` has shape ``(*spatial, in_channels, channel_multiplier)``."""
    b = backend()
    inputs, kernel = _float_operands(b, inputs, kernel)
    i_shape, k_shape = b.shape(inputs), b.shape(kernel)
    strides, padding, data_format, dilation_rate = si.conv_args(
        "depthwise_conv", i_shape, k_shape, strides, padding, data_format, dilation_rate, si.DEPTHWISE_LAYOUT)
    si.conv_shape("depthwise_conv", i_shape, k_shape, strides, padding, data_format, dilation_rate, None)
    return b.depthwise_conv(inputs, kernel, strides, padding, data_format, dilation_rate)


@op(infer=si.infer_separable_conv)
def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """Depthwise convolution followed by a 1x1 (pointwise) convolution."""
    name = "separable_conv"
    b = backend()
    inputs, depthwise_kernel = _float_operands(b, inputs, depthwise_kernel)
    pointwise_kernel = to_tensor(b, pointwise_kernel, b.dtype(inputs))
    i_shape, dw_shape, pw_shape = b.shape(inputs), b.shape(depthwise_kernel), b.shape(pointwise_kernel)
    strides, padding, data_format, dilation_rate = si.conv_args(
        name, i_shape, dw_shape, strides, padding, data_format, dilation_rate, si.DEPTHWISE_LAYOUT)
    si.pointwise_check(name, dw_shape, pw_shape, i_shape, data_format)
    si.conv_shape(name, i_shape, dw_shape, strides, padding, data_format, dilation_rate, None)
    return b.separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides, padding, data_format,
                            dilation_rate)


@op(infer=si.infer_conv_transpose)
def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    """Transposed convolution; ``kernel`` has shape ``(*spatial, out_channels, in_channels)``.

    Each spatial output size follows Keras: with ``output_padding=None``,
    ``n * stride + max(k - stride, 0)`` for "valid" and ``n * stride`` for
    "same"; otherwise ``(n - 1) * stride + k - 2 * pad + output_padding``
    with ``pad = k // 2`` for "same" (``k`` the dilated kernel size).
    """
    name = "conv_transpose"
    b = backend()
    inputs, kernel = _float_operands(b, inputs, kernel)
    i_shape, k_shape = b.shape(inputs), b.shape(kernel)
    strides, padding, data_format, dilation_rate = si.conv_args(
        name, i_shape, k_shape, strides, padding, data_format, dilation_rate, si.TRANSPOSE_LAYOUT, in_axis=-1)
    output_padding = si.output_padding_arg(name, output_padding, strides, dilation_rate)
    si.conv_transpose_shape(name, i_shape, k_shape, strides, padding, output_padding, data_format, dilation_rate)
    return b.conv_transpose(inputs, kernel, strides, padding, output_padding, data_format, dilation_rate)


def _pool(name: str, doc: str):
    def fn(inputs, pool_size, strides=None, padding="valid", data_format=None):
        b = backend()
        inputs = to_float(b, inputs) if name == "average_pool" else to_tensor(b, inputs)
        i_shape = b.shape(inputs)
        pool_size, strides, padding, data_format = si.pool_args(name, i_shape, pool_size, strides, padding,
                                                                data_format)
        si.pool_shape(name, i_shape, pool_size, strides, padding, data_format)
        return getattr(b, name)(inputs, pool_size, strides, padding, data_format)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    fn.__module__ = __name__
    return op(infer=si.infer_pool(name))(fn)


max_pool = _pool("max_pool",
                 "Maximum over sliding windows of ``pool_size`` (1D to 3D; ``strides`` default to ``pool_size``).")
average_pool = _pool("average_pool", "Mean over sliding windows; with \"same\" padding, padded cells are not counted.")

# ================================================================ others


@op(infer=si.infer_one_hot)
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encode integer ``x`` with a new axis of size ``num_classes`` at ``axis``; out-of-range gives zeros."""
    if sparse:
        raise ValueError("one_hot: sparse outputs are not supported by kcore")
    b = backend()
    x = to_tensor(b, x)
    if b.dtype(x) not in si.INT_TYPES:
        x = b.cast(x, "int32")
    num_classes = si.num_classes_arg("one_hot", num_classes)
    axis = si.canonical_axis("one_hot", axis, len(b.shape(x)) + 1)
    dtype = si.check_dtype("one_hot", dtype) or _backend.floatx()
    return b.one_hot(x, num_classes, axis=axis, dtype=dtype)


@op(infer=si.infer_binary_crossentropy)
def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary crossentropy between ``target`` and probabilities (or logits) ``output``."""
    b = backend()
    target, output = _float_operands(b, target, output)
    si.same_shape("binary_crossentropy", b.shape(target), b.shape(output))
    return b.binary_crossentropy(target, output, from_logits=bool(from_logits))


@op(infer=si.infer_categorical_crossentropy)
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy between one-hot ``target`` and ``output`` over the class ``axis`` (reduced away)."""
    name = "categorical_crossentropy"
    b = backend()
    target, output = _float_operands(b, target, output)
    shape = si.same_shape(name, b.shape(target), b.shape(output))
    if not shape:
        raise ValueError(f"{name}: `output` must have rank >= 1 (the class axis), got a scalar")
    axis = si.canonical_axis(name, axis, len(shape))
    return b.categorical_crossentropy(target, output, from_logits=bool(from_logits), axis=axis)


@op(infer=si.infer_sparse_categorical_crossentropy)
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy with integer class ``target`` (``output``'s shape without ``axis``)."""
    name = "sparse_categorical_crossentropy"
    b = backend()
    target, output = to_tensor(b, target), to_float(b, output)
    o_shape = b.shape(output)
    _, squeeze_last = si.sparse_target_shape(name, b.shape(target), o_shape, axis)
    if squeeze_last:
        target = b.squeeze(target, axis=-1)
    if b.dtype(target) != "int32":
        target = b.cast(target, "int32")
    axis = si.canonical_axis(name, axis, len(o_shape))
    return b.sparse_categorical_crossentropy(target, output, from_logits=bool(from_logits), axis=axis)


@op(infer=si.infer_moments)
def moments(x, axes, keepdims=False, synchronized=False):
    """``(mean, variance)`` of ``x`` over ``axes``."""
    b = backend()
    x = to_float(b, x)
    axes = si.canonical_axes("moments", axes, len(b.shape(x)))
    if axes is None:
        axes = tuple(range(len(b.shape(x))))
    return b.moments(x, axes, keepdims=bool(keepdims))


@op(infer=si.infer_batch_normalization)
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset`` with 1D statistics along ``axis``."""
    b = backend()
    x = to_float(b, x)
    d = b.dtype(x)
    params = {k: None if v is None else to_tensor(b, v, d)
              for k, v in dict(mean=mean, variance=variance, offset=offset, scale=scale).items()}
    axis = si.batch_norm_check("batch_normalization", b.shape(x), axis,
                               **{k: None if v is None else b.shape(v) for k, v in params.items()})
    return b.batch_normalization(x, params["mean"], params["variance"], axis, offset=params["offset"],
                                 scale=params["scale"], epsilon=float(epsilon))
