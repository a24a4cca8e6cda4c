"""kcore.losses against the Keras 3 oracle: values for every reduction/option, configs, lookup."""

import os

_KCORE_BACKEND = os.environ.get("KCORE_BACKEND", "numpy")
os.environ["KERAS_BACKEND"] = "jax" if _KCORE_BACKEND == "numpy" else _KCORE_BACKEND

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from kcore import losses, ops  # noqa: E402
from kcore.variables import StatelessScope, Variable  # noqa: E402

REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]
rng = np.random.default_rng(0)


def keras_format(obj, module="keras.losses"):
    """What ``keras.losses.serialize`` writes for a built-in (calling it would import TensorFlow)."""
    return {"module": module, "class_name": type(obj).__name__, "config": obj.get_config(), "registered_name": None}


def np_(x):
    return np.asarray(ops.convert_to_numpy(x))


def _probs(shape):
    x = rng.random(shape).astype("float32") + 0.05
    return x / x.sum(-1, keepdims=True)


def _one_hot(labels, n):
    return np.eye(n, dtype="float32")[labels]


def _data():
    labels = rng.integers(0, 5, size=(6,))
    return {
        "reg": (rng.normal(size=(6, 3)).astype("float32"), rng.normal(size=(6, 3)).astype("float32")),
        "reg3": (rng.normal(size=(6, 4, 3)).astype("float32"), rng.normal(size=(6, 4, 3)).astype("float32")),
        "prob": (_probs((6, 3)), _probs((6, 3))),
        "bin": (rng.integers(0, 2, size=(6, 3)).astype("float32"), rng.random((6, 3)).astype("float32")),
        "bin_logits": (rng.integers(0, 2, size=(6, 3)).astype("float32"), 3 * rng.normal(size=(6, 3)).astype("float32")),
        "bin_col": (rng.integers(0, 2, size=(6,)).astype("float32"), rng.random((6, 1)).astype("float32")),
        "cat": (_one_hot(labels, 5), _probs((6, 5))),
        "cat_logits": (_one_hot(labels, 5), 2 * rng.normal(size=(6, 5)).astype("float32")),
        "sparse": (labels.astype("int32"), _probs((6, 5))),
        "sparse_col": (labels[:, None].astype("int32"), _probs((6, 5))),
        "sparse_logits": (labels.astype("int32"), 2 * rng.normal(size=(6, 5)).astype("float32")),
        "sparse_seq": (rng.integers(0, 5, size=(6, 4)).astype("int32"), 2 * rng.normal(size=(6, 4, 5)).astype("float32")),
    }


DATA = _data()
WEIGHTS = {
    "reg": rng.random((6,)).astype("float32"),
    "reg3": rng.random((6, 4)).astype("float32"),
    "col": rng.random((6, 1)).astype("float32"),
}

# (class name, kwargs, data key)
CASES = [
    ("MeanSquaredError", {}, "reg"),
    ("MeanSquaredError", {}, "reg3"),
    ("MeanAbsoluteError", {}, "reg"),
    ("MeanAbsoluteError", {}, "reg3"),
    ("Huber", {}, "reg"),
    ("Huber", {"delta": 0.4}, "reg3"),
    ("KLDivergence", {}, "prob"),
    ("BinaryCrossentropy", {}, "bin"),
    ("BinaryCrossentropy", {"label_smoothing": 0.1}, "bin"),
    ("BinaryCrossentropy", {"from_logits": True}, "bin_logits"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "bin_logits"),
    ("BinaryCrossentropy", {}, "bin_col"),
    ("CategoricalCrossentropy", {}, "cat"),
    ("CategoricalCrossentropy", {"label_smoothing": 0.1}, "cat"),
    ("CategoricalCrossentropy", {"from_logits": True}, "cat_logits"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.3}, "cat_logits"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {}, "sparse_col"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_seq"),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 2}, "sparse_logits"),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 1}, "sparse_seq"),
]


def _weight_for(key):
    if key in ("reg3", "sparse_seq"):
        return WEIGHTS["reg3"]
    if key == "bin_col":
        return WEIGHTS["col"]
    return WEIGHTS["reg"]


