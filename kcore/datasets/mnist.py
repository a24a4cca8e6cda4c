"""MNIST handwritten digits (``keras.datasets.mnist``), read from the local cache."""

from __future__ import annotations

import os

import numpy as np

from kcore.datasets import cache
from kcore.datasets._npz import load_image_npz

FILE_NAME = "mnist.npz"
URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
#: Accepted sha256 digests of the cache's ``mnist.npz``.
KNOWN_SHA256 = {
    "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1": "the file Keras downloads",
    "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64":
        "the kcore project's conversion of the same 70,000 digits",
}

Split = tuple[np.ndarray, np.ndarray]


def load_data(path: str | os.PathLike | None = None) -> tuple[Split, Split]:
    """Loads MNIST: ``(x_train, y_train), (x_test, y_test)``.

    ``x_*`` are uint8 arrays ``(N, 28, 28)`` with values 0-255, ``y_*`` uint8 labels
    ``(N,)`` (60,000 train and 10,000 test samples for the full set).

    Args:
        path: an ``mnist.npz``-layout file (keys ``x_train, y_train, x_test, y_test``);
            absolute, or relative to ``$KCORE_HOME/datasets``. Defaults to
            ``$KCORE_HOME/datasets/mnist.npz``, whose sha256 must be one of
            ``KNOWN_SHA256``; other files are checked for layout only.

    Raises:
        FileNotFoundError: the file is absent (nothing is downloaded).
        ValueError: digest mismatch for the cached file, or a wrong layout.
    """
    file, canonical = cache.resolve(path, FILE_NAME)
    if not file.is_file():
        raise cache.missing_error("mnist", "the MNIST file", [(file, URL)])
    if canonical:
        cache.verify_digest("mnist", file, "sha256", KNOWN_SHA256, URL)
    return load_image_npz("mnist", file, (28, 28))
