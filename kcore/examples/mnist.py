"""kcore's main job: the Functional API guide's MNIST model, trained and evaluated.

    python -m kcore.examples.mnist [--path mnist.npz] [--epochs 2] [--seed 0]

Reads MNIST from ``--path`` or from the local cache (``$KCORE_HOME/datasets/mnist.npz``);
runs on the active backend (``KCORE_BACKEND``, default numpy).
"""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default=None,
                        help="mnist.npz (Keras layout), relative to the current folder; default: the kcore dataset cache")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)

    import kcore as keras
    from kcore import layers

    if args.seed is not None:
        keras.utils.set_random_seed(args.seed)
    print(f"kcore {keras.__version__} on backend: {keras.backend.backend()} "
          f"({keras.backend.current().framework_version()})")
    try:
        # A command-line path is relative to the current folder (load_data's own relative paths, as Keras',
        # are relative to the dataset cache).
        path = os.path.abspath(args.path) if args.path else None
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data(path=path)
    except (FileNotFoundError, ValueError) as e:
        print(e, file=sys.stderr)
        return 1

    inputs = keras.Input(shape=(784,))
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10)(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")
    model.summary()

    x_train = x_train.reshape(len(x_train), 784).astype("float32") / 255
    x_test = x_test.reshape(len(x_test), 784).astype("float32") / 255
    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=keras.optimizers.RMSprop(),
        metrics=["accuracy"],
    )
    model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, validation_split=0.2)
    test_scores = model.evaluate(x_test, y_test, verbose=2)
    print("Test loss:", test_scores[0])
    print("Test accuracy:", test_scores[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
