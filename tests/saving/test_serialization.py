"""Configs: the Keras schema, registration, custom object scopes, JSON, clone_model, safe mode."""

from __future__ import annotations

import json

import numpy as np
import pytest

import kcore
from kcore import saving
from kcore.saving import ConfigError, KerasFileError, UnsafeDeserializationError


@saving.register_keras_serializable(package="TestPkg")
class Doubler(kcore.layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return kcore.ops.multiply(x, self.factor)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@saving.register_keras_serializable(package="TestPkg", name="halve")
def halve(x):
    return kcore.ops.multiply(x, 0.5)


class Unregistered(kcore.layers.Layer):
    def call(self, x):
        return x


def _functional():
    inputs = kcore.Input((3,), name="x")
    hidden = kcore.layers.Dense(4, activation="relu", name="hidden")(inputs)
    return kcore.Model(inputs, Doubler(3.0, name="double")(hidden), name="net")


def test_builtin_objects_use_keras_module_paths():
    from kcore.saving import serialize_keras_object as ser

    dense = ser(kcore.layers.Dense(2, name="d"))
    assert (dense["module"], dense["class_name"], dense["registered_name"]) == ("keras.layers", "Dense", None)
    assert dense["config"]["dtype"] == {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
                                        "registered_name": None}
    assert dense["config"]["kernel_initializer"]["module"] == "keras.initializers"
    assert ser(kcore.optimizers.Adam())["module"] == "keras.optimizers"
    assert ser(kcore.losses.MeanSquaredError())["module"] == "keras.losses"
    model = ser(_functional())
    assert (model["module"], model["class_name"], model["registered_name"]) == (
        "keras.src.models.functional", "Functional", "Functional")
    seq = ser(kcore.Sequential([kcore.Input((2,)), kcore.layers.Dense(1)]))
    assert (seq["module"], seq["class_name"], seq["registered_name"]) == ("keras", "Sequential", None)
    assert ser(kcore.activations.relu) == {"module": "builtins", "class_name": "function", "config": "relu",
                                           "registered_name": "function"}
    assert ser(np.arange(3)) == {"class_name": "__numpy__", "config": {"value": [0, 1, 2], "dtype": "int64"}}


def test_registration_names_and_lookup():
    assert saving.get_registered_name(Doubler) == "TestPkg>Doubler"
    assert saving.get_registered_name(halve) == "TestPkg>halve"
    assert saving.get_registered_object("TestPkg>Doubler") is Doubler
    assert saving.get_registered_name(Unregistered) == "Unregistered"
    assert saving.get_registered_object("Unregistered") is None
    config = saving.serialize_keras_object(Doubler(name="dd"))
    assert config["registered_name"] == "TestPkg>Doubler" and config["module"] == __name__
    assert saving.serialize_keras_object(halve)["config"] == "TestPkg>halve"
    assert saving.deserialize_keras_object(saving.serialize_keras_object(halve)) is halve
    with pytest.raises(ValueError, match=">"):
        saving.register_keras_serializable(package="a>b")


def test_model_from_config_and_json_round_trip():
    model = _functional()
    x = np.random.default_rng(0).random((2, 3), dtype=np.float32)
    clone = kcore.Model.from_config(model.get_config())
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]
    assert isinstance(clone.layers[-1], Doubler) and clone.layers[-1].factor == 3.0
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
    text = model.to_json()
    assert json.loads(text)["class_name"] == "Functional"
    rebuilt = kcore.models.model_from_json(text)
    assert rebuilt.get_config() == model.get_config()


def test_custom_objects_and_scopes():
    inputs = kcore.Input((3,))
    model = kcore.Model(inputs, Unregistered(name="u")(inputs))
    config = model.get_config()
    with pytest.raises(UnsafeDeserializationError, match="safe_mode=False"):
        kcore.Model.from_config(config)
    restored = kcore.Model.from_config(config, custom_objects={"Unregistered": Unregistered})
    assert isinstance(restored.layers[1], Unregistered)
    with saving.custom_object_scope({"Unregistered": Unregistered}):
        assert isinstance(kcore.models.model_from_json(model.to_json()).layers[1], Unregistered)
    with saving.CustomObjectScope({"Unregistered": Unregistered}):
        assert isinstance(saving.deserialize_keras_object(saving.serialize_keras_object(Unregistered())), Unregistered)


