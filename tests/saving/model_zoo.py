"""Models built the same way with ``keras`` or ``kcore`` (passed as ``K``): the saving interop cases.

Imported by the tests (with kcore) and by ``keras_oracle.py`` (with keras, in a subprocess).
"""

from __future__ import annotations

import numpy as np

_CUSTOM_CLASSES: dict[int, type] = {}


def scale_dense_class(K):
    """A registered custom layer ("Custom>ScaleDense") with its own weight and a sublayer attribute."""
    cls = _CUSTOM_CLASSES.get(id(K))
    if cls is not None:
        return cls

    @K.saving.register_keras_serializable(package="Custom")
    class ScaleDense(K.layers.Layer):
        def __init__(self, units=3, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.proj = K.layers.Dense(units)

        def build(self, input_shape):
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="random_normal", name="scale")
            self.proj.build(input_shape)
            self.built = True

        def call(self, x):
            return self.proj(K.ops.multiply(x, self.scale))

        def compute_output_shape(self, input_shape):
            return tuple(input_shape[:-1]) + (self.units,)

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    _CUSTOM_CLASSES[id(K)] = ScaleDense
    return ScaleDense


def functional_multi_io(K):
    a = K.Input((4,), name="a")
    b = K.Input((3,), dtype="int32", name="b")
    x = K.layers.Dense(5, activation="relu")(a)
    e = K.layers.Embedding(10, 2)(b)
    f = K.layers.Flatten()(e)
    c = K.layers.concatenate([x, f])
    c = K.layers.Dropout(0.1)(c)
    o1 = K.layers.Dense(2, name="out1")(c)
    o2 = K.layers.Dense(1, activation="sigmoid", name="out2")(c)
    return K.Model([a, b], [o1, o2], name="multi_io")


def sequential(K):
    return K.Sequential([K.Input((4,)), K.layers.Dense(8, activation="relu"), K.layers.BatchNormalization(),
                         K.layers.Dropout(0.2), K.layers.Dense(3, activation="softmax")], name="seq")


def custom_layer(K):
    inp = K.Input((4,))
    x = scale_dense_class(K)(3, name="scale_dense")(inp)
    return K.Model(inp, K.layers.Dense(2)(x), name="custom")


def nested(K):
    inner = K.Sequential([K.layers.Dense(3, activation="tanh")], name="inner")
    i = K.Input((5,))
    sub = K.Model(i, K.layers.Dense(2)(inner(i)), name="subf")
    j = K.Input((5,))
    return K.Model(j, K.layers.Dense(1)(sub(j)), name="outer")


def rnn(K):
    i = K.Input((5, 3))
    x = K.layers.LSTM(4, return_sequences=True)(i)
    return K.Model(i, K.layers.Bidirectional(K.layers.GRU(2))(x), name="rnn")


def ops_graph(K):
    i = K.Input((4,))
    j = K.Input((4,))
    y = K.ops.add(K.ops.relu(i), j)
    z = K.ops.mean(y, axis=1, keepdims=True)
    w = y[:, 1:3] * y[:, ::3][:, :1]  # GetItem nodes: the key is stored among the node's arguments
    return K.Model([i, j], K.layers.Dense(2)(K.ops.concatenate([y, z, w], axis=-1)), name="ops")


def trained(K):
    i = K.Input((4,))
    x = K.layers.Dense(8, activation="relu")(i)
    model = K.Model(i, K.layers.Dense(2)(x), name="trained")
    model.compile(optimizer=K.optimizers.Adam(learning_rate=0.01), loss=K.losses.MeanSquaredError())
    return model


def inputs_for(name: str, seed: int = 0):
    rng = np.random.default_rng(seed)
    if name == "functional_multi_io":
        return [rng.random((6, 4), dtype=np.float32), rng.integers(0, 10, (6, 3)).astype("int32")]
    if name == "nested":
        return rng.random((6, 5), dtype=np.float32)
    if name == "rnn":
        return rng.random((6, 5, 3), dtype=np.float32)
    if name == "ops_graph":
        return [rng.random((6, 4), dtype=np.float32), rng.random((6, 4), dtype=np.float32)]
    return rng.random((6, 4), dtype=np.float32)


def training_data(seed: int = 1):
    rng = np.random.default_rng(seed)
    return rng.random((16, 4), dtype=np.float32), rng.random((16, 2), dtype=np.float32)


BUILDERS = {
    "functional_multi_io": functional_multi_io,
    "sequential": sequential,
    "custom_layer": custom_layer,
    "nested": nested,
    "rnn": rnn,
    "ops_graph": ops_graph,
    "trained": trained,
}


def build(K, name: str):
    """Build model ``name``; stateful models (BatchNormalization, optimizer) get a little training first."""
    model = BUILDERS[name](K)
    if name == "sequential":
        x = inputs_for(name, seed=3)
        model.compile(optimizer=K.optimizers.SGD(learning_rate=0.1), loss=K.losses.CategoricalCrossentropy())
        model.fit(x, np.eye(3, dtype="float32")[[0, 1, 2, 0, 1, 2]], epochs=2, batch_size=3, shuffle=False, verbose=0)
    if name == "trained":
        x, y = training_data()
        model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    return model


def flat_outputs(outputs) -> list:
    if isinstance(outputs, dict):
        return [np.asarray(outputs[k]) for k in sorted(outputs)]
    if isinstance(outputs, (list, tuple)):
        return [np.asarray(o) for o in outputs]
    return [np.asarray(outputs)]
