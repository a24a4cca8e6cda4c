"""kcore.datasets.fashion_mnist reads the four gzipped IDX files Keras downloads."""

import gzip
import struct

import numpy as np
import pytest

from kcore.datasets import fashion_mnist

NAMES = fashion_mnist.FILES


def _write_idx_dir(folder, n_train=30, n_test=10, corrupt=None):
    rng = np.random.default_rng(1)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, (n_train,), dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, (n_test,), dtype=np.uint8),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for key, arr in arrays.items():
        magic = 2051 if key.startswith("x") else 2049
        header = struct.pack(f">{1 + arr.ndim}I", magic, *arr.shape)
        body = arr.tobytes()
        if corrupt == key:
            header = struct.pack(f">{1 + arr.ndim}I", 2050, *arr.shape)
        elif corrupt == key + "_short":
            body = body[:-5]
        with gzip.open(folder / NAMES[key], "wb") as f:
            f.write(header + body)
    return arrays


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KCORE_HOME", str(tmp_path))
    return tmp_path


def test_reads_idx_folder(home):
    written = _write_idx_dir(home / "fm")
    for path in (str(home / "fm"), "../fm"):  # absolute, and relative to $KCORE_HOME/datasets
        (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data(path=path)
        assert x_train.shape == (30, 28, 28) and y_train.shape == (30,)
        assert x_test.shape == (10, 28, 28) and y_test.shape == (10,)
        assert x_train.dtype == y_train.dtype == x_test.dtype == y_test.dtype == np.uint8
        for got, key in ((x_train, "x_train"), (y_train, "y_train"), (x_test, "x_test"), (y_test, "y_test")):
            np.testing.assert_array_equal(got, written[key])
        assert x_train.flags.writeable


def test_same_arrays_as_keras_reader(home, monkeypatch):
    """keras' own loader, pointed at the same files, returns the same arrays."""
    import os

    os.environ.setdefault("KERAS_BACKEND", os.environ.get("KCORE_BACKEND", "numpy"))
    import keras.src.datasets.fashion_mnist as kfm

    _write_idx_dir(home / "fm")
    monkeypatch.setattr(kfm, "get_file", lambda fname, **kw: str(home / "fm" / fname))
    theirs = kfm.load_data()
    ours = fashion_mnist.load_data(path=str(home / "fm"))
    for a, b in zip([*ours[0], *ours[1]], [*theirs[0], *theirs[1]]):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_cached_files_must_match_release_md5(home):
    _write_idx_dir(home / "datasets" / "fashion-mnist")
    with pytest.raises(ValueError) as e:
        fashion_mnist.load_data()
    msg = str(e.value)
    assert "md5" in msg and fashion_mnist.KNOWN_MD5["train-labels-idx1-ubyte.gz"] in msg
    assert str(home / "datasets" / "fashion-mnist" / "train-labels-idx1-ubyte.gz") in msg


def test_missing_files_are_listed_with_full_paths(home):
    folder = home / "datasets" / "fashion-mnist"
    with pytest.raises(FileNotFoundError) as e:
        fashion_mnist.load_data()
    msg = str(e.value)
    for name in NAMES.values():
        assert str(folder / name) in msg
        assert f"https://storage.googleapis.com/tensorflow/tf-keras-datasets/{name}" in msg
    _write_idx_dir(home / "partial")
    (home / "partial" / NAMES["x_test"]).unlink()
    with pytest.raises(FileNotFoundError) as e:
        fashion_mnist.load_data(path=str(home / "partial"))
    assert str(home / "partial" / NAMES["x_test"]) in str(e.value)
    assert NAMES["x_train"] not in str(e.value)


@pytest.mark.parametrize("corrupt, match", [
    ("x_train", "magic number 2050, expected 2051"),
    ("y_test_short", r"declares shape \(10,\) \(10 bytes\) but holds 5 bytes"),
])
def test_corrupt_files(home, corrupt, match):
    _write_idx_dir(home / "bad", corrupt=corrupt)
    with pytest.raises(ValueError, match=match):
        fashion_mnist.load_data(path=str(home / "bad"))


def test_npz_in_mnist_layout(home):
    rng = np.random.default_rng(2)
    np.savez(home / "f.npz", x_train=rng.integers(0, 255, (5, 28, 28), dtype=np.uint8),
             y_train=np.arange(5, dtype=np.uint8), x_test=np.zeros((2, 28, 28), np.uint8),
             y_test=np.zeros(2, np.uint8))
    (x_train, y_train), (x_test, _) = fashion_mnist.load_data(path=str(home / "f.npz"))
    assert x_train.shape == (5, 28, 28) and x_test.shape == (2, 28, 28)
