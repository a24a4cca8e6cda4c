"""Pretrained weights for applications, read from a local file (never downloaded)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/"


def models_dir() -> Path:
    from kcore.backend.selection import kcore_home

    return kcore_home() / "models"


def load_application_weights(model, weights: str, file_name: str) -> None:
    """Load ``"imagenet"`` (from the cache) or a path: Keras 3 ``.weights.h5`` or Keras' legacy h5."""
    if weights == "imagenet":
        path = models_dir() / file_name
        if not path.is_file():
            raise FileNotFoundError(
                f"ImageNet weights for {model.name} are not in the local cache and kcore never downloads at run "
                f"time. Put the file at {path} (it is published at {WEIGHTS_URL}{model.name}/{file_name}), "
                "or pass `weights=None`, or `weights=<path to a .h5 / .weights.h5 file>`."
            )
    else:
        path = Path(os.path.expanduser(weights))
        if not path.is_file():
            raise FileNotFoundError(f"Weights file not found: {path}")
    if str(path).endswith(".weights.h5"):
        model.load_weights(str(path))
    else:
        load_legacy_h5(model, path)


def load_legacy_h5(model, path: Path) -> None:
    """Keras 2 weight files: one group per layer name, ``weight_names`` listing its datasets."""
    import h5py

    from kcore.saving.errors import KerasFileError

    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise KerasFileError(f"{path} is not a readable HDF5 file: {e}") from None
    with f:
        root = f["model_weights"] if "model_weights" in f else f
        for layer in model.layers:
            if not layer.weights:
                continue
            if layer.name not in root:
                raise KerasFileError(f"{path}: no weights for layer '{layer.name}'")
            group = root[layer.name]
            names = [n.decode() if isinstance(n, bytes) else n for n in group.attrs.get("weight_names", [])]
            values = [np.asarray(group[n]) for n in names]
            if len(values) != len(layer.weights):
                raise KerasFileError(
                    f"{path}: layer '{layer.name}' has {len(layer.weights)} weights but the file holds {len(values)}"
                )
            for var, value in zip(layer.weights, values):
                if tuple(value.shape) != tuple(var.shape):
                    raise KerasFileError(
                        f"{path}: weight '{var.path}' has shape {tuple(var.shape)} but the file holds {tuple(value.shape)}"
                    )
            layer.set_weights(values)
