"""kcore.regularizers and kcore.constraints against the Keras 3 oracle."""

import os

_KCORE_BACKEND = os.environ.get("KCORE_BACKEND", "numpy")
os.environ["KERAS_BACKEND"] = "jax" if _KCORE_BACKEND == "numpy" else _KCORE_BACKEND

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from kcore import constraints, ops, regularizers  # noqa: E402

RNG = np.random.default_rng(1)
W2 = RNG.standard_normal((6, 5)).astype("float32")
W4 = (RNG.standard_normal((3, 3, 4, 5)) * 2).astype("float32")


def np_(x):
    return np.asarray(ops.convert_to_numpy(x))


def keras_np(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


# ------------------------------------------------------------ regularizers

REGULARIZERS = [
    ("L1", {}), ("L1", {"l1": 0.3}), ("L2", {}), ("L2", {"l2": 1}), ("L1L2", {}), ("L1L2", {"l1": 0.1, "l2": 0.2}),
    ("L1L2", {"l1": 1, "l2": None}), ("OrthogonalRegularizer", {}),
    ("OrthogonalRegularizer", {"factor": 0.1, "mode": "columns"}),
]


@pytest.mark.parametrize("name,kwargs", REGULARIZERS)
def test_regularizer_config_and_value_match_keras(name, kwargs):
    ours, theirs = getattr(regularizers, name)(**kwargs), getattr(keras.regularizers, name)(**kwargs)
    assert ours.get_config() == theirs.get_config()
    assert regularizers.serialize(ours) == keras.regularizers.serialize(theirs)
    rebuilt = regularizers.deserialize(keras.regularizers.serialize(theirs))
    assert type(rebuilt) is type(ours) and rebuilt.get_config() == ours.get_config()
    value = ours(ops.convert_to_tensor(W2))
    assert tuple(ops.shape(value)) == ()
    assert ops.dtype(value) == "float32"
    np.testing.assert_allclose(np_(value), keras_np(theirs(keras.ops.convert_to_tensor(W2))), rtol=1e-5, atol=1e-7)


def test_regularizer_names_and_get():
    from keras.src.regularizers import ALL_OBJECTS_DICT as KERAS_NAMES

    for name, cls in KERAS_NAMES.items():
        obj = regularizers.get(name)
        assert type(obj).__name__ == cls.__name__, name
        if cls.__name__ != "Regularizer":  # the base class has no config
            assert obj.get_config() == keras.regularizers.get(name).get_config()
    assert regularizers.get(None) is None
    reg = regularizers.L2(0.5)
    assert regularizers.get(reg) is reg
    assert isinstance(regularizers.get(regularizers.L1), regularizers.L1)
    assert regularizers.get({"class_name": "L2", "config": {"l2": 0.2}}).l2 == 0.2
    assert regularizers.l1_l2 is regularizers.L1L2

    def fn(w):
        return ops.sum(w)

    assert regularizers.get(fn) is fn
    with pytest.raises(ValueError, match="regularizer"):
        regularizers.get("l3")


def test_regularizer_exports_mirror_keras():
    keras_names = {n for n in dir(keras.regularizers) if not n.startswith("_")}
    assert keras_names <= {n for n in dir(regularizers) if not n.startswith("_")}


def test_regularizer_validation():
    for bad in (-1.0, float("nan"), float("inf"), "a"):
        with pytest.raises(ValueError, match="l2"):
            regularizers.L2(bad)
    with pytest.raises(ValueError, match="mode"):
        regularizers.OrthogonalRegularizer(mode="diag")
    with pytest.raises(ValueError, match="rank 2"):
        regularizers.OrthogonalRegularizer()(ops.convert_to_tensor(W4))


def test_base_regularizer_and_zero_penalty():
    assert regularizers.Regularizer()(W2) == 0.0
    np.testing.assert_allclose(np_(regularizers.L1L2()(ops.convert_to_tensor(W2))), 0.0)


# ------------------------------------------------------------- constraints

CONSTRAINTS = [
    ("MaxNorm", {}), ("MaxNorm", {"max_value": 1.5, "axis": [0, 1, 2]}), ("NonNeg", {}), ("UnitNorm", {}),
    ("UnitNorm", {"axis": 1}), ("MinMaxNorm", {}), ("MinMaxNorm", {"min_value": 0.5, "max_value": 2.0, "rate": 0.5}),
    ("MinMaxNorm", {"min_value": 1.0, "max_value": 3.0, "axis": [0, 1, 2]}),
]


@pytest.mark.parametrize("name,kwargs", CONSTRAINTS)
def test_constraint_config_and_value_match_keras(name, kwargs):
    ours, theirs = getattr(constraints, name)(**kwargs), getattr(keras.constraints, name)(**kwargs)
    assert ours.get_config() == theirs.get_config()
    assert constraints.serialize(ours) == keras.constraints.serialize(theirs)
    rebuilt = constraints.deserialize(keras.constraints.serialize(theirs))
    assert type(rebuilt) is type(ours) and rebuilt.get_config() == ours.get_config()
    w = W4 if isinstance(kwargs.get("axis"), list) else W2
    out = ours(ops.convert_to_tensor(w))
    assert tuple(ops.shape(out)) == w.shape and ops.dtype(out) == "float32"
    np.testing.assert_allclose(np_(out), keras_np(theirs(keras.ops.convert_to_tensor(w))), rtol=1e-5, atol=1e-6)


def test_constraint_semantics():
    norms = np.linalg.norm(np_(constraints.MaxNorm(1.0)(ops.convert_to_tensor(W2))), axis=0)
    assert np.all(norms <= 1.0 + 1e-5)
    norms = np.linalg.norm(np_(constraints.UnitNorm(axis=1)(ops.convert_to_tensor(W2))), axis=1)
    np.testing.assert_allclose(norms, 1.0, atol=1e-5)
    assert np.all(np_(constraints.NonNeg()(ops.convert_to_tensor(W2))) >= 0)
    w = ops.convert_to_tensor(W2)
    assert constraints.Constraint()(w) is w


def test_constraint_names_and_get():
    from keras.src.constraints import ALL_OBJECTS_DICT as KERAS_NAMES

    for name, cls in KERAS_NAMES.items():
        obj = constraints.get(name)
        assert type(obj).__name__ == cls.__name__, name
        assert obj.get_config() == keras.constraints.get(name).get_config()
    assert constraints.get(None) is None
    c = constraints.MaxNorm(3)
    assert constraints.get(c) is c
    assert constraints.get({"class_name": "UnitNorm", "config": {"axis": 1}}).axis == 1
    assert constraints.max_norm is constraints.MaxNorm
    keras_names = {n for n in dir(keras.constraints) if not n.startswith("_")}
    assert keras_names <= {n for n in dir(constraints) if not n.startswith("_")}
    with pytest.raises(ValueError, match="constraint"):
        constraints.get("positive")
