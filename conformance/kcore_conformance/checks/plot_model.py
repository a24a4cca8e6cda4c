"""Guide, "Introduction": ``keras.utils.plot_model`` draws the graph of layers, with and without shapes."""

from __future__ import annotations

import re

import kcore as keras
from kcore import layers

from kcore_conformance._support import expect, expect_equal, expect_png

SECTION = "Introduction"


def check() -> None:
    inputs = keras.Input(shape=(784,))
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10)(x)
    model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")

    keras.utils.plot_model(model, "my_first_model.png")
    keras.utils.plot_model(model, "my_first_model_with_shape_info.png", show_shapes=True)

    plain_w, plain_h = expect_png("my_first_model.png", "plot_model(model)")
    shapes_w, shapes_h = expect_png("my_first_model_with_shape_info.png", "plot_model(model, show_shapes=True)")
    expect(shapes_w * shapes_h > plain_w * plain_h,
           f"plot_model: the drawing with shapes ({shapes_w}x{shapes_h}) should be larger than the one "
           f"without ({plain_w}x{plain_h})")

    # The drawing is the graph of layers: one box per layer, one arrow per call.
    dot = keras.utils.model_to_dot(model, show_shapes=True)
    source = re.sub(r"<[^>]+>", "", dot.to_string())  # the labels' text, without their HTML markup
    for name, class_name in (("input_layer", "InputLayer"), ("dense", "Dense"), ("dense_1", "Dense"),
                             ("dense_2", "Dense")):
        expect(re.search(rf"\b{name} \({class_name}\)", source), f"model_to_dot: no box for layer {name!r}")
    for shape in ("(None, 784)", "(None, 64)", "(None, 10)"):
        expect(shape in source, f"model_to_dot(show_shapes=True): shape {shape} is not shown")
    expect_equal(len(dot.get_edges()), 3, "model_to_dot: number of arrows")
