"""Guide, "Save and serialize": ``model.save("my_model.keras")`` then ``keras.models.load_model``.

The model is the guide's MNIST model, compiled and trained for one short
epoch (so that it has an optimizer state), as it is at this point of the guide.
The reloaded model must give the same predictions, weights, training config
and optimizer state.
"""

from __future__ import annotations

import zipfile

import numpy as np

import kcore as keras
from kcore import layers

from kcore_conformance._support import expect, expect_close, expect_equal, to_numpy

SECTION = "Save and serialize"


def check() -> None:
    inputs = keras.Input(shape=(784,))
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10)(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")
    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=keras.optimizers.RMSprop(),
        metrics=["accuracy"],
    )
    rng = np.random.default_rng(0)
    x_train = rng.random((256, 784)).astype("float32")
    y_train = rng.integers(0, 10, 256)
    model.fit(x_train, y_train, batch_size=64, epochs=1, verbose=0)

    probe = rng.random((8, 784)).astype("float32")
    before = model.predict(probe, verbose=0)
    weights_before = [to_numpy(w) for w in model.weights]
    scores_before = model.evaluate(x_train, y_train, verbose=0, return_dict=True)
    iterations_before = int(to_numpy(model.optimizer.iterations))

    model.save("my_model.keras")
    del model
    # Recreate the exact same model purely from the file:
    model = keras.models.load_model("my_model.keras")

    expect(zipfile.is_zipfile("my_model.keras"), "my_model.keras should be a single .keras (zip) archive")
    expect_equal(model.name, "mnist_model", "reloaded model name")
    expect_equal([layer.name for layer in model.layers], ["input_layer", "dense", "dense_1", "dense_2"],
                 "reloaded layer names")
    weights_after = [to_numpy(w) for w in model.weights]
    expect_equal(len(weights_after), len(weights_before), "number of reloaded weights")
    for i, (a, b) in enumerate(zip(weights_after, weights_before)):
        expect(np.array_equal(a, b), f"reloaded weight {i} ({model.weights[i].name}) differs from the saved one")
    expect_close(model.predict(probe, verbose=0), before, "predictions after load_model", rtol=1e-6, atol=1e-7)

    # The training config and the optimizer state are in the file too.
    expect_equal(type(model.optimizer).__name__, "RMSprop", "reloaded optimizer")
    expect_equal(int(to_numpy(model.optimizer.iterations)), iterations_before, "reloaded optimizer iterations")
    scores_after = model.evaluate(x_train, y_train, verbose=0, return_dict=True)
    expect_equal(sorted(scores_after), sorted(scores_before), "evaluate() keys after load_model")
    for key, value in scores_before.items():
        expect_close(scores_after[key], value, f"evaluate()[{key!r}] after load_model", rtol=1e-5, atol=1e-6)