def test_unknown_class_and_malformed_configs():
    with pytest.raises(ConfigError, match="NoSuchLayer"):
        saving.deserialize_keras_object({"module": "keras.layers", "class_name": "NoSuchLayer", "config": {}})
    with pytest.raises(ConfigError):
        saving.deserialize_keras_object({"module": "keras.layers", "class_name": "Dense", "config": [1, 2]})
    with pytest.raises(ConfigError, match="units"):
        saving.deserialize_keras_object({"module": "keras.layers", "class_name": "Dense", "config": {"units": "x"}})
    with pytest.raises(KerasFileError):
        kcore.models.model_from_json("[1, 2")


def test_modules_outside_kcore_are_refused_in_safe_mode():
    config = {"module": "os", "class_name": "system", "config": {}, "registered_name": None}
    with pytest.raises(UnsafeDeserializationError) as info:
        saving.deserialize_keras_object(config)
    assert "safe_mode=False" in str(info.value) and "'os'" in str(info.value)
    fn = {"module": "subprocess", "class_name": "function", "config": "getoutput", "registered_name": None}
    with pytest.raises(UnsafeDeserializationError):
        saving.deserialize_keras_object(fn)
    assert isinstance(saving.deserialize_keras_object(
        {"module": __name__, "class_name": "Unregistered", "config": {"name": "u2"}, "registered_name": "Unregistered"},
        safe_mode=False), Unregistered)


def test_lambda_layers_need_safe_mode_off(tmp_path):
    inputs = kcore.Input((3,))
    model = kcore.Model(inputs, kcore.layers.Lambda(lambda t: t * 2.0 + 1.0)(inputs))
    model.save(tmp_path / "lambda.keras")
    with pytest.raises(UnsafeDeserializationError, match="safe_mode=False"):
        kcore.models.load_model(tmp_path / "lambda.keras")
    loaded = kcore.models.load_model(tmp_path / "lambda.keras", safe_mode=False)
    x = np.ones((2, 3), dtype=np.float32)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), 3.0 * x)
    with pytest.raises(UnsafeDeserializationError):
        saving.serialization.deserialize_function(model.layers[1].get_config()["function"])


def test_clone_model_has_same_architecture_and_fresh_weights():
    model = _functional()
    clone = kcore.models.clone_model(model)
    assert clone is not model and [type(l) for l in clone.layers] == [type(l) for l in model.layers]
    assert all(a is not b for a, b in zip(clone.weights, model.weights))
    assert not np.allclose(clone.layers[1].get_weights()[0], model.layers[1].get_weights()[0])
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(1).random((2, 3), dtype=np.float32)
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)

    seq = kcore.Sequential([kcore.Input((3,)), kcore.layers.Dense(2)])
    seq_clone = kcore.models.clone_model(seq)
    assert isinstance(seq_clone, kcore.Sequential) and seq_clone.layers[0] is not seq.layers[0]
    assert seq_clone.layers[0].get_weights()[0].shape == (3, 2)

    new_input = kcore.Input((3,), name="new_input")
    renamed = kcore.models.clone_model(model, input_tensors=new_input,
                                       clone_function=lambda layer: type(layer).from_config(
                                           {**layer.get_config(), "name": layer.name + "_c"}))
    assert renamed.inputs[0] is new_input
    assert [l.name for l in renamed.layers[1:]] == [l.name + "_c" for l in model.layers[1:]]


def test_legacy_list_form_of_inbound_nodes():
    model = _functional()
    config = model.get_config()
    for layer in config["layers"]:
        layer["inbound_nodes"] = [
            [list(arg["config"]["keras_history"]) + [node["kwargs"]] for arg in node["args"]]
            for node in layer["inbound_nodes"]
        ]
    assert config["layers"][1]["inbound_nodes"] == [[["x", 0, 0, {}]]]
    rebuilt = kcore.Model.from_config(config)
    rebuilt.set_weights(model.get_weights())
    x = np.random.default_rng(2).random((2, 3), dtype=np.float32)
    np.testing.assert_allclose(rebuilt.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_graph_level_ops_are_written_as_keras_operations():
    a = kcore.Input((4,))
    y = kcore.ops.mean(kcore.ops.add(a, a), axis=1, keepdims=True)
    config = kcore.Model(a, y).get_config()
    mean = next(l for l in config["layers"] if l["class_name"] == "Mean")
    assert mean["module"] == "keras.src.ops.numpy" and mean["config"]["axis"] == 1 and mean["config"]["keepdims"]
    assert [type(arg) for arg in mean["inbound_nodes"][0]["args"]] == [dict]  # the tensor only
    rebuilt = kcore.Model.from_config(config)
    x = np.arange(8, dtype=np.float32).reshape(2, 4)
    np.testing.assert_allclose(rebuilt.predict(x, verbose=0), (2 * x).mean(axis=1, keepdims=True), rtol=1e-6)
