"""Guide, "Extend the API using custom layers": CustomDense, then its get_config/from_config round trip."""

from __future__ import annotations

import numpy as np

import kcore as keras
from kcore import layers, ops

from kcore_conformance._support import expect, expect_close, expect_equal, expect_shape, to_numpy

SECTION = "Extend the API using custom layers"


def _basic_dense() -> None:
    class CustomDense(layers.Layer):
        def __init__(self, units=32):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(
                shape=(input_shape[-1], self.units),
                initializer="random_normal",
                trainable=True,
            )
            self.b = self.add_weight(
                shape=(self.units,), initializer="random_normal", trainable=True
            )

        def call(self, inputs):
            return ops.matmul(inputs, self.w) + self.b

    inputs = keras.Input((4,))
    outputs = CustomDense(10)(inputs)

    model = keras.Model(inputs, outputs)

    expect_shape(outputs, (None, 10), "CustomDense(10)(inputs)")
    expect_equal([tuple(w.shape) for w in model.weights], [(4, 10), (10,)], "CustomDense weight shapes")
    expect_equal(len(model.trainable_weights), 2, "number of trainable weights")
    x = np.random.default_rng(0).random((3, 4)).astype("float32")
    w, b = (to_numpy(v) for v in model.weights)
    expect_close(to_numpy(model(x)), x @ w + b, "CustomDense output vs inputs @ w + b")

    # Beyond the guide's text: the layer trains, and both of its weights get gradients (``+ self.b``
    # adds a Variable to a backend tensor, which must read the variable's traced value).
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, np.ones((3, 10), "float32"), epochs=1, verbose=0)
    for name, before, after in zip(("w", "b"), (w, b), (to_numpy(v) for v in model.weights)):
        expect(not np.allclose(before, after), f"CustomDense.{name} was not updated by fit()")


class CustomDense(layers.Layer):
    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer="random_normal",
            trainable=True,
        )
        self.b = self.add_weight(
            shape=(self.units,), initializer="random_normal", trainable=True
        )

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        return {"units": self.units}


def check() -> None:
    _basic_dense()

    inputs = keras.Input((4,))
    outputs = CustomDense(10)(inputs)

    model = keras.Model(inputs, outputs)
    config = model.get_config()

    new_model = keras.Model.from_config(config, custom_objects={"CustomDense": CustomDense})

    expect_equal([type(layer).__name__ for layer in new_model.layers], ["InputLayer", "CustomDense"],
                 "layers of the model rebuilt from its config")
    expect(new_model.layers[1] is not model.layers[1], "from_config should create new layers")
    expect_equal(new_model.layers[1].units, 10, "units of the rebuilt CustomDense")
    expect_shape(new_model.output, (None, 10), "rebuilt model output")
    expect_equal(type(new_model).__name__, type(model).__name__, "class of the rebuilt model")

    # An equivalent model: the same weights give the same outputs.
    new_model.set_weights(model.get_weights())
    x = np.random.default_rng(0).random((3, 4)).astype("float32")
    expect_close(to_numpy(new_model(x)), to_numpy(model(x)), "rebuilt model output with the same weights")

    # "The default implementation of `from_config` is: return cls(**config)"
    expect_equal(CustomDense.from_config({"units": 7}).units, 7, "CustomDense.from_config({'units': 7}).units")
