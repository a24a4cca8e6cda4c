"""Guide, "Mix-and-match API styles": a Functional model inside a subclassed layer, and the reverse."""

from __future__ import annotations

import re

import numpy as np

import kcore as keras
from kcore import layers, ops

from kcore_conformance._support import captured_output, expect, expect_equal, expect_shape, to_numpy

SECTION = "Mix-and-match API styles"


def _functional_inside_subclassed_layer() -> None:
    units = 32
    timesteps = 10
    input_dim = 5

    # Define a Functional model
    inputs = keras.Input((None, units))
    x = layers.GlobalAveragePooling1D()(inputs)
    outputs = layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)

    class CustomRNN(layers.Layer):
        def __init__(self):
            super().__init__()
            self.units = units
            self.projection_1 = layers.Dense(units=units, activation="tanh")
            self.projection_2 = layers.Dense(units=units, activation="tanh")
            # Our previously-defined Functional model
            self.classifier = model

        def call(self, inputs):
            outputs = []
            state = ops.zeros(shape=(inputs.shape[0], self.units))
            for t in range(inputs.shape[1]):
                x = inputs[:, t, :]
                h = self.projection_1(x)
                y = h + self.projection_2(state)
                state = y
                outputs.append(y)
            features = ops.stack(outputs, axis=1)
            print(features.shape)
            return self.classifier(features)

    with captured_output() as out:
        rnn_model = CustomRNN()
        _ = rnn_model(ops.zeros((1, timesteps, input_dim)))

    # The guide prints "(1, 10, 32)" twice; a framework may print its own shape type (torch.Size([1, 10, 32])).
    printed = [tuple(int(d) for d in re.findall(r"\d+", line)) for line in out.getvalue().splitlines() if line.strip()]
    expect(printed == [(1, 10, 32), (1, 10, 32)],
           f"CustomRNN.call should print the features shape (1, 10, 32) twice, as the guide shows (once while "
           f"the layer is built, once when called); it printed {printed}:\n{out.getvalue().rstrip()}")
    expect_shape(_, (1, 1), "rnn_model(ops.zeros((1, timesteps, input_dim)))")
    # The Functional model is tracked as a sublayer: its Dense weights belong to the layer.
    expect_equal(len(rnn_model.weights), 6, "weights of CustomRNN (two projections and the classifier)")


def _subclassed_layer_in_functional_model() -> None:
    units = 32
    timesteps = 10
    input_dim = 5
    batch_size = 16

    class CustomRNN(layers.Layer):
        def __init__(self):
            super().__init__()
            self.units = units
            self.projection_1 = layers.Dense(units=units, activation="tanh")
            self.projection_2 = layers.Dense(units=units, activation="tanh")
            self.classifier = layers.Dense(1)

        def call(self, inputs):
            outputs = []
            state = ops.zeros(shape=(inputs.shape[0], self.units))
            for t in range(inputs.shape[1]):
                x = inputs[:, t, :]
                h = self.projection_1(x)
                y = h + self.projection_2(state)
                state = y
                outputs.append(y)
            features = ops.stack(outputs, axis=1)
            return self.classifier(features)

    # Note that you specify a static batch size for the inputs with the `batch_shape`
    # arg, because the inner computation of `CustomRNN` requires a static batch size
    # (when you create the `state` zeros tensor).
    inputs = keras.Input(batch_shape=(batch_size, timesteps, input_dim))
    x = layers.Conv1D(32, 3)(inputs)
    outputs = CustomRNN()(x)

    model = keras.Model(inputs, outputs)

    rnn_model = CustomRNN()
    _ = rnn_model(ops.zeros((1, 10, 5)))

    expect_shape(inputs, (batch_size, timesteps, input_dim), "keras.Input(batch_shape=...)")
    expect_shape(outputs, (batch_size, timesteps - 2, 1), "CustomRNN()(Conv1D(32, 3)(inputs))")
    expect_shape(_, (1, 10, 1), "rnn_model(ops.zeros((1, 10, 5)))")
    data = np.random.default_rng(0).random((batch_size, timesteps, input_dim)).astype("float32")
    result = to_numpy(model(data))
    expect_shape(result, (batch_size, timesteps - 2, 1), "model(data)")
    expect(np.all(np.isfinite(result)), "model(data) should be finite")


def check() -> None:
    _functional_inside_subclassed_layer()
    _subclassed_layer_in_functional_model()
