"""ModelCheckpoint: which files get saved, compared with keras.callbacks.ModelCheckpoint."""

import os

import pytest
from callback_fakes import FakeModel, run_fit

from kcore import callbacks

import keras  # noqa: E402  (test oracle)

VAL = [3.0, 2.0, 2.5, 1.0]


def _both(tmp_path, capsys, filepath, values=VAL, steps=3, **kwargs):
    logs = [{"loss": 1.0 + e, "val_loss": v} for e, v in enumerate(values)]
    results = []
    for tag, cbl_cls, cb_cls in (("ours", callbacks.CallbackList, callbacks.ModelCheckpoint),
                                 ("keras", keras.callbacks.CallbackList, keras.callbacks.ModelCheckpoint)):
        root = tmp_path / tag
        model = FakeModel()
        cb = cb_cls(str(root / filepath), **kwargs)
        run_fit(cbl_cls, [cb], model, logs, steps=steps)
        saved = [(kind, os.path.relpath(p, root)) for kind, p in model.saved]
        out = capsys.readouterr().out.replace(str(root), "ROOT")
        files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
        results.append((saved, files, cb.best, out))
    return results


@pytest.mark.parametrize("filepath, kwargs", [
    ("model.keras", {}),
    ("model.keras", {"save_best_only": True}),
    ("ckpt/{epoch:02d}-{val_loss:.2f}.keras", {"save_best_only": True, "verbose": 1}),
    ("w-{epoch}.weights.h5", {"save_weights_only": True, "verbose": 1}),
    ("best.weights.h5", {"save_weights_only": True, "save_best_only": True, "mode": "max"}),
    ("t.keras", {"save_best_only": True, "initial_value_threshold": 2.2}),
    ("b-{epoch}-{batch}.keras", {"save_freq": 2}),
    ("e{epoch}.keras", {"monitor": "loss", "save_best_only": True, "verbose": 1}),
])
def test_matches_keras(tmp_path, capsys, filepath, kwargs):
    ours, theirs = _both(tmp_path, capsys, filepath, **kwargs)
    assert ours == theirs


def test_best_only_keeps_the_best_model(tmp_path):
    model = FakeModel()
    cb = callbacks.ModelCheckpoint(tmp_path / "best.keras", save_best_only=True)
    run_fit(callbacks.CallbackList, [cb], model, [{"val_loss": v} for v in VAL])
    # Saved at epochs 1, 2 and 4 (weights = epoch index + 1); the file holds the last best.
    assert [p for _, p in model.saved] == [str(tmp_path / "best.keras")] * 3
    assert (tmp_path / "best.keras").read_text() == "model 4.0"
    assert cb.best == 1.0


def test_filepath_extension_errors():
    with pytest.raises(ValueError, match=r"end in `\.weights\.h5`.*Received: filepath=w\.keras"):
        callbacks.ModelCheckpoint("w.keras", save_weights_only=True)
    with pytest.raises(ValueError, match=r"end in `\.keras`.*Received: filepath=model\.pt"):
        callbacks.ModelCheckpoint("model.pt")
    with pytest.raises(ValueError, match="save_freq"):
        callbacks.ModelCheckpoint("m.keras", save_freq="batch")


def test_unknown_format_field_is_a_clear_error(tmp_path):
    cb = callbacks.ModelCheckpoint(str(tmp_path / "{epoch}-{val_acc:.2f}.keras"))
    with pytest.raises(KeyError, match=r"val_acc.*Available fields: epoch, loss, val_loss"):
        run_fit(callbacks.CallbackList, [cb], FakeModel(), [{"loss": 1.0, "val_loss": 1.0}])


def test_existing_directory_is_refused(tmp_path):
    (tmp_path / "d.keras").mkdir()
    cb = callbacks.ModelCheckpoint(str(tmp_path / "d.keras"))
    with pytest.raises(IsADirectoryError, match="non-directory"):
        run_fit(callbacks.CallbackList, [cb], FakeModel(), [{"val_loss": 1.0}])


def test_missing_monitor_saves_with_warning(tmp_path):
    model = FakeModel()
    cb = callbacks.ModelCheckpoint(str(tmp_path / "m.keras"), save_best_only=True)
    with pytest.warns(UserWarning, match="val_loss"):
        run_fit(callbacks.CallbackList, [cb], model, [{"loss": 1.0}, {"loss": 0.5}])
    assert len(model.saved) == 2
