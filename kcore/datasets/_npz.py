"""Reading ``mnist.npz``-layout archives (uint8 ``x_train/y_train/x_test/y_test``)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from kcore.datasets.cache import check_array, check_same_length

Split = tuple[np.ndarray, np.ndarray]
KEYS = ("x_train", "y_train", "x_test", "y_test")


def load_image_npz(dataset: str, path: Path, image_shape: tuple[int, ...]) -> tuple[Split, Split]:
    """Loads and validates an npz with ``x_*`` of shape ``(N, *image_shape)`` and ``y_*`` ``(N,)``."""
    try:
        archive = np.load(path, allow_pickle=False)
    except (OSError, ValueError, zipfile.BadZipFile) as e:
        raise ValueError(f"kcore.datasets.{dataset}: {path} is not a readable .npz file ({e})") from None
    with archive as f:
        missing = [k for k in KEYS if k not in f.files]
        if missing:
            raise ValueError(
                f"kcore.datasets.{dataset}: {path} lacks the arrays {missing}; expected keys "
                f"{list(KEYS)}, found {sorted(f.files)}"
            )
        arrays = {k: f[k] for k in KEYS}
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        check_array(dataset, path, f"x_{split}", x, 1 + len(image_shape), image_shape)
        check_array(dataset, path, f"y_{split}", y, 1)
        check_same_length(dataset, path, f"x_{split}", x, f"y_{split}", y)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
