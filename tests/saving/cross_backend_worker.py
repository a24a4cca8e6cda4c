"""One side of the cross-backend test, run in a subprocess with KCORE_BACKEND set.

    python cross_backend_worker.py save DIR   # DIR/<backend>.keras and DIR/<backend>.npz (inputs, predictions)
    python cross_backend_worker.py load DIR   # loads every DIR/<saver>.keras: DIR/<saver>.<backend>.out.npz
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import kcore


def save(directory: Path, backend: str) -> None:
    rng = np.random.default_rng(0)
    inputs = kcore.Input((4,))
    x = kcore.layers.Dense(6, activation="relu")(inputs)
    model = kcore.Model(inputs, kcore.layers.Dense(3, activation="softmax")(x))
    model.compile(optimizer=kcore.optimizers.Adam(learning_rate=0.05), loss=kcore.losses.MeanSquaredError())
    model.fit(rng.random((8, 4), dtype=np.float32), rng.random((8, 3), dtype=np.float32), batch_size=4,
              verbose=0, shuffle=False)
    x_test = rng.random((5, 4), dtype=np.float32)
    model.save(directory / f"{backend}.keras")
    np.savez(directory / f"{backend}.npz", x=x_test, y=model.predict(x_test, verbose=0),
             iterations=np.asarray(model.optimizer.iterations.numpy()))


def load(directory: Path, backend: str) -> None:
    for path in sorted(directory.glob("*.keras")):
        data = np.load(path.with_suffix(".npz"))
        model = kcore.models.load_model(path)
        np.savez(directory / f"{path.stem}.{backend}.out.npz", y=model.predict(data["x"], verbose=0),
                 iterations=np.asarray(model.optimizer.iterations.numpy()))


if __name__ == "__main__":
    command, directory = sys.argv[1], Path(sys.argv[2])
    name = kcore.backend.backend()
    {"save": save, "load": load}[command](directory, name)
