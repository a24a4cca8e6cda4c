"""Argument and shape helpers shared by the convolution, pooling and reshaping layers.

Errors name the layer (``"Conv2D layer 'conv2d'"``), the argument and the value received.
"""

from __future__ import annotations

import numbers

from kcore import backend, ops
from kcore.layers.layer import Layer

_AXIS_NAMES = {1: ("steps",), 2: ("rows", "cols"), 3: ("dim1", "dim2", "dim3")}


def describe(layer: Layer) -> str:
    """``"Conv2D layer 'conv2d'"``: how error messages name a layer."""
    return f"{type(layer).__name__} layer '{layer.name}'"


def _is_int(v) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _int_tuple(layer: Layer, arg: str, value, n: int, minimum: int) -> tuple:
    if _is_int(value):
        out = (int(value),) * n
    else:
        try:
            out = tuple(value)
        except TypeError:
            out = ()
        if len(out) != n or not all(_is_int(v) for v in out):
            raise ValueError(
                f"{describe(layer)}: `{arg}` must be an int or a tuple of {n} ints, received {arg}={value!r}"
            )
        out = tuple(int(v) for v in out)
    if any(v < minimum for v in out):
        raise ValueError(f"{describe(layer)}: `{arg}` values must be >= {minimum}, received {arg}={value!r}")
    return out


def spatial_tuple(layer: Layer, arg: str, value, rank: int, minimum: int = 1) -> tuple:
    """An int or a sequence of ``rank`` ints as a tuple of ints >= ``minimum``."""
    return _int_tuple(layer, arg, value, rank, minimum)


def data_format_arg(layer: Layer, data_format) -> str:
    """``"channels_last"`` or ``"channels_first"``; None gives ``image_data_format()``."""
    if data_format is None:
        return backend.image_data_format()
    value = data_format.lower() if isinstance(data_format, str) else data_format
    if value not in ("channels_last", "channels_first"):
        raise ValueError(
            f"{describe(layer)}: `data_format` must be 'channels_last' or 'channels_first', "
            f"received data_format={data_format!r}"
        )
    return value


def padding_arg(layer: Layer, padding, allow_causal: bool = False) -> str:
    """The lower-cased padding mode: "valid", "same" (or "causal" where allowed)."""
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    p = padding.lower() if isinstance(padding, str) else padding
    if p not in allowed:
        raise ValueError(f"{describe(layer)}: `padding` must be one of {allowed}, received padding={padding!r}")
    return p


def expected_layout(rank: int, data_format: str) -> tuple:
    """The axis names of a ``rank``-D input, e.g. ``("batch", "rows", "cols", "channels")``."""
    spatial = _AXIS_NAMES[rank]
    if data_format == "channels_last":
        return ("batch", *spatial, "channels")
    return ("batch", "channels", *spatial)


def check_input_rank(layer: Layer, input_shape, rank: int, data_format: str) -> None:
    """Raise a ValueError naming the layer, the expected layout and the received shape."""
    if len(input_shape) != rank + 2:
        layout = ", ".join(expected_layout(rank, data_format))
        raise ValueError(
            f"{describe(layer)} expects inputs of rank {rank + 2} with shape ({layout}) "
            f"(data_format={data_format!r}), but received an input of shape {tuple(input_shape)}"
        )


def input_channels(layer: Layer, input_shape, rank: int, data_format: str) -> int:
    """The (defined) channel size of ``input_shape``, after checking its rank."""
    check_input_rank(layer, input_shape, rank, data_format)
    axis = -1 if data_format == "channels_last" else 1
    channels = input_shape[axis]
    if channels is None:
        raise ValueError(
            f"{describe(layer)}: the channel dimension (axis {axis}) of the inputs must be defined, "
            f"but received an input of shape {tuple(input_shape)}"
        )
    return int(channels)


def split_shape(input_shape, data_format: str) -> tuple:
    """``(batch, spatial dims, channels)`` of an input shape."""
    if data_format == "channels_last":
        return input_shape[0], tuple(input_shape[1:-1]), input_shape[-1]
    return input_shape[0], tuple(input_shape[2:]), input_shape[1]


def join_shape(batch, spatial, channels, data_format: str) -> tuple:
    """The inverse of :func:`split_shape`."""
    if data_format == "channels_last":
        return (batch, *spatial, channels)
    return (batch, channels, *spatial)


def check_output_spatial(layer: Layer, input_shape, out_spatial, what: str) -> None:
    """Raise when a window would leave an empty output (naming the layer and the input shape)."""
    if any(d is not None and d <= 0 for d in out_spatial):
        raise ValueError(
            f"{describe(layer)}: the input of shape {tuple(input_shape)} is too small for {what}; "
            f"the output spatial shape would be {tuple(out_spatial)}"
        )


