"""Guide, "Shared layers": one Embedding layer instance encoding two text inputs."""

from __future__ import annotations

import numpy as np

import kcore as keras
from kcore import layers

from kcore_conformance._support import expect, expect_equal, expect_shape, to_numpy

SECTION = "Shared layers"


def check() -> None:
    # Embedding for 1000 unique words mapped to 128-dimensional vectors
    shared_embedding = layers.Embedding(1000, 128)

    # Variable-length sequence of integers
    text_input_a = keras.Input(shape=(None,), dtype="int32")

    # Variable-length sequence of integers
    text_input_b = keras.Input(shape=(None,), dtype="int32")

    # Reuse the same layer to encode both inputs
    encoded_input_a = shared_embedding(text_input_a)
    encoded_input_b = shared_embedding(text_input_b)

    expect_equal(text_input_a.dtype, "int32", "text_input_a.dtype")
    expect_shape(encoded_input_a, (None, None, 128), "encoded_input_a")
    expect_shape(encoded_input_b, (None, None, 128), "encoded_input_b")

    # One layer, one set of weights, two paths through the graph.
    model = keras.Model([text_input_a, text_input_b], [encoded_input_a, encoded_input_b])
    expect_equal([layer.name for layer in model.layers].count(shared_embedding.name), 1,
                 "the shared Embedding appears once in model.layers")
    expect_equal(len(model.weights), 1, "number of weights of the model (one shared embedding matrix)")
    expect_equal(model.count_params(), 128_000, "model.count_params()")

    words = np.random.default_rng(0).integers(0, 1000, size=(2, 7)).astype("int32")
    out_a, out_b = model([words, words[:, ::-1]])
    out_a, out_b = to_numpy(out_a), to_numpy(out_b)
    expect_shape(out_a, (2, 7, 128), "encoded_input_a for 2 sequences of 7 words")
    expect(np.array_equal(out_a[:, ::-1], out_b), "both inputs should be encoded by the same embedding weights")
    table = to_numpy(shared_embedding.embeddings)
    expect(np.array_equal(out_a, table[words]), "the embedding output should be rows of the shared matrix")
