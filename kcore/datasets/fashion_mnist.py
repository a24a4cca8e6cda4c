"""Fashion-MNIST (``keras.datasets.fashion_mnist``), read from the local cache."""

from __future__ import annotations

import gzip
import os
import struct
from pathlib import Path

import numpy as np

from kcore.datasets import cache
from kcore.datasets._npz import load_image_npz

DIR_NAME = "fashion-mnist"
URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILES = {
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_train": "train-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
}
#: MD5 digests of the original release files, as published by Zalando Research
#: (github.com/zalandoresearch/fashion-mnist); Keras serves the same files.
KNOWN_MD5 = {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}
_LABEL_MAGIC = 2049
_IMAGE_MAGIC = 2051

Split = tuple[np.ndarray, np.ndarray]


def _read_idx(path: Path, magic: int, ndim: int) -> np.ndarray:
    """Reads a gzipped IDX file of unsigned bytes with ``ndim`` dimensions."""
    try:
        with gzip.open(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError) as e:
        raise ValueError(f"kcore.datasets.fashion_mnist: {path} is not a readable gzip file ({e})") from None
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"kcore.datasets.fashion_mnist: {path} is too short for an IDX header")
    found, *dims = struct.unpack(f">{1 + ndim}I", data[:header])
    if found != magic:
        raise ValueError(
            f"kcore.datasets.fashion_mnist: {path} has IDX magic number {found}, expected {magic} "
            f"({'labels' if magic == _LABEL_MAGIC else 'images'})"
        )
    size = int(np.prod(dims))
    if len(data) - header != size:
        raise ValueError(
            f"kcore.datasets.fashion_mnist: {path} declares shape {tuple(dims)} "
            f"({size} bytes) but holds {len(data) - header} bytes of data"
        )
    return np.frombuffer(data, np.uint8, count=size, offset=header).reshape(dims).copy()


def _load_idx_dir(folder: Path, canonical: bool) -> tuple[Split, Split]:
    missing = [name for name in FILES.values() if not (folder / name).is_file()]
    if missing:
        raise cache.missing_error(
            "fashion_mnist", f"{len(missing)} Fashion-MNIST file(s) in {folder}",
            [(folder / name, URL + name) for name in missing],
        )
    arrays = {}
    for key, name in FILES.items():
        file = folder / name
        if canonical:
            cache.verify_digest("fashion_mnist", file, "md5", {KNOWN_MD5[name]: "the original release file"},
                                URL + name)
        arrays[key] = _read_idx(file, _IMAGE_MAGIC if key.startswith("x") else _LABEL_MAGIC,
                                3 if key.startswith("x") else 1)
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        cache.check_array("fashion_mnist", folder, f"x_{split}", x, 3, (28, 28))
        cache.check_same_length("fashion_mnist", folder, f"x_{split}", x, f"y_{split}", y)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def load_data(path: str | os.PathLike | None = None) -> tuple[Split, Split]:
    """Loads Fashion-MNIST: ``(x_train, y_train), (x_test, y_test)``.

    ``x_*`` are uint8 ``(N, 28, 28)``, ``y_*`` uint8 ``(N,)`` (60,000 / 10,000 samples).

    Args:
        path: a folder holding the four gzipped IDX files Keras downloads
            (``train-images-idx3-ubyte.gz``, ``train-labels-idx1-ubyte.gz``,
            ``t10k-images-idx3-ubyte.gz``, ``t10k-labels-idx1-ubyte.gz``), or an
            ``.npz`` in ``mnist.npz`` layout; absolute or relative to
            ``$KCORE_HOME/datasets``. Defaults to ``$KCORE_HOME/datasets/fashion-mnist/``,
            whose files must match the release MD5s (``KNOWN_MD5``).

    Raises:
        FileNotFoundError: a file is absent (nothing is downloaded).
        ValueError: digest mismatch for cached files, or a wrong layout.
    """
    target, canonical = cache.resolve(path, DIR_NAME)
    if target.is_file():
        return load_image_npz("fashion_mnist", target, (28, 28))
    if path is not None and not target.exists():
        raise cache.missing_error(
            "fashion_mnist", f"the Fashion-MNIST folder or .npz {target}",
            [(target / name, URL + name) for name in FILES.values()],
        )
    return _load_idx_dir(target, canonical)
