"""Guide, "Introduction": an Input node, a graph of Dense layers, a Model and its summary."""

from __future__ import annotations

import kcore as keras
from kcore import layers

from kcore_conformance._support import expect_equal, expect_shape, expect_summary

SECTION = "Introduction"


def check() -> None:
    inputs = keras.Input(shape=(784,))
    # Just for demonstration purposes.
    img_inputs = keras.Input(shape=(32, 32, 3))

    expect_equal(repr(inputs.shape), "(None, 784)", "inputs.shape")
    expect_equal(repr(inputs.dtype), "'float32'", "inputs.dtype")
    expect_shape(img_inputs, (None, 32, 32, 3), "img_inputs")

    dense = layers.Dense(64, activation="relu")
    x = dense(inputs)
    expect_shape(x, (None, 64), "dense(inputs)")

    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10)(x)
    expect_shape(outputs, (None, 10), "outputs")

    model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")

    expect_summary(
        model,
        "mnist_model",
        [
            ("input_layer (InputLayer)", "(None, 784)", "0"),
            ("dense (Dense)", "(None, 64)", "50,240"),
            ("dense_1 (Dense)", "(None, 64)", "4,160"),
            ("dense_2 (Dense)", "(None, 10)", "650"),
        ],
        total="55,050 (215.04 KB)",
    )
