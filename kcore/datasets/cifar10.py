"""CIFAR-10 small images (``keras.datasets.cifar10``), read from the local cache."""

from __future__ import annotations

import io
import os
import pickle
import tarfile
from pathlib import Path
from typing import Callable

import numpy as np

from kcore.datasets import cache

DIR_NAME = "cifar-10-batches-py"
ARCHIVE_NAME = "cifar-10-python.tar.gz"
URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
#: sha256 of the original ``cifar-10-python.tar.gz`` (the file Keras downloads).
KNOWN_SHA256 = {"6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce": "the original release"}
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_BATCH = "test_batch"

Split = tuple[np.ndarray, np.ndarray]

# The only globals a pickled batch (a dict of a numpy array and a list) needs.
_ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
    ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer"),
    ("numpy", "ndarray"), ("numpy", "dtype"),
    ("_codecs", "encode"),  # bytes in protocol-2 pickles written by Python 3
}


class _BatchUnpickler(pickle.Unpickler):
    """Unpickles CIFAR batches only: any global other than numpy array plumbing is refused."""

    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED_GLOBALS:
            raise pickle.UnpicklingError(
                f"kcore.datasets.cifar10: refusing to unpickle {module}.{name} (a CIFAR batch "
                "holds only a numpy array and a list of labels)"
            )
        if module.startswith("numpy.core") and hasattr(np, "_core"):
            module = "numpy._core" + module[len("numpy.core"):]
        return super().find_class(module, name)


def _parse_batch(raw: bytes, source: str) -> Split:
    try:
        d = _BatchUnpickler(io.BytesIO(raw), encoding="bytes").load()
    except pickle.UnpicklingError:
        raise
    except Exception as e:  # noqa: BLE001 - any parse failure of untrusted bytes
        raise ValueError(f"kcore.datasets.cifar10: {source} is not a pickled CIFAR batch ({e})") from None
    if not isinstance(d, dict):
        raise ValueError(f"kcore.datasets.cifar10: {source} holds a {type(d).__name__}, expected a dict")
    d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()}
    if "data" not in d or "labels" not in d:
        raise ValueError(
            f"kcore.datasets.cifar10: {source} lacks 'data'/'labels'; found keys {sorted(map(str, d))}"
        )
    data = np.asarray(d["data"])
    labels = np.asarray(d["labels"])
    if data.ndim != 2 or data.shape[1] != 3 * 32 * 32 or data.dtype != np.uint8:
        raise ValueError(
            f"kcore.datasets.cifar10: {source}: 'data' has shape {data.shape} and dtype {data.dtype}, "
            "expected (N, 3072) uint8"
        )
    if labels.shape != (data.shape[0],) or labels.dtype.kind not in "iu" or (
        labels.size and (labels.min() < 0 or labels.max() > 9)
    ):
        raise ValueError(
            f"kcore.datasets.cifar10: {source}: 'labels' must be {data.shape[0]} integers in [0, 9]; "
            f"got shape {labels.shape}, dtype {labels.dtype}"
        )
    return data.reshape(-1, 3, 32, 32), labels.astype("uint8")


def _folder_reader(folder: Path) -> Callable[[str], tuple[bytes, str]]:
    def read(name: str) -> tuple[bytes, str]:
        file = folder / name
        if not file.is_file():
            raise cache.missing_error(
                "cifar10", f"the CIFAR-10 batch {name!r}", [(file, URL + f" (member {DIR_NAME}/{name})")]
            )
        return file.read_bytes(), str(file)

    return read


def _archive_reader(archive: Path) -> Callable[[str], tuple[bytes, str]]:
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = {
                m.name.split("/")[-1]: tar.extractfile(m).read()
                for m in tar.getmembers()
                if m.isfile() and m.name.split("/")[-1] in TRAIN_BATCHES + (TEST_BATCH,)
            }
    except (tarfile.TarError, OSError, EOFError) as e:
        raise ValueError(f"kcore.datasets.cifar10: {archive} is not a readable tar archive ({e})") from None

    def read(name: str) -> tuple[bytes, str]:
        if name not in members:
            raise ValueError(f"kcore.datasets.cifar10: {archive} has no member {DIR_NAME}/{name}")
        return members[name], f"{archive}:{name}"

    return read


def _channels(x: np.ndarray) -> np.ndarray:
    from kcore.backend import image_data_format

    return x.transpose(0, 2, 3, 1).copy() if image_data_format() == "channels_last" else x


def load_data(path: str | os.PathLike | None = None) -> tuple[Split, Split]:
    """Loads CIFAR-10: ``(x_train, y_train), (x_test, y_test)``.

    ``x_*`` are uint8 images ``(N, 32, 32, 3)`` (``(N, 3, 32, 32)`` when the image
    data format is ``channels_first``), ``y_*`` uint8 labels ``(N, 1)``
    (50,000 / 10,000 samples).

    Args:
        path: the extracted ``cifar-10-batches-py`` folder or the original
            ``cifar-10-python.tar.gz``; absolute or relative to ``$KCORE_HOME/datasets``.
            Defaults to that folder in the cache, else the archive there, whose sha256
            must match the release (``KNOWN_SHA256``).

    Raises:
        FileNotFoundError: the data is absent (nothing is downloaded).
        ValueError: digest mismatch of the cached archive, or a wrong layout.
    """
    if path is None:
        folder, _ = cache.resolve(None, DIR_NAME)
        archive, _ = cache.resolve(None, ARCHIVE_NAME)
        if folder.is_dir():
            read = _folder_reader(folder)
        elif archive.is_file():
            cache.verify_digest("cifar10", archive, "sha256", KNOWN_SHA256, URL)
            read = _archive_reader(archive)
        else:
            raise cache.missing_error(
                "cifar10", "the CIFAR-10 data", [(archive, URL)],
                alternative=f"(or extract it so that its batches are in {folder}/; a Keras cache holds "
                f"that folder as ~/.keras/datasets/cifar-10-batches-py-target/{DIR_NAME})",
            )
    else:
        target, canonical = cache.resolve(path, ARCHIVE_NAME)
        if target.is_dir():
            read = _folder_reader(target)
        elif target.is_file():
            if canonical:
                cache.verify_digest("cifar10", target, "sha256", KNOWN_SHA256, URL)
            read = _archive_reader(target)
        else:
            raise cache.missing_error(
                "cifar10", f"the CIFAR-10 data {target}", [(target, URL)],
                alternative=f"(path= may be the archive or its extracted {DIR_NAME} folder)",
            )

    train = [_parse_batch(*read(name)) for name in TRAIN_BATCHES]
    x_train = np.concatenate([x for x, _ in train])
    y_train = np.concatenate([y for _, y in train]).reshape(-1, 1)
    x_test, y_test = _parse_batch(*read(TEST_BATCH))
    return (_channels(x_train), y_train), (_channels(x_test), y_test.reshape(-1, 1))
