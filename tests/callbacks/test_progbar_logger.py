"""ProgbarLogger output during a fake fit / evaluate / predict, compared with keras'."""

import io
import re
import sys
import time

import pytest
from callback_fakes import FakeModel

from kcore import callbacks

import keras  # noqa: E402  (test oracle)

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class _Out(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self._tty = tty

    def isatty(self):
        return self._tty


def _session(cbl_cls, logger_cls, monkeypatch, tty, verbose, steps, epochs=2):
    """fit (with silent validation), then evaluate and predict; returns stdout."""
    clock = [1000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    monkeypatch.delenv("PYCHARM_HOSTED", raising=False)
    out = _Out(tty)
    monkeypatch.setattr(sys, "stdout", out)

    def tick(dt=0.1):
        clock[0] += dt

    logger = logger_cls()
    model = FakeModel()
    cbl = cbl_cls([logger], add_history=True, model=model, verbose=verbose, epochs=epochs, steps=steps)
    if cbl_cls is keras.callbacks.CallbackList:
        orig = keras.utils.Progbar.__init__

        def init(self, *a, **k):
            orig(self, *a, **k)
            self._dynamic_display = tty

        monkeypatch.setattr(keras.utils.Progbar, "__init__", init)
    n = steps or 4
    cbl.on_train_begin()
    for epoch in range(epochs):
        cbl.on_epoch_begin(epoch)
        for step in range(n):
            cbl.on_train_batch_begin(step)
            tick()
            cbl.on_train_batch_end(step, {"loss": 1.0 / (step + 1 + epoch), "accuracy": 0.5 + 0.01 * step})
        cbl.on_test_begin()
        for step in range(2):
            tick(0.01)
            cbl.on_test_batch_end(step, {"loss": 9.0})
        cbl.on_test_end({"loss": 0.7})
        cbl.on_epoch_end(epoch, {"loss": 0.3, "accuracy": 0.9, "val_loss": 0.7, "val_accuracy": 0.8})
    cbl.on_train_end()

    cbl = cbl_cls([logger_cls()], model=model, verbose=verbose, epochs=1, steps=steps)
    cbl.on_test_begin()
    for step in range(n):
        tick(0.002)
        cbl.on_test_batch_end(step, {"loss": 0.5, "accuracy": 0.75})
    cbl.on_test_end({"loss": 0.5, "accuracy": 0.75})
    cbl.on_predict_begin()
    for step in range(n):
        tick(0.0005)
        cbl.on_predict_batch_end(step, {"outputs": None})
    cbl.on_predict_end()
    monkeypatch.setattr(sys, "stdout", sys.__stdout__)
    return out.getvalue()


@pytest.mark.parametrize("verbose, steps", [(1, 4), (2, 4), ("auto", None), (1, 12)])
def test_terminal_output_matches_keras(monkeypatch, verbose, steps):
    ours = _session(callbacks.CallbackList, callbacks.ProgbarLogger, monkeypatch, True, verbose, steps)
    theirs = _session(keras.callbacks.CallbackList, keras.callbacks.ProgbarLogger, monkeypatch, True,
                      verbose, steps)
    assert ours == theirs
    assert "Epoch 1/2\n" in ours and "Epoch 2/2\n" in ours


def _final_lines(dynamic_output):
    lines = []
    for line in dynamic_output.split("\n")[:-1]:
        lines.append(ANSI.sub("", line.split("\r")[-1]).rstrip(" "))
    return "".join(f"{line}\n" for line in lines)


@pytest.mark.parametrize("verbose, steps", [(1, 4), ("auto", None)])
def test_non_terminal_output_is_keras_final_lines(monkeypatch, verbose, steps):
    ours = _session(callbacks.CallbackList, callbacks.ProgbarLogger, monkeypatch, False, verbose, steps)
    theirs = _session(keras.callbacks.CallbackList, keras.callbacks.ProgbarLogger, monkeypatch, True,
                      verbose, steps)
    assert ours == _final_lines(theirs)
    assert not re.search(r"[\x00-\x09\x0b-\x1f]", ours)
    assert ours.splitlines() == [
        "Epoch 1/2",
        "4/4 ━━━━━━━━━━━━━━━━━━━━ 0s 107ms/step - accuracy: 0.9000 - loss: 0.3000 - val_accuracy: 0.8000 - val_loss: 0.7000",
        "Epoch 2/2",
        "4/4 ━━━━━━━━━━━━━━━━━━━━ 0s 107ms/step - accuracy: 0.9000 - loss: 0.3000 - val_accuracy: 0.8000 - val_loss: 0.7000",
        "4/4 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - accuracy: 0.7500 - loss: 0.5000",
        "4/4 ━━━━━━━━━━━━━━━━━━━━ 0s 500us/step",
    ]


def test_verbose0_prints_nothing(monkeypatch):
    assert _session(callbacks.CallbackList, callbacks.ProgbarLogger, monkeypatch, True, 0, 4) == ""
