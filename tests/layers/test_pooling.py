"""Pooling layers against Keras 3: outputs (1e-5), config and symbolic shapes with None dims; masks for
GlobalAveragePooling1D; clear errors for bad inputs and arguments."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kcore  # noqa: E402
from kcore import layers, ops  # noqa: E402

from keras_workarounds import REFERENCE, keras_torch_pads_average  # noqa: E402

RNG = np.random.default_rng(5)

SPATIAL = {1: (9,), 2: (8, 7), 3: (6, 5, 4)}
CHANNELS = 3


def _rank(name):
    return int(name[-2])


CASES = [
    ("MaxPooling1D", {}),
    ("MaxPooling1D", {"pool_size": 3, "strides": 2, "padding": "same"}),
    ("MaxPooling1D", {"pool_size": 2, "strides": 1, "data_format": "channels_first"}),
    ("MaxPooling2D", {}),
    ("MaxPooling2D", {"pool_size": 3}),
    ("MaxPooling2D", {"pool_size": (3, 2), "strides": (2, 1), "padding": "same"}),
    ("MaxPooling2D", {"pool_size": 2, "padding": "same", "data_format": "channels_first"}),
    ("MaxPooling3D", {}),
    ("MaxPooling3D", {"pool_size": (2, 3, 2), "strides": 1, "padding": "same", "data_format": "channels_first"}),
    ("AveragePooling1D", {"pool_size": 2}),
    ("AveragePooling1D", {"pool_size": 4, "strides": 3, "padding": "same"}),
    ("AveragePooling1D", {"pool_size": 3, "data_format": "channels_first"}),
    ("AveragePooling2D", {"pool_size": 2}),
    ("AveragePooling2D", {"pool_size": (3, 3), "strides": 2, "padding": "same"}),
    ("AveragePooling2D", {"pool_size": (2, 3), "strides": (1, 2), "data_format": "channels_first"}),
    ("AveragePooling3D", {"pool_size": 2, "padding": "same"}),
    ("AveragePooling3D", {"pool_size": (3, 2, 2), "strides": (1, 2, 1), "data_format": "channels_first"}),
    ("GlobalMaxPooling1D", {}),
    ("GlobalMaxPooling1D", {"keepdims": True, "data_format": "channels_first"}),
    ("GlobalMaxPooling2D", {}),
    ("GlobalMaxPooling2D", {"keepdims": True}),
    ("GlobalMaxPooling3D", {"data_format": "channels_first"}),
    ("GlobalAveragePooling1D", {}),
    ("GlobalAveragePooling1D", {"data_format": "channels_first", "keepdims": True}),
    ("GlobalAveragePooling2D", {"keepdims": True}),
    ("GlobalAveragePooling2D", {"data_format": "channels_first"}),
    ("GlobalAveragePooling3D", {}),
    ("GlobalAveragePooling3D", {"keepdims": True, "data_format": "channels_first"}),
]


def _ids(case):
    return case[0] + "-" + ",".join(f"{k}={v}" for k, v in case[1].items())


def _shape(rank, data_format, batch=2):
    spatial = SPATIAL[rank]
    if data_format == "channels_first":
        return (batch, CHANNELS, *spatial)
    return (batch, *spatial, CHANNELS)


def _pair(name, kwargs):
    kwargs = dict(kwargs, name="layer")
    return getattr(layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)


@pytest.mark.parametrize("name,kwargs", CASES, ids=[_ids(c) for c in CASES])
def test_outputs_and_config_match_keras(name, kwargs):
    ours, theirs = _pair(name, kwargs)
    x = RNG.standard_normal(_shape(_rank(name), kwargs.get("data_format"))).astype("float32")
    got = ops.convert_to_numpy(ours(x))
    expected = keras.ops.convert_to_numpy(theirs(x))
    if keras_torch_pads_average(keras, name, kwargs):
        expected = REFERENCE.pool(x, kwargs["pool_size"], kwargs.get("strides"), "same",
                                  kwargs.get("data_format", "channels_last"), kind="average")
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-5, rtol=1e-5)
    assert ours.get_config() == theirs.get_config()
    assert type(ours).from_config(ours.get_config()).get_config() == ours.get_config()
    assert ours.weights == [] and ours.get_build_config() is None


def test_reference_pool_agrees_with_keras_where_keras_is_right():
    """The fallback oracle above is itself checked against Keras on a case Keras' torch backend gets right."""
    x = RNG.standard_normal((2, 8, 3)).astype("float32")
    expected = keras.ops.convert_to_numpy(keras.layers.AveragePooling1D(2, padding="same")(x))
    np.testing.assert_allclose(REFERENCE.pool(x, 2, None, "same", kind="average"), expected, atol=1e-6)


@pytest.mark.parametrize("name,kwargs", CASES, ids=[_ids(c) for c in CASES])
def test_symbolic_shapes_match_keras(name, kwargs):
    rank = _rank(name)
    known = _shape(rank, kwargs.get("data_format"))[1:]
    unknown = (None,) * rank + (CHANNELS,)
    if kwargs.get("data_format") == "channels_first":
        unknown = (CHANNELS,) + (None,) * rank
    for shape in (known, unknown):
        ours, theirs = _pair(name, kwargs)
        out = ours(kcore.Input(shape=shape))
        assert out.shape == tuple(theirs(keras.Input(shape=shape)).shape)
        assert out.dtype == "float32"
        assert ours.compute_output_shape((None, *shape)) == tuple(theirs.compute_output_shape((None, *shape)))


