"""TerminateOnNaN stops (or raises) at the first non-finite batch loss."""

import math

import numpy as np
import pytest
from callback_fakes import FakeModel, run_fit

from kcore import callbacks


@pytest.mark.parametrize("bad", [math.nan, math.inf, np.float32("-inf")])
def test_stops_training(bad, capsys):
    model = FakeModel()
    losses = {(0, 0): 1.0, (0, 1): 0.5, (0, 2): bad}
    _, run = run_fit(callbacks.CallbackList, [callbacks.TerminateOnNaN()], model,
                     [{"loss": 1.0}] * 3, batch_logs=lambda e, s: {"loss": losses.get((e, s), 1.0)})
    assert model.stop_training and run == 1
    assert "Batch 2: Invalid loss, terminating training" in capsys.readouterr().out


def test_finite_losses_do_not_stop():
    model = FakeModel()
    _, run = run_fit(callbacks.CallbackList, [callbacks.TerminateOnNaN()], model, [{"loss": 1.0}] * 3)
    assert run == 3 and not model.stop_training


def test_raise_error():
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 1"):
        run_fit(callbacks.CallbackList, [callbacks.TerminateOnNaN(raise_error=True)], FakeModel(),
                [{"loss": 1.0}], batch_logs=lambda e, s: {"loss": math.nan if s == 1 else 1.0})
