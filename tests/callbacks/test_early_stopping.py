"""EarlyStopping against keras.callbacks.EarlyStopping on the same fake training runs."""

import numpy as np
import pytest
from callback_fakes import FakeMetric, FakeModel, run_fit

from kcore import callbacks

import keras  # noqa: E402  (test oracle)


def _both(kwargs, values, key="val_loss", metrics=()):
    logs = [{"loss": 1.0, key: v} for v in values]
    out = []
    for cbl_cls, cb_cls in ((callbacks.CallbackList, callbacks.EarlyStopping),
                            (keras.callbacks.CallbackList, keras.callbacks.EarlyStopping)):
        model = FakeModel(metrics=metrics)
        cb = cb_cls(**kwargs)
        history, run = run_fit(cbl_cls, [cb], model, logs)
        out.append((run, cb.stopped_epoch, cb.best, cb.wait, float(model.get_weights()[0][0, 0])))
    return out


CASES = [
    (dict(patience=0), [3.0, 2.0, 2.5, 1.0]),
    (dict(patience=2), [3.0, 2.0, 2.5, 2.4, 2.3, 1.0]),
    (dict(patience=1, min_delta=0.5), [3.0, 2.7, 2.6, 1.0]),
    (dict(patience=2, restore_best_weights=True), [3.0, 1.0, 2.0, 2.5, 2.6, 2.7]),
    (dict(patience=1, restore_best_weights=True, start_from_epoch=2), [3.0, 4.0, 5.0, 6.0, 7.0]),
    (dict(patience=2, baseline=1.5), [3.0, 2.0, 1.8, 1.7, 1.0]),
    (dict(patience=2, baseline=1.5, restore_best_weights=True), [3.0, 2.0, 2.2, 2.4, 1.0]),
    (dict(patience=1, mode="max"), [1.0, 2.0, 1.5, 3.0]),
    (dict(patience=3), [5.0, 4.0, 3.0, 2.0]),  # never stops
]


@pytest.mark.parametrize("kwargs, values", CASES)
def test_matches_keras(kwargs, values):
    ours, theirs = _both(kwargs, values)
    assert ours == theirs


def test_restore_best_weights_restores_the_best_epoch():
    model = FakeModel(views=True)  # the snapshot must be a copy, not a view of live buffers
    es = callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    # weights after epoch e are e + 1; the best val_loss is at epoch 1.
    _, run = run_fit(callbacks.CallbackList, [es], model, [{"val_loss": v} for v in [3.0, 1.0, 2.0, 2.5, 9.0]])
    assert run == 4 and es.stopped_epoch == 3 and es.best_epoch == 1
    np.testing.assert_array_equal(model.get_weights()[0], np.full((2, 2), 2.0))


def test_accuracy_direction_from_metric_objects_and_names():
    ours, theirs = _both(dict(monitor="val_accuracy", patience=0, mode="max"), [0.5, 0.6, 0.55],
                         key="val_accuracy")
    assert ours == theirs and ours[0] == 3
    # mode="auto": the metric object's direction decides (nested metric containers are searched).
    container = type("CompileMetrics", (), {"name": "compile_metrics",
                                             "metrics": [FakeMetric("auc_custom", "up")]})()
    model = FakeModel(metrics=[container])
    es = callbacks.EarlyStopping(monitor="val_auc_custom", patience=0)
    _, run = run_fit(callbacks.CallbackList, [es], model, [{"val_auc_custom": v} for v in [0.5, 0.6, 0.55]])
    assert run == 3 and es.best == 0.6
    # No metric objects: the well-known name decides (keras would need mode="max").
    model = FakeModel()
    es = callbacks.EarlyStopping(monitor="val_accuracy", patience=0)
    _, run = run_fit(callbacks.CallbackList, [es], model, [{"val_accuracy": v} for v in [0.5, 0.6, 0.55, 0.7]])
    assert run == 3 and es.best == 0.6


def test_unknown_direction_is_a_clear_error():
    es = callbacks.EarlyStopping(monitor="val_thing")
    with pytest.raises(ValueError, match="val_thing.*mode='max'"):
        run_fit(callbacks.CallbackList, [es], FakeModel(), [{"val_thing": 1.0}])


def test_missing_monitor_warns_and_continues():
    es = callbacks.EarlyStopping(monitor="val_loss")
    with pytest.warns(UserWarning, match="val_loss.*Available metrics are: loss"):
        _, run = run_fit(callbacks.CallbackList, [es], FakeModel(), [{"loss": 1.0}] * 3)
    assert run == 3


def test_verbose_messages(capsys):
    es = callbacks.EarlyStopping(patience=0, verbose=1, restore_best_weights=True)
    run_fit(callbacks.CallbackList, [es], FakeModel(), [{"val_loss": v} for v in [1.0, 2.0, 3.0]])
    out = capsys.readouterr().out
    assert "Epoch 2: early stopping\n" in out
    assert "Restoring model weights from the end of the best epoch: 1.\n" in out


def test_reusable_across_fits():
    es = callbacks.EarlyStopping(patience=0)
    model = FakeModel()
    _, first = run_fit(callbacks.CallbackList, [es], model, [{"val_loss": v} for v in [1.0, 2.0, 0.5]])
    _, second = run_fit(callbacks.CallbackList, [es], model, [{"val_loss": v} for v in [5.0, 4.0, 3.0]])
    assert (first, second) == (2, 3)
