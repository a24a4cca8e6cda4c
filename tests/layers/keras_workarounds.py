"""Where the Keras oracle cannot run a case, or gets it wrong, on one of its backends: what the layer
tests compare against there instead. Each workaround is narrow and says why.

* TensorFlow's CPU kernels only take channels_last convolutions, so Keras on its tensorflow backend
  fails on a channels_first Conv/ConvLSTM layer. The kernel layout does not depend on
  ``data_format``, so the same Keras layer built channels_last, fed the input moved to channels_last,
  gives the reference output once its channels axis is moved back.
* TensorFlow's CPU transposed convolution has no dilation: there the reference is the direct
  implementation in ``tests/ops/reference.py`` (itself tested against Keras in ``tests/ops``).
* Keras' torch backend counts part of the "same" padding in average pooling (TF, jax and Keras' own
  docs exclude it): there the reference is the direct implementation too.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np


def _load_reference():
    path = Path(__file__).resolve().parent.parent / "ops" / "reference.py"
    spec = importlib.util.spec_from_file_location("kcore_tests_ops_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REFERENCE = _load_reference()


def keras_torch_pads_average(keras, name: str, config: dict) -> bool:
    return keras.backend.backend() == "torch" and name.startswith("Average") and config.get("padding") == "same"


def keras_tf_cannot_dilate_transpose(keras, name: str, config: dict) -> bool:
    dilation = config.get("dilation_rate", 1)
    dilated = any(d != 1 for d in (dilation if isinstance(dilation, (list, tuple)) else [dilation]))
    return keras.backend.backend() == "tensorflow" and name.endswith("Transpose") and dilated


def reference_conv_transpose(x, kernel, bias, config: dict) -> np.ndarray:
    """A Conv*DTranspose layer with no activation, computed directly."""
    data_format = config.get("data_format", "channels_last")
    out = REFERENCE.conv_transpose(x, kernel, config.get("strides", 1), config.get("padding", "valid"),
                                   config.get("output_padding"), data_format, config.get("dilation_rate", 1))
    if bias is not None:
        shape = [1] * out.ndim
        shape[1 if data_format == "channels_first" else -1] = -1
        out = out + np.reshape(bias, shape)
    return out.astype("float32")


def keras_cannot_run_channels_first(keras, config: dict) -> bool:
    return keras.backend.backend() == "tensorflow" and config.get("data_format") == "channels_first"


def _last(x, channel_axis: int):
    return np.moveaxis(np.asarray(x), channel_axis, -1)


def channels_last_twin(keras, layer):
    """A Keras layer like ``layer`` but channels_last, sharing its weights once built."""
    config = dict(layer.get_config(), data_format="channels_last")
    return type(layer).from_config(config)


def call_channels_first(keras, layer, x, channel_axis: int = 1, **call_kwargs):
    """``layer(x)`` for a channels_first Keras ``layer`` computed through its channels_last twin."""
    twin = channels_last_twin(keras, layer)
    x_last = _last(x, channel_axis)
    twin.build(x_last.shape)
    twin.set_weights([keras.ops.convert_to_numpy(w) for w in layer.weights])
    out = twin(x_last, **call_kwargs)

    def back(t):  # outputs without the time axis of a ConvLSTM input have their channels one axis earlier
        t = keras.ops.convert_to_numpy(t)
        return np.moveaxis(t, -1, channel_axis - (x_last.ndim - t.ndim)) if t.ndim > 2 else t

    if isinstance(out, (list, tuple)):
        return type(out)(back(t) for t in out)
    return back(out)
