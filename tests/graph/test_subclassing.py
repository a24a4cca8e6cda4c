"""Subclassed layers and models: the guide's examples, weight tracking, freezing, losses, masks, configs."""

from __future__ import annotations

import numpy as np
import pytest

import kcore as keras
from kcore import layers, ops


def _np(x):
    return np.asarray(ops.convert_to_numpy(x))


class MLP(keras.Model):
    """The guide's subclassed MLP."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense_1 = layers.Dense(64, activation="relu")
        self.dense_2 = layers.Dense(10)

    def call(self, inputs):
        x = self.dense_1(inputs)
        return self.dense_2(x)


def test_guide_mlp_has_state_after_first_call():
    keras.utils.clear_session()
    mlp = MLP()
    assert mlp.weights == [] and not mlp.built
    _ = mlp(ops.zeros((1, 32)))
    assert mlp.built and len(mlp.weights) == 4
    assert mlp.count_params() == 32 * 64 + 64 + 64 * 10 + 10
    assert [l.name for l in mlp.layers] == ["dense", "dense_1"]
    assert [w.path for w in mlp.weights] == ["mlp/dense/kernel", "mlp/dense/bias", "mlp/dense_1/kernel", "mlp/dense_1/bias"]
    x = np.random.RandomState(0).rand(3, 32).astype("float32")
    w1, b1, w2, b2 = mlp.get_weights()
    np.testing.assert_allclose(_np(mlp(x)), np.maximum(x @ w1 + b1, 0) @ w2 + b2, rtol=1e-5, atol=1e-5)


def test_subclassed_model_build_with_a_shape():
    mlp = MLP()
    mlp.build((None, 8))
    assert mlp.built and [tuple(w.shape) for w in mlp.weights] == [(8, 64), (64,), (64, 10), (10,)]


def test_subclassed_model_trains():
    mlp = MLP()
    mlp.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    x = np.random.RandomState(1).rand(16, 4).astype("float32")
    y = np.zeros((16, 10), "float32")
    first = mlp.evaluate(x, y, verbose=0)
    mlp.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert mlp.evaluate(x, y, verbose=0) < first


# ------------------------------------------------------------- mix-and-match

UNITS, TIMESTEPS, INPUT_DIM = 32, 10, 5


def _rnn_step_loop(layer, inputs):
    outputs = []
    state = ops.zeros(shape=(inputs.shape[0], layer.units))
    for t in range(inputs.shape[1]):
        x = inputs[:, t, :]
        h = layer.projection_1(x)
        y = h + layer.projection_2(state)
        state = y
        outputs.append(y)
    return ops.stack(outputs, axis=1)


def _numpy_rnn(layer, inputs):
    w1, b1 = layer.projection_1.get_weights()
    w2, b2 = layer.projection_2.get_weights()
    state = np.zeros((inputs.shape[0], layer.units), "float32")
    outs = []
    for t in range(inputs.shape[1]):
        state = np.tanh(inputs[:, t, :] @ w1 + b1) + np.tanh(state @ w2 + b2)
        outs.append(state)
    return np.stack(outs, axis=1)


def test_guide_custom_rnn_with_a_functional_model_inside(capsys):
    inputs = keras.Input((None, UNITS))
    x = layers.GlobalAveragePooling1D()(inputs)
    outputs = layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)

    class CustomRNN(layers.Layer):
        def __init__(self):
            super().__init__()
            self.units = UNITS
            self.projection_1 = layers.Dense(units=UNITS, activation="tanh")
            self.projection_2 = layers.Dense(units=UNITS, activation="tanh")
            # Our previously-defined Functional model
            self.classifier = model

        def call(self, inputs):
            features = _rnn_step_loop(self, inputs)
            print(features.shape)
            return self.classifier(features)

    rnn_model = CustomRNN()
    capsys.readouterr()
    out = rnn_model(ops.zeros((1, TIMESTEPS, INPUT_DIM)))
    # As in the guide: once while the layer builds its state symbolically, once for the real call
    # (printed as the backend prints a tensor's shape: `torch.Size([1, 10, 32])` on torch, as Keras does).
    eager_shape = str(ops.zeros((1, 10, 32)).shape)
    assert capsys.readouterr().out == f"(1, 10, 32)\n{eager_shape}\n"
    assert tuple(ops.shape(out)) == (1, 1)
    assert rnn_model.classifier is model and model in rnn_model._layers
    assert len(rnn_model.weights) == 6
    data = np.random.RandomState(2).rand(2, TIMESTEPS, INPUT_DIM).astype("float32")
    got = _np(rnn_model(data))
    capsys.readouterr()
    wd, bd = model.layers[-1].get_weights()
    expected = _numpy_rnn(rnn_model, data).mean(axis=1) @ wd + bd
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


class CustomRNN(layers.Layer):
    """The guide's CustomRNN used inside a functional model."""

    def __init__(self):
        super().__init__()
        self.units = UNITS
        self.projection_1 = layers.Dense(units=UNITS, activation="tanh")
        self.projection_2 = layers.Dense(units=UNITS, activation="tanh")
        self.classifier = layers.Dense(1)

    def call(self, inputs):
        return self.classifier(_rnn_step_loop(self, inputs))


