"""Guide, "Functional API strengths / Less verbose": the same MLP, functional and subclassed."""

from __future__ import annotations

import numpy as np

import kcore as keras
from kcore import layers, ops

from kcore_conformance._support import expect_close, expect_equal, expect_shape, to_numpy

SECTION = "When to use the functional API"


class MLP(keras.Model):

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense_1 = layers.Dense(64, activation='relu')
        self.dense_2 = layers.Dense(10)

    def call(self, inputs):
        x = self.dense_1(inputs)
        return self.dense_2(x)


def check() -> None:
    inputs = keras.Input(shape=(32,))
    x = layers.Dense(64, activation='relu')(inputs)
    outputs = layers.Dense(10)(x)
    mlp_functional = keras.Model(inputs, outputs)

    # Instantiate the model.
    mlp = MLP()
    # Necessary to create the model's state.
    # The model doesn't have a state until it's called at least once.
    _ = mlp(ops.zeros((1, 32)))

    expect_shape(_, (1, 10), "mlp(ops.zeros((1, 32)))")
    expect_equal(mlp.count_params(), 32 * 64 + 64 + 64 * 10 + 10, "subclassed MLP count_params()")
    expect_equal(mlp_functional.count_params(), mlp.count_params(), "functional vs subclassed count_params()")
    expect_equal([tuple(w.shape) for w in mlp.weights], [tuple(w.shape) for w in mlp_functional.weights],
                 "functional vs subclassed weight shapes")

    # The two definitions compute the same function.
    mlp.set_weights(mlp_functional.get_weights())
    x = np.random.default_rng(0).random((5, 32)).astype("float32")
    expect_close(to_numpy(mlp(x)), to_numpy(mlp_functional(x)), "subclassed vs functional MLP outputs")
    expect_close(mlp.predict(x, verbose=0), mlp_functional.predict(x, verbose=0), "predict(), subclassed vs functional")
