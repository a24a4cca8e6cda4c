"""kcore.metrics against the Keras 3 oracle: update sequences, sample weights, reset, configs, purity."""

import os

_KCORE_BACKEND = os.environ.get("KCORE_BACKEND", "numpy")
os.environ["KERAS_BACKEND"] = "jax" if _KCORE_BACKEND == "numpy" else _KCORE_BACKEND

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from kcore import metrics, ops  # noqa: E402
from kcore.variables import StatelessScope  # noqa: E402

rng = np.random.default_rng(1)


def np_(x):
    return np.asarray(ops.convert_to_numpy(x))


def _probs(shape):
    x = rng.random(shape).astype("float32")
    return x / x.sum(-1, keepdims=True)


def _batches(kind, n=3, batch=8):
    """``n`` batches of (y_true, y_pred, sample_weight) for a data kind."""
    out = []
    for _ in range(n):
        sw = rng.random((batch,)).astype("float32")
        if kind == "values":
            out.append((rng.normal(size=(batch, 3)).astype("float32"), None, sw))
        elif kind == "exact":
            y = rng.integers(0, 3, size=(batch, 1)).astype("float32")
            p = np.where(rng.random((batch, 1)) < 0.6, y, rng.integers(0, 3, size=(batch, 1))).astype("float32")
            out.append((y, p, sw))
        elif kind == "binary":
            out.append((rng.integers(0, 2, size=(batch, 1)).astype("float32"), rng.random((batch, 1)).astype("float32"), sw))
        elif kind == "binary_multi":
            out.append((rng.integers(0, 2, size=(batch, 3)).astype("float32"), rng.random((batch, 3)).astype("float32"), sw))
        elif kind == "categorical":
            labels = rng.integers(0, 6, size=(batch,))
            out.append((np.eye(6, dtype="float32")[labels], _probs((batch, 6)), sw))
        elif kind == "sparse":
            out.append((rng.integers(0, 6, size=(batch,)).astype("int32"), _probs((batch, 6)), sw))
        elif kind == "sparse_col":
            out.append((rng.integers(0, 6, size=(batch, 1)).astype("float32"), _probs((batch, 6)), sw))
        elif kind == "regression":
            out.append((rng.normal(size=(batch, 4)).astype("float32"), rng.normal(size=(batch, 4)).astype("float32"), sw))
        elif kind == "regression_seq":
            out.append((rng.normal(size=(batch, 2, 4)).astype("float32"), rng.normal(size=(batch, 2, 4)).astype("float32"),
                        rng.random((batch, 2)).astype("float32")))
        else:
            raise KeyError(kind)
    return out


# (class name, kwargs, data kind)
CASES = [
    ("Mean", {}, "values"),
    ("Sum", {}, "values"),
    ("Accuracy", {}, "exact"),
    ("BinaryAccuracy", {}, "binary"),
    ("BinaryAccuracy", {"threshold": 0.3}, "binary_multi"),
    ("CategoricalAccuracy", {}, "categorical"),
    ("SparseCategoricalAccuracy", {}, "sparse"),
    ("SparseCategoricalAccuracy", {}, "sparse_col"),
    ("TopKCategoricalAccuracy", {}, "categorical"),
    ("TopKCategoricalAccuracy", {"k": 2}, "categorical"),
    ("SparseTopKCategoricalAccuracy", {"k": 3}, "sparse"),
    ("SparseTopKCategoricalAccuracy", {}, "sparse_col"),
    ("MeanSquaredError", {}, "regression"),
    ("MeanSquaredError", {}, "regression_seq"),
    ("MeanAbsoluteError", {}, "regression"),
    ("KLDivergence", {}, "categorical"),
    ("BinaryCrossentropy", {}, "binary_multi"),
    ("BinaryCrossentropy", {"label_smoothing": 0.2}, "binary"),
    ("CategoricalCrossentropy", {"label_smoothing": 0.1}, "categorical"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {}, "sparse_col"),
    ("AUC", {}, "binary"),
    ("AUC", {"num_thresholds": 7, "curve": "PR", "summation_method": "majoring"}, "binary_multi"),
    ("AUC", {"curve": "ROC", "summation_method": "minoring", "thresholds": [0.1, 0.45, 0.8]}, "binary"),
    ("AUC", {"multi_label": True, "num_labels": 3}, "binary_multi"),
    ("AUC", {"multi_label": True, "curve": "PR"}, "binary_multi"),
    ("AUC", {"label_weights": [0.2, 1.0, 0.5], "num_thresholds": 50}, "binary_multi"),
    ("AUC", {"from_logits": True, "curve": "PRGAIN"}, "binary"),
    ("Precision", {}, "binary"),
    ("Precision", {"thresholds": [0.2, 0.5, 0.9]}, "binary_multi"),
    ("Precision", {"top_k": 2}, "binary_multi"),
    ("Precision", {"class_id": 1, "thresholds": 0.4}, "binary_multi"),
    ("Recall", {}, "binary"),
    ("Recall", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, "binary_multi"),
    ("Recall", {"top_k": 1, "class_id": 2}, "binary_multi"),
]