def test_guide_custom_rnn_in_a_functional_model():
    inputs = keras.Input(batch_shape=(16, TIMESTEPS, INPUT_DIM))
    x = layers.Conv1D(32, 3)(inputs)
    rnn = CustomRNN()
    outputs = rnn(x)
    model = keras.Model(inputs, outputs)
    # Keras gives (16, 8, 1): the classifier is applied to every timestep of the stacked features.
    assert outputs.shape == (16, 8, 1)
    assert model.count_params() == (3 * 5 * 32 + 32) + (32 * 32 + 32) * 2 + 33
    data = np.random.RandomState(3).rand(16, TIMESTEPS, INPUT_DIM).astype("float32")
    got = _np(model(data))
    kernel, bias = model.layers[1].get_weights()
    conv = np.stack([sum(data[:, t + k, :] @ kernel[k] for k in range(3)) + bias for t in range(8)], axis=1)
    wc, bc = rnn.classifier.get_weights()
    np.testing.assert_allclose(got, _numpy_rnn(rnn, conv) @ wc + bc, rtol=1e-4, atol=1e-4)
    # The layer also runs on its own.
    assert tuple(ops.shape(CustomRNN()(ops.zeros((1, 10, 5))))) == (1, 10, 1)


# ------------------------------------------------------------------ weights

class CustomDense(layers.Layer):
    """The guide's basic Dense, with a get_config for serialization."""

    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        return {"units": self.units}


def test_custom_layer_with_add_weight():
    layer = CustomDense(10)
    assert not layer.built and layer.weights == []
    inputs = keras.Input((4,))
    outputs = layer(inputs)
    assert outputs.shape == (None, 10) and layer.built
    assert [tuple(w.shape) for w in layer.weights] == [(4, 10), (10,)]
    assert len({w.name for w in layer.weights}) == 2  # unnamed weights get unique names
    assert all(w.trainable for w in layer.weights)
    values = layer.get_weights()[0]
    assert 0.01 < values.std() < 0.2  # random_normal(stddev=0.05)
    x = np.ones((2, 4), "float32")
    np.testing.assert_allclose(_np(layer(x)), x @ layer.get_weights()[0] + layer.get_weights()[1], rtol=1e-6)


def test_add_weight_options():
    class Holder(layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(), initializer="ones", name="scale")
            self.count = self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False, name="count")
            self.vec = self.add_weight(shape=(input_shape[-1],), initializer=keras.initializers.Constant(3.0),
                                       regularizer="l2", constraint="non_neg", name="vec")

        def call(self, x):
            return x * self.scale * self.vec

    holder = Holder(name="holder")
    holder(np.ones((1, 3), "float32"))
    assert [w.name for w in holder.trainable_weights] == ["scale", "vec"]
    assert [w.name for w in holder.non_trainable_weights] == ["count"]
    assert holder.count.dtype == "int32"
    assert [w.path for w in holder.weights] == ["holder/scale", "holder/vec", "holder/count"]
    np.testing.assert_allclose(_np(holder.vec), [3.0, 3.0, 3.0])
    # The l2 regularizer (default factor 0.01) shows up in losses.
    np.testing.assert_allclose([float(_np(l)) for l in holder.losses], [0.01 * 27.0], rtol=1e-6)
    with pytest.raises(ValueError, match="holder"):
        holder.add_weight(shape=(None, 2), name="bad")


def test_model_config_round_trip_with_custom_objects():
    inputs = keras.Input((4,))
    outputs = CustomDense(10)(inputs)
    model = keras.Model(inputs, outputs)
    config = model.get_config()
    new_model = keras.Model.from_config(config, custom_objects={"CustomDense": CustomDense})
    assert [type(l).__name__ for l in new_model.layers] == ["InputLayer", "CustomDense"]
    assert new_model.layers[1].units == 10 and new_model.count_params() == 50
    new_model.set_weights(model.get_weights())
    x = np.random.RandomState(4).rand(3, 4).astype("float32")
    np.testing.assert_allclose(_np(new_model(x)), _np(model(x)), rtol=1e-6)
    with pytest.raises(Exception, match="CustomDense"):
        keras.Model.from_config(config)


