"""Functional API: symbolic tensors, nodes, models as layers, shared layers, errors."""

from __future__ import annotations

import numpy as np
import pytest

import kcore as keras
from kcore import layers, ops


def mnist_model():
    inputs = keras.Input(shape=(784,))
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(10)(x)
    return keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")


def test_input_is_symbolic():
    inputs = keras.Input(shape=(784,))
    assert inputs.shape == (None, 784)
    assert inputs.dtype == "float32"
    img = keras.Input(shape=(32, 32, 3))
    assert img.shape == (None, 32, 32, 3)
    fixed = keras.Input(batch_shape=(16, 10, 5))
    assert fixed.shape == (16, 10, 5)
    assert keras.Input(shape=(None,), dtype="int32").dtype == "int32"


def test_mnist_model_structure_and_params():
    model = mnist_model()
    assert model.name == "mnist_model"
    assert [type(l).__name__ for l in model.layers] == ["InputLayer", "Dense", "Dense", "Dense"]
    assert model.count_params() == 55050
    assert [l.count_params() for l in model.layers] == [0, 50240, 4160, 650]
    assert model.inputs[0].shape == (None, 784)
    assert model.outputs[0].shape == (None, 10)
    assert model.get_layer(index=1) is model.layers[1]
    assert model.get_layer(name=model.layers[2].name) is model.layers[2]


def test_auto_names_are_unique_and_snake_case():
    a = layers.Dense(2)
    b = layers.Dense(2)
    assert a.name != b.name
    assert a.name.startswith("dense") and b.name.startswith("dense")
    assert layers.Conv2DTranspose(1, 3).name.startswith("conv2d_transpose") if hasattr(layers, "Conv2DTranspose") else True


def test_eager_call_matches_numpy():
    model = mnist_model()
    x = np.random.RandomState(0).rand(3, 784).astype("float32")
    y = ops.convert_to_numpy(model(x))
    h = x
    for layer in model.layers[1:]:
        w, b = layer.get_weights()
        h = h @ w + b
        if layer is not model.layers[-1]:
            h = np.maximum(h, 0)
    np.testing.assert_allclose(y, h, rtol=1e-5, atol=1e-5)


def test_models_are_callable_like_layers_and_share_weights():
    def get_model():
        inputs = keras.Input(shape=(8,))
        return keras.Model(inputs, layers.Dense(1)(inputs))

    m1, m2, m3 = get_model(), get_model(), get_model()
    inputs = keras.Input(shape=(8,))
    outputs = layers.average([m1(inputs), m2(inputs), m3(inputs)]) if hasattr(layers, "average") else \
        (m1(inputs) + m2(inputs) + m3(inputs)) / 3.0
    ensemble = keras.Model(inputs=inputs, outputs=outputs)
    assert ensemble.count_params() == 3 * 9
    x = np.ones((2, 8), "float32")
    expected = sum(ops.convert_to_numpy(m(x)) for m in (m1, m2, m3)) / 3
    np.testing.assert_allclose(ops.convert_to_numpy(ensemble(x)), expected, rtol=1e-5, atol=1e-6)
    # the nested models are layers of the ensemble, sharing weights
    assert any(l is m1 for l in ensemble.layers)


def test_shared_layer_has_several_nodes():
    shared = layers.Embedding(1000, 16)
    a = keras.Input(shape=(None,), dtype="int32")
    b = keras.Input(shape=(None,), dtype="int32")
    ea, eb = shared(a), shared(b)
    assert len(shared._inbound_nodes) == 2
    assert ea.shape == (None, None, 16) and eb.shape == (None, None, 16)
    model = keras.Model([a, b], [ea, eb])
    assert len(model.weights) == 1
    out_a, out_b = model([np.array([[1, 2]]), np.array([[1, 2]])])
    np.testing.assert_allclose(ops.convert_to_numpy(out_a), ops.convert_to_numpy(out_b))


def test_feature_extraction_from_intermediate_outputs():
    model = mnist_model()
    features = keras.Model(inputs=model.input, outputs=[l.output for l in model.layers])
    outs = features(np.ones((2, 784), "float32"))
    assert [tuple(ops.shape(o)) for o in outs] == [(2, 784), (2, 64), (2, 64), (2, 10)]
    np.testing.assert_allclose(ops.convert_to_numpy(outs[-1]), ops.convert_to_numpy(model(np.ones((2, 784), "float32"))), rtol=1e-6)


