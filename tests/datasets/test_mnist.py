"""kcore.datasets.mnist: cache lookup, digest check, layout validation, clear errors."""

import os

import numpy as np
import pytest

from kcore.datasets import mnist

SHARED = "/work/shared/data"


def _write_npz(path, n_train=80, n_test=20, **overrides):
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, (n_train,), dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, (n_test,), dtype=np.uint8),
    }
    arrays.update(overrides)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **arrays)
    return arrays


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KCORE_HOME", str(tmp_path))
    return tmp_path


def test_explicit_path_relative_to_cache_and_absolute(home):
    written = _write_npz(home / "datasets" / "small.npz")
    for path in ("small.npz", str(home / "datasets" / "small.npz")):
        (x_train, y_train), (x_test, y_test) = mnist.load_data(path=path)
        assert x_train.shape == (80, 28, 28) and x_train.dtype == np.uint8
        assert y_train.shape == (80,) and y_train.dtype == np.uint8
        assert x_test.shape == (20, 28, 28) and y_test.shape == (20,)
        np.testing.assert_array_equal(x_test, written["x_test"])


def test_cached_file_with_unknown_sha256_is_rejected(home):
    _write_npz(home / "datasets" / "mnist.npz")
    with pytest.raises(ValueError) as e:
        mnist.load_data()
    msg = str(e.value)
    assert str(home / "datasets" / "mnist.npz") in msg and "sha256" in msg
    assert "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1" in msg
    assert mnist.URL in msg
    with pytest.raises(ValueError, match="sha256"):
        mnist.load_data(path="mnist.npz")  # the canonical cache file, named explicitly


def test_missing_file_message(home):
    with pytest.raises(FileNotFoundError) as e:
        mnist.load_data()
    msg = str(e.value)
    assert str(home / "datasets" / "mnist.npz") in msg
    assert "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz" in msg
    assert "does not download" in msg
    with pytest.raises(FileNotFoundError, match=str(home / "datasets" / "nope.npz")):
        mnist.load_data(path="nope.npz")


@pytest.mark.parametrize("override, match", [
    ({"y_test": None}, r"lacks the arrays \['y_test'\]"),
    ({"x_train": np.zeros((80, 28, 28), "float32")}, r"`x_train` has dtype float32, expected uint8"),
    ({"x_test": np.zeros((20, 32, 32), "uint8")}, r"`x_test` has shape \(20, 32, 32\), expected \(N, 28, 28\)"),
    ({"y_train": np.zeros((80, 1), "uint8")}, r"`y_train` has shape \(80, 1\), expected \(N,\)"),
    ({"y_train": np.zeros((79,), "uint8")}, r"`x_train` has 80 samples but `y_train` has 79"),
])
def test_layout_errors(home, override, match):
    path = home / "bad.npz"
    _write_npz(path, **override)
    with pytest.raises(ValueError, match=match):
        mnist.load_data(path=str(path))


def test_not_an_npz(home):
    path = home / "junk.npz"
    path.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a readable .npz"):
        mnist.load_data(path=str(path))


def test_shared_mnist_5k_via_path():
    (x_train, y_train), (x_test, y_test) = mnist.load_data(path=f"{SHARED}/mnist_5k.npz")
    assert x_train.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert y_train.shape == (4000,) and y_test.shape == (1000,)
    assert x_train.dtype == y_train.dtype == np.uint8
    assert set(np.unique(y_train)) == set(range(10))


def test_project_conversion_is_accepted_in_cache(home):
    (home / "datasets").mkdir()
    os.symlink(f"{SHARED}/mnist.npz", home / "datasets" / "mnist.npz")
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == y_test.dtype == np.uint8
    assert np.bincount(y_train).tolist()[:3] == [5923, 6742, 5958]