def _case_id(case):
    name, kwargs, kind = case
    return f"{name}-{kind}-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


def _update(metric, batch, weighted):
    y_true, y_pred, sw = batch
    sw = sw if weighted else None
    if y_pred is None:
        metric.update_state(y_true, sample_weight=sw)
    else:
        metric.update_state(y_true, y_pred, sample_weight=sw)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_update_sequence_and_reset_match_keras(case, weighted):
    name, kwargs, kind = case
    ours, theirs = getattr(metrics, name)(**kwargs), getattr(keras.metrics, name)(**kwargs)
    batches = _batches(kind)
    for batch in batches:
        _update(ours, batch, weighted)
        _update(theirs, batch, weighted)
        np.testing.assert_allclose(np_(ours.result()), np.asarray(theirs.result()), rtol=1e-5, atol=1e-5)
    assert [v.path for v in ours.variables] == [v.path for v in theirs.variables]
    for a, b in zip(ours.variables, theirs.variables):
        np.testing.assert_allclose(a.numpy(), np.asarray(b.numpy()), rtol=1e-5, atol=1e-5)
    ours.reset_state()
    theirs.reset_state()
    np.testing.assert_allclose(np_(ours.result()), np.asarray(theirs.result()), atol=1e-7)
    _update(ours, batches[0], weighted)
    _update(theirs, batches[0], weighted)
    np.testing.assert_allclose(np_(ours.result()), np.asarray(theirs.result()), rtol=1e-5, atol=1e-5)


ACCURACY_FUNCTIONS = [
    ("accuracy", {}, "exact"),
    ("binary_accuracy", {"threshold": 0.7}, "binary_multi"),
    ("categorical_accuracy", {}, "categorical"),
    ("sparse_categorical_accuracy", {}, "sparse_col"),
    ("top_k_categorical_accuracy", {"k": 2}, "categorical"),
    ("sparse_top_k_categorical_accuracy", {"k": 2}, "sparse"),
]


@pytest.mark.parametrize("case", ACCURACY_FUNCTIONS, ids=_case_id)
def test_metric_functions_match_keras(case):
    name, kwargs, kind = case
    y_true, y_pred, _ = _batches(kind, n=1)[0]
    got = getattr(metrics, name)(ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred), **kwargs)
    from keras.src.metrics import accuracy_metrics

    want = np.asarray(getattr(accuracy_metrics, name)(y_true, y_pred, **kwargs))
    assert np_(got).shape == want.shape
    np.testing.assert_allclose(np_(got), want)