def add_bias(x, bias, rank: int, data_format: str):
    """``x + bias`` with ``bias`` on the channel axis."""
    if data_format == "channels_first":
        bias = ops.reshape(bias, (1, -1) + (1,) * rank)
    return ops.add(x, bias)


def bias_weight(layer: Layer, size: int):
    """The ``(size,)`` bias of a convolution layer from its bias settings, or None without ``use_bias``."""
    if not layer.use_bias:
        return None
    return layer.add_weight(shape=(size,), initializer=layer.bias_initializer, regularizer=layer.bias_regularizer,
                            constraint=layer.bias_constraint, name="bias")


def channels_input_spec(layer: Layer, channels: int):
    """An input spec of the layer's rank with ``channels`` on its channel axis."""
    from kcore.layers.input_spec import InputSpec

    axis = -1 if layer.data_format == "channels_last" else 1
    return InputSpec(ndim=layer.rank + 2, axes={axis: channels})


def bias_and_activation(layer: Layer, x):
    """The end of every convolution layer's ``call``: ``activation(x + bias)``."""
    from kcore import activations

    if layer.bias is not None:
        x = add_bias(x, layer.bias, layer.rank, layer.data_format)
    if layer.activation is not activations.linear:
        x = layer.activation(x)
    return x


def windowed_output_spatial(layer: Layer, input_shape, padding: str) -> tuple:
    """``(batch, output spatial dims, input channels)`` of a (dilated) convolution window over
    ``input_shape``; raises, naming the layer, on a wrong rank or an empty output."""
    check_input_rank(layer, input_shape, layer.rank, layer.data_format)
    batch, spatial, channels = split_shape(input_shape, layer.data_format)
    out = tuple(conv_output_length(d, k, s, padding, r)
                for d, k, s, r in zip(spatial, layer.kernel_size, layer.strides, layer.dilation_rate))
    check_output_spatial(layer, input_shape, out,
                         f"kernel_size={layer.kernel_size} with dilation_rate={layer.dilation_rate} and "
                         f"padding={layer.padding!r}")
    return batch, out, channels


def conv_output_length(length, window: int, stride: int, padding: str, dilation: int = 1):
    """Output size of a convolution or pooling window along one axis (None stays None)."""
    if length is None:
        return None
    window = (window - 1) * dilation + 1
    if padding == "same":
        return (length + stride - 1) // stride
    return (length - window) // stride + 1


def conv_transpose_output_length(length, window: int, stride: int, padding: str, output_padding,
                                 dilation: int = 1):
    """Output size of a transposed convolution along one axis, by Keras' rule (None stays None)."""
    if length is None:
        return None
    window = (window - 1) * dilation + 1
    if output_padding is None:
        return length * stride + max(window - stride, 0) if padding == "valid" else length * stride
    pad = window // 2 if padding == "same" else 0
    return (length - 1) * stride + window - 2 * pad + output_padding


def is_float(dtype: str) -> bool:
    """Whether a standard dtype name is a floating-point dtype."""
    return str(dtype).startswith(("float", "bfloat"))


def autocast_dtype(layer: Layer, input_dtype: str) -> str:
    """The dtype a shape-only layer outputs: floats take the compute dtype, other dtypes pass through."""
    return layer.compute_dtype if is_float(input_dtype) else input_dtype


def spatial_pairs(layer: Layer, arg: str, value, n: int) -> tuple:
    """``(before, after)`` amounts for ``n`` spatial axes from an int, ``n`` ints or ``n`` pairs of ints."""
    def pair(v, what):
        return _int_tuple(layer, what, v, 2, 0)

    if _is_int(value):
        out = (pair(value, arg),) * n
    elif n == 1:
        out = (pair(value, arg),)
    else:
        if not hasattr(value, "__len__") or len(value) != n:
            raise ValueError(
                f"{describe(layer)}: `{arg}` must be an int, a tuple of {n} ints or a tuple of {n} pairs of ints, "
                f"received {arg}={value!r}"
            )
        out = tuple(pair(v, f"{arg}[{i}]") for i, v in enumerate(value))
    return out


def positive_int(layer: Layer, arg: str, value) -> int:
    """``value`` if it is a positive int, else a ValueError naming the layer and the argument."""
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{describe(layer)}: `{arg}` must be a positive integer, received {arg}={value!r}")
    return value


def check_strides_dilation(layer: Layer) -> None:
    """Keras rejects strides > 1 together with dilation_rate > 1."""
    if max(layer.strides) > 1 and max(layer.dilation_rate) > 1:
        raise ValueError(
            f"{describe(layer)}: `strides` > 1 cannot be combined with `dilation_rate` > 1, received "
            f"strides={layer.strides} and dilation_rate={layer.dilation_rate}"
        )
