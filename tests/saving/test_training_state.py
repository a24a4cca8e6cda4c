"""Training state through files: resumed training, unbuilt optimizers, ``save_weights``/``load_weights``."""

from __future__ import annotations

import warnings

import h5py
import numpy as np
import pytest

import kcore
from kcore.saving import KerasFileError, WeightsMismatchError


def _data(seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((32, 4), dtype=np.float32), rng.random((32, 2), dtype=np.float32)


def _model(units=8, name=None):
    inputs = kcore.Input((4,))
    x = kcore.layers.Dense(units, activation="relu")(inputs)
    model = kcore.Model(inputs, kcore.layers.Dense(2)(x), name=name)
    model.compile(optimizer=kcore.optimizers.Adam(learning_rate=0.01), loss=kcore.losses.MeanSquaredError())
    return model


def test_resumed_training_equals_uninterrupted_training(tmp_path):
    x, y = _data()
    model = _model()
    model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    model.save(tmp_path / "mid.keras")
    history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)

    resumed = kcore.models.load_model(tmp_path / "mid.keras")
    assert int(resumed.optimizer.iterations.numpy()) == 4
    resumed_history = resumed.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    np.testing.assert_allclose(resumed_history.history["loss"], history.history["loss"], rtol=1e-5, atol=1e-7)
    for a, b in zip(resumed.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    for a, b in zip(resumed.optimizer.variables, model.optimizer.variables):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)


def test_unbuilt_optimizer_restores_counters_and_builds_fresh_slots(tmp_path):
    model = _model()
    assert not model.optimizer.built
    model.optimizer.iterations.assign(7)
    model.optimizer.learning_rate = 0.05
    model.save(tmp_path / "unbuilt.keras")
    with h5py.File(_weights_member(tmp_path / "unbuilt.keras"), "r") as f:
        assert len(f["optimizer/vars"]) == 2  # iterations and learning rate, as Keras writes it

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "skipping optimizer variables" warning
        loaded = kcore.models.load_model(tmp_path / "unbuilt.keras")
    opt = loaded.optimizer
    assert opt.built and len(opt.variables) == 2 + 2 * len(loaded.trainable_variables)
    assert int(opt.iterations.numpy()) == 7
    np.testing.assert_allclose(opt.learning_rate.numpy(), 0.05, rtol=1e-6)
    assert all(not np.any(v.numpy()) for v in opt.variables[2:])
    x, y = _data()
    loaded.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert int(opt.iterations.numpy()) == 9


def _weights_member(path):
    import io
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return io.BytesIO(zf.read("model.weights.h5"))