def _case_id(case):
    name, kwargs, key = case
    return f"{name}-{key}-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


# Every case with the default and "none" reductions; every reduction on cases that
# exercise rank matching, masks (ignore_class) and per-timestep weights.
FULL_REDUCTION_CASES = {1, 11, 21}
VALUE_CASES = [
    pytest.param(case, reduction, id=f"{_case_id(case)}-{reduction}")
    for i, case in enumerate(CASES)
    for reduction in (REDUCTIONS if i in FULL_REDUCTION_CASES else ["sum_over_batch_size", "none"])
]


@pytest.mark.parametrize("case,reduction", VALUE_CASES)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_loss_values_match_keras(case, reduction, weighted):
    name, kwargs, key = case
    y_true, y_pred = DATA[key]
    sw = _weight_for(key) if weighted else None
    ours = getattr(losses, name)(reduction=reduction, **kwargs)
    theirs = getattr(keras.losses, name)(reduction=reduction, **kwargs)
    got = ours(y_true, y_pred, sample_weight=sw)
    want = np.asarray(theirs(y_true, y_pred, sample_weight=sw))
    assert ops.dtype(got) == "float32"
    assert np_(got).shape == want.shape
    np.testing.assert_allclose(np_(got), want, rtol=1e-5, atol=1e-5)


FUNCTIONS = [
    ("mean_squared_error", {}, "reg3"),
    ("mean_absolute_error", {}, "reg"),
    ("huber", {"delta": 0.7}, "reg"),
    ("kl_divergence", {}, "prob"),
    ("binary_crossentropy", {"from_logits": True, "label_smoothing": 0.1}, "bin_logits"),
    ("binary_crossentropy", {}, "bin"),
    ("categorical_crossentropy", {"label_smoothing": 0.2}, "cat"),
    ("categorical_crossentropy", {"from_logits": True}, "cat_logits"),
    ("sparse_categorical_crossentropy", {}, "sparse"),
    ("sparse_categorical_crossentropy", {"from_logits": True}, "sparse_seq"),
]


@pytest.mark.parametrize("case", FUNCTIONS, ids=_case_id)
def test_loss_functions_match_keras(case):
    name, kwargs, key = case
    y_true, y_pred = DATA[key]
    got = getattr(losses, name)(ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred), **kwargs)
    want = np.asarray(getattr(keras.losses, name)(y_true, y_pred, **kwargs))
    np.testing.assert_allclose(np_(got), want, rtol=1e-5, atol=1e-5)


def test_aliases_are_the_functions():
    assert losses.mse is losses.mean_squared_error and losses.MAE is losses.mean_absolute_error
    assert losses.get("mse") is losses.mean_squared_error
    assert losses.get("bce") is losses.binary_crossentropy


# ------------------------------------------------------------------ configs

CLASSES = ["MeanSquaredError", "MeanAbsoluteError", "Huber", "KLDivergence", "BinaryCrossentropy",
           "CategoricalCrossentropy", "SparseCategoricalCrossentropy"]


@pytest.mark.parametrize("name", CLASSES)
def test_default_config_and_serialization_match_keras(name):
    ours, theirs = getattr(losses, name)(), getattr(keras.losses, name)()
    assert ours.get_config() == theirs.get_config()
    assert losses.serialize(ours) == keras_format(theirs)
    assert keras.losses.deserialize(losses.serialize(ours)).get_config() == theirs.get_config()
    rebuilt = losses.deserialize(keras_format(theirs))
    assert type(rebuilt) is type(ours) and rebuilt.get_config() == ours.get_config()


@pytest.mark.parametrize("name,kwargs", [
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1, "axis": 1, "reduction": "sum", "name": "b"}),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2, "reduction": None}),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 3, "reduction": "mean"}),
    ("MeanSquaredError", {"reduction": "none", "name": "m"}),
])
def test_non_default_config_matches_keras_and_round_trips(name, kwargs):
    ours, theirs = getattr(losses, name)(**kwargs), getattr(keras.losses, name)(**kwargs)
    assert ours.get_config() == theirs.get_config()
    assert keras.losses.deserialize(losses.serialize(ours)).get_config() == theirs.get_config()
    rebuilt = losses.deserialize(keras_format(theirs))
    assert rebuilt.get_config() == ours.get_config()
    y_true, y_pred = DATA["cat_logits"] if name != "SparseCategoricalCrossentropy" else DATA["sparse_logits"]
    np.testing.assert_allclose(np_(rebuilt(y_true, y_pred)), np.asarray(theirs(y_true, y_pred)), rtol=1e-5, atol=1e-5)


