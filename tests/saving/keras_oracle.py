"""Keras 3 side of the interop tests, run in a subprocess with KERAS_BACKEND set.

    python keras_oracle.py write DIR [NAMES...]  # Keras builds the model zoo, saves DIR/<name>.keras and DIR/<name>.npz
                                       # (inputs in_*, outputs out_*, optimizer variables opt_*, resumed training)
    python keras_oracle.py read DIR    # Keras loads every DIR/<name>.keras written by kcore and predicts on
                                       # DIR/<name>.npz inputs, writing DIR/<name>.<backend>.keras_out.npz
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
warnings.filterwarnings("ignore")

import keras  # noqa: E402

import model_zoo  # noqa: E402


def _as_list(x):
    return x if isinstance(x, list) else [x]


def _inputs(data, prefix="in_"):
    keys = sorted((k for k in data.files if k.startswith(prefix)), key=lambda k: int(k[len(prefix):]))
    xs = [data[k] for k in keys]
    return xs if len(xs) > 1 else xs[0]


def write(directory: Path, names: list[str]) -> None:
    keras.utils.set_random_seed(0)
    for name in names or list(model_zoo.BUILDERS):
        model = model_zoo.build(keras, name)
        x = model_zoo.inputs_for(name)
        record = {f"in_{i}": v for i, v in enumerate(_as_list(x))}
        outs = model_zoo.flat_outputs(model.predict(x, verbose=0))
        record.update({f"out_{i}": v for i, v in enumerate(outs)})
        model.save(directory / f"{name}.keras")
        if name == "trained":
            from keras.src.saving import saving_lib

            saving_lib.save_model(model, str(directory / "trained_npz.keras"), weights_format="npz")
            record.update({f"opt_{i}": np.asarray(v.numpy()) for i, v in enumerate(model.optimizer.variables)})
            tx, ty = model_zoo.training_data(seed=2)
            history = model.fit(tx, ty, epochs=2, batch_size=4, shuffle=False, verbose=0)
            record["resume_loss"] = np.asarray(history.history["loss"], dtype="float32")
            record["resume_out"] = model.predict(x, verbose=0)
        np.savez(directory / f"{name}.npz", **record)


def read(directory: Path, names: list[str]) -> None:
    for path in sorted(directory.glob("*.keras")):
        data = np.load(path.with_suffix(".npz"))
        model = keras.models.load_model(path)
        outs = model_zoo.flat_outputs(model.predict(_inputs(data), verbose=0))
        record = {f"out_{i}": v for i, v in enumerate(outs)}
        if getattr(model, "optimizer", None) is not None:
            record.update({f"opt_{i}": np.asarray(v.numpy()) for i, v in enumerate(model.optimizer.variables)})
        np.savez(directory / f"{path.stem}.{keras.backend.backend()}.keras_out.npz", **record)


if __name__ == "__main__":
    command, target = sys.argv[1], Path(sys.argv[2])
    model_zoo.scale_dense_class(keras)
    {"write": write, "read": read}[command](target, sys.argv[3:])
    print(f"keras {keras.__version__} ({os.environ.get('KERAS_BACKEND')}): {command} ok")
