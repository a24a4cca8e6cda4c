"""Acceptance: the Functional API guide's MNIST example, as written, on the 5,000-digit MNIST subset.

Only the data source (the shared ``mnist_5k.npz``: 4,000 train / 1,000 test digits) and the
reshape sizes differ from the guide; a fixed seed makes the run reproducible. Keras 3 reaches
a test accuracy of 0.871-0.889 on this subset; kcore must reach at least 0.85.
"""

from __future__ import annotations

import re

import kcore as keras
from kcore import layers


def test_guide_mnist_example_reaches_the_keras_accuracy(shared_data, capsys):
    keras.utils.set_random_seed(0)

    inputs = keras.Input(shape=(784,))
    dense = layers.Dense(64, activation="relu")
    x = dense(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10)(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")

    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data(path=shared_data / "mnist_5k.npz")

    x_train = x_train.reshape(4000, 784).astype("float32") / 255
    x_test = x_test.reshape(1000, 784).astype("float32") / 255

    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=keras.optimizers.RMSprop(),
        metrics=["accuracy"],
    )

    history = model.fit(x_train, y_train, batch_size=64, epochs=2, validation_split=0.2)

    test_scores = model.evaluate(x_test, y_test, verbose=2)
    print("Test loss:", test_scores[0])
    print("Test accuracy:", test_scores[1])

    assert test_scores[1] >= 0.85, test_scores
    assert history.history["accuracy"][1] > history.history["accuracy"][0]
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Epoch 1/2" and out[2] == "Epoch 2/2"
    assert re.match(r"^50/50 \u2501{20} \d+s \d+(ms|us|s)/step - accuracy: 0\.\d{4} - loss: \d\.\d{4} - "
                    r"val_accuracy: 0\.\d{4} - val_loss: \d\.\d{4}$", out[3]), out[3]
    assert re.match(r"^32/32 - \d+s - \d+(ms|us|s)/step - accuracy: 0\.\d{4} - loss: \d\.\d{4}$", out[4]), out[4]
    assert out[5].startswith("Test loss: ") and out[6].startswith("Test accuracy: ")
