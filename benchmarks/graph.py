"""Graph benchmarks: kcore vs Keras 3 on the same backend, in one process.

    python benchmarks/graph.py --backend jax

Cases: building a 500-layer Dense chain, building VGG19 (weights=None), the
same followed by reading every weight to the host (kcore samples large initial
values on first use; this row includes that), and a single-sample eager
``model(x)`` on the guide's MNIST model.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import report, setup, timeit  # noqa: E402

backend = setup()

import numpy as np  # noqa: E402

import keras  # noqa: E402
import kcore  # noqa: E402


def dense_chain(lib, depth: int = 500):
    inputs = lib.Input(shape=(32,))
    x = inputs
    for _ in range(depth):
        x = lib.layers.Dense(32)(x)
    return lib.Model(inputs, x)


def vgg19(lib):
    return lib.applications.VGG19(weights=None)


def vgg19_with_values(lib):
    """VGG19 built, then every initial weight read back to the host: kcore samples large initial
    values on first use, so this row shows the full cost of having the weights."""
    model = vgg19(lib)
    return [lib.ops.convert_to_numpy(w.value) for w in model.weights]


def mnist_model(lib):
    inputs = lib.Input(shape=(784,))
    x = lib.layers.Dense(64, activation="relu")(inputs)
    x = lib.layers.Dense(64, activation="relu")(x)
    outputs = lib.layers.Dense(10)(x)
    return lib.Model(inputs=inputs, outputs=outputs, name="mnist_model")


def main() -> None:
    rows = []
    rows.append(("build 500-layer Dense chain",
                 timeit(lambda: dense_chain(kcore), repeat=3), timeit(lambda: dense_chain(keras), repeat=3)))
    rows.append(("build VGG19 (weights=None)",
                 timeit(lambda: vgg19(kcore), repeat=3), timeit(lambda: vgg19(keras), repeat=3)))
    rows.append(("build VGG19, then read every weight",
                 timeit(lambda: vgg19_with_values(kcore), repeat=3),
                 timeit(lambda: vgg19_with_values(keras), repeat=3)))
    x = np.random.rand(1, 784).astype("float32")
    km, rm = mnist_model(kcore), mnist_model(keras)
    km(x), rm(x)
    sync_k = lambda out: kcore.ops.convert_to_numpy(out)  # noqa: E731
    sync_r = lambda out: keras.ops.convert_to_numpy(out)  # noqa: E731
    rows.append(("eager model(x), 1 sample, MNIST MLP",
                 timeit(lambda: km(x), repeat=7, number=200, sync=sync_k),
                 timeit(lambda: rm(x), repeat=7, number=200, sync=sync_r)))
    report("benchmarks/graph.py", backend, rows, unit="ms")


if __name__ == "__main__":
    main()