def test_sparse_crossentropy_ignore_class_leaves_entries_out_of_the_mean():
    y_true = np.array([[0, 1, 2], [1, 1, 0]], dtype="int32")
    logits = np.random.default_rng(3).normal(size=(2, 3, 4)).astype("float32")
    kwargs = {"from_logits": True, "ignore_class": 1}
    ours = metrics.SparseCategoricalCrossentropy(**kwargs)
    ours.update_state(y_true, logits)
    log_p = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    ce = -np.take_along_axis(log_p, y_true[..., None], -1)[..., 0]
    keep = y_true != 1
    np.testing.assert_allclose(np_(ours.result()), (ce * keep).sum() / keep.sum(), rtol=1e-5)
    weighted = metrics.SparseCategoricalCrossentropy(**kwargs)
    weighted.update_state(y_true, logits, sample_weight=np.array([2.0, 1.0], dtype="float32"))
    w = np.array([[2.0], [1.0]]) * keep
    np.testing.assert_allclose(np_(weighted.result()), (ce * w).sum() / w.sum(), rtol=1e-5)
    # With sample weights Keras masks too: same numbers as the oracle.
    y_true, logits = y_true[:, 0], logits[:, 0]
    sw = np.array([0.3, 1.5], dtype="float32")
    ours, theirs = metrics.SparseCategoricalCrossentropy(**kwargs), keras.metrics.SparseCategoricalCrossentropy(**kwargs)
    ours.update_state(y_true, logits, sample_weight=sw)
    theirs.update_state(y_true, logits, sample_weight=sw)
    np.testing.assert_allclose(np_(ours.result()), np.asarray(theirs.result()), rtol=1e-5)


def test_call_updates_and_returns_result():
    m = metrics.Mean()
    np.testing.assert_allclose(np_(m([1.0, 2.0, 3.0])), 2.0)
    np.testing.assert_allclose(np_(m([5.0])), 2.75)


def test_mean_metric_wrapper_matches_keras_with_kwargs():
    ours = metrics.MeanMetricWrapper(metrics.binary_crossentropy, from_logits=True)
    theirs = keras.metrics.MeanMetricWrapper(keras.losses.binary_crossentropy, from_logits=True)
    for y_true, y_pred, sw in _batches("binary_multi", n=2):
        ours.update_state(y_true, 4 * y_pred - 2, sample_weight=sw)
        theirs.update_state(y_true, 4 * y_pred - 2, sample_weight=sw)
    np.testing.assert_allclose(np_(ours.result()), np.asarray(theirs.result()), rtol=1e-5)
    config = ours.get_config()
    assert config["fn"] == {"module": "builtins", "class_name": "function", "config": "binary_crossentropy",
                            "registered_name": "function"}
    assert config["from_logits"] is True
    rebuilt = metrics.MeanMetricWrapper.from_config(config)
    assert rebuilt._fn is metrics.binary_crossentropy and rebuilt._fn_kwargs == {"from_logits": True}


# ---------------------------------------------------------------- purity


def test_update_state_is_pure_under_stateless_scope():
    m = metrics.AUC(num_thresholds=20)
    batches = _batches("binary", n=2)
    values = [v.value for v in m.variables]
    for y_true, y_pred, sw in batches:
        values = m.stateless_update_state(values, y_true, y_pred, sample_weight=sw)
    for v in m.variables:
        assert np.all(v.numpy() == 0)
    stateless = np_(m.stateless_result(values))
    for y_true, y_pred, sw in batches:
        m.update_state(y_true, y_pred, sample_weight=sw)
    np.testing.assert_allclose(stateless, np_(m.result()), rtol=1e-6)
    reset = m.stateless_reset_state()
    assert all(np.all(np_(r) == 0) for r in reset) and np.any(m.variables[0].numpy() != 0)


def test_metric_update_records_assignments_in_scope():
    m = metrics.SparseCategoricalAccuracy()
    y_true, y_pred, _ = _batches("sparse", n=1)[0]
    mapping = [(v, ops.zeros(v.shape, v.dtype)) for v in m.variables]
    with StatelessScope(mapping) as scope:
        m.update_state(y_true, y_pred)
        result = m.result()
    assert len(scope.updates) == 2
    want = float((np.argmax(y_pred, -1) == y_true).mean())
    np.testing.assert_allclose(np_(result), want, rtol=1e-6)
    assert float(m.count.numpy()) == 0.0