def test_dict_inputs_and_outputs():
    a = keras.Input(shape=(3,), name="a")
    b = keras.Input(shape=(2,), name="b")
    x = layers.concatenate([a, b]) if hasattr(layers, "concatenate") else ops.concatenate([a, b], axis=-1)
    model = keras.Model(inputs={"a": a, "b": b}, outputs={"p": layers.Dense(1, name="p")(x), "q": layers.Dense(2, name="q")(x)})
    out = model({"a": np.ones((4, 3), "float32"), "b": np.ones((4, 2), "float32")})
    assert list(out) == ["p", "q"]
    assert tuple(ops.shape(out["q"])) == (4, 2)


def test_ops_on_keras_tensors_infer_shapes():
    x = keras.Input(shape=(4, 5))
    y = ops.matmul(x, np.ones((5, 3), "float32"))
    assert y.shape == (None, 4, 3)
    assert ops.sum(x, axis=1).shape == (None, 5)
    assert (x * 2.0).shape == (None, 4, 5)
    assert x[:, 0, :].shape == (None, 5)


def test_graph_level_ops_are_replayed():
    inputs = keras.Input(shape=(3,))
    x = layers.Dense(4)(inputs)
    x = ops.relu(x) * 2.0
    model = keras.Model(inputs, x)
    data = np.random.RandomState(1).randn(2, 3).astype("float32")
    dense = model.layers[1]
    w, b = dense.get_weights()
    np.testing.assert_allclose(ops.convert_to_numpy(model(data)), np.maximum(data @ w + b, 0) * 2, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------ errors

def test_incompatible_shape_error_names_layer_and_shapes():
    dense = layers.Dense(3, name="my_dense")
    dense(keras.Input(shape=(4,)))
    with pytest.raises(ValueError) as e:
        dense(keras.Input(shape=(5,)))
    msg = str(e.value)
    assert "my_dense" in msg and "4" in msg and "(None, 5)" in msg


def test_disconnected_graph_error():
    a = keras.Input(shape=(3,), name="first")
    b = keras.Input(shape=(3,), name="second")
    y = ops.add(layers.Dense(2)(a), layers.Dense(2)(b))
    with pytest.raises(ValueError, match="second"):
        keras.Model(inputs=a, outputs=y)


def test_inputs_must_be_input_tensors():
    a = keras.Input(shape=(3,))
    hidden = layers.Dense(2)(a)
    out = layers.Dense(1)(hidden)
    with pytest.raises(ValueError, match="Input"):
        keras.Model(inputs=hidden, outputs=out)


def test_duplicate_layer_names_are_rejected():
    a = keras.Input(shape=(3,))
    x = layers.Dense(2, name="same")(a)
    y = layers.Dense(2, name="same")(x)
    with pytest.raises(ValueError, match="same"):
        keras.Model(a, y)


def test_wrong_input_shape_at_call_time():
    model = mnist_model()
    with pytest.raises(ValueError, match="784"):
        model(np.ones((2, 783), "float32"))


def test_layer_without_inputs_has_no_output():
    with pytest.raises(AttributeError, match="never been called"):
        _ = layers.Dense(2).output


# ------------------------------------------------------------- weights/state

def test_weights_and_freezing():
    model = mnist_model()
    assert len(model.weights) == 6
    assert len(model.trainable_weights) == 6
    model.layers[1].trainable = False
    assert len(model.trainable_weights) == 4
    assert len(model.non_trainable_weights) == 2
    model.trainable = False
    assert model.trainable_weights == []
    assert model.count_params() == 55050


def test_set_weights_shape_mismatch_names_layer():
    dense = layers.Dense(2, name="d_err")
    dense(np.ones((1, 3), "float32"))
    with pytest.raises(ValueError, match="d_err"):
        dense.set_weights([np.ones((4, 2)), np.ones(2)])


def test_training_flag_reaches_nested_layers():
    seen = []

    class Probe(layers.Layer):
        def call(self, inputs, training=None):
            seen.append(training)
            return inputs

    inputs = keras.Input(shape=(2,))
    inner = keras.Model(inputs, Probe()(inputs))
    outer_in = keras.Input(shape=(2,))
    outer = keras.Model(outer_in, inner(outer_in))
    seen.clear()
    outer(np.ones((1, 2), "float32"), training=True)
    assert seen == [True]
    seen.clear()
    outer(np.ones((1, 2), "float32"), training=False)
    assert seen == [False]
