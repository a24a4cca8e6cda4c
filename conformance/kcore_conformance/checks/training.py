"""Guide, "Training, evaluation, and inference": the MNIST model compiled, fit and evaluated.

The data is a small generated file in ``mnist.npz`` layout, read with
``keras.datasets.mnist.load_data(path=...)`` (uint8 28x28 images whose pixels
depend on the label, so the model can learn): same shapes and dtypes as MNIST,
1,280 training and 320 test samples instead of 60,000 and 10,000.
"""

from __future__ import annotations

import os
import re

import kcore as keras
from kcore import layers

from kcore_conformance._support import captured_output, expect, expect_equal, expect_finite, write_mnist_like

SECTION = "Training, evaluation, and inference"

N_TRAIN, N_TEST = 1280, 320
METRIC_LINE = r"accuracy: \d+\.\d{4} - loss: \d+\.\d{4} - val_accuracy: \d+\.\d{4} - val_loss: \d+\.\d{4}"


def check() -> None:
    inputs = keras.Input(shape=(784,))
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10)(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")

    path = write_mnist_like(os.path.abspath("mnist.npz"), n_train=N_TRAIN, n_test=N_TEST)
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data(path=path)
    expect_equal((x_train.shape, x_train.dtype.name), ((N_TRAIN, 28, 28), "uint8"), "mnist.load_data x_train")

    x_train = x_train.reshape(N_TRAIN, 784).astype("float32") / 255
    x_test = x_test.reshape(N_TEST, 784).astype("float32") / 255

    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=keras.optimizers.RMSprop(),
        metrics=["accuracy"],
    )

    with captured_output() as out:
        history = model.fit(x_train, y_train, batch_size=64, epochs=2, validation_split=0.2)

        test_scores = model.evaluate(x_test, y_test, verbose=2)
        print("Test loss:", test_scores[0])
        print("Test accuracy:", test_scores[1])
    text = " ".join(out.getvalue().split())

    logs = history.history
    expect_equal(sorted(logs), ["accuracy", "loss", "val_accuracy", "val_loss"], "history.history keys")
    for key, values in logs.items():
        expect_equal(len(values), 2, f"history.history[{key!r}] length (epochs=2)")
        expect_finite(values, f"history.history[{key!r}]")
    expect(logs["loss"][1] < logs["loss"][0], f"training loss should fall from epoch 1 to 2, got {logs['loss']}")
    expect(logs["val_accuracy"][1] > 0.5, f"the model should learn the task: val_accuracy {logs['val_accuracy']}")

    # What fit and evaluate print: 1,024 training samples in batches of 64 are 16 steps.
    for epoch in ("Epoch 1/2", "Epoch 2/2"):
        expect(epoch in text, f"fit output lacks {epoch!r}:\n{out.getvalue()}")
    expect(re.search(r"16/16 .*?" + METRIC_LINE, text), f"fit output lacks '16/16 ... {METRIC_LINE}':\n{out.getvalue()}")
    # 320 test samples in evaluate's default batches of 32 are 10 steps.
    expect(re.search(r"10/10 - .*?accuracy: \d+\.\d{4} - loss: \d+\.\d{4}", text),
           f"evaluate(verbose=2) output lacks '10/10 - ... accuracy: ... - loss: ...':\n{out.getvalue()}")

    expect_equal(len(test_scores), 2, "evaluate() returns [loss, accuracy]")
    expect_finite(test_scores, "evaluate()")
    expect(0.0 <= test_scores[1] <= 1.0, f"test accuracy {test_scores[1]} is not in [0, 1]")
    expect(all(isinstance(v, float) for v in test_scores),
           f"evaluate() should return Python floats, got {[type(v).__name__ for v in test_scores]}")
    expect(re.search(r"Test loss: \d+\.\d+ Test accuracy: \d+\.\d+", text), "the test scores are not printed")
