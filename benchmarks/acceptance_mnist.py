"""Acceptance run: the Functional API guide's MNIST example on the full MNIST, seeds 0, 1 and 2.

    KCORE_BACKEND=jax python benchmarks/acceptance_mnist.py [--data PATH/mnist.npz] [--seeds 0 1 2]

Prints each seed's test accuracy and the median for the active backend (target: >= 0.95;
Keras 3 reaches 0.956-0.958, the guide prints 0.9613). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path(os.environ.get("KCORE_SHARED_DATA", REPO.parent / "shared" / "data")) / "mnist.npz"


def run(seed: int, data: Path) -> float:
    import kcore as keras
    from kcore import layers

    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(784,))
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10)(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")

    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data(path=data)
    x_train = x_train.reshape(60000, 784).astype("float32") / 255
    x_test = x_test.reshape(10000, 784).astype("float32") / 255

    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=keras.optimizers.RMSprop(),
        metrics=["accuracy"],
    )
    model.fit(x_train, y_train, batch_size=64, epochs=2, validation_split=0.2, verbose=2)
    test_scores = model.evaluate(x_test, y_test, verbose=2)
    return float(test_scores[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="mnist.npz (Keras layout)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args(argv)

    import kcore

    backend = kcore.backend.backend()
    accuracies = []
    for seed in args.seeds:
        start = time.perf_counter()
        accuracies.append(run(seed, args.data))
        print(f"seed {seed}: test accuracy {accuracies[-1]:.4f} ({time.perf_counter() - start:.1f}s)", flush=True)
    median = statistics.median(accuracies)
    print(f"backend {backend}: median test accuracy over seeds {args.seeds}: {median:.4f} "
          f"({'meets' if median >= 0.95 else 'BELOW'} the 0.95 target)")
    return 0 if median >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