# ---------------------------------------------------------------- configs

CONFIG_CLASSES = ["Mean", "Sum", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
                  "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "MeanSquaredError",
                  "MeanAbsoluteError", "AUC", "Precision", "Recall", "KLDivergence", "BinaryCrossentropy",
                  "CategoricalCrossentropy", "SparseCategoricalCrossentropy"]


@pytest.mark.parametrize("name", CONFIG_CLASSES)
def test_default_config_matches_keras(name):
    ours, theirs = getattr(metrics, name)(), getattr(keras.metrics, name)()
    # Auto names carry per-session counters: compare them apart.
    assert ours.name.split("_")[0] == theirs.name.split("_")[0]
    ours, theirs = getattr(metrics, name)(name="m"), getattr(keras.metrics, name)(name="m")
    assert ours.get_config() == theirs.get_config()
    expected = {"module": "keras.metrics", "class_name": name, "config": theirs.get_config(), "registered_name": None}
    assert metrics.serialize(ours) == expected
    rebuilt = metrics.deserialize(expected)
    assert type(rebuilt) is type(ours) and rebuilt.get_config() == ours.get_config()


@pytest.mark.parametrize("name,kwargs", [
    ("AUC", {"num_thresholds": 10, "curve": "PR", "summation_method": "majoring", "name": "a", "from_logits": True}),
    ("AUC", {"thresholds": [0.2, 0.7]}),
    ("AUC", {"multi_label": True, "num_labels": 4}),
    ("Precision", {"thresholds": [0.2, 0.6], "top_k": 2, "class_id": 1, "name": "p"}),
    ("Recall", {"thresholds": 0.3}),
    ("BinaryAccuracy", {"threshold": 0.2, "name": "ba"}),
    ("SparseTopKCategoricalAccuracy", {"k": 2, "from_sorted_ids": True}),
    ("TopKCategoricalAccuracy", {"k": 1}),
])
def test_non_default_config_matches_keras(name, kwargs):
    kwargs = {"name": "metric", **kwargs}
    ours, theirs = getattr(metrics, name)(**kwargs), getattr(keras.metrics, name)(**kwargs)
    assert ours.get_config() == theirs.get_config()
    assert [v.path for v in ours.variables] == [v.path for v in theirs.variables]
    rebuilt = metrics.deserialize(metrics.serialize(ours))
    assert rebuilt.get_config() == ours.get_config()


def test_keras_deserializes_what_kcore_serializes():
    for ours in [metrics.AUC(name="auc_x", curve="PR", num_thresholds=20), metrics.SparseCategoricalAccuracy(),
                 metrics.Precision(thresholds=[0.3, 0.6], top_k=2, name="p"), metrics.BinaryAccuracy(threshold=0.2)]:
        theirs = keras.metrics.deserialize(metrics.serialize(ours))
        assert type(theirs).__name__ == type(ours).__name__ and theirs.get_config() == ours.get_config()


def test_get_resolves_names_like_keras():
    for name in ["binary_crossentropy", "bce", "kl_divergence", "accuracy", "Accuracy", "sparse_categorical_accuracy", "auc", "AUC", "mse", "mae",
                 "MeanSquaredError", "precision", "recall", "top_k_categorical_accuracy"]:
        assert type(metrics.get(name)).__name__ == type(keras.metrics.get(name)).__name__
    m = metrics.Mean()
    assert metrics.get(m) is m and metrics.get(None) is None
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        metrics.get("not_a_metric")


def test_auto_names_are_unique_and_variables_use_them():
    a, b = metrics.Mean(name=None), metrics.Mean(name=None)
    assert a.name != b.name and a.name.startswith("mean")
    assert [v.path for v in b.variables] == [f"{b.name}/total", f"{b.name}/count"]


def test_precision_rejects_out_of_range_thresholds():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        metrics.Precision(thresholds=[0.5, 1.5])
