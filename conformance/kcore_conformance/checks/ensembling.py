"""Guide, "All models are callable, just like layers": ensembling three models with ``layers.average``."""

from __future__ import annotations

import numpy as np

import kcore as keras
from kcore import layers

from kcore_conformance._support import expect_close, expect_equal, expect_shape, to_numpy

SECTION = "All models are callable, just like layers"


def get_model():
    inputs = keras.Input(shape=(128,))
    outputs = layers.Dense(1)(inputs)
    return keras.Model(inputs, outputs)


def check() -> None:
    model1 = get_model()
    model2 = get_model()
    model3 = get_model()

    inputs = keras.Input(shape=(128,))
    y1 = model1(inputs)
    y2 = model2(inputs)
    y3 = model3(inputs)
    outputs = layers.average([y1, y2, y3])
    ensemble_model = keras.Model(inputs=inputs, outputs=outputs)

    expect_shape(outputs, (None, 1), "layers.average([y1, y2, y3])")
    expect_equal(ensemble_model.count_params(), 3 * 129, "ensemble_model.count_params() (three Dense(1) on 128)")
    x = np.random.default_rng(0).random((4, 128)).astype("float32")
    members = [to_numpy(m(x)) for m in (model1, model2, model3)]
    expect_close(to_numpy(ensemble_model(x)), np.mean(members, axis=0), "ensemble_model(x) vs the members' mean")
