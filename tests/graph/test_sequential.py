"""Sequential: construction, add/pop, lazy building, configs and errors."""

from __future__ import annotations

import numpy as np
import pytest

import kcore as keras
from kcore import layers, ops


def _np(x):
    return ops.convert_to_numpy(x)


def _mlp_reference(model, x):
    h = x
    dense = [l for l in model.layers if isinstance(l, layers.Dense)]
    for i, layer in enumerate(dense):
        w, b = layer.get_weights()
        h = h @ w + b
        if i < len(dense) - 1:
            h = np.maximum(h, 0)
    return h


def test_list_of_layers_with_input():
    model = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(4, activation="relu"), layers.Dense(2)])
    assert model.built
    assert [type(l).__name__ for l in model.layers] == ["Dense", "Dense"]  # the InputLayer is not listed
    assert model.inputs[0].shape == (None, 6) and model.outputs[0].shape == (None, 2)
    assert model.input_shape == (None, 6) and model.output_shape == (None, 2)
    assert len(model.weights) == 4 and model.count_params() == 6 * 4 + 4 + 4 * 2 + 2
    x = np.random.RandomState(0).rand(3, 6).astype("float32")
    np.testing.assert_allclose(_np(model(x)), _mlp_reference(model, x), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(model.predict(x, verbose=0)), _mlp_reference(model, x), rtol=1e-5, atol=1e-6)


def test_add_builds_incrementally_and_pop_removes():
    model = keras.Sequential(name="grow")
    model.add(keras.Input(shape=(5,)))
    assert not model.built and model.weights == []
    model.add(layers.Dense(3, name="first"))
    assert model.built and model.output_shape == (None, 3)
    model.add(layers.Dense(7, name="second"))
    assert model.output_shape == (None, 7) and [l.name for l in model.layers] == ["first", "second"]
    popped = model.pop()
    assert popped.name == "second"
    assert model.output_shape == (None, 3) and len(model.weights) == 2
    model.add(layers.Dense(1, name="third"))
    assert model.output_shape == (None, 1)
    x = np.ones((2, 5), "float32")
    w1, b1 = model.layers[0].get_weights()
    w2, b2 = model.layers[1].get_weights()
    np.testing.assert_allclose(_np(model(x)), (x @ w1 + b1) @ w2 + b2, rtol=1e-5, atol=1e-6)


def test_pop_until_empty():
    model = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(1)])
    model.pop()
    assert model.layers == [] and not model.built
    with pytest.raises(IndexError):
        model.pop()


def test_lazy_build_on_first_call():
    model = keras.Sequential([layers.Dense(4), layers.Dense(2)])
    assert not model.built and model.weights == []
    assert all(not l.built for l in model.layers)
    with pytest.raises(AttributeError, match="no defined inputs"):
        _ = model.inputs
    with pytest.raises(AttributeError, match="input shape"):
        _ = model.input_shape
    with pytest.raises(ValueError, match="isn't built"):
        model.count_params()
    y = model(np.ones((3, 5), "float32"))
    assert tuple(ops.shape(y)) == (3, 2)
    assert model.built and len(model.weights) == 4
    # As in Keras, the first batch's shape becomes the input shape ...
    assert model.inputs[0].shape == (3, 5)
    # ... yet other batch sizes still run.
    assert tuple(ops.shape(model(np.ones((7, 5), "float32")))) == (7, 2)
    with pytest.raises(ValueError, match="expected shape"):
        model(np.ones((3, 6), "float32"))


def test_weight_paths_are_scoped_like_keras():
    model = keras.Sequential([layers.Dense(4, name="a"), layers.Dense(2, name="b")], name="seq")
    model.build((None, 3))
    assert [w.path for w in model.weights] == ["seq/a/kernel", "seq/a/bias", "seq/b/kernel", "seq/b/bias"]


def test_build_with_a_shape():
    model = keras.Sequential([layers.Dense(4)])
    model.build((None, 3))
    assert model.built and model.inputs[0].shape == (None, 3) and len(model.weights) == 2
    with pytest.raises(ValueError, match="input shape is unknown"):
        keras.Sequential([layers.Dense(4)]).build()


@pytest.mark.parametrize("kwargs", [{"input_shape": (6,)}, {"input_dim": 6}, {"batch_input_shape": (None, 6)}])
def test_input_shape_argument_on_the_first_layer(kwargs):
    model = keras.Sequential([layers.Dense(4, **kwargs), layers.Dense(1)])
    assert model.built and model.inputs[0].shape == (None, 6)
    assert model.count_params() == 6 * 4 + 4 + 5


def test_input_shape_argument_with_add():
    model = keras.Sequential()
    model.add(layers.Dense(4, input_shape=(7,)))
    assert model.built and model.output_shape == (None, 4)


def test_integer_inputs():
    model = keras.Sequential([keras.Input(shape=(None,), dtype="int32"), layers.Embedding(50, 3),
                              layers.GlobalAveragePooling1D(), layers.Dense(1)])
    assert model.inputs[0].dtype == "int32"
    ids = np.array([[1, 2, 3], [4, 5, 6]])
    emb = model.layers[0].get_weights()[0]
    w, b = model.layers[2].get_weights()
    np.testing.assert_allclose(_np(model(ids)), emb[ids].mean(axis=1) @ w + b, rtol=1e-5, atol=1e-6)


def test_training_flag_reaches_dropout():
    model = keras.Sequential([keras.Input(shape=(200,)), layers.Dropout(0.5)])
    x = np.ones((4, 200), "float32")
    np.testing.assert_array_equal(_np(model(x)), x)
    dropped = _np(model(x, training=True))
    assert 0.2 < (dropped == 0).mean() < 0.8
    np.testing.assert_allclose(dropped[dropped != 0], 2.0)


