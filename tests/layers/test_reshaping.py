"""Reshaping layers against Keras 3: outputs (1e-5), config and symbolic shapes with None dims;
clear errors for bad inputs and arguments."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kcore  # noqa: E402
from kcore import layers, ops  # noqa: E402

RNG = np.random.default_rng(11)

# (layer, kwargs, input shape without batch, the same with unknown dims)
CASES = [
    ("Flatten", {}, (4, 3, 2), (None, 3, 2)),
    ("Flatten", {"data_format": "channels_first"}, (4, 3, 2), (4, None, 2)),
    ("Flatten", {}, (5,), (None,)),
    ("Reshape", {"target_shape": (6, 4)}, (4, 3, 2), (4, 3, 2)),
    ("Reshape", {"target_shape": (-1, 2)}, (4, 3, 2), (None, 3, 2)),
    ("Reshape", {"target_shape": (3, -1, 1)}, (4, 3, 2), (4, None, 2)),
    ("Permute", {"dims": (2, 1)}, (4, 3), (None, 3)),
    ("Permute", {"dims": (3, 1, 2)}, (4, 3, 2), (4, None, 2)),
    ("RepeatVector", {"n": 3}, (5,), (None,)),
    ("UpSampling1D", {}, (4, 3), (None, 3)),
    ("UpSampling1D", {"size": 3}, (4, 3), (None, 3)),
    ("UpSampling2D", {}, (3, 4, 2), (None, None, 2)),
    ("UpSampling2D", {"size": (2, 3), "data_format": "channels_first"}, (2, 3, 4), (2, None, None)),
    ("UpSampling2D", {"size": 3, "interpolation": "bilinear"}, (3, 4, 2), (None, None, 2)),
    ("UpSampling2D", {"size": (2, 4), "interpolation": "bilinear", "data_format": "channels_first"},
     (2, 5, 3), (2, None, None)),
    ("UpSampling2D", {"size": (1, 2), "interpolation": "BILINEAR"}, (4, 1, 2), (None, 1, 2)),
    ("UpSampling3D", {}, (2, 3, 2, 2), (None, 3, None, 2)),
    ("UpSampling3D", {"size": (1, 2, 3), "data_format": "channels_first"}, (2, 2, 3, 2), (2, None, 3, None)),
    ("ZeroPadding1D", {}, (4, 3), (None, 3)),
    ("ZeroPadding1D", {"padding": (2, 0), "data_format": "channels_first"}, (3, 4), (3, None)),
    ("ZeroPadding2D", {}, (3, 4, 2), (None, None, 2)),
    ("ZeroPadding2D", {"padding": ((1, 0), 2)}, (3, 4, 2), (3, None, 2)),
    ("ZeroPadding2D", {"padding": (2, 1), "data_format": "channels_first"}, (2, 3, 4), (2, None, 4)),
    ("ZeroPadding3D", {}, (2, 3, 2, 2), (None, None, None, 2)),
    ("ZeroPadding3D", {"padding": ((0, 1), 2, (1, 0)), "data_format": "channels_first"}, (2, 2, 3, 2),
     (2, 2, None, None)),
    ("Cropping1D", {}, (5, 3), (None, 3)),
    ("Cropping1D", {"cropping": (2, 0)}, (5, 3), (None, 3)),
    ("Cropping2D", {}, (4, 5, 2), (None, None, 2)),
    ("Cropping2D", {"cropping": ((1, 0), 2)}, (4, 6, 2), (None, 6, 2)),
    ("Cropping2D", {"cropping": 1, "data_format": "channels_first"}, (2, 4, 5), (2, None, None)),
    ("Cropping3D", {}, (4, 3, 5, 2), (None, None, None, 2)),
    ("Cropping3D", {"cropping": ((0, 1), 0, (2, 1)), "data_format": "channels_first"}, (2, 3, 2, 5),
     (2, None, 2, None)),
]


def _ids(case):
    return case[0] + "-" + ",".join(f"{k}={v}" for k, v in case[1].items())


def _pair(name, kwargs):
    kwargs = dict(kwargs, name="layer")
    return getattr(layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)


@pytest.mark.parametrize("name,kwargs,shape,_", CASES, ids=[_ids(c) for c in CASES])
def test_outputs_and_config_match_keras(name, kwargs, shape, _):
    ours, theirs = _pair(name, kwargs)
    x = RNG.standard_normal((2, *shape)).astype("float32")
    got = ops.convert_to_numpy(ours(x))
    expected = keras.ops.convert_to_numpy(theirs(x))
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-5, rtol=1e-5)
    assert ours.get_config() == theirs.get_config()
    assert type(ours).from_config(ours.get_config()).get_config() == ours.get_config()
    assert ours.weights == []


@pytest.mark.parametrize("name,kwargs,shape,unknown", CASES, ids=[_ids(c) for c in CASES])
def test_symbolic_shapes_match_keras(name, kwargs, shape, unknown):
    for s in (shape, unknown):
        ours, theirs = _pair(name, kwargs)
        out = ours(kcore.Input(shape=s))
        assert out.shape == tuple(theirs(keras.Input(shape=s)).shape), s
        assert out.dtype == "float32"
        assert ours.compute_output_shape((None, *s)) == tuple(theirs.compute_output_shape((None, *s)))


def test_shape_layers_keep_integer_dtype():
    x = np.arange(24, dtype="int32").reshape(2, 3, 4)
    for layer in (layers.Flatten(), layers.Reshape((4, 3)), layers.Permute((2, 1)), layers.UpSampling1D(),
                  layers.ZeroPadding1D(), layers.Cropping1D((1, 0))):
        assert ops.dtype(layer(x)) == "int32"
        assert layer(kcore.Input(shape=(3, 4), dtype="int32")).dtype == "int32"
    np.testing.assert_array_equal(ops.convert_to_numpy(layers.Flatten()(x)), x.reshape(2, 12))


def test_bilinear_upsampling_interpolates_between_pixels():
    x = np.array([0.0, 4.0], "float32").reshape(1, 1, 2, 1)
    out = ops.convert_to_numpy(layers.UpSampling2D((1, 2), interpolation="bilinear")(x))
    np.testing.assert_allclose(out.reshape(-1), [0.0, 1.0, 3.0, 4.0])


def test_flatten_channels_first_matches_channels_last_order():
    x = RNG.standard_normal((2, 3, 4, 5)).astype("float32")
    first = ops.convert_to_numpy(layers.Flatten(data_format="channels_first")(x))
    last = ops.convert_to_numpy(layers.Flatten()(np.moveaxis(x, 1, -1)))
    np.testing.assert_array_equal(first, last)


def test_reshape_errors_name_layer_and_shapes():
    with pytest.raises(ValueError, match=r"Reshape layer 'r'.*\(4, 3, 2\).*target_shape=\(5, 5\)"):
        layers.Reshape((5, 5), name="r")(kcore.Input(shape=(4, 3, 2)))
    with pytest.raises(ValueError, match=r"Reshape layer 'r2'.*\(4, 3, 2\).*not divisible by 5"):
        layers.Reshape((5, -1), name="r2")(np.zeros((2, 4, 3, 2), "float32"))
    with pytest.raises(ValueError, match=r"at most one -1"):
        layers.Reshape((-1, -1))


def test_cropping_too_much_names_layer_and_shape():
    with pytest.raises(ValueError, match=r"Cropping2D layer 'crop'.*\(None, 4, 2, 3\)"):
        layers.Cropping2D(((1, 1), (1, 1)), name="crop")(kcore.Input(shape=(4, 2, 3)))
    with pytest.raises(ValueError, match=r"Cropping1D layer 'crop1'.*\(2, 3, 1\)"):
        layers.Cropping1D((2, 1), name="crop1")(np.zeros((2, 3, 1), "float32"))


def test_rank_errors_name_layer_and_shape():
    with pytest.raises(ValueError, match=r"'up'.*expected ndim=4, found ndim=3.*\(None, 4, 4\)"):
        layers.UpSampling2D(name="up")(kcore.Input(shape=(4, 4)))
    with pytest.raises(ValueError, match=r"'rv'.*expected ndim=2, found ndim=3.*\(2, 3, 4\)"):
        layers.RepeatVector(2, name="rv")(np.zeros((2, 3, 4), "float32"))


@pytest.mark.parametrize("make,exc,pattern", [
    (lambda: layers.Permute((1, 3)), ValueError, r"`dims` must be a permutation of the axes 1..2"),
    (lambda: layers.RepeatVector(2.0), TypeError, r"`n` must be an integer"),
    (lambda: layers.RepeatVector(0), ValueError, r"`n` must be a positive integer"),
    (lambda: layers.UpSampling1D(0), ValueError, r"`size` must be a positive integer"),
    (lambda: layers.UpSampling2D(interpolation="bicubic"), ValueError, r"`interpolation` must be one of"),
    (lambda: layers.ZeroPadding2D(((1, 2, 3), 1)), ValueError, r"`padding\[0\]` must be an int or a tuple of 2"),
    (lambda: layers.ZeroPadding3D((1, 1)), ValueError, r"`padding` must be an int, a tuple of 3 ints"),
    (lambda: layers.Cropping2D(-1), ValueError, r"`cropping` values must be >= 0"),
])
def test_bad_arguments_raise(make, exc, pattern):
    with pytest.raises(exc, match=pattern):
        make()
