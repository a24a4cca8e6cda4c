"""Functional model structure as Keras 3 exposes it: input/output order, layer order, weight paths."""

from __future__ import annotations

import numpy as np

import kcore as keras
from guide_models import ALL
from kcore import layers, ops


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


def _dict_model():
    keras.utils.clear_session()
    return ALL["dict_io"](keras)[0]


def test_dict_inputs_and_outputs_are_listed_in_sorted_key_order():
    model = _dict_model()
    assert [t.name for t in model.inputs] == ["a", "b"]
    assert [t.shape for t in model.outputs] == [(None, 2), (None, 1)]  # "p" before "q"
    assert [l.name for l in model.layers] == ["b", "a", "concatenate", "p", "q"]  # as keras lists them
    assert model.input_shape == [(None, 3), (None, 2)]
    assert list(model.output) == ["q", "p"]  # the structure itself keeps its order


def test_dict_model_called_with_a_dict_or_a_list():
    model = _dict_model()
    a, b = np.ones((1, 3), "float32"), np.zeros((1, 2), "float32")
    by_name = model({"a": a, "b": b})
    assert list(by_name) == ["q", "p"]
    by_position = model([a, b])  # a list follows `model.inputs`
    for key in ("p", "q"):
        np.testing.assert_allclose(_np(by_position[key]), _np(by_name[key]))


def test_the_ticket_model_lists_layers_like_keras():
    keras.utils.clear_session()
    model = ALL["ticket_model"](keras)[0]
    assert [l.name for l in model.layers] == ["title", "body", "embedding", "embedding_1", "lstm", "lstm_1", "tags",
                                              "concatenate", "department", "priority"]
    assert [tuple(t.shape) for t in model.outputs] == [(None, 4), (None, 1)]


def test_the_batch_size_of_a_call_may_differ_from_the_input():
    inputs = keras.Input(batch_shape=(4, 3))
    model = keras.Model(inputs, layers.Dense(2)(inputs))
    assert tuple(ops.shape(model(np.ones((7, 3), "float32")))) == (7, 2)


def test_weights_built_in_the_graph_are_named_by_their_layer():
    keras.utils.clear_session()
    model = ALL["mnist_model"](keras)[0]
    assert [w.path for w in model.weights][:2] == ["dense/kernel", "dense/bias"]


def test_models_share_layers_and_weights():
    keras.utils.clear_session()
    encoder, decoder, autoencoder = ALL["autoencoder_nested"](keras)
    assert autoencoder.layers[1] is encoder and autoencoder.layers[2] is decoder
    assert len(autoencoder.weights) == len(encoder.weights) + len(decoder.weights)
    x = np.random.RandomState(0).rand(2, 28, 28, 1).astype("float32")
    np.testing.assert_allclose(_np(autoencoder(x)), _np(decoder(encoder(x))), rtol=1e-5, atol=1e-6)
