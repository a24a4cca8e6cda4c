"""Saving is atomic: a failure mid-save leaves the previous file intact and no temporary file behind."""

from __future__ import annotations

import numpy as np
import pytest

import kcore
from kcore.saving import keras_archive, weights_store


def _model(units):
    inputs = kcore.Input((3,))
    return kcore.Model(inputs, kcore.layers.Dense(units)(inputs))


class Interrupted(RuntimeError):
    pass


def _fail_after(n, real):
    calls = []

    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) > n:
            raise Interrupted("disk full (simulated)")
        return real(*args, **kwargs)

    return wrapper


@pytest.mark.parametrize("target", ["model.keras", "model.weights.h5"])
def test_failure_while_writing_weights_keeps_previous_file(tmp_path, monkeypatch, target):
    path = tmp_path / target
    old = _model(2)
    (old.save if target.endswith(".keras") else old.save_weights)(path)
    before = path.read_bytes()
    new = _model(2)
    monkeypatch.setattr(weights_store, "_write_dataset", _fail_after(1, weights_store._write_dataset))
    with pytest.raises(Interrupted):
        (new.save if target.endswith(".keras") else new.save_weights)(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [target]
    monkeypatch.undo()
    reloaded = _model(2)
    reloaded.load_weights(path)
    np.testing.assert_array_equal(reloaded.get_weights()[0], old.get_weights()[0])


def test_failure_while_writing_the_archive_keeps_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "model.keras"
    _model(2).save(path)
    before = path.read_bytes()
    real = keras_archive.write_archive

    def partial_write(fileobj, config, weights):
        fileobj.write(b"PK\x03\x04 partial garbage")
        raise Interrupted("killed mid-write (simulated)")

    monkeypatch.setattr(keras_archive, "write_archive", partial_write)
    with pytest.raises(Interrupted):
        _model(4).save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.keras"]
    monkeypatch.setattr(keras_archive, "write_archive", real)
    assert kcore.models.load_model(path).layers[1].units == 2


def test_successful_save_replaces_and_overwrite_false_refuses(tmp_path):
    path = tmp_path / "model.keras"
    _model(2).save(path)
    _model(5).save(path)
    assert kcore.models.load_model(path).layers[1].units == 5
    with pytest.raises(FileExistsError):
        _model(3).save(path, overwrite=False)
    assert kcore.models.load_model(path).layers[1].units == 5
    assert [p.name for p in tmp_path.iterdir()] == ["model.keras"]
    with pytest.raises(ValueError, match=".keras"):
        _model(1).save(tmp_path / "model.h5")
