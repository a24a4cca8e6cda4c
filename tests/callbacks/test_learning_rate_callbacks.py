"""LearningRateScheduler and ReduceLROnPlateau against their keras counterparts."""

import numpy as np
import pytest
from callback_fakes import FakeModel, run_fit

from kcore import callbacks

import keras  # noqa: E402  (test oracle)


def _run_both(make_ours, make_theirs, logs, lr=0.1):
    out = []
    for cbl_cls, make in ((callbacks.CallbackList, make_ours), (keras.callbacks.CallbackList, make_theirs)):
        model = FakeModel(lr=lr)
        history, run = run_fit(cbl_cls, [make()], model, logs)
        out.append((model.optimizer.history, history.history, run))
    return out


@pytest.mark.parametrize("schedule", [
    lambda epoch, lr: lr * 0.5 if epoch >= 1 else lr,
    lambda epoch: 0.01 * (epoch + 1),
    lambda epoch, lr: np.float32(lr / 2),
])
def test_scheduler_matches_keras(schedule):
    logs = [{"loss": 1.0}] * 4
    ours, theirs = _run_both(lambda: callbacks.LearningRateScheduler(schedule),
                             lambda: keras.callbacks.LearningRateScheduler(schedule), logs)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-6)
    assert ours[1].keys() == theirs[1].keys() == {"loss", "learning_rate"}
    np.testing.assert_allclose(ours[1]["learning_rate"], theirs[1]["learning_rate"], rtol=1e-6)


def test_scheduler_sets_lr_and_logs_it(capsys):
    model = FakeModel(lr=1.0)
    cb = callbacks.LearningRateScheduler(lambda epoch, lr: lr / 10, verbose=1)
    history, _ = run_fit(callbacks.CallbackList, [cb], model, [{"loss": 1.0}] * 2)
    assert model.optimizer._lr == pytest.approx(0.01)
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.01])
    assert "\nEpoch 2: LearningRateScheduler setting learning rate to 0.01" in capsys.readouterr().out


def test_scheduler_rejects_non_float():
    cb = callbacks.LearningRateScheduler(lambda epoch, lr: "fast")
    with pytest.raises(ValueError, match="should be a float.*'fast'"):
        run_fit(callbacks.CallbackList, [cb], FakeModel(), [{"loss": 1.0}])


def test_scheduler_needs_an_optimizer():
    model = FakeModel()
    model.optimizer = None
    with pytest.raises(ValueError, match="no optimizer"):
        run_fit(callbacks.CallbackList, [callbacks.LearningRateScheduler(lambda e, lr: lr)], model,
                [{"loss": 1.0}])


PLATEAU = [3.0, 2.0, 2.0, 2.0, 2.0, 1.99995, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0]


@pytest.mark.parametrize("kwargs", [
    dict(patience=2, factor=0.5),
    dict(patience=1, factor=0.5, cooldown=2),
    dict(patience=1, factor=0.1, min_lr=0.005),
    dict(patience=2, factor=0.5, min_delta=0.0),
    dict(patience=1, factor=0.5, mode="max"),
])
def test_plateau_matches_keras(kwargs):
    logs = [{"loss": 1.0, "val_loss": v} for v in PLATEAU]
    ours, theirs = _run_both(lambda: callbacks.ReduceLROnPlateau(**kwargs),
                             lambda: keras.callbacks.ReduceLROnPlateau(**kwargs), logs)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-6)
    np.testing.assert_allclose(ours[1]["learning_rate"], theirs[1]["learning_rate"], rtol=1e-6)
    assert ours[0], "the learning rate was never reduced"


def test_plateau_reduces_after_patience(capsys):
    model = FakeModel(lr=1.0)
    cb = callbacks.ReduceLROnPlateau(monitor="val_loss", patience=2, factor=0.5, verbose=1, min_lr=0.3)
    run_fit(callbacks.CallbackList, [cb], model, [{"val_loss": v} for v in [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]])
    # no improvement after epoch 0: reductions at epochs 2, 4, then clamped at min_lr.
    assert model.optimizer.history == [0.5, 0.3]
    assert "Epoch 3: ReduceLROnPlateau reducing learning rate to 0.5." in capsys.readouterr().out


def test_plateau_factor_error():
    with pytest.raises(ValueError, match="factor >= 1.0.*factor=1.5"):
        callbacks.ReduceLROnPlateau(factor=1.5)
