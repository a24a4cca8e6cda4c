"""Callbacks driven by a real fit() on the active backend: stopping, checkpoints, learning rates, logging."""

from __future__ import annotations

import csv

import numpy as np
import pytest

import kcore as keras
from kcore import layers

RNG = np.random.default_rng(3)
X = RNG.normal(size=(32, 3)).astype("float32")
ONES = np.ones((32, 1), "float32")


def regressor(lr: float = 0.1, seed: int = 0):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Dense(1)(inputs))
    model.compile(keras.optimizers.SGD(lr), "mse", metrics=["mae"])
    return model


class WeightsAtEpochEnd(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append([w.copy() for w in self.model.get_weights()])


def test_early_stopping_restores_the_best_weights(capsys):
    model = regressor()
    snapshots = WeightsAtEpochEnd()
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True, verbose=1)
    # Training pulls predictions towards +1, so the loss on -1 targets only gets worse after epoch 1.
    history = model.fit(X, ONES, batch_size=8, epochs=10, validation_data=(X, -ONES), shuffle=False,
                        callbacks=[snapshots, stop], verbose=0)
    assert history.epoch == [0, 1]
    assert history.history["val_loss"][1] > history.history["val_loss"][0]
    for restored, best in zip(model.get_weights(), snapshots.weights[0]):
        np.testing.assert_array_equal(restored, best)
    assert "Epoch 2: early stopping" in capsys.readouterr().out


def test_model_checkpoint_weights_h5_with_save_best_only(tmp_path):
    model = regressor()
    snapshots = WeightsAtEpochEnd()
    checkpoint = keras.callbacks.ModelCheckpoint(str(tmp_path / "w{epoch:02d}.weights.h5"), monitor="val_loss",
                                                 save_best_only=True, save_weights_only=True)
    model.fit(X, ONES, batch_size=8, epochs=3, validation_data=(X, -ONES), shuffle=False,
              callbacks=[snapshots, checkpoint], verbose=0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w01.weights.h5"]  # val_loss never improved again
    fresh = regressor(seed=5)
    fresh.load_weights(str(tmp_path / "w01.weights.h5"))
    for loaded, saved in zip(fresh.get_weights(), snapshots.weights[0]):
        np.testing.assert_array_equal(loaded, saved)


def test_model_checkpoint_full_keras_file_every_epoch(tmp_path):
    model = regressor()
    checkpoint = keras.callbacks.ModelCheckpoint(str(tmp_path / "m{epoch}.keras"), monitor="loss",
                                                 save_best_only=True)
    model.fit(X, ONES, batch_size=8, epochs=3, callbacks=[checkpoint], verbose=0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m1.keras", "m2.keras", "m3.keras"]
    restored = keras.saving.load_model(str(tmp_path / "m3.keras"))
    np.testing.assert_allclose(restored.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)
    assert restored.evaluate(X, ONES, verbose=0) == pytest.approx(model.evaluate(X, ONES, verbose=0), rel=1e-6)


def test_learning_rate_scheduler_changes_the_rate_inside_the_compiled_step():
    model = regressor(lr=0.1)
    snapshots = WeightsAtEpochEnd()
    scheduler = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.05 if epoch == 0 else 0.0)
    history = model.fit(X, ONES, batch_size=8, epochs=3, callbacks=[scheduler, snapshots], verbose=0)
    assert history.history["learning_rate"] == pytest.approx([0.05, 0.0, 0.0])
    moved = [not np.allclose(a, b) for a, b in zip(snapshots.weights[0], regressor().get_weights())]
    assert all(moved)
    for a, b in zip(snapshots.weights[1], snapshots.weights[2]):
        np.testing.assert_array_equal(a, b)  # learning rate 0: no change


def test_reduce_lr_on_plateau_lowers_the_optimizer_rate():
    model = regressor(lr=0.1)
    reduce = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=10.0,
                                               min_lr=0.03)
    history = model.fit(X, ONES, batch_size=8, epochs=4, callbacks=[reduce], verbose=0)
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == pytest.approx(0.03)
    assert len(history.history["learning_rate"]) == 4


