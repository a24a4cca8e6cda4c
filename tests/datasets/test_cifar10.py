"""kcore.datasets.cifar10 reads the pickled batches of the original release."""

import os
import pickle
import tarfile

import numpy as np
import pytest

from kcore.backend import image_data_format, set_image_data_format
from kcore.datasets import cifar10

PER_BATCH = 4  # 5 train batches -> 20 images


def _batch(rng, n, label):
    return {
        b"batch_label": label.encode(),
        b"labels": [int(v) for v in rng.integers(0, 10, n)],
        b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
        b"filenames": [f"img_{i}.png".encode() for i in range(n)],
    }


def _write_batches(folder, n=PER_BATCH, n_test=6, protocol=4):
    rng = np.random.default_rng(3)
    folder.mkdir(parents=True, exist_ok=True)
    batches = {}
    for name in cifar10.TRAIN_BATCHES + (cifar10.TEST_BATCH,):
        batches[name] = _batch(rng, n_test if name == cifar10.TEST_BATCH else n, name)
        with open(folder / name, "wb") as f:
            pickle.dump(batches[name], f, protocol=protocol)
    return batches


def _tar(folder, archive):
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname="cifar-10-batches-py")


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KCORE_HOME", str(tmp_path))
    return tmp_path


def _check(data, batches, n_train=5 * PER_BATCH, n_test=6):
    (x_train, y_train), (x_test, y_test) = data
    assert x_train.shape == (n_train, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (n_train, 1) and y_train.dtype == np.uint8
    assert x_test.shape == (n_test, 32, 32, 3) and y_test.shape == (n_test, 1) and y_test.dtype == np.uint8
    first = batches["data_batch_1"]
    # channel c of pixel (r, col) of image 0 is data[0, c*1024 + r*32 + col]
    assert x_train[0, 1, 2, 0] == first[b"data"][0, 0 * 1024 + 1 * 32 + 2]
    assert x_train[0, 5, 7, 2] == first[b"data"][0, 2 * 1024 + 5 * 32 + 7]
    assert y_train[:PER_BATCH, 0].tolist() == first[b"labels"]
    assert y_test[:, 0].tolist() == batches["test_batch"][b"labels"]


@pytest.mark.parametrize("protocol", [2, 4])
def test_cache_folder(home, protocol):
    batches = _write_batches(home / "datasets" / "cifar-10-batches-py", protocol=protocol)
    _check(cifar10.load_data(), batches)


def test_same_arrays_as_keras_batch_reader(home):
    os.environ.setdefault("KERAS_BACKEND", os.environ.get("KCORE_BACKEND", "numpy"))
    from keras.src.datasets.cifar import load_batch

    folder = home / "datasets" / "cifar-10-batches-py"
    _write_batches(folder)
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    x0, y0 = load_batch(str(folder / "data_batch_2"))
    np.testing.assert_array_equal(x_train[PER_BATCH:2 * PER_BATCH], x0.transpose(0, 2, 3, 1))
    np.testing.assert_array_equal(y_train[PER_BATCH:2 * PER_BATCH, 0], y0)
    xt, yt = load_batch(str(folder / "test_batch"))
    np.testing.assert_array_equal(x_test, xt.transpose(0, 2, 3, 1))


def test_archive_by_path_and_relative_name(home):
    batches = _write_batches(home / "src")
    _tar(home / "src", home / "datasets-archive.tar.gz")
    _check(cifar10.load_data(path=str(home / "datasets-archive.tar.gz")), batches)
    (home / "datasets").mkdir()
    _tar(home / "src", home / "datasets" / "mine.tar.gz")
    _check(cifar10.load_data(path="mine.tar.gz"), batches)
    _check(cifar10.load_data(path=str(home / "src")), batches)  # a folder by path


def test_cached_archive_must_match_release_sha256(home):
    _write_batches(home / "src")
    (home / "datasets").mkdir()
    _tar(home / "src", home / "datasets" / "cifar-10-python.tar.gz")
    with pytest.raises(ValueError) as e:
        cifar10.load_data()
    assert "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce" in str(e.value)
    assert str(home / "datasets" / "cifar-10-python.tar.gz") in str(e.value)


def test_missing_data_message(home):
    with pytest.raises(FileNotFoundError) as e:
        cifar10.load_data()
    msg = str(e.value)
    assert str(home / "datasets" / "cifar-10-python.tar.gz") in msg
    assert str(home / "datasets" / "cifar-10-batches-py") in msg
    assert "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz" in msg
    folder = home / "datasets" / "cifar-10-batches-py"
    _write_batches(folder)
    (folder / "data_batch_3").unlink()
    with pytest.raises(FileNotFoundError, match=str(folder / "data_batch_3")):
        cifar10.load_data()


def test_channels_first(home):
    _write_batches(home / "datasets" / "cifar-10-batches-py")
    previous = image_data_format()
    set_image_data_format("channels_first")
    try:
        (x_train, _), (x_test, _) = cifar10.load_data()
    finally:
        set_image_data_format(previous)
    assert x_train.shape == (20, 3, 32, 32) and x_test.shape == (6, 3, 32, 32)


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_refuses_foreign_pickles(home):
    folder = home / "datasets" / "cifar-10-batches-py"
    _write_batches(folder)
    with open(folder / "data_batch_1", "wb") as f:
        pickle.dump({b"data": _Evil(), b"labels": []}, f, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="refusing to unpickle"):
        cifar10.load_data()


@pytest.mark.parametrize("batch, match", [
    ({b"data": np.zeros((2, 100), np.uint8), b"labels": [0, 1]}, r"'data' has shape \(2, 100\)"),
    ({b"data": np.zeros((2, 3072), np.uint8), b"labels": [0, 12]}, r"'labels' must be 2 integers in \[0, 9\]"),
    ({b"labels": [0]}, "lacks 'data'/'labels'"),
    ([1, 2], "holds a list, expected a dict"),
])
def test_layout_errors(home, batch, match):
    folder = home / "datasets" / "cifar-10-batches-py"
    _write_batches(folder)
    with open(folder / "test_batch", "wb") as f:
        pickle.dump(batch, f, protocol=2)
    with pytest.raises(ValueError, match=match):
        cifar10.load_data()