def test_save_and_load_weights_round_trip(tmp_path):
    x, y = _data()
    model = _model()
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    model.save_weights(tmp_path / "m.weights.h5")
    other = _model()
    other.fit(x[:8], y[:8], epochs=1, verbose=0)  # builds its optimizer
    other.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_allclose(other.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
    for a, b in zip(other.optimizer.variables, model.optimizer.variables):
        np.testing.assert_allclose(a.numpy(), b.numpy())
    with h5py.File(tmp_path / "m.weights.h5", "r") as f:
        assert f["layers/dense_1/vars"].attrs["name"] == model.layers[2].name
        assert f["vars"].attrs["name"] == model.name


def test_weights_are_matched_by_structure_not_names(tmp_path):
    model = _model(name="first")
    model.save_weights(tmp_path / "m.weights.h5")
    renamed = _model(name="second")  # every layer gets new automatic names
    renamed.load_weights(tmp_path / "m.weights.h5")
    for a, b in zip(renamed.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_shape_mismatch_names_layer_and_both_shapes(tmp_path):
    _model(units=8).save_weights(tmp_path / "m.weights.h5")
    other = _model(units=5)
    layer = other.layers[1]
    with pytest.raises(WeightsMismatchError) as info:
        other.load_weights(tmp_path / "m.weights.h5")
    message = str(info.value)
    assert f"'{layer.name}'" in message and "(4, 5)" in message and "(4, 8)" in message
    assert isinstance(info.value, KerasFileError) and isinstance(info.value, ValueError)


def test_skip_mismatch_warns_and_loads_the_rest(tmp_path):
    source = _model(units=8)
    source.save_weights(tmp_path / "m.weights.h5")
    inputs = kcore.Input((4,))
    hidden = kcore.layers.Dense(8, activation="relu")(inputs)
    target = kcore.Model(inputs, kcore.layers.Dense(3)(hidden))  # last layer differs
    before = target.layers[2].get_weights()
    with pytest.warns(UserWarning, match=target.layers[2].name):
        target.load_weights(tmp_path / "m.weights.h5", skip_mismatch=True)
    for a, b in zip(target.layers[1].get_weights(), source.layers[1].get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(target.layers[2].get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_variable_count_mismatch(tmp_path):
    _model().save_weights(tmp_path / "m.weights.h5")
    inputs = kcore.Input((4,))
    x = kcore.layers.Dense(8, activation="relu", use_bias=False)(inputs)
    target = kcore.Model(inputs, kcore.layers.Dense(2)(x))
    with pytest.raises(WeightsMismatchError, match="expects 1 variable"):
        target.load_weights(tmp_path / "m.weights.h5")


def test_save_weights_requires_the_suffix_and_a_built_model(tmp_path):
    with pytest.raises(ValueError, match=".weights.h5"):
        _model().save_weights(tmp_path / "m.h5")
    unbuilt = kcore.Sequential([kcore.layers.Dense(2)])
    with pytest.raises(ValueError, match="not been built"):
        unbuilt.save_weights(tmp_path / "u.weights.h5")


def test_subclassed_model_paths_follow_attributes_like_keras(tmp_path):
    """The layout Keras 3.15 writes for the same structure (attribute names, containers, private last)."""

    class Block(kcore.layers.Layer):
        def __init__(self, units=3, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.inner = kcore.layers.Dense(units)
            self.lst = [kcore.layers.Dense(units), kcore.layers.Dense(units)]
            self.d = {"a": kcore.layers.Dense(units)}

        def build(self, shape):
            self.w = self.add_weight(shape=(shape[-1],), name="w")
            self.inner.build(shape)
            for layer in self.lst + [self.d["a"]]:
                layer.build(tuple(shape[:-1]) + (self.units,))

        def call(self, x):
            return self.d["a"](self.lst[1](self.lst[0](self.inner(kcore.ops.multiply(x, self.w)))))

    class Sub(kcore.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.blk = Block(3)
            self.zz = kcore.layers.Dense(2)
            self.bn = kcore.layers.BatchNormalization()

        def call(self, x):
            return self.bn(self.zz(self.blk(x)))

    model = Sub()
    model(np.ones((2, 4), dtype="float32"))
    model.compile(optimizer=kcore.optimizers.SGD(), loss=kcore.losses.MeanSquaredError())
    model.fit(np.ones((2, 4), dtype="float32"), np.ones((2, 2), dtype="float32"), verbose=0)
    model.save_weights(tmp_path / "sub.weights.h5")
    found = {}
    with h5py.File(tmp_path / "sub.weights.h5", "r") as f:
        f.visititems(lambda name, obj: found.__setitem__(name, obj.shape) if isinstance(obj, h5py.Dataset) else None)
    assert found == {
        "blk/d/dense/vars/0": (3, 3), "blk/d/dense/vars/1": (3,),
        "blk/inner/vars/0": (4, 3), "blk/inner/vars/1": (3,),
        "blk/lst/dense/vars/0": (3, 3), "blk/lst/dense/vars/1": (3,),
        "blk/lst/dense_1/vars/0": (3, 3), "blk/lst/dense_1/vars/1": (3,),
        "blk/vars/0": (4,),
        "bn/vars/0": (2,), "bn/vars/1": (2,), "bn/vars/2": (2,), "bn/vars/3": (2,),
        "layers/dense/vars/0": (3, 2), "layers/dense/vars/1": (2,),
        "optimizer/vars/0": (), "optimizer/vars/1": (),
    }
    clone = Sub()
    clone(np.ones((2, 4), dtype="float32"))
    clone.load_weights(tmp_path / "sub.weights.h5")
    x = np.random.default_rng(0).random((3, 4), dtype=np.float32)
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