def test_csv_logger_writes_one_row_per_epoch(tmp_path):
    model = regressor()
    path = tmp_path / "log.csv"
    history = model.fit(X, ONES, epochs=3, validation_split=0.25, verbose=0,
                        callbacks=[keras.callbacks.CSVLogger(str(path))])
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["epoch", "loss", "mae", "val_loss", "val_mae"]
    assert [int(r["epoch"]) for r in rows] == [0, 1, 2]
    assert [float(r["val_loss"]) for r in rows] == pytest.approx(history.history["val_loss"], rel=1e-6)


def test_lambda_callback_hooks_run_in_keras_order():
    calls = []
    hooks = {name: (lambda name: lambda *args, **kwargs: calls.append(name))(name) for name in (
        "on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_train_batch_begin",
        "on_train_batch_end")}
    model = regressor()
    model.fit(X, ONES, batch_size=16, epochs=2, validation_data=(X, ONES), verbose=0,
              callbacks=[keras.callbacks.LambdaCallback(**hooks)])
    epoch = ["on_epoch_begin"] + ["on_train_batch_begin", "on_train_batch_end"] * 2 + ["on_epoch_end"]
    assert calls == ["on_train_begin"] + epoch * 2 + ["on_train_end"]


_HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_train_batch_begin",
          "on_train_batch_end", "on_test_begin", "on_test_end", "on_test_batch_begin", "on_test_batch_end",
          "on_predict_begin", "on_predict_end", "on_predict_batch_begin", "on_predict_batch_end")


def _recording(name):
    def hook(self, *args, **kwargs):
        self.calls.append(name)
    return hook


Recorder = type("Recorder", (keras.callbacks.Callback,), {name: _recording(name) for name in _HOOKS})


def test_validation_evaluate_and_predict_call_test_and_predict_hooks():
    model = regressor()
    rec = Recorder()
    rec.calls = []
    model.fit(X, ONES, batch_size=16, epochs=1, validation_data=(X, ONES), verbose=0, callbacks=[rec])
    assert rec.calls == ["on_train_begin", "on_epoch_begin", "on_train_batch_begin", "on_train_batch_end",
                         "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_batch_begin",
                         "on_test_batch_end", "on_test_batch_begin", "on_test_batch_end", "on_test_end",
                         "on_epoch_end", "on_train_end"]
    rec.calls.clear()
    model.evaluate(X, ONES, batch_size=32, verbose=0, callbacks=[rec])
    model.predict(X, batch_size=32, verbose=0, callbacks=[rec])
    assert rec.calls == ["on_test_begin", "on_test_batch_begin", "on_test_batch_end", "on_test_end",
                         "on_predict_begin", "on_predict_batch_begin", "on_predict_batch_end", "on_predict_end"]


def test_callbacks_see_and_change_the_live_weights_mid_epoch():
    model = regressor(lr=0.0)
    zeros = [np.zeros_like(w) for w in model.get_weights()]

    class ZeroAtBatch2(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            if batch == 2:
                self.model.set_weights(zeros)

    model.fit(X, ONES, batch_size=8, epochs=1, callbacks=[ZeroAtBatch2()], verbose=0)
    for w in model.get_weights():
        np.testing.assert_array_equal(w, 0.0)

    model = regressor(lr=0.1)
    seen = []
    watcher = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: seen.append(model.get_weights()[0].copy()))
    model.fit(X, ONES, batch_size=8, epochs=1, callbacks=[watcher], verbose=0)
    assert len(seen) == 4 and all(not np.allclose(a, b) for a, b in zip(seen, seen[1:]))
    np.testing.assert_array_equal(seen[-1], model.get_weights()[0])
