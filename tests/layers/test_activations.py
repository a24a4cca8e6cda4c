"""kcore.activations against keras.activations: values, symbolic inputs, get/serialize."""

import os

_KCORE_BACKEND = os.environ.get("KCORE_BACKEND", "numpy")
os.environ["KERAS_BACKEND"] = "jax" if _KCORE_BACKEND == "numpy" else _KCORE_BACKEND

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from kcore import activations, ops  # noqa: E402
from kcore.graph.keras_tensor import KerasTensor  # noqa: E402

RNG = np.random.default_rng(0)
X = (RNG.standard_normal((4, 6, 8)) * 3).astype("float32")
X[0, 0, :5] = [0.0, -1.0, 1.0, 6.0, 0.5]  # hit the kinks exactly

# (name, kwargs)
CASES = [
    ("relu", {}), ("relu", {"negative_slope": 0.1}), ("relu", {"max_value": 6.0}), ("relu", {"max_value": 2.5}),
    ("relu", {"threshold": 0.5}), ("relu", {"negative_slope": 0.3, "max_value": 4.0, "threshold": 1.0}),
    ("relu", {"negative_slope": 0.2, "max_value": 6}),
    ("relu6", {}), ("sigmoid", {}), ("tanh", {}), ("softmax", {}), ("softmax", {"axis": 1}),
    ("log_softmax", {}), ("log_softmax", {"axis": 0}), ("softplus", {}), ("softsign", {}), ("silu", {}),
    ("swish", {}), ("gelu", {}), ("gelu", {"approximate": True}), ("elu", {}), ("elu", {"alpha": 0.5}),
    ("selu", {}), ("leaky_relu", {}), ("leaky_relu", {"negative_slope": 0.01}), ("hard_sigmoid", {}),
    ("exponential", {}), ("linear", {}), ("mish", {}), ("celu", {}), ("celu", {"alpha": 2.0}), ("glu", {}),
    ("glu", {"axis": 1}), ("hard_silu", {}), ("hard_swish", {}), ("hard_tanh", {}), ("log_sigmoid", {}),
    ("hard_shrink", {}), ("hard_shrink", {"threshold": 1.0}), ("soft_shrink", {}),
    ("soft_shrink", {"threshold": 1.5}), ("tanh_shrink", {}), ("threshold", {"threshold": 0.5, "default_value": -2.0}),
    ("squareplus", {}), ("squareplus", {"b": 1.0}), ("sparse_plus", {}), ("sparse_sigmoid", {}),
]
# Keras 3.15's sparsemax sums the cumulative sums when computing its threshold, so its
# output does not lie on the simplex; kcore's is checked against a reference instead.
SYMBOLIC_CASES = CASES + [("sparsemax", {}), ("sparsemax", {"axis": 1})]


def _ids(case):
    return case[0] + "".join(f"-{k}={v}" for k, v in case[1].items())


@pytest.mark.parametrize("name,kwargs", CASES, ids=[_ids(c) for c in CASES])
def test_values_match_keras(name, kwargs):
    x = X / 10.0 if name == "exponential" else X
    expected = np.asarray(keras.ops.convert_to_numpy(getattr(keras.activations, name)(x, **kwargs)))
    out = getattr(activations, name)(ops.convert_to_tensor(x), **kwargs)
    assert ops.dtype(out) == "float32"
    np.testing.assert_allclose(ops.convert_to_numpy(out), expected, rtol=1e-5, atol=1e-5)


def test_numpy_input_accepted():
    np.testing.assert_allclose(ops.convert_to_numpy(activations.relu(X)), np.maximum(X, 0))
    np.testing.assert_allclose(ops.convert_to_numpy(activations.relu(X, max_value=1.0)), np.clip(X, 0, 1))


def _sparsemax_reference(z):
    """Sparsemax of each row of a 2D array (Martins & Astudillo, 2016, Algorithm 1)."""
    out = np.empty_like(z)
    for i, row in enumerate(z):
        srt = np.sort(row)[::-1]
        k = np.arange(1, len(row) + 1)
        cssv = np.cumsum(srt)
        support = 1 + k * srt > cssv
        tau = (cssv[support][-1] - 1) / k[support][-1]
        out[i] = np.maximum(row - tau, 0)
    return out


@pytest.mark.parametrize("axis", [-1, 1])
def test_sparsemax_projects_onto_simplex(axis):
    out = ops.convert_to_numpy(activations.sparsemax(ops.convert_to_tensor(X), axis=axis))
    moved = np.moveaxis(X, axis, -1)
    expected = np.moveaxis(_sparsemax_reference(moved.reshape(-1, moved.shape[-1])).reshape(moved.shape), -1, axis)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out.sum(axis=axis), 1.0, atol=1e-5)


@pytest.mark.parametrize("name,kwargs", SYMBOLIC_CASES, ids=[_ids(c) for c in SYMBOLIC_CASES])
def test_symbolic_input_gives_keras_tensor(name, kwargs):
    x = KerasTensor((None, 6, 8), dtype="float32")
    out = getattr(activations, name)(x, **kwargs)
    assert isinstance(out, KerasTensor)
    expected_shape = list(x.shape)
    if name == "glu":
        expected_shape[kwargs.get("axis", -1)] //= 2
    assert out.shape == tuple(expected_shape)
    assert out.dtype == "float32"


def test_linear_returns_input_unchanged():
    x = ops.convert_to_tensor(X)
    assert activations.linear(x) is x


def test_glu_needs_even_axis():
    with pytest.raises(ValueError, match="even"):
        activations.glu(ops.convert_to_tensor(np.ones((2, 3), "float32")))


# ---------------------------------------------------- get / (de)serialize


def test_exports_mirror_keras():
    keras_names = {n for n in dir(keras.activations) if not n.startswith("_")}
    ours = {n for n in dir(activations) if not n.startswith("_")}
    assert keras_names <= ours, keras_names - ours


@pytest.mark.parametrize("name", sorted({c[0] for c in SYMBOLIC_CASES}))
def test_serialize_matches_keras(name):
    expected = keras.activations.serialize(getattr(keras.activations, name))
    assert activations.serialize(getattr(activations, name)) == expected
    assert activations.get(expected) is getattr(activations, name if name not in ("swish", "hard_swish")
                                                else {"swish": "silu", "hard_swish": "hard_silu"}[name])


def test_layer_config_form_matches_keras():
    assert keras.layers.Dense(2, activation="relu").get_config()["activation"] == activations.serialize(
        activations.get("relu"))
    assert activations.serialize(activations.get(None)) == keras.activations.serialize(keras.activations.get(None))


def test_get_variants():
    assert activations.get(None) is activations.linear
    assert activations.get("softmax") is activations.softmax
    assert activations.get("swish") is activations.silu
    assert activations.get(activations.tanh) is activations.tanh

    def custom(x):
        return ops.multiply(x, 2.0)

    assert activations.get(custom) is custom
    config = activations.serialize(custom)
    assert config == keras.activations.serialize(custom)
    assert activations.deserialize(config, custom_objects={"custom": custom}) is custom
    assert activations.get({"module": "keras.activations", "class_name": "function", "config": "relu",
                            "registered_name": "relu"}) is activations.relu
    with pytest.raises(ValueError, match="activation"):
        activations.get("not_an_activation")
    with pytest.raises(ValueError, match="activation"):
        activations.get(3)
    with pytest.raises(ValueError, match="lambda"):
        activations.serialize(lambda x: x)