def test_default_get_config_captures_constructor_arguments():
    class Scale(layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

    config = Scale(3.0, name="sc").get_config()
    assert config["factor"] == 3.0 and config["name"] == "sc" and config["trainable"] is True
    clone = Scale.from_config(config)
    assert clone.factor == 3.0 and clone.name == "sc"
    inputs = keras.Input((2,))
    model = keras.Model(inputs, Scale(4.0)(inputs))
    rebuilt = keras.Model.from_config(model.get_config(), custom_objects={"Scale": Scale})
    assert rebuilt.layers[1].factor == 4.0
    np.testing.assert_allclose(_np(rebuilt(np.ones((1, 2), "float32"))), [[4.0, 4.0]])


class Block(layers.Layer):
    """Sublayers in attributes, a list, a dict and a nested model."""

    def __init__(self):
        super().__init__()
        self.first = layers.Dense(4, name="first")
        self.stack = [layers.Dense(3, name="in_list_0"), layers.Dense(3, name="in_list_1")]
        self.heads = {"out": layers.Dense(1, name="in_dict")}
        self.norm = layers.BatchNormalization(name="norm")
        self.sub = keras.Sequential([layers.Dense(2, name="nested")], name="sub")

    def call(self, x, training=None):
        x = self.norm(self.first(x), training=training)
        for layer in self.stack:
            x = layer(x)
        return self.sub(x) + self.heads["out"](x)


def test_layers_tracked_as_attributes_own_their_weights():
    block = Block()
    assert [l.name for l in block._layers] == ["first", "in_list_0", "in_list_1", "in_dict", "norm", "sub"]
    block(np.ones((2, 5), "float32"))
    names = [w.path.split("/", 1)[1] for w in block.weights]
    assert names == ["first/kernel", "first/bias", "in_list_0/kernel", "in_list_0/bias", "in_list_1/kernel",
                     "in_list_1/bias", "in_dict/kernel", "in_dict/bias", "norm/gamma", "norm/beta",
                     "norm/moving_mean", "norm/moving_variance", "sub/nested/kernel", "sub/nested/bias"]
    assert len(block.trainable_weights) == 12 and len(block.non_trainable_weights) == 2


def test_trainable_false_propagates():
    block = Block()
    block(np.ones((2, 5), "float32"))
    block.trainable = False
    assert block.trainable_weights == [] and len(block.non_trainable_weights) == 14
    assert all(not l.trainable for l in block._flatten_layers())
    block.trainable = True
    assert len(block.trainable_weights) == 12
    block.stack[0].trainable = False
    assert len(block.trainable_weights) == 10
    # Frozen at construction.
    frozen = layers.Dense(2, trainable=False)
    frozen(np.ones((1, 3), "float32"))
    assert frozen.trainable_weights == [] and len(frozen.non_trainable_weights) == 2


def test_frozen_layer_in_a_model_is_not_trained():
    inputs = keras.Input((3,))
    frozen = layers.Dense(2, name="frozen")
    model = keras.Model(inputs, layers.Dense(1)(frozen(inputs)))
    frozen.trainable = False
    before = frozen.get_weights()
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    model.fit(np.ones((8, 3), "float32"), np.ones((8, 1), "float32"), epochs=1, verbose=0)
    for a, b in zip(before, frozen.get_weights()):
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------ losses

class ActivityLoss(layers.Layer):
    def call(self, x):
        self.add_loss(0.5 * ops.sum(x))
        return x


def test_add_loss_in_eager_calls_is_reset_per_call():
    layer = ActivityLoss()
    layer(np.ones((2, 2), "float32"))
    layer(np.ones((2, 2), "float32"))
    assert [float(_np(l)) for l in layer.losses] == [2.0]


def test_losses_of_a_functional_model():
    inputs = keras.Input((2,))
    dense = layers.Dense(2, kernel_regularizer=keras.regularizers.L2(0.1), kernel_initializer="ones",
                         activity_regularizer=keras.regularizers.L1(0.01))
    model = keras.Model(inputs, ActivityLoss()(dense(inputs)))
    # Nothing is recorded while the graph is built symbolically: only the weight regularizer.
    assert len(model.losses) == 1
    np.testing.assert_allclose(float(_np(model.losses[0])), 0.1 * 4, rtol=1e-6)
    model(np.ones((1, 2), "float32"))
    values = sorted(float(_np(l)) for l in model.losses)
    # activity L1 0.01 * |[2, 2]|, add_loss 0.5 * 4, kernel L2 0.1 * 4
    np.testing.assert_allclose(values, [0.04, 0.4, 2.0], rtol=1e-5)
    model(np.ones((1, 2), "float32"))
    assert len(model.losses) == 3


def test_add_loss_is_part_of_the_training_loss():
    inputs = keras.Input((2,))
    model = keras.Model(inputs, ActivityLoss()(layers.Dense(1, kernel_initializer="zeros")(inputs)))
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    x, y = np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")
    # Zero kernel and bias: mse 0, the added loss 0.5 * sum(0) = 0; with a bias of 1 it is 0.5 * 4.
    assert model.evaluate(x, y, verbose=0) == pytest.approx(0.0, abs=1e-6)
    model.layers[1].set_weights([np.zeros((2, 1), "float32"), np.ones((1,), "float32")])
    assert model.evaluate(x, y, verbose=0) == pytest.approx(1.0 + 2.0, rel=1e-5)


# ------------------------------------------------------------------ masks

class MaskedMean(layers.Layer):
    """Mean over the unmasked timesteps; records the mask it received."""

    def call(self, inputs, mask=None):
        self.seen = mask
        m = ops.cast(mask, inputs.dtype)[..., None]
        return ops.sum(inputs * m, axis=1) / ops.maximum(ops.sum(m, axis=1), 1.0)


def _masked_mean_reference(embedding, ids):
    table = embedding.get_weights()[0]
    return np.stack([table[row[row != 0]].mean(axis=0) for row in ids])


IDS = np.array([[1, 2, 0, 0], [3, 0, 0, 0], [4, 5, 6, 7]])


def test_mask_reaches_a_custom_layer_in_a_functional_model():
    inputs = keras.Input((None,), dtype="int32")
    embedding = layers.Embedding(10, 3, mask_zero=True)
    reader = MaskedMean()
    model = keras.Model(inputs, reader(embedding(inputs)))
    out = _np(model(IDS))
    np.testing.assert_array_equal(_np(reader.seen), IDS != 0)
    np.testing.assert_allclose(out, _masked_mean_reference(embedding, IDS), rtol=1e-5, atol=1e-6)


def test_mask_passes_between_eager_calls():
    embedding = layers.Embedding(10, 3, mask_zero=True)
    reader = MaskedMean()
    out = _np(reader(embedding(IDS)))
    np.testing.assert_array_equal(_np(reader.seen), IDS != 0)
    np.testing.assert_allclose(out, _masked_mean_reference(embedding, IDS), rtol=1e-5, atol=1e-6)
    # An explicit mask wins.
    explicit = np.ones_like(IDS, dtype=bool)
    reader(embedding(IDS), mask=explicit)
    np.testing.assert_array_equal(_np(reader.seen), explicit)


def test_masked_lstm_in_a_subclassed_model_matches_the_functional_model():
    class Encoder(keras.Model):
        def __init__(self):
            super().__init__()
            self.embedding = layers.Embedding(10, 4, mask_zero=True)
            self.lstm = layers.LSTM(3)

        def call(self, ids):
            return self.lstm(self.embedding(ids))

    sub = Encoder()
    sub_out = _np(sub(IDS))
    inputs = keras.Input((None,), dtype="int32")
    functional = keras.Model(inputs, layers.LSTM(3)(layers.Embedding(10, 4, mask_zero=True)(inputs)))
    functional.set_weights(sub.get_weights())
    np.testing.assert_allclose(sub_out, _np(functional(IDS)), rtol=1e-5, atol=1e-6)
    # Padding changes nothing: the last state is the one after the last real token.
    np.testing.assert_allclose(sub_out[1], _np(sub(IDS[1:2, :1]))[0], rtol=1e-5, atol=1e-6)


def test_training_flag_reaches_layers_of_a_subclassed_model():
    seen = []

    class Probe(layers.Layer):
        def call(self, x, training=None):
            seen.append(training)
            return x

    class Wrapper(keras.Model):
        def __init__(self):
            super().__init__()
            self.probe = Probe()
            self.dropout = layers.Dropout(0.99)

        def call(self, x):
            return self.dropout(self.probe(x))

    model = Wrapper()
    x = np.ones((2, 50), "float32")
    seen.clear()
    np.testing.assert_array_equal(_np(model(x)), x)
    assert seen[-1] is None
    dropped = _np(model(x, training=True))
    assert seen[-1] is True and (dropped == 0).mean() > 0.5
