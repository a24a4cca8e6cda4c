"""Convolution layers against Keras 3: same weights give the same outputs (1e-5), the same config,
weight names/shapes and symbolic shapes (None batch and spatial dims); bad inputs raise clear errors."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kcore  # noqa: E402
from kcore import layers, ops  # noqa: E402

from keras_workarounds import (  # noqa: E402
    call_channels_first, keras_cannot_run_channels_first, keras_tf_cannot_dilate_transpose, reference_conv_transpose)

RNG = np.random.default_rng(3)
SPATIAL = {1: (9,), 2: (8, 7), 3: (6, 5, 4)}
RANK = {"Conv1D": 1, "Conv2D": 2, "Conv3D": 3, "Conv1DTranspose": 1, "Conv2DTranspose": 2, "Conv3DTranspose": 3,
        "DepthwiseConv1D": 1, "DepthwiseConv2D": 2, "SeparableConv1D": 1, "SeparableConv2D": 2}

CASES = [
    ("Conv1D", {"filters": 4, "kernel_size": 3}),
    ("Conv1D", {"filters": 3, "kernel_size": 2, "strides": 2, "padding": "same", "activation": "relu"}),
    ("Conv1D", {"filters": 4, "kernel_size": 3, "dilation_rate": 2, "use_bias": False}),
    ("Conv1D", {"filters": 4, "kernel_size": 3, "padding": "causal"}),
    ("Conv1D", {"filters": 2, "kernel_size": 2, "padding": "causal", "dilation_rate": 3}),
    ("Conv1D", {"filters": 4, "kernel_size": 3, "padding": "causal", "data_format": "channels_first"}),
    ("Conv1D", {"filters": 6, "kernel_size": 3, "groups": 2}),
    ("Conv2D", {"filters": 4, "kernel_size": 3}),
    ("Conv2D", {"filters": 3, "kernel_size": (3, 2), "strides": (2, 1), "padding": "same", "activation": "tanh"}),
    ("Conv2D", {"filters": 4, "kernel_size": 2, "dilation_rate": (2, 1), "padding": "SAME"}),
    ("Conv2D", {"filters": 4, "kernel_size": 3, "strides": 2, "data_format": "channels_first"}),
    ("Conv2D", {"filters": 4, "kernel_size": 3, "groups": 4, "padding": "same", "data_format": "channels_first"}),
    ("Conv2D", {"filters": 2, "kernel_size": 1, "use_bias": False, "kernel_regularizer": "l2"}),
    ("Conv3D", {"filters": 3, "kernel_size": 2}),
    ("Conv3D", {"filters": 2, "kernel_size": (3, 2, 2), "strides": 2, "padding": "same"}),
    ("Conv3D", {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "data_format": "channels_first"}),
    ("Conv1DTranspose", {"filters": 3, "kernel_size": 3}),
    ("Conv1DTranspose", {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"}),
    ("Conv1DTranspose", {"filters": 2, "kernel_size": 4, "strides": 3, "output_padding": 1}),
    ("Conv1DTranspose", {"filters": 2, "kernel_size": 3, "dilation_rate": 2, "data_format": "channels_first"}),
    ("Conv2DTranspose", {"filters": 4, "kernel_size": 3}),
    ("Conv2DTranspose", {"filters": 3, "kernel_size": (3, 2), "strides": 2, "activation": "relu"}),
    ("Conv2DTranspose", {"filters": 3, "kernel_size": 3, "strides": (2, 1), "padding": "same"}),
    ("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1, "padding": "same"}),
    ("Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "data_format": "channels_first"}),
    ("Conv3DTranspose", {"filters": 2, "kernel_size": 2}),
    ("Conv3DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same",
                         "data_format": "channels_first"}),
    ("DepthwiseConv1D", {"kernel_size": 3}),
    ("DepthwiseConv1D", {"kernel_size": 2, "depth_multiplier": 2, "strides": 2, "padding": "same"}),
    ("DepthwiseConv1D", {"kernel_size": 3, "dilation_rate": 2, "data_format": "channels_first"}),
    ("DepthwiseConv2D", {"kernel_size": 3}),
    ("DepthwiseConv2D", {"kernel_size": (2, 3), "depth_multiplier": 3, "strides": 2, "padding": "same"}),
    ("DepthwiseConv2D", {"kernel_size": 3, "dilation_rate": 2, "activation": "relu"}),
    ("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 2, "data_format": "channels_first"}),
    ("SeparableConv1D", {"filters": 3, "kernel_size": 3}),
    ("SeparableConv1D", {"filters": 5, "kernel_size": 2, "depth_multiplier": 2, "strides": 2, "padding": "same"}),
    ("SeparableConv1D", {"filters": 3, "kernel_size": 3, "data_format": "channels_first", "use_bias": False}),
    ("SeparableConv2D", {"filters": 3, "kernel_size": 3}),
    ("SeparableConv2D", {"filters": 2, "kernel_size": 3, "depth_multiplier": 2, "dilation_rate": 2}),
    ("SeparableConv2D", {"filters": 4, "kernel_size": (2, 3), "strides": 2, "padding": "same",
                         "data_format": "channels_first"}),
]


def _ids(case):
    return case[0] + "-" + ",".join(f"{k}={v}" for k, v in case[1].items())


def _input_shape(rank, data_format, channels=4, batch=2):
    spatial = SPATIAL[rank]
    return (batch, *spatial, channels) if data_format != "channels_first" else (batch, channels, *spatial)


def _pair(name, kwargs):
    kwargs = dict(kwargs, name="layer")
    return getattr(layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)


def _zero_init(name, kwargs):
    """``kwargs`` with constant initializers: random initializers compile once per weight shape on jax,
    which is slow; the test sets random weights itself."""
    if name.startswith("Depthwise"):
        keys = ("depthwise_initializer",)
    elif name.startswith("Separable"):
        keys = ("depthwise_initializer", "pointwise_initializer")
    else:
        keys = ("kernel_initializer",)
    return dict(kwargs, **{k: "zeros" for k in keys})


@pytest.mark.parametrize("name,kwargs", CASES, ids=[_ids(c) for c in CASES])
def test_outputs_and_weights_match_keras(name, kwargs):
    ours, theirs = _pair(name, _zero_init(name, kwargs))
    x = RNG.standard_normal(_input_shape(RANK[name], kwargs.get("data_format"))).astype("float32")
    ours.build(x.shape)
    theirs.build(x.shape)
    assert [(w.path, tuple(w.shape)) for w in ours.weights] == [(w.path, tuple(w.shape)) for w in theirs.weights]
    weights = [RNG.standard_normal(w.shape).astype("float32") for w in ours.get_weights()]
    ours.set_weights(weights)
    theirs.set_weights(weights)
    if keras_tf_cannot_dilate_transpose(keras, name, kwargs):
        expected = reference_conv_transpose(x, weights[0], weights[1], theirs.get_config())
    elif keras_cannot_run_channels_first(keras, kwargs):
        expected = call_channels_first(keras, theirs, x)
    else:
        expected = keras.ops.convert_to_numpy(theirs(x))
    got = ops.convert_to_numpy(ours(x))
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-5, rtol=1e-5)
    assert ours.get_config() == theirs.get_config()


@pytest.mark.parametrize("name,kwargs", CASES, ids=[_ids(c) for c in CASES])
def test_config_matches_keras_and_round_trips(name, kwargs):
    ours, theirs = _pair(name, kwargs)
    assert ours.get_config() == theirs.get_config()
    clone = type(ours).from_config(ours.get_config())
    assert clone.get_config() == ours.get_config()


@pytest.mark.parametrize("name,kwargs", CASES, ids=[_ids(c) for c in CASES])
def test_symbolic_shapes_match_keras(name, kwargs):
    rank = RANK[name]
    channels_first = kwargs.get("data_format") == "channels_first"
    known = _input_shape(rank, kwargs.get("data_format"))[1:]
    unknown = (4,) + (None,) * rank if channels_first else (None,) * rank + (4,)
    for shape in (known, unknown):
        ours, theirs = _pair(name, _zero_init(name, kwargs))
        out = ours(kcore.Input(shape=shape))
        expected = theirs(keras.Input(shape=shape))
        assert out.shape == tuple(expected.shape), shape
        assert out.dtype == "float32"
        assert ours.compute_output_shape((None, *shape)) == tuple(theirs.compute_output_shape((None, *shape)))


def test_guide_encoder_decoder_shapes_and_params():
    init = {"kernel_initializer": "ones"}  # param counts and shapes do not depend on the initializer
    inp = kcore.Input(shape=(28, 28, 1))
    conv = layers.Conv2D(16, 3, activation="relu", **init)
    x = conv(inp)
    assert x.shape == (None, 26, 26, 16) and conv.count_params() == 160
    x = layers.Conv2D(32, 3, activation="relu", **init)(x)
    x = layers.MaxPooling2D(3)(x)
    assert x.shape == (None, 8, 8, 32)
    x = layers.Conv2D(16, 3, activation="relu", **init)(layers.Conv2D(32, 3, activation="relu", **init)(x))
    encoded = layers.GlobalMaxPooling2D()(x)
    assert encoded.shape == (None, 16)
    x = layers.Reshape((4, 4, 1))(encoded)
    first = layers.Conv2DTranspose(16, 3, activation="relu", **init)
    x = first(x)
    assert x.shape == (None, 6, 6, 16) and first.count_params() == 160
    x = layers.UpSampling2D(3)(layers.Conv2DTranspose(32, 3, activation="relu", **init)(x))
    assert x.shape == (None, 24, 24, 32)
    last = layers.Conv2DTranspose(1, 3, activation="relu", **init)
    out = last(layers.Conv2DTranspose(16, 3, activation="relu", **init)(x))
    assert out.shape == (None, 28, 28, 1) and last.count_params() == 145
    model = kcore.Model(inp, out)
    assert model.count_params() == 28241
    y = model(RNG.random((2, 28, 28, 1)).astype("float32"))
    assert ops.shape(y) == (2, 28, 28, 1)


def test_aliases_are_the_layer_classes():
    assert layers.Convolution1D is layers.Conv1D and layers.Convolution2D is layers.Conv2D
    assert layers.Convolution3D is layers.Conv3D and layers.Convolution2DTranspose is layers.Conv2DTranspose
    assert layers.SeparableConvolution2D is layers.SeparableConv2D
    assert kcore.layers.convolutional.__all__ and "Conv2D" in kcore.layers.convolutional.__all__


def test_lora_matches_keras_and_freezes_kernel():
    kwargs = {"filters": 3, "kernel_size": 2, "name": "layer", "kernel_initializer": "zeros"}
    ours, theirs = layers.Conv2D(**kwargs), keras.layers.Conv2D(**kwargs)
    x = RNG.standard_normal((2, 5, 5, 4)).astype("float32")
    for layer in (ours, theirs):
        layer.build(x.shape)
        layer.enable_lora(2, a_initializer="zeros")
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    assert [w.name for w in ours.trainable_weights] == ["bias", "lora_kernel_a", "lora_kernel_b"]
    values = [RNG.standard_normal(w.shape).astype("float32") for w in ours.get_weights()]
    ours.set_weights(values)
    theirs.set_weights(values)
    np.testing.assert_allclose(ops.convert_to_numpy(ours(x)), keras.ops.convert_to_numpy(theirs(x)),
                               atol=1e-5, rtol=1e-5)
    assert ours.get_config() == theirs.get_config()
    with pytest.raises(ValueError, match="LoRA is already enabled"):
        ours.enable_lora(2)
    config = {"filters": 3, "kernel_size": 2, "lora_rank": 4, "lora_alpha": 8, "name": "c"}
    assert layers.Conv2D(**config).get_config() == keras.layers.Conv2D(**config).get_config()


def test_rank_error_names_layer_and_shapes():
    conv = layers.Conv2D(4, 3, name="my_conv")
    with pytest.raises(ValueError, match=r"Conv2D layer 'my_conv'.*rank 4.*\(batch, rows, cols, channels\).*"
                                         r"\(None, 28, 28\)"):
        conv(kcore.Input(shape=(28, 28)))
    with pytest.raises(ValueError, match=r"my_conv.*\(2, 28, 28\)"):
        layers.Conv2D(4, 3, name="my_conv")(np.zeros((2, 28, 28), "float32"))


def test_channel_mismatch_after_build_names_layer():
    conv = layers.Conv2D(4, 3, name="c2", kernel_initializer="zeros")
    conv(kcore.Input(shape=(8, 8, 3)))
    with pytest.raises(ValueError, match=r"'c2'.*axis -1.*value 3.*\(None, 8, 8, 5\)"):
        conv(kcore.Input(shape=(8, 8, 5)))


def test_undefined_channels_and_too_small_inputs():
    with pytest.raises(ValueError, match=r"Conv1D layer 'c1'.*channel dimension.*\(None, 5, None\)"):
        layers.Conv1D(2, 3, name="c1")(kcore.Input(shape=(5, None)))
    with pytest.raises(ValueError, match=r"Conv2D layer 'c3'.*\(None, 3, 3, 1\).*too small"):
        layers.Conv2D(2, 5, name="c3")(kcore.Input(shape=(3, 3, 1)))


@pytest.mark.parametrize("make,pattern", [
    (lambda: layers.Conv2D(0, 3), r"`filters` must be a positive integer"),
    (lambda: layers.Conv2D(4, 3, padding="causal"), r"`padding` must be one of \('valid', 'same'\)"),
    (lambda: layers.Conv2D(3, 3, groups=2), r"divisible by `groups`"),
    (lambda: layers.Conv2D(3, (3, 3, 3)), r"`kernel_size` must be an int or a tuple of 2 ints"),
    (lambda: layers.Conv2D(3, 3, strides=2, dilation_rate=2), r"`strides` > 1 cannot be combined"),
    (lambda: layers.Conv2DTranspose(3, 3, strides=2, output_padding=2), r"`output_padding`"),
    (lambda: layers.DepthwiseConv2D(3, depth_multiplier=0), r"`depth_multiplier` must be a positive integer"),
    (lambda: layers.SeparableConv1D(2, 3, data_format="nhwc"), r"`data_format`"),
])
def test_bad_arguments_raise(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()


def test_groups_require_divisible_input_channels():
    with pytest.raises(ValueError, match=r"Conv1D layer 'g'.*input channels \(3\).*groups=2"):
        layers.Conv1D(4, 2, groups=2, name="g")(kcore.Input(shape=(6, 3)))


def test_reference_conv_transpose_agrees_with_keras_where_keras_runs():
    """The fallback oracle for dilated transposed convolutions on TF is itself checked against Keras."""
    config = {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"}
    theirs = keras.layers.Conv1DTranspose(**config)
    x = RNG.standard_normal((2, 5, 3)).astype("float32")
    theirs.build(x.shape)
    kernel, bias = (RNG.standard_normal(w.shape).astype("float32") for w in theirs.weights)
    theirs.set_weights([kernel, bias])
    np.testing.assert_allclose(reference_conv_transpose(x, kernel, bias, theirs.get_config()),
                               keras.ops.convert_to_numpy(theirs(x)), atol=1e-5, rtol=1e-5)
