"""Callback base, CallbackList dispatch, History and LambdaCallback."""

import numpy as np
import pytest
from callback_fakes import FakeModel, run_fit

from kcore import callbacks
from kcore.callbacks.callback import HOOK_NAMES

KERAS_HOOKS = {
    "on_batch_begin", "on_batch_end", "on_epoch_begin", "on_epoch_end",
    "on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin", "on_test_batch_end",
    "on_predict_batch_begin", "on_predict_batch_end", "on_train_begin", "on_train_end",
    "on_test_begin", "on_test_end", "on_predict_begin", "on_predict_end",
}


class Recorder(callbacks.Callback):
    """Records (callback id, hook, args, logs) for every hook."""

    def __init__(self, events):
        super().__init__()
        self.events = events


def _recording_hook(name):
    def hook(self, *args, **kw):
        logs = kw["logs"] if "logs" in kw else args[-1]
        self.events.append((id(self), name, args, logs))

    return hook


for _name in KERAS_HOOKS:
    setattr(Recorder, _name, _recording_hook(_name))


def test_base_has_every_keras_hook_and_they_do_nothing():
    import keras

    assert set(HOOK_NAMES) == KERAS_HOOKS
    keras_hooks = {n for n in dir(keras.callbacks.Callback) if n.startswith("on_")}
    assert keras_hooks == KERAS_HOOKS
    cb = callbacks.Callback()
    for name in HOOK_NAMES:
        args = (0,) if ("batch" in name or "epoch" in name) else ()
        assert getattr(cb, name)(*args, logs={}) is None


def test_train_batch_hooks_forward_to_batch_hooks():
    seen = []

    class C(callbacks.Callback):
        def on_batch_begin(self, batch, logs=None):
            seen.append(("begin", batch, logs))

        def on_batch_end(self, batch, logs=None):
            seen.append(("end", batch, logs))

    c = C()
    c.on_train_batch_begin(3, {"a": 1.0})
    c.on_train_batch_end(3, {"a": 2.0})
    assert seen == [("begin", 3, {"a": 1.0}), ("end", 3, {"a": 2.0})]


def test_model_property_and_sync_hook():
    model = FakeModel()

    def sync():
        model.sync_calls += 1

    model._sync_state = sync
    cb = callbacks.Callback()
    cb.set_model(model)
    cb.set_params({"epochs": 2})
    assert cb.model is model and model.sync_calls == 1
    assert cb.params == {"epochs": 2}


def test_callback_list_dispatches_in_order_with_params_and_model():
    events = []
    a, b = Recorder(events), Recorder(events)
    model = FakeModel()
    cbl = callbacks.CallbackList([a, [b]], model=model, epochs=3, steps=4, verbose=0)
    assert cbl.callbacks == [a, b] and len(cbl) == 2
    assert a.params == b.params == {"epochs": 3, "steps": 4, "verbose": 0}
    assert a.model is model
    for name in sorted(KERAS_HOOKS):
        args = (1,) if ("batch" in name or "epoch" in name) else ()
        events.clear()
        getattr(cbl, name)(*args, {"z": np.float32(2.5), "a": 1})
        assert [(e[0], e[1]) for e in events] == [(id(a), name), (id(b), name)], name
        logs = events[0][3]
        assert list(logs) == ["a", "z"] and logs == {"a": 1.0, "z": 2.5}
        assert all(type(v) is float for v in logs.values())
        assert events[0][3] is events[1][3]  # one converted dict shared by all


def test_logs_are_flattened_and_arrays_kept():
    events = []
    cbl = callbacks.CallbackList([Recorder(events)])
    cbl.on_epoch_end(0, {"loss": np.array(1.5), "out": {"val_acc": 0.5}, "vec": np.array([1.0, 2.0]),
                         "name": "x"})
    logs = events[0][3]
    assert logs["loss"] == 1.5 and logs["val_acc"] == 0.5 and logs["name"] == "x"
    np.testing.assert_array_equal(logs["vec"], [1.0, 2.0])


def test_batch_hooks_skip_conversion_when_nobody_listens():
    class Boom:
        def __float__(self):
            raise AssertionError("converted although no callback uses batch logs")

    cbl = callbacks.CallbackList([callbacks.EarlyStopping(), callbacks.History()])
    cbl.on_train_batch_end(0, {"loss": Boom()})
    cbl.on_test_batch_end(0, {"loss": Boom()})
    cbl.on_predict_batch_end(0, {"outputs": Boom()})

    got = []
    lam = callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: got.append(logs))
    cbl.append(lam)
    cbl.on_train_batch_end(0, {"loss": np.float64(0.25)})
    assert got == [{"loss": 0.25}]


def test_default_history_and_progbar_are_added_once():
    h = callbacks.History()
    model = FakeModel()
    cbl = callbacks.CallbackList([h], add_history=True, add_progbar=True, model=model)
    assert sum(isinstance(c, callbacks.History) for c in cbl.callbacks) == 1
    assert isinstance(cbl.callbacks[-1], callbacks.ProgbarLogger)
    assert model.history is h


def test_history_records_like_keras():
    import keras

    logs = [{"loss": 1.0, "val_loss": 2.0}, {"loss": 0.5, "val_loss": 1.0}]
    ours, _ = run_fit(callbacks.CallbackList, [], FakeModel(), logs)
    theirs, _ = run_fit(keras.callbacks.CallbackList, [], FakeModel(), logs)
    assert ours.history == theirs.history == {"loss": [1.0, 0.5], "val_loss": [2.0, 1.0]}
    assert ours.epoch == theirs.epoch == [0, 1]
    assert ours.params == theirs.params


def test_lambda_callback_hooks_and_errors():
    calls = []
    cb = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: calls.append(("epoch_end", epoch, logs)),
        on_train_begin=lambda logs: calls.append(("train_begin", logs)),
        on_test_end=lambda logs: calls.append(("test_end", logs)),
        note="kept",
    )
    cbl = callbacks.CallbackList([cb])
    cbl.on_train_begin()
    cbl.on_epoch_end(2, {"loss": 1})
    cbl.on_test_end({"loss": 3})
    cbl.on_epoch_begin(0)  # not given: the default no-op
    assert calls == [("train_begin", {}), ("epoch_end", 2, {"loss": 1.0}), ("test_end", {"loss": 3.0})]
    assert cb.note == "kept"
    with pytest.raises(TypeError, match="on_epoc_end"):
        callbacks.LambdaCallback(on_epoc_end=print)
    with pytest.raises(TypeError, match="callable"):
        callbacks.LambdaCallback(on_epoch_end=3)