def test_aliases_are_the_layer_classes():
    assert layers.MaxPool2D is layers.MaxPooling2D and layers.AvgPool1D is layers.AveragePooling1D
    assert layers.AvgPool3D is layers.AveragePooling3D and layers.MaxPool3D is layers.MaxPooling3D
    assert layers.GlobalMaxPool2D is layers.GlobalMaxPooling2D
    assert layers.GlobalAvgPool2D is layers.GlobalAveragePooling2D
    assert layers.GlobalAvgPool1D is layers.GlobalAveragePooling1D
    assert "GlobalAvgPool3D" in kcore.layers.pooling.__all__


@pytest.mark.parametrize("data_format,keepdims", [("channels_last", False), ("channels_first", True)])
def test_global_average_pooling1d_mask_matches_keras(data_format, keepdims):
    x = RNG.standard_normal(_shape(1, data_format)).astype("float32")
    mask = np.ones((2, SPATIAL[1][0]), bool)
    mask[0, 4:] = False
    mask[1, :2] = False
    ours = layers.GlobalAveragePooling1D(data_format=data_format, keepdims=keepdims)
    theirs = keras.layers.GlobalAveragePooling1D(data_format=data_format, keepdims=keepdims)
    got = ops.convert_to_numpy(ours(x, mask=mask))
    np.testing.assert_allclose(got, keras.ops.convert_to_numpy(theirs(x, mask=mask)), atol=1e-5, rtol=1e-5)
    steps = 1 if data_format == "channels_last" else 2
    manual = np.take(x, np.arange(4), axis=steps).mean(axis=steps, keepdims=keepdims)[0]
    np.testing.assert_allclose(got[0], manual, atol=1e-6)


def test_global_average_pooling1d_uses_implicit_mask_in_graph():
    inp = kcore.Input(shape=(5,), dtype="int32")
    emb = layers.Embedding(10, 3, mask_zero=True, embeddings_initializer="ones")(inp)
    pooled = layers.GlobalAveragePooling1D()(emb)
    assert pooled.shape == (None, 3) and getattr(pooled, "_keras_mask", None) is None
    model = kcore.Model(inp, layers.GlobalAveragePooling1D()(layers.Embedding(10, 3, mask_zero=True)(inp)))
    ids = np.array([[1, 2, 0, 0, 0], [3, 4, 5, 6, 0]], "int32")
    emb_layer = model.layers[1]
    table = RNG.standard_normal((10, 3)).astype("float32")
    emb_layer.set_weights([table])
    expected = np.stack([table[[1, 2]].mean(0), table[[3, 4, 5, 6]].mean(0)])
    np.testing.assert_allclose(ops.convert_to_numpy(model(ids)), expected, atol=1e-6)


def test_max_pooling_keeps_integer_dtype_average_gives_float():
    x = np.arange(2 * 4 * 4 * 1, dtype="int32").reshape(2, 4, 4, 1)
    out = layers.MaxPooling2D()(x)
    assert ops.dtype(out) == "int32"
    np.testing.assert_array_equal(ops.convert_to_numpy(out)[0, :, :, 0], [[5, 7], [13, 15]])
    assert layers.GlobalMaxPooling2D()(kcore.Input(shape=(4, 4, 1), dtype="int32")).dtype == "int32"
    assert layers.GlobalAveragePooling2D()(kcore.Input(shape=(4, 4, 1), dtype="int32")).dtype == "float32"


def test_rank_error_names_layer_and_shape():
    with pytest.raises(ValueError, match=r"'pool'.*expected ndim=4, found ndim=3.*\(None, 28, 28\)"):
        layers.MaxPooling2D(name="pool")(kcore.Input(shape=(28, 28)))
    with pytest.raises(ValueError, match=r"'gap'.*expected ndim=3, found ndim=4.*\(2, 3, 4, 5\)"):
        layers.GlobalAveragePooling1D(name="gap")(np.zeros((2, 3, 4, 5), "float32"))


def test_pool_larger_than_input_raises():
    with pytest.raises(ValueError, match=r"MaxPooling2D layer 'p'.*\(None, 2, 2, 3\).*pool_size=\(3, 3\)"):
        layers.MaxPooling2D(3, name="p")(kcore.Input(shape=(2, 2, 3)))


@pytest.mark.parametrize("make,pattern", [
    (lambda: layers.MaxPooling2D(pool_size=(2, 2, 2)), r"`pool_size` must be an int or a tuple of 2 ints"),
    (lambda: layers.AveragePooling1D(2, padding="causal"), r"`padding` must be one of"),
    (lambda: layers.MaxPooling3D(strides=0), r"`strides` values must be >= 1"),
    (lambda: layers.GlobalMaxPooling2D(data_format="NCHW"), r"`data_format`"),
])
def test_bad_arguments_raise(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()