def test_nested_sequential_shares_weights_and_freezes():
    inner = keras.Sequential([layers.Dense(3), layers.Dense(3)], name="inner")
    outer = keras.Sequential([keras.Input(shape=(2,)), inner, layers.Dense(1)], name="outer")
    assert len(outer.weights) == 6 and inner.built
    inner.trainable = False
    assert len(outer.trainable_weights) == 2 and len(outer.non_trainable_weights) == 4
    assert all(not l.trainable for l in inner.layers)
    x = np.ones((1, 2), "float32")
    np.testing.assert_allclose(_np(outer(x)), _np(outer.layers[1](inner(x))), rtol=1e-6)


def test_summary_of_an_unbuilt_sequential(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    out = []
    keras.Sequential([layers.Dense(4, name="d1"), layers.Dense(2, name="d2")], name="lazy").summary(print_fn=out.append)
    text = out[0]
    assert text.startswith('Model: "lazy"')
    rows = [[c.strip() for c in line.strip("│").split("│")] for line in text.splitlines() if line.startswith("│")]
    assert rows == [["d1 (Dense)", "?", "0 (unbuilt)"], ["d2 (Dense)", "?", "0 (unbuilt)"]]
    assert " Total params: 0 (0.00 B)" in text


# ------------------------------------------------------------------ configs

def test_get_config_from_config_round_trip():
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="relu", name="h"),
                              layers.Dropout(0.2), layers.Dense(1, name="out")], name="round_trip")
    config = model.get_config()
    assert config["name"] == "round_trip"
    assert [l["class_name"] for l in config["layers"]] == ["InputLayer", "Dense", "Dropout", "Dense"]
    assert config["layers"][0]["config"]["batch_shape"] == [None, 4]
    clone = keras.Sequential.from_config(config)
    assert clone.built and clone.name == "round_trip"
    assert [(type(l).__name__, l.name) for l in clone.layers] == [(type(l).__name__, l.name) for l in model.layers]
    assert clone.layers[0].activation is model.layers[0].activation or \
        clone.layers[0].get_config()["activation"] == "relu"
    clone.set_weights(model.get_weights())
    x = np.random.RandomState(2).rand(5, 4).astype("float32")
    np.testing.assert_allclose(_np(clone(x)), _np(model(x)), rtol=1e-6)
    assert clone.get_config() == config


def test_from_config_of_an_unbuilt_sequential_stays_unbuilt():
    config = keras.Sequential([layers.Dense(3), layers.Dense(1)]).get_config()
    assert "build_input_shape" not in config
    clone = keras.Sequential.from_config(config)
    assert not clone.built and len(clone.layers) == 2


def test_from_config_with_build_input_shape_only():
    model = keras.Sequential([layers.Dense(3)])
    model.build((None, 5))
    config = model.get_config()
    config["layers"] = [l for l in config["layers"] if l["class_name"] != "InputLayer"]
    clone = keras.Sequential.from_config(config)
    assert clone.built and clone.inputs[0].shape == (None, 5)


def test_keras_reads_the_config_and_kcore_reads_keras_config(keras_oracle):
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="relu", name="h"),
                              layers.Dense(2, name="out")], name="interop")
    x = np.random.RandomState(3).rand(2, 4).astype("float32")
    theirs = keras_oracle.ask("sequential", config=model.get_config(),
                              weights=[w.tolist() for w in model.get_weights()], x=x.tolist())
    assert theirs["names"] == ["h", "out"] and theirs["params"] == model.count_params()
    np.testing.assert_allclose(np.asarray(theirs["output"]), _np(model(x)), rtol=1e-5, atol=1e-6)
    ours = keras.Sequential.from_config(theirs["config"])
    assert [l.name for l in ours.layers] == ["h", "out"] and ours.inputs[0].shape == (None, 4)
    assert ours.name == "interop"


# ------------------------------------------------------------------ errors

@pytest.mark.parametrize("bad", ["dense", 5, np.ones(3), layers.Dense])
def test_non_layers_are_rejected(bad):
    with pytest.raises(ValueError, match="Only instances of `kcore.Layer`") as info:
        keras.Sequential([layers.Dense(2), bad])
    assert type(bad).__name__ in str(info.value)
    model = keras.Sequential()
    with pytest.raises(ValueError, match=type(bad).__name__):
        model.add(bad)


def test_a_tensor_that_is_not_an_input_is_rejected():
    x = layers.Dense(2)(keras.Input(shape=(3,)))
    with pytest.raises(ValueError, match="Input"):
        keras.Sequential([x])


def test_duplicate_names_are_rejected():
    with pytest.raises(ValueError, match="unique names.*'twice'"):
        keras.Sequential([layers.Dense(2, name="twice"), layers.Dense(2, name="twice")])
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2, name="d")])
    with pytest.raises(ValueError, match="'d'"):
        model.add(layers.Dense(2, name="d"))
    assert len(model.layers) == 1


def test_second_input_is_rejected():
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2)])
    with pytest.raises(ValueError, match="InputLayer"):
        model.add(keras.Input(shape=(3,)))


def test_incompatible_layer_is_not_kept():
    model = keras.Sequential([keras.Input(shape=(4, 4, 3)), layers.Flatten(name="flat")])
    with pytest.raises(ValueError) as info:
        model.add(layers.Conv2D(2, 3, name="conv"))
    message = str(info.value)
    assert "'conv'" in message and "rank 4" in message and "(None, 48)" in message
    assert [l.name for l in model.layers] == ["flat"] and model.output_shape == (None, 48)
    model.add(layers.Dense(2))
    assert model.output_shape == (None, 2)
