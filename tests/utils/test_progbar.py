"""kcore.utils.Progbar prints what keras.utils.Progbar prints."""

import io
import os
import re
import sys
import time

import pytest

os.environ.setdefault("KERAS_BACKEND", os.environ.get("KCORE_BACKEND", "numpy"))

import keras  # noqa: E402  (test oracle)

from kcore.utils import Progbar  # noqa: E402

ANSI = re.compile(r"\x1b\[[0-9;]*m")
TIME = re.compile(r"\d+(:\d\d)*(s|ms|us)\b")


class _Out(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self._tty = tty

    def isatty(self):
        return self._tty


class Clock:
    """A settable time.time() shared by both progress bars."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(time, "time", c)
    monkeypatch.delenv("PYCHARM_HOSTED", raising=False)
    return c


def _run(make_bar, script, clock, tty, monkeypatch):
    """Runs ``script`` (a list of (time, method, args, kwargs)) on a new bar; returns stdout."""
    out = _Out(tty)
    monkeypatch.setattr(sys, "stdout", out)
    clock.now = 1000.0
    bar = make_bar()
    for t, method, args, kwargs in script:
        clock.now = 1000.0 + t
        getattr(bar, method)(*args, **kwargs)
    monkeypatch.setattr(sys, "stdout", sys.__stdout__)
    return out.getvalue()


def _both(script, clock, monkeypatch, tty=True, **kwargs):
    ours = _run(lambda: Progbar(**kwargs), script, clock, tty, monkeypatch)

    def keras_bar():
        bar = keras.utils.Progbar(**kwargs)
        bar._dynamic_display = tty  # keras treats every POSIX process as a terminal
        return bar

    theirs = _run(keras_bar, script, clock, tty, monkeypatch)
    return ours, theirs


def _epoch(steps, dt, metrics):
    script = []
    for i in range(1, steps + 1):
        values = [(k, f(i)) for k, f in metrics.items()]
        script.append((i * dt, "update", (i,), {"values": values, "finalize": False}))
    final = [(k, f(steps)) for k, f in metrics.items()]
    script.append((steps * dt, "update", (steps,), {"values": final, "finalize": True}))
    return script


STATEFUL = {"accuracy": lambda i: 0.5 + 0.05 * i, "loss": lambda i: 1.0 / i}


@pytest.mark.parametrize("dt", [2.0, 0.005, 0.000863])
def test_terminal_verbose1_matches_keras_exactly(clock, monkeypatch, dt):
    script = _epoch(12, dt, STATEFUL)
    ours, theirs = _both(script, clock, monkeypatch, target=12, interval=0.0,
                         stateful_metrics=["accuracy", "loss"])
    assert ours == theirs
    assert "\r" in ours and "\x1b[1m" in ours


def test_terminal_time_units(clock, monkeypatch):
    for dt, unit in [(2.0, "2s/step"), (0.005, "5ms/step"), (0.000863, "863us/step")]:
        ours, _ = _both(_epoch(4, dt, {}), clock, monkeypatch, target=4, interval=0.0)
        assert ours.rstrip().endswith(unit), ours


def test_stateless_values_are_averaged_like_keras(clock, monkeypatch):
    script = [(0.1 * i, "add", (1,), {"values": [("loss", float(i)), ("mae", 0.0001 * i)]})
              for i in range(1, 6)]
    ours, theirs = _both(script, clock, monkeypatch, target=5, interval=0.0)
    assert ours == theirs
    assert "loss: 2.5000 - mae: 2.5000e-04" in ours  # mean of steps 1..4
    assert ours.endswith("loss: 5.0000 - mae: 5.0000e-04\n")  # finalizing shows the last value, as keras


def test_interval_throttles_redraws_like_keras(clock, monkeypatch):
    script = _epoch(10, 0.01, STATEFUL)
    ours, theirs = _both(script, clock, monkeypatch, target=10, interval=0.05,
                         stateful_metrics=["accuracy", "loss"])
    assert ours == theirs
    assert ours.count("\r") < 11


def test_shrinking_line_is_padded_like_keras(clock, monkeypatch):
    script = [
        (1.0, "update", (1,), {"values": [("loss", 123456.5)]}),
        (2.0, "update", (2,), {"values": [("loss", 1.5)]}),
        (3.0, "update", (3,), {"values": [("loss", 1.5)], "finalize": True}),
    ]
    ours, theirs = _both(script, clock, monkeypatch, target=3, interval=0.0, stateful_metrics=["loss"])
    assert ours == theirs


def test_long_eta_formats(clock, monkeypatch):
    for dt, eta in [(100.0, "16:40"), (5000.0, "13:53:20")]:
        script = [(dt, "update", (1,), {}), (2 * dt, "update", (2,), {})]
        ours, theirs = _both(script, clock, monkeypatch, target=12, interval=0.0)
        assert ours == theirs
        assert f"\x1b[1m{eta}\x1b[0m" in ours


def test_unknown_target_matches_keras(clock, monkeypatch):
    script = [(0.5 * i, "update", (i,), {"values": [("loss", 0.5)]}) for i in range(1, 4)]
    script.append((2.0, "update", (3,), {"values": [("loss", 0.25)], "finalize": True}))
    ours, theirs = _both(script, clock, monkeypatch, target=None, interval=0.0, stateful_metrics=["loss"])
    assert ours == theirs
    assert "      3/Unknown" in ours


def test_non_terminal_prints_one_plain_line(clock, monkeypatch):
    script = _epoch(750, 0.000863, STATEFUL)
    ours, theirs = _both(script, clock, monkeypatch, tty=False, target=750, interval=0.0,
                         stateful_metrics=["accuracy", "loss"])
    assert ours.count("\n") == 1 and ours.endswith("\n")
    assert not re.search(r"[\x00-\x09\x0b-\x1f]", ours)  # no control character but the newline
    keras_last_line = ANSI.sub("", theirs.strip("\n").split("\n")[-1])
    assert ours == keras_last_line + "\n"
    assert ours == "750/750 ━━━━━━━━━━━━━━━━━━━━ 1s 863us/step - accuracy: 38.0000 - loss: 0.0013\n"


def test_non_terminal_nothing_before_finalize(clock, monkeypatch):
    script = _epoch(5, 0.01, STATEFUL)[:-2]
    ours, _ = _both(script, clock, monkeypatch, tty=False, target=5, interval=0.0)
    assert ours == ""


@pytest.mark.parametrize("tty", [True, False])
def test_verbose2_matches_keras(clock, monkeypatch, tty):
    metrics = {"accuracy": lambda i: 0.8425, "loss": lambda i: -0.5}  # keras prints negatives as e
    script = _epoch(750, 0.000863, metrics)
    ours, theirs = _both(script, clock, monkeypatch, tty=tty, target=750, verbose=2,
                         stateful_metrics=["accuracy", "loss"])
    assert ours == theirs
    assert ours == "750/750 - 1s - 863us/step - accuracy: 0.8425 - loss: -5.0000e-01\n"


def test_verbose0_is_silent(clock, monkeypatch):
    ours, theirs = _both(_epoch(3, 0.1, STATEFUL), clock, monkeypatch, target=3, verbose=0)
    assert ours == theirs == ""


def test_real_clock_with_masked_times(monkeypatch):
    """Same inputs on the real clock: equal once the time fields are masked."""
    for tty in (True, False):
        outs = []
        for cls in (Progbar, keras.utils.Progbar):
            out = _Out(tty)
            monkeypatch.setattr(sys, "stdout", out)
            bar = cls(target=3, verbose=1, interval=0.0, stateful_metrics=["loss"])
            bar._dynamic_display = tty
            for i in range(1, 4):
                bar.update(i, [("loss", 0.25 * i)])
            monkeypatch.setattr(sys, "stdout", sys.__stdout__)
            outs.append(out.getvalue())
        ours, theirs = outs
        if not tty:
            theirs = ANSI.sub("", theirs.strip("\n").split("\n")[-1]) + "\n"
        assert _mask(ours) == _mask(theirs)


def _mask(text):
    """Time fields -> T; erase/pad characters, whose count follows the time fields' widths, dropped."""
    text = TIME.sub("T", text).replace("\b", "")
    return re.sub(r" +(?=[\r\n])", "", text)


def test_both_metric_kinds_rejected():
    with pytest.raises(ValueError, match="stateful_metrics"):
        Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])


def test_accepts_array_and_tensor_like_values(clock, monkeypatch):
    import numpy as np

    script = [(1.0, "update", (1,), {"values": [("loss", np.float32(0.5)), ("v", np.array([1.0, 3.0]))],
                                      "finalize": True})]
    ours, theirs = _both(script, clock, monkeypatch, target=1, interval=0.0)
    assert ours == theirs
    assert "v: 2.0000" in ours