def test_huber_keeps_non_default_delta_in_config_and_keras_reads_it():
    config = losses.serialize(losses.Huber(delta=0.3))
    assert config["config"]["delta"] == 0.3
    theirs = keras.losses.deserialize(config)
    assert losses.deserialize(config).get_config() == losses.Huber(delta=0.3).get_config()
    y_true, y_pred = DATA["reg"]
    np.testing.assert_allclose(np_(losses.deserialize(config)(y_true, y_pred)),
                               np.asarray(theirs(y_true, y_pred)), rtol=1e-5)


def test_function_serialization_matches_keras():
    config = losses.serialize(losses.mean_squared_error)
    assert config == {"module": "builtins", "class_name": "function", "config": "mean_squared_error",
                      "registered_name": "function"}
    assert keras.losses.deserialize(config) is keras.losses.mean_squared_error
    assert losses.deserialize({**config, "config": "huber"}) is losses.huber


def test_loss_function_wrapper_config_round_trip():
    wrapper = losses.LossFunctionWrapper(losses.binary_crossentropy, from_logits=True, name="w")
    config = wrapper.get_config()
    assert config == {"name": "w", "reduction": "sum_over_batch_size", "from_logits": True,
                      "fn": {"module": "builtins", "class_name": "function", "config": "binary_crossentropy",
                             "registered_name": "function"}}
    rebuilt = losses.LossFunctionWrapper.from_config(config)
    y_true, y_pred = DATA["bin_logits"]
    np.testing.assert_allclose(np_(rebuilt(y_true, y_pred)), np_(wrapper(y_true, y_pred)), rtol=1e-6)


def test_get_accepts_names_classes_dicts_and_instances():
    assert isinstance(losses.get("MeanSquaredError"), losses.MeanSquaredError)
    assert losses.get("categorical_crossentropy") is losses.categorical_crossentropy
    assert isinstance(losses.get(losses.Huber), losses.Huber)
    loss = losses.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert isinstance(loss, losses.CategoricalCrossentropy) and loss.from_logits
    instance = losses.BinaryCrossentropy()
    assert losses.get(instance) is instance and losses.get(None) is None
    with pytest.raises(ValueError, match="Could not interpret loss identifier"):
        losses.get("not_a_loss")
    with pytest.raises(ValueError, match="Unknown loss class"):
        losses.deserialize({"class_name": "Nope", "config": {}})


def test_invalid_reduction_is_rejected():
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="average")


def test_auto_names_and_custom_subclass():
    class MyLoss(losses.Loss):
        def call(self, y_true, y_pred):
            return ops.mean(ops.abs(ops.subtract(y_true, y_pred)), axis=-1)

    first, second = MyLoss(), MyLoss()
    assert first.name.startswith("my_loss") and first.name != second.name
    config = losses.serialize(first)
    assert config["class_name"] == "MyLoss" and config["registered_name"] == "MyLoss"
    rebuilt = losses.deserialize(config, custom_objects={"MyLoss": MyLoss})
    y_true, y_pred = DATA["reg"]
    np.testing.assert_allclose(np_(rebuilt(y_true, y_pred)), np.abs(y_true - y_pred).mean(), rtol=1e-6)


def test_loss_inside_stateless_scope_reads_variable_values():
    y_true, y_pred = DATA["reg"]
    v = Variable(np.zeros_like(y_pred), name="pred")
    with StatelessScope([(v, ops.convert_to_tensor(y_pred))]):
        got = losses.MeanSquaredError()(y_true, v.value)
    np.testing.assert_allclose(np_(got), ((y_true - y_pred) ** 2).mean(), rtol=1e-5)
