"""compile() and fit(): argument forms, loss/metric resolution, fit options, random state and BN state.

Runs on the active backend (KCORE_BACKEND); Keras 3 is the oracle for one optimizer step.
"""

from __future__ import annotations

import os
import re

_KCORE_BACKEND = os.environ.get("KCORE_BACKEND", "numpy")
os.environ["KERAS_BACKEND"] = "jax" if _KCORE_BACKEND == "numpy" else _KCORE_BACKEND

import numpy as np
import pytest

import kcore as keras
from kcore import layers

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 4)).astype("float32")
Y_INT = RNG.integers(0, 3, size=(64,))
Y_ONEHOT = np.eye(3, dtype="float32")[Y_INT]


def mlp(n_out: int = 3, activation=None, seed: int = 0, name: str = "out"):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((4,), name="features")
    h = layers.Dense(8, activation="relu")(inputs)
    return keras.Model(inputs, layers.Dense(n_out, activation=activation, name=name)(h))


def softmax_np(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


# ---------------------------------------------------------------- compile()
@pytest.mark.parametrize("case", ["strings", "functions", "objects"])
def test_compile_accepts_strings_functions_and_objects(case):
    if case == "strings":
        model = mlp(activation="softmax")
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy", "acc"])
        expected = {"loss", "accuracy", "acc"}
    elif case == "functions":
        model = mlp(activation="softmax")
        model.compile(keras.optimizers.SGD(0.1), keras.losses.sparse_categorical_crossentropy,
                      metrics=[keras.metrics.sparse_categorical_accuracy])
        expected = {"loss", "sparse_categorical_accuracy"}
    else:
        model = mlp()
        model.compile(keras.optimizers.RMSprop(1e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=[keras.metrics.SparseCategoricalAccuracy(name="sca"), "sparse_top_k_categorical_accuracy"])
        expected = {"loss", "sca", "sparse_top_k_categorical_accuracy"}
    history = model.fit(X, Y_INT, epochs=2, batch_size=16, verbose=0)
    assert set(history.history) == expected
    assert all(len(v) == 2 and np.isfinite(v).all() for v in history.history.values())
    assert history.history["loss"][1] < history.history["loss"][0]


@pytest.mark.parametrize("target, n_out, activation, expected_cls", [
    ("sparse", 3, "softmax", "SparseCategoricalAccuracy"),
    ("onehot", 3, "softmax", "CategoricalAccuracy"),
    ("binary", 1, "sigmoid", "BinaryAccuracy"),
])
def test_accuracy_strings_resolve_by_shape_and_keep_the_users_name(target, n_out, activation, expected_cls):
    model = mlp(n_out, activation)
    y = {"sparse": Y_INT, "onehot": Y_ONEHOT, "binary": (Y_INT > 0).astype("float32")[:, None]}[target]
    loss = {"sparse": "sparse_categorical_crossentropy", "onehot": "categorical_crossentropy",
            "binary": "binary_crossentropy"}[target]
    model.compile("sgd", loss, metrics=["acc"])
    logs = model.evaluate(X, y, verbose=0, return_dict=True)
    assert [type(m).__name__ for m in model._compile_metrics.metrics] == [expected_cls]
    assert set(logs) == {"loss", "acc"}
    pred = model.predict(X, verbose=0)
    if target == "binary":
        manual = np.mean((pred > 0.5).astype("float32") == y)
    else:
        manual = np.mean(np.argmax(pred, -1) == Y_INT)
    assert logs["acc"] == pytest.approx(manual, abs=1e-6)


def test_crossentropy_loss_string_picks_the_loss_from_shapes():
    results = []
    for y in (Y_INT, Y_ONEHOT):
        model = mlp(activation="softmax")
        model.compile("sgd", "crossentropy")
        results.append(model.evaluate(X, y, verbose=0))
    pred = model.predict(X, verbose=0)
    manual = -np.mean(np.log(pred[np.arange(len(X)), Y_INT]))
    assert results == pytest.approx([manual, manual], rel=1e-5)


def ticket_like_model(seed: int = 0):
    """Two inputs, dict outputs declared priority first (as the guide's ticket model)."""
    keras.utils.set_random_seed(seed)
    a = keras.Input((4,), name="a")
    b = keras.Input((2,), name="b")
    h = layers.concatenate([layers.Dense(8, activation="relu")(a), b])
    return keras.Model([a, b], {"priority": layers.Dense(1, name="priority")(h),
                                "department": layers.Dense(3, name="department")(h)})


XB = RNG.normal(size=(64, 2)).astype("float32")
Y_PRIORITY = RNG.random(size=(64, 1)).astype("float32")


def test_list_loss_pairs_with_dict_outputs_in_insertion_order():
    bce = lambda y, z: np.mean(-(y * np.log(1 / (1 + np.exp(-z))) + (1 - y) * np.log(1 - 1 / (1 + np.exp(-z)))))
    results = []
    for form in ("list", "dict"):
        model = ticket_like_model()
        if form == "list":
            model.compile(keras.optimizers.RMSprop(1e-3),
                          loss=[keras.losses.BinaryCrossentropy(from_logits=True),
                                keras.losses.CategoricalCrossentropy(from_logits=True)],
                          loss_weights=[1.0, 0.2])
        else:
            model.compile(keras.optimizers.RMSprop(1e-3),
                          loss={"department": keras.losses.CategoricalCrossentropy(from_logits=True),
                                "priority": keras.losses.BinaryCrossentropy(from_logits=True)},
                          loss_weights={"priority": 1.0, "department": 0.2})
        targets = {"priority": Y_PRIORITY, "department": Y_ONEHOT}
        logs = model.evaluate({"a": X, "b": XB}, targets, verbose=0, return_dict=True)
        pred = model.predict({"a": X, "b": XB}, verbose=0)
        assert list(pred) == ["priority", "department"]
        p_loss = bce(Y_PRIORITY, pred["priority"])
        d_loss = -np.mean(np.sum(Y_ONEHOT * np.log(softmax_np(pred["department"])), -1))
        assert logs["priority_loss"] == pytest.approx(p_loss, rel=1e-4)
        assert logs["department_loss"] == pytest.approx(d_loss, rel=1e-4)
        assert logs["loss"] == pytest.approx(p_loss + 0.2 * d_loss, rel=1e-4)
        results.append(model.evaluate({"a": X, "b": XB}, targets, verbose=0))
    assert results[0] == pytest.approx(results[1])
    assert len(results[0]) == 3  # loss, priority_loss, department_loss


@pytest.mark.parametrize("form", ["list_of_lists", "dict"])
def test_metrics_per_output_are_prefixed_with_the_output_name(form):
    model = ticket_like_model()
    metrics = [["mae"], ["acc", keras.metrics.CategoricalAccuracy(name="cat")]] if form == "list_of_lists" else \
        {"priority": "mae", "department": ["acc", keras.metrics.CategoricalAccuracy(name="cat")]}
    model.compile("rmsprop", loss=["mse", keras.losses.CategoricalCrossentropy(from_logits=True)], metrics=metrics)
    history = model.fit([X, XB], [Y_PRIORITY, Y_ONEHOT], epochs=1, batch_size=32, verbose=0)
    assert set(history.history) == {"loss", "priority_loss", "department_loss", "priority_mae", "department_acc",
                                    "department_cat"}
    values = model.evaluate([X, XB], [Y_PRIORITY, Y_ONEHOT], verbose=0)
    logs = model.evaluate([X, XB], [Y_PRIORITY, Y_ONEHOT], verbose=0, return_dict=True)
    # Keras' order: loss, per-output losses, then the prefixed metric names sorted.
    assert values == [logs[k] for k in ("loss", "priority_loss", "department_loss", "department_acc",
                                        "department_cat", "priority_mae")]
    assert logs["department_acc"] == logs["department_cat"]


def test_compile_rejects_bad_specs_with_clear_errors():
    model = ticket_like_model()
    with pytest.raises(ValueError, match=r"`loss` is a list of 3 entries but the model has 2 output"):
        model.compile("sgd", loss=["mse", "mse", "mse"])
        model.fit([X, XB], [Y_PRIORITY, Y_ONEHOT], verbose=0)
    with pytest.raises(ValueError, match=r"unknown output\(s\) \['prio'\]"):
        model.compile("sgd", loss={"prio": "mse", "department": "mse"})
        model.fit([X, XB], [Y_PRIORITY, Y_ONEHOT], verbose=0)
    with pytest.raises(ValueError, match=r"`metrics` must be a list or a dict"):
        model.compile("sgd", loss="mse", metrics="accuracy")
    with pytest.raises(ValueError, match=r"Could not interpret optimizer identifier|Unknown"):
        model.compile("not_an_optimizer", loss="mse")


def test_weighted_metrics_use_sample_weight_and_metrics_do_not():
    model = mlp(activation="softmax")
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"], weighted_metrics=["accuracy"])
    sw = RNG.random(size=(64,)).astype("float32")
    logs = model.evaluate(X, Y_INT, sample_weight=sw, verbose=0, return_dict=True)
    hit = (np.argmax(model.predict(X, verbose=0), -1) == Y_INT).astype("float32")
    assert set(logs) == {"loss", "accuracy", "weighted_accuracy"}
    assert logs["accuracy"] == pytest.approx(hit.mean(), abs=1e-6)
    assert logs["weighted_accuracy"] == pytest.approx((hit * sw).sum() / sw.sum(), rel=1e-5)


def test_eager_and_compiled_steps_give_the_same_weights():
    weights = []
    for kwargs in ({}, {"run_eagerly": True}, {"jit_compile": False}):
        model = mlp()
        model.compile(keras.optimizers.Adam(1e-2), keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"], **kwargs)
        history = model.fit(X, Y_INT, batch_size=16, epochs=1, shuffle=False, verbose=0)
        weights.append((model.get_weights(), history.history))
    for w, h in weights[1:]:
        for a, b in zip(weights[0][0], w):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
        assert h["loss"] == pytest.approx(weights[0][1]["loss"], rel=1e-5)


# --------------------------------------------------------------- fit options
def compiled_mlp(**kwargs):
    model = mlp()
    model.compile(keras.optimizers.SGD(0.05), keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["acc"], **kwargs)
    return model


def test_validation_split_holds_out_the_last_samples():
    model = compiled_mlp()
    history = model.fit(X, Y_INT, batch_size=16, epochs=2, validation_split=0.25, verbose=0)
    assert set(history.history) == {"loss", "acc", "val_loss", "val_acc"}
    val = model.evaluate(X[48:], Y_INT[48:], verbose=0, return_dict=True)
    assert history.history["val_loss"][-1] == pytest.approx(val["loss"], rel=1e-5)
    assert history.history["val_acc"][-1] == pytest.approx(val["acc"], abs=1e-6)


def test_validation_data_with_sample_weight_and_validation_freq():
    model = compiled_mlp()
    sw = RNG.random(size=(16,)).astype("float32")
    history = model.fit(X[:48], Y_INT[:48], batch_size=16, epochs=4, validation_freq=2,
                        validation_data=(X[48:], Y_INT[48:], sw), verbose=0)
    assert history.epoch == [0, 1, 2, 3]
    assert len(history.history["loss"]) == 4 and len(history.history["val_loss"]) == 2
    expected = model.evaluate(X[48:], Y_INT[48:], sample_weight=sw, verbose=0)[0]
    assert history.history["val_loss"][-1] == pytest.approx(expected, rel=1e-5)


def test_initial_epoch_continues_the_epoch_count(capsys):
    model = compiled_mlp()
    history = model.fit(X, Y_INT, batch_size=32, epochs=4, initial_epoch=2, verbose=2)
    assert history.epoch == [2, 3]
    out = capsys.readouterr().out
    assert "Epoch 3/4" in out and "Epoch 4/4" in out and "Epoch 1/4" not in out


class BatchCounter(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.per_epoch, self.first_rows = [], []

    def on_epoch_begin(self, epoch, logs=None):
        self.per_epoch.append(0)

    def on_train_batch_end(self, batch, logs=None):
        self.per_epoch[-1] += 1


def test_steps_per_epoch_with_arrays_runs_on_across_epochs():
    model = compiled_mlp()
    counter = BatchCounter()
    with pytest.warns(UserWarning, match="ran out of data"):
        model.fit(X, Y_INT, batch_size=16, epochs=4, steps_per_epoch=3, callbacks=[counter], verbose=0)
    # 4 batches: epoch 1 takes 3, epoch 2 the last one (interrupted), then the data starts over.
    assert counter.per_epoch == [3, 1, 3, 1]


def test_shuffle_false_is_deterministic_and_shuffle_true_changes_order():
    runs = []
    for shuffle in (False, False, True):
        model = compiled_mlp()
        np.random.seed(1)
        model.fit(X, Y_INT, batch_size=8, epochs=1, shuffle=shuffle, verbose=0)
        runs.append(model.get_weights()[0])
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.allclose(runs[0], runs[2])


def test_class_weight_equals_the_matching_sample_weight():
    class_weight = {0: 1.0, 1: 3.0, 2: 0.5}
    weights = []
    for kwargs in ({"class_weight": class_weight},
                   {"sample_weight": np.array([class_weight[int(c)] for c in Y_INT], dtype="float32")}):
        model = compiled_mlp()
        model.fit(X, Y_INT, batch_size=16, epochs=1, shuffle=False, verbose=0, **kwargs)
        weights.append(model.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    unweighted = compiled_mlp()
    unweighted.fit(X, Y_INT, batch_size=16, epochs=1, shuffle=False, verbose=0)
    assert not np.allclose(unweighted.get_weights()[0], weights[0][0])
    # Class weights weight the training part of a validation split only (as Keras).
    history = unweighted.fit(X, Y_INT, batch_size=16, epochs=1, validation_split=0.25, class_weight=class_weight,
                             verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(unweighted.evaluate(X[48:], Y_INT[48:], verbose=0)[0])


def test_nan_loss_raises_floating_point_error_naming_the_epoch():
    model = mlp(1)
    model.compile("sgd", "mse")
    y = np.ones((64, 1), dtype="float32")
    model.fit(X, y, epochs=1, verbose=0)
    y[5] = np.nan
    with pytest.raises(FloatingPointError, match=r"loss became nan in epoch 2.*TerminateOnNaN"):
        model.fit(X, y, epochs=3, initial_epoch=1, batch_size=16, verbose=0)


def test_terminate_on_nan_stops_without_raising(capsys):
    model = mlp(1)
    model.compile("sgd", "mse")
    y = np.ones((64, 1), dtype="float32")
    y[20] = np.nan
    history = model.fit(X, y, epochs=5, batch_size=16, shuffle=False, verbose=0,
                        callbacks=[keras.callbacks.TerminateOnNaN()])
    assert history.epoch == [0]
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


def test_model_stop_training_set_by_a_callback_ends_fit():
    model = compiled_mlp()
    stopper = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: setattr(model, "stop_training", epoch == 1))
    history = model.fit(X, Y_INT, epochs=10, verbose=0, callbacks=[stopper])
    assert history.epoch == [0, 1]


# ------------------------------------------------------------- progress bar
_NUM = r"\d+\.\d{4}(e[-+]\d+)?"
_TIME = r"\d+(s|ms|us)/step"


def test_progress_bar_lines_match_keras_format(capsys):
    model = compiled_mlp()
    model.fit(X, Y_INT, batch_size=16, epochs=2, validation_split=0.25, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    bar = rf"^3/3 \u2501{{20}} \d+s {_TIME} - acc: {_NUM} - loss: {_NUM} - val_acc: {_NUM} - val_loss: {_NUM}$"
    assert re.match(bar, lines[1]) and re.match(bar, lines[3]), lines

    model.fit(X, Y_INT, batch_size=16, epochs=1, verbose=2)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and re.match(rf"^4/4 - \d+s - {_TIME} - acc: {_NUM} - loss: {_NUM}$", out[0]), out

    model.evaluate(X, Y_INT, batch_size=16, verbose=2)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and re.match(rf"^4/4 - \d+s - {_TIME} - acc: {_NUM} - loss: {_NUM}$", out[0]), out

    model.fit(X, Y_INT, epochs=2, verbose=0)
    model.evaluate(X, Y_INT, verbose=0)
    model.predict(X, verbose=0)
    assert capsys.readouterr().out == ""


# ------------------------------------------------- random and non-trainable state
def dropout_model(seed=None):
    inputs = keras.Input((16,))
    x = layers.Dropout(0.5, seed=seed)(inputs)
    return keras.Model(inputs, layers.Dense(1, use_bias=False, kernel_initializer="ones")(x))


class PerBatchLoss(keras.callbacks.Callback):
    """Recovers each batch's loss from the running mean (all batches the same size)."""

    def on_train_begin(self, logs=None):
        self.losses, self._prev = [], 0.0

    def on_train_batch_end(self, batch, logs=None):
        total = logs["loss"] * (batch + 1)
        self.losses.append(total - self._prev)
        self._prev = total


def test_dropout_draws_a_new_mask_every_step_inside_the_compiled_step():
    model = dropout_model(seed=3)
    model.compile(keras.optimizers.SGD(0.0), "mse")
    x = np.ones((32, 16), dtype="float32")
    recorder = PerBatchLoss()
    model.fit(x, np.zeros((32, 1), "float32"), batch_size=8, shuffle=False, epochs=1, verbose=0,
              callbacks=[recorder])
    losses = np.round(recorder.losses, 3)
    assert len(set(losses.tolist())) > 1, losses  # identical batches, zero learning rate: only masks differ
    seed_state = model.layers[1].seed_generator.state.numpy()
    assert seed_state.tolist()[1] == 4  # the seed advanced once per step and was written back
    assert model.predict(x[:2], verbose=0).tolist() == [[16.0], [16.0]]  # no dropout at inference


def test_set_random_seed_makes_training_reproducible():
    def run(seed):
        keras.utils.set_random_seed(seed)
        inputs = keras.Input((4,))
        h = layers.Dropout(0.3)(layers.Dense(16, activation="relu")(inputs))
        model = keras.Model(inputs, layers.Dense(3)(h))
        model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(X, Y_INT, batch_size=16, epochs=1, verbose=0)
        return model.get_weights()

    a, b, c = run(0), run(0), run(1)
    for wa, wb in zip(a, b):
        np.testing.assert_array_equal(wa, wb)
    assert not np.allclose(a[0], c[0])


def test_batch_normalization_moving_statistics_update_during_fit():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((4,))
    bn = layers.BatchNormalization(momentum=0.9)
    model = keras.Model(inputs, layers.Dense(1)(bn(inputs)))
    model.compile("sgd", "mse")
    x = (RNG.normal(size=(64, 4)) * 2.0 + 5.0).astype("float32")
    model.fit(x, np.zeros((64, 1), "float32"), batch_size=16, epochs=2, shuffle=False, verbose=0)
    mean, var = np.zeros(4), np.ones(4)
    for _ in range(2):
        for i in range(0, 64, 16):
            batch = x[i:i + 16].astype("float64")
            mean = mean * 0.9 + batch.mean(0) * 0.1
            var = var * 0.9 + batch.var(0) * 0.1
    np.testing.assert_allclose(bn.moving_mean.numpy(), mean, rtol=1e-4)
    np.testing.assert_allclose(bn.moving_variance.numpy(), var, rtol=1e-4)
    assert len(model.trainable_weights) == 4  # gamma, beta, kernel, bias: moving stats are not trained


# ----------------------------------------------------------- Keras as oracle
@pytest.mark.parametrize("optimizer", ["sgd_momentum", "adam", "rmsprop"])
def test_one_optimizer_step_matches_keras(optimizer):
    import keras as k3

    def build(lib, opt_module):
        inputs = lib.Input((4,))
        h = lib.layers.Dense(8, activation="relu")(inputs)
        model = lib.Model(inputs, lib.layers.Dense(3)(h))
        opt = {"sgd_momentum": lambda: opt_module.SGD(0.1, momentum=0.9),
               "adam": lambda: opt_module.Adam(1e-2), "rmsprop": lambda: opt_module.RMSprop(1e-2)}[optimizer]()
        model.compile(opt, lib.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
        return model

    ours = build(keras, keras.optimizers)
    theirs = build(k3, k3.optimizers)
    theirs.set_weights(ours.get_weights())
    x, y = X[:32], Y_INT[:32]
    ours.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    ours.train_on_batch(x, y)
    theirs.train_on_batch(x, y)
    logs = theirs.train_on_batch(x, y, return_dict=True)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, np.asarray(b), rtol=1e-5, atol=1e-5)
    ours_logs = ours.evaluate(x, y, verbose=0, return_dict=True)
    assert set(ours_logs) == set(logs)


class _NativeScale(layers.Layer):
    """Multiplies a framework tensor by a kcore Variable with the framework's own operator."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, x):
        native = keras.ops.convert_to_tensor(x)
        return native * self.w + 0.0 * self.w


@pytest.mark.parametrize("run_eagerly", [False, True])
def test_framework_operators_read_variables_inside_compiled_steps(run_eagerly):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((4,))
    model = keras.Model(inputs, layers.Dense(1)(_NativeScale()(inputs)))
    model.compile("sgd", "mse", run_eagerly=run_eagerly)
    before = model.layers[1].w.numpy().copy()
    history = model.fit(X, X[:, :1], epochs=2, batch_size=16, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert not np.allclose(model.layers[1].w.numpy(), before), "the variable read by a native operator got no gradient"


class _GuideCustomDense(layers.Layer):
    """The guide's CustomDense: ``ops.matmul(inputs, self.w) + self.b`` (a tensor plus a Variable)."""

    def __init__(self, units=3):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal")

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.w) + self.b


def test_every_weight_of_the_guide_custom_dense_trains():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((4,))
    hidden = layers.Dense(4)(inputs)  # the custom layer's input is itself traced
    model = keras.Model(inputs, _GuideCustomDense()(hidden))
    model.compile("sgd", "mse")
    before = [w.numpy().copy() for w in model.weights]
    model.fit(X, Y_ONEHOT, epochs=1, batch_size=16, verbose=0)
    unchanged = [w.path for w, b in zip(model.weights, before) if np.allclose(w.numpy(), b)]
    assert not unchanged, f"weights that got no update: {unchanged}"


def test_explicit_training_false_keeps_a_nested_model_in_inference_mode_during_fit():
    """``base(inputs, training=False)``: the transfer-learning pattern freezes BatchNormalization statistics."""
    keras.utils.set_random_seed(0)
    base_in = keras.Input((4,))
    base = keras.Model(base_in, layers.BatchNormalization()(layers.Dense(4)(base_in)))
    inputs = keras.Input((4,))
    model = keras.Model(inputs, layers.Dense(1)(base(inputs, training=False)))
    model.compile("sgd", "mse")
    bn = base.layers[-1]
    before = bn.moving_mean.numpy().copy()
    model.fit(X * 5.0, X[:, :1], epochs=1, batch_size=16, verbose=0)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), before)
