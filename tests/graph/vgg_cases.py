"""VGG variants compared with keras.applications, and the deterministic weights both sides use."""

from __future__ import annotations

import numpy as np

# key -> (function name, keyword arguments besides weights=None); small inputs keep building fast.
VARIANTS = {
    "vgg16_top": ("VGG16", {"include_top": True, "input_shape": (32, 32, 3), "classes": 10}),
    "vgg19_top": ("VGG19", {"include_top": True, "input_shape": (32, 32, 3), "classes": 10,
                            "classifier_activation": None}),
    "vgg19_notop": ("VGG19", {"include_top": False, "input_shape": (32, 32, 3)}),
    "vgg16_avg": ("VGG16", {"include_top": False, "input_shape": (48, 64, 3), "pooling": "avg"}),
    "vgg19_max": ("VGG19", {"include_top": False, "input_shape": (None, None, 3), "pooling": "max"}),
}


def deterministic_weights(shapes: list[tuple]) -> list[np.ndarray]:
    """He-scaled normal kernels and small biases, from a fixed seed."""
    rng = np.random.RandomState(0)
    out = []
    for shape in shapes:
        if len(shape) > 1:
            fan_in = int(np.prod(shape[:-1]))
            out.append((rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype("float32"))
        else:
            out.append((rng.standard_normal(shape) * 0.01).astype("float32"))
    return out


def numerics_input() -> np.ndarray:
    return np.random.RandomState(1).rand(2, 32, 32, 3).astype("float32")


def architecture(model) -> list:
    """(name, class, output shape, parameter count) of every layer, JSON-friendly."""
    return [[l.name, type(l).__name__, list(l.output.shape), l.count_params()] for l in model.layers]
