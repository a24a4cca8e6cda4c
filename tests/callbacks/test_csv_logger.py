"""CSVLogger writes the same file as keras.callbacks.CSVLogger."""

import numpy as np
import pytest
from callback_fakes import FakeModel, run_fit

from kcore import callbacks

import keras  # noqa: E402  (test oracle)


def _write(tmp_path, tag, logs, **kwargs):
    out = []
    for name, cbl_cls, cb_cls in (("ours", callbacks.CallbackList, callbacks.CSVLogger),
                                  ("keras", keras.callbacks.CallbackList, keras.callbacks.CSVLogger)):
        path = tmp_path / f"{name}-{tag}.csv"
        run_fit(cbl_cls, [cb_cls(str(path), **kwargs)], FakeModel(), logs)
        out.append(path.read_bytes())
    return out


@pytest.mark.parametrize("logs, kwargs", [
    ([{"loss": 0.5, "accuracy": 0.8, "val_loss": 0.6, "val_accuracy": 0.75},
      {"loss": 0.25, "accuracy": 0.9, "val_loss": 0.4, "val_accuracy": 0.85}], {}),
    ([{"loss": np.float32(0.5)}, {"loss": 0.125}], {"separator": ";"}),     # val_ columns: NA
    ([{"loss": 1.0, "val_loss": 2.0}, {"loss": 0.5}], {}),                  # missing key: NA
])
def test_same_file_as_keras(tmp_path, logs, kwargs):
    ours, theirs = _write(tmp_path, "a", logs, **kwargs)
    assert ours == theirs


def test_contents(tmp_path):
    path = tmp_path / "log.csv"
    logs = [{"loss": 0.5, "accuracy": 0.75, "val_loss": 0.625, "val_accuracy": 0.5},
            {"loss": 0.25, "accuracy": 1.0, "val_loss": 0.5, "val_accuracy": 0.75}]
    run_fit(callbacks.CallbackList, [callbacks.CSVLogger(path)], FakeModel(), logs)
    assert path.read_text().splitlines() == [
        "epoch,accuracy,loss,val_accuracy,val_loss",
        "0,0.75,0.5,0.5,0.625",
        "1,1.0,0.25,0.75,0.5",
    ]


def test_append_keeps_one_header(tmp_path):
    path = tmp_path / "log.csv"
    logger = callbacks.CSVLogger(path, append=True)
    run_fit(callbacks.CallbackList, [logger], FakeModel(), [{"loss": 1.0, "val_loss": 2.0}])
    run_fit(callbacks.CallbackList, [logger], FakeModel(), [{"loss": 0.5, "val_loss": 1.0}])
    assert path.read_text().splitlines() == ["epoch,loss,val_loss", "0,1.0,2.0", "0,0.5,1.0"]
    assert logger.csv_file.closed
