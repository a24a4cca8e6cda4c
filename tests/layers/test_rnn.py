"""Recurrent layers against the Keras 3 oracle: same weights give the same outputs, configs match,
symbolic shapes handle an unknown time dimension, and gradients flow through the loop."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kcore  # noqa: E402
from kcore import layers, ops  # noqa: E402
from kcore.graph import nest  # noqa: E402
from kcore.variables import StatelessScope  # noqa: E402

from keras_workarounds import call_channels_first, keras_cannot_run_channels_first  # noqa: E402

ATOL = 1e-5
RNG = np.random.default_rng(1234)
X = RNG.normal(size=(3, 6, 5)).astype("float32")
IDS = RNG.integers(1, 10, size=(3, 7))
IDS[0, 4:] = 0  # right padding
IDS[1, :2] = 0  # left padding
IDS[2, 3] = 0  # a hole in the middle


def to_np(x):
    if isinstance(x, np.ndarray):
        return x
    try:
        return np.asarray(ops.convert_to_numpy(x))
    except Exception:
        return np.asarray(keras.ops.convert_to_numpy(x))


def leaves(x) -> list:
    if isinstance(x, (list, tuple)):
        return [leaf for e in x for leaf in leaves(e)]
    return [x]


def shape_leaves(shapes) -> list:
    """The shape tuples in a (nested) structure of shapes."""
    if isinstance(shapes, (list, tuple)) and all(d is None or isinstance(d, int) for d in shapes):
        return [tuple(shapes)]
    return [leaf for s in shapes for leaf in shape_leaves(s)]


def assert_same(kc_out, ke_out, atol=ATOL):
    a, b = leaves(kc_out), leaves(ke_out)
    assert len(a) == len(b), f"kcore returned {len(a)} tensors, keras {len(b)}"
    for p, q in zip(a, b):
        p, q = to_np(p), keras.ops.convert_to_numpy(q)
        assert p.shape == q.shape, (p.shape, q.shape)
        np.testing.assert_allclose(p, q, atol=atol, rtol=0)


def copy_weights(kc_layer, ke_layer):
    kc_layer.set_weights([keras.ops.convert_to_numpy(w.value) for w in ke_layer.weights])


def build_symbolically(kc_layer, x, **call_kwargs):
    """Build ``kc_layer`` for ``x`` without running it (one call fewer on eager jax, where a scan compiles)."""
    sym_kwargs = {k: (kcore.Input(batch_shape=np.shape(v)) if k == "initial_state" and not isinstance(v, list)
                      else [kcore.Input(batch_shape=np.shape(e)) for e in v] if k == "initial_state" else v)
                  for k, v in call_kwargs.items() if k != "mask"}
    kc_layer(kcore.Input(batch_shape=np.shape(x)), **sym_kwargs)


def run_pair(kc_layer, ke_layer, x, **call_kwargs):
    expected = ke_layer(x, **call_kwargs)
    build_symbolically(kc_layer, x, **call_kwargs)
    copy_weights(kc_layer, ke_layer)
    return kc_layer(x, **call_kwargs), expected


def oracle(name, *args, **kwargs):
    """A Keras layer run unrolled: the same math as its scan, but eager jax need not compile a loop per call."""
    return getattr(keras.layers, name)(*args, unroll=True, **kwargs)


# ------------------------------------------------------------------ numerics
LAYER_CASES = [
    ("SimpleRNN", {}),
    ("SimpleRNN", {"activation": "relu", "use_bias": False, "return_sequences": True, "go_backwards": True}),
    ("LSTM", {"return_state": True}),
    ("LSTM", {"activation": "relu", "recurrent_activation": "hard_sigmoid", "unit_forget_bias": False,
              "return_sequences": True}),
    ("LSTM", {"go_backwards": True, "return_sequences": True, "return_state": True}),
    ("GRU", {"return_sequences": True}),
    ("GRU", {"reset_after": False, "return_state": True, "go_backwards": True}),
    ("GRU", {"use_bias": False}),
]


@pytest.mark.parametrize("name,kwargs", LAYER_CASES)
def test_layer_matches_keras(name, kwargs):
    out, expected = run_pair(getattr(layers, name)(4, **kwargs), oracle(name, 4, **kwargs), X)
    assert_same(out, expected)
    if kwargs.get("return_state"):
        assert isinstance(out, tuple) and len(out) == (3 if name == "LSTM" else 2)


def test_default_lstm_matches_keras_scan():
    out, expected = run_pair(layers.LSTM(4, return_sequences=True), keras.layers.LSTM(4, return_sequences=True), X)
    assert_same(out, expected)


def _masked_pair(kc_rnn, ke_rnn, ids):
    """kcore: a functional Embedding(mask_zero) -> RNN model (the mask travels with the tensors);
    keras: the same layers called eagerly with the mask passed explicitly."""
    ke_emb = keras.layers.Embedding(10, 5, mask_zero=True)
    expected = ke_rnn(ke_emb(ids), mask=ke_emb.compute_mask(ids))
    ci = kcore.Input((None,), dtype="int32")
    kc_model = kcore.Model(ci, kc_rnn(layers.Embedding(10, 5, mask_zero=True)(ci)))
    kc_model.set_weights([keras.ops.convert_to_numpy(w.value) for w in ke_emb.weights + ke_rnn.weights])
    return kc_model(ids), expected


@pytest.mark.parametrize("name,flags", [
    ("SimpleRNN", {"go_backwards": True, "return_sequences": True}),
    ("LSTM", {"return_state": True}),
    ("GRU", {"return_sequences": True, "go_backwards": True, "return_state": True}),
])
def test_embedding_mask_matches_keras(name, flags):
    # Keras' torch backend fails on an unrolled, masked go_backwards loop: use its scan there.
    ke_rnn = (getattr(keras.layers, name)(4, **flags) if keras.backend.backend() == "torch"
              else oracle(name, 4, **flags))
    out, expected = _masked_pair(getattr(layers, name)(4, **flags), ke_rnn, IDS)
    assert_same(out, expected)


@pytest.mark.parametrize("zero", [False, True])
def test_masking_layer_and_zero_output_for_mask(zero):
    x = X.copy()
    x[0, 3:] = 0.0
    x[2, 1] = 0.0
    ke_masking = keras.layers.Masking()
    ke = keras.layers.RNN(keras.layers.LSTMCell(3), return_sequences=True, zero_output_for_mask=zero)
    expected = ke(ke_masking(x), mask=ke_masking.compute_mask(x))
    ci = kcore.Input((6, 5))
    kc = layers.RNN(layers.LSTMCell(3), return_sequences=True, zero_output_for_mask=zero)
    kc_model = kcore.Model(ci, kc(layers.Masking()(ci)))
    copy_weights(kc_model, ke)
    out = kc_model(x)
    assert_same(out, expected)
    last = to_np(out)[0, 3:]
    assert np.all(last == 0.0) if zero else np.all(last == to_np(out)[0, 2])


def test_explicit_mask_argument():
    mask = np.array([[1, 1, 1, 1, 0, 0], [0, 1, 1, 1, 1, 1], [1, 1, 0, 1, 1, 1]], dtype=bool)
    out, expected = run_pair(layers.GRU(4, return_sequences=True), oracle("GRU", 4, return_sequences=True), X,
                             mask=mask)
    assert_same(out, expected)


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_initial_state_matches_keras(name):
    n_states = 2 if name == "LSTM" else 1
    states = [RNG.normal(size=(3, 4)).astype("float32") for _ in range(n_states)]
    out, expected = run_pair(getattr(layers, name)(4, return_state=True), oracle(name, 4, return_state=True),
                             X, initial_state=states)
    assert_same(out, expected)


def test_initial_state_in_functional_model():
    inp, h, c = kcore.Input((None, 5)), kcore.Input((4,)), kcore.Input((4,))
    out = layers.LSTM(4)(inp, initial_state=[h, c])
    assert out.shape == (None, 4)
    model = kcore.Model([inp, h, c], out)
    h0 = RNG.normal(size=(3, 4)).astype("float32")
    a = to_np(model([X, h0, np.zeros_like(h0)]))
    b = to_np(model([X, np.zeros_like(h0), np.zeros_like(h0)]))
    assert a.shape == (3, 4) and not np.allclose(a, b)


def test_cells_and_stacked_cells_match_keras():
    kc = layers.RNN([layers.LSTMCell(4), layers.GRUCell(3, reset_after=False), layers.SimpleRNNCell(2)],
                    return_sequences=True, return_state=True)
    ke = keras.layers.RNN([keras.layers.LSTMCell(4), keras.layers.GRUCell(3, reset_after=False),
                           keras.layers.SimpleRNNCell(2)], return_sequences=True, return_state=True, unroll=True)
    out, expected = run_pair(kc, ke, X)
    assert_same(out, expected)
    assert [tuple(w.shape) for w in kc.weights] == [tuple(w.shape) for w in ke.weights]


@pytest.mark.parametrize("cell_name", ["SimpleRNNCell", "LSTMCell", "GRUCell"])
def test_cell_single_step_matches_keras(cell_name):
    kc, ke = getattr(layers, cell_name)(4), getattr(keras.layers, cell_name)(4)
    step = X[:, 0]
    n = 2 if cell_name == "LSTMCell" else 1
    states = [RNG.normal(size=(3, 4)).astype("float32") for _ in range(n)]
    expected = ke(step, states)
    kc(step, states)
    copy_weights(kc, ke)
    assert_same(kc(step, states), expected)


def test_unroll_matches_keras():
    out, expected = run_pair(layers.LSTM(4, unroll=True, return_sequences=True, go_backwards=True),
                             oracle("LSTM", 4, return_sequences=True, go_backwards=True), X)
    assert_same(out, expected)


# ------------------------------------------------------------ bidirectional
@pytest.mark.parametrize("merge_mode,flags", [
    ("concat", {}),
    ("sum", {"return_sequences": True}),
    ("ave", {"return_state": True}),
    ("mul", {"return_sequences": True, "return_state": True}),
    (None, {"return_state": True}),
])
def test_bidirectional_matches_keras(merge_mode, flags):
    kc = layers.Bidirectional(layers.LSTM(4, **flags), merge_mode=merge_mode)
    ke = keras.layers.Bidirectional(oracle("LSTM", 4, **flags), merge_mode=merge_mode)
    out, expected = run_pair(kc, ke, X)
    assert_same(out, expected)
    symbolic = kc(kcore.Input((None, 5)))
    expected_shapes = keras.layers.Bidirectional(keras.layers.LSTM(4, **flags), merge_mode=merge_mode) \
        .compute_output_shape((None, None, 5))
    assert [t.shape for t in leaves(symbolic)] == [tuple(s) for s in shape_leaves(expected_shapes)]


@pytest.mark.parametrize("return_sequences", [False, True])
def test_bidirectional_with_mask_matches_keras(return_sequences):
    kc = layers.Bidirectional(layers.GRU(4, return_sequences=return_sequences))
    ke = keras.layers.Bidirectional(keras.layers.GRU(4, return_sequences=return_sequences))
    out, expected = _masked_pair(kc, ke, IDS)
    assert_same(out, expected)


def test_bidirectional_structure_and_errors():
    bi = layers.Bidirectional(layers.GRU(3, name="enc"))
    assert bi.forward_layer.name == "forward_enc" and bi.backward_layer.name == "backward_enc"
    assert bi.backward_layer.go_backwards and not bi.forward_layer.go_backwards
    bi(X)
    names = [w.name for w in bi.weights]
    assert names == ["kernel", "recurrent_kernel", "bias"] * 2
    with pytest.raises(ValueError, match="merge mode"):
        layers.Bidirectional(layers.GRU(3), merge_mode="max")
    with pytest.raises(ValueError, match="Layer"):
        layers.Bidirectional("gru")
    with pytest.raises(ValueError, match="go_backwards"):
        layers.Bidirectional(layers.GRU(3), backward_layer=layers.GRU(3))


# --------------------------------------------------------------- conv lstm
CONV_CASES = [
    {"padding": "same", "return_sequences": True, "go_backwards": True, "dilation_rate": 2},
    {"strides": 2, "return_state": True, "data_format": "channels_first", "unit_forget_bias": False},
]


@pytest.mark.parametrize("kwargs", CONV_CASES)
def test_conv_lstm2d_matches_keras(kwargs):
    if kwargs.get("data_format") == "channels_first":
        x = RNG.normal(size=(2, 3, 2, 6, 6)).astype("float32")
    else:
        x = RNG.normal(size=(2, 3, 6, 6, 2)).astype("float32")
    kc, ke = layers.ConvLSTM2D(3, 3, **kwargs), oracle("ConvLSTM2D", 3, 3, **kwargs)
    if keras_cannot_run_channels_first(keras, kwargs):
        ke.build(x.shape)
        expected = call_channels_first(keras, ke, x, channel_axis=2)
        build_symbolically(kc, x)
        copy_weights(kc, ke)
        out = kc(x)
    else:
        out, expected = run_pair(kc, ke, x)
    assert_same(out, expected)
    sym_in = (None,) + x.shape[2:]
    expected_shapes = keras.layers.ConvLSTM2D(3, 3, **kwargs).compute_output_shape((None,) + sym_in)
    assert [t.shape for t in leaves(kc(kcore.Input(sym_in)))] == [tuple(s) for s in shape_leaves(expected_shapes)]


def test_conv_lstm1d_shapes_match_keras():
    kc = layers.ConvLSTM1D(3, 2, strides=2, return_sequences=True)
    ke = keras.layers.ConvLSTM1D(3, 2, strides=2, return_sequences=True)
    assert kc(kcore.Input((None, 7, 2))).shape == tuple(ke.compute_output_shape((None, None, 7, 2)))
    assert [(w.name, tuple(w.shape)) for w in kc.weights] == [
        ("kernel", (2, 2, 12)), ("recurrent_kernel", (2, 3, 12)), ("bias", (12,))]
    assert to_np(kc(RNG.normal(size=(2, 3, 7, 2)).astype("float32"))).shape == (2, 3, 3, 3)


def test_conv_lstm3d_weights_and_shapes_match_keras():
    kc = layers.ConvLSTM3D(3, 2, padding="same", return_state=True)
    ke = keras.layers.ConvLSTM3D(3, 2, padding="same", return_state=True)
    sym_in = (None, 4, 4, 4, 2)
    kc_out = kc(kcore.Input(sym_in))
    expected_shapes = shape_leaves(ke.compute_output_shape((None,) + sym_in))
    assert [t.shape for t in leaves(kc_out)] == [tuple(s) for s in expected_shapes]
    assert [(w.name, tuple(w.shape)) for w in kc.weights] == [
        ("kernel", (2, 2, 2, 2, 12)), ("recurrent_kernel", (2, 2, 2, 3, 12)), ("bias", (12,))]
    out = kc(RNG.normal(size=(1, 2, 4, 4, 4, 2)).astype("float32"))
    assert [to_np(o).shape for o in out] == [(1, 4, 4, 4, 3)] * 3


def test_conv_lstm_errors():
    with pytest.raises(ValueError, match="spatial"):
        layers.ConvLSTM2D(2, 3)(kcore.Input((4, None, 5, 1)))
    with pytest.raises(ValueError, match="padding"):
        layers.ConvLSTM2D(2, 3, padding="full")


# ----------------------------------------------------------------- configs
CONFIG_CASES = [
    ("SimpleRNN", {"units": 3}),
    ("SimpleRNN", {"units": 3, "activation": "relu", "dropout": 0.2, "return_sequences": True, "seed": 3}),
    ("LSTM", {"units": 4, "dropout": 0.2, "recurrent_dropout": 0.1, "seed": 7}),
    ("LSTM", {"units": 4, "unit_forget_bias": False, "go_backwards": True, "stateful": False, "unroll": True,
              "kernel_regularizer": "l2", "recurrent_constraint": "non_neg"}),
    ("GRU", {"units": 2}),
    ("GRU", {"units": 2, "reset_after": False, "return_state": True, "recurrent_activation": "hard_sigmoid"}),
    ("SimpleRNNCell", {"units": 3}),
    ("LSTMCell", {"units": 3, "dropout": 0.5}),
    ("GRUCell", {"units": 3, "reset_after": False, "seed": 1}),
    ("ConvLSTM2D", {"filters": 3, "kernel_size": (3, 2), "padding": "same", "return_sequences": True}),
    ("ConvLSTM1D", {"filters": 2, "kernel_size": 3, "strides": 2}),
]


@pytest.mark.parametrize("name,kwargs", CONFIG_CASES)
def test_get_config_equals_keras(name, kwargs):
    kc = getattr(layers, name)(name="layer_x", **kwargs)
    ke = getattr(keras.layers, name)(name="layer_x", **kwargs)
    assert kc.get_config() == ke.get_config()
    clone = type(kc).from_config(kc.get_config())
    assert clone.get_config() == kc.get_config()


def test_nested_configs_equal_keras():
    """RNN(cell), StackedRNNCells and Bidirectional serialize their sublayers as Keras does."""
    kc = layers.RNN([layers.LSTMCell(3, name="c1"), layers.GRUCell(2, name="c2")], go_backwards=True, name="r")
    ke = keras.layers.RNN([keras.layers.LSTMCell(3, name="c1"), keras.layers.GRUCell(2, name="c2")],
                          go_backwards=True, name="r")
    kc.cell.name = ke.cell.name = "stack"
    assert kc.get_config() == ke.get_config()
    clone = layers.RNN.from_config(kc.get_config())
    assert isinstance(clone.cell, layers.StackedRNNCells) and clone.get_config() == kc.get_config()

    kc = layers.Bidirectional(layers.LSTM(3, return_sequences=True, name="lstm_x"), merge_mode="sum", name="bi")
    ke = keras.layers.Bidirectional(keras.layers.LSTM(3, return_sequences=True, name="lstm_x"), merge_mode="sum",
                                    name="bi")
    assert kc.get_config() == ke.get_config()
    clone = layers.Bidirectional.from_config(kc.get_config())
    assert clone.get_config() == kc.get_config()
    assert clone.forward_layer.name == "forward_lstm_x" and clone.backward_layer.go_backwards


def test_keras_weights_file_loads_into_cells(tmp_path):
    """A Keras ``.weights.h5`` stores RNN weights under ``.../cell/vars``; kcore reads and writes that layout."""
    def build(lib):
        inp = lib.Input((None,), dtype="int32")
        h = lib.layers.Embedding(10, 4, mask_zero=True)(inp)
        h = lib.layers.Bidirectional(lib.layers.GRU(3, return_sequences=True))(h)
        return lib.Model(inp, lib.layers.LSTM(2)(h))

    ke_model, kc_model = build(keras), build(kcore)
    ke_model.save_weights(tmp_path / "k.weights.h5")
    kc_model.load_weights(tmp_path / "k.weights.h5")
    assert_same(kc_model(IDS), ke_model(IDS))
    import h5py

    kc_model.save_weights(tmp_path / "c.weights.h5")
    names = []
    with h5py.File(tmp_path / "c.weights.h5") as f:
        f.visit(lambda n: names.append(n) if "/vars/" in n else None)
    assert "layers/lstm/cell/vars/0" in names
    assert "layers/bidirectional/backward_layer/cell/vars/2" in names


# ---------------------------------------------------------- weights, shapes
@pytest.mark.parametrize("name,shapes", [
    ("SimpleRNN", [(5, 4), (4, 4), (4,)]),
    ("LSTM", [(5, 16), (4, 16), (16,)]),
    ("GRU", [(5, 12), (4, 12), (2, 12)]),
])
def test_weights_live_in_the_cell(name, shapes):
    layer = getattr(layers, name)(4)
    layer(X)
    assert [tuple(w.shape) for w in layer.weights] == shapes
    assert [w.name for w in layer.weights] == ["kernel", "recurrent_kernel", "bias"]
    assert layer.cell.weights[0] is layer.weights[0]
    assert layer.count_params() == sum(int(np.prod(s)) for s in shapes)


def test_gru_reset_after_false_bias_shape_and_lstm_forget_bias():
    gru = layers.GRU(4, reset_after=False)
    gru(X)
    assert tuple(gru.cell.bias.shape) == (12,)
    lstm = layers.LSTM(4)
    lstm(X)
    np.testing.assert_array_equal(to_np(lstm.cell.bias.value), np.r_[np.zeros(4), np.ones(4), np.zeros(8)])


def test_variable_length_inputs_build_symbolically():
    title, body = kcore.Input(shape=(None,), name="title"), kcore.Input(shape=(None,), name="body")
    t = layers.LSTM(128)(layers.Embedding(10000, 64)(title))
    b = layers.LSTM(32)(layers.Embedding(10000, 64)(body))
    assert t.shape == (None, 128) and b.shape == (None, 32)
    seq, h, c = layers.LSTM(8, return_sequences=True, return_state=True)(kcore.Input((None, 3)))
    assert (seq.shape, h.shape, c.shape) == ((None, None, 8), (None, 8), (None, 8))
    model = kcore.Model([title, body], [t, b])
    out = model([RNG.integers(0, 10000, size=(2, 5)), RNG.integers(0, 10000, size=(2, 9))])
    assert [to_np(o).shape for o in out] == [(2, 128), (2, 32)]


def test_mask_propagates_only_with_return_sequences():
    inp = kcore.Input((None,), dtype="int32")
    emb = layers.Embedding(10, 4, mask_zero=True)(inp)
    assert layers.LSTM(3, return_sequences=True)(emb)._keras_mask is not None
    assert getattr(layers.LSTM(3)(emb), "_keras_mask", None) is None


def test_input_errors_name_the_layer():
    with pytest.raises(ValueError, match="my_lstm"):
        layers.LSTM(3, name="my_lstm")(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match="units"):
        layers.GRU(0)
    with pytest.raises(ValueError, match="unroll"):
        layers.LSTM(3, unroll=True)(kcore.Input((None, 2)))
    with pytest.raises(ValueError, match="state_size"):
        layers.RNN(layers.Dense(3))


# ---------------------------------------------------- dropout and training
def test_dropout_only_in_training_and_seeded():
    layer = layers.LSTM(4, dropout=0.5, recurrent_dropout=0.5, seed=1, return_sequences=True)
    inference = to_np(layer(X))
    np.testing.assert_allclose(to_np(layer(X, training=False)), inference)
    t1, t2 = to_np(layer(X, training=True)), to_np(layer(X, training=True))
    assert not np.allclose(t1, inference)
    assert not np.allclose(t1, t2)  # a fresh mask per call
    assert np.all(np.isfinite(t1))


def test_value_and_grad_through_lstm():
    b = kcore.backend.current()
    layer = layers.LSTM(6, return_sequences=True)
    x = RNG.normal(size=(4, 7, 3)).astype("float32")
    layer(x)
    params = list(layer.trainable_variables)

    def loss_fn(values, xin):
        with StatelessScope(list(zip(params, values))):
            out = layer(xin, training=True)
        return ops.sum(ops.square(out)), None

    (value, _), grads = b.value_and_grad(loss_fn)([v.value for v in params], b.convert_to_tensor(x))
    assert np.isfinite(float(to_np(value)))
    assert len(grads) == 3
    for g, v in zip(grads, params):
        g = to_np(g)
        assert g.shape == tuple(v.shape)
        assert np.all(np.isfinite(g)) and np.abs(g).sum() > 0


def test_compiled_train_step_matches_eager():
    b = kcore.backend.current()
    inp = kcore.Input((None,), dtype="int32")
    h = layers.Embedding(20, 4, mask_zero=True)(inp)
    bidirectional, lstm = layers.Bidirectional(layers.GRU(3, return_sequences=True)), layers.LSTM(2)
    model = kcore.Model(inp, lstm(bidirectional(h)))
    params = bidirectional.trainable_variables + lstm.trainable_variables

    def loss_fn(values, xin):
        with StatelessScope(list(zip(params, values))):
            y = model(xin, training=True)
        return ops.sum(y), y

    step = b.compile_function(b.value_and_grad(loss_fn))
    ids = b.convert_to_tensor(IDS)
    (value, y), grads = step([v.value for v in params], ids)
    np.testing.assert_allclose(to_np(y), to_np(model(IDS)), atol=1e-5)
    assert np.isclose(float(to_np(value)), float(to_np(y).sum()), atol=1e-4)
    for g, v in zip(grads, params):
        g = to_np(g)
        assert g.shape == tuple(v.shape) and np.all(np.isfinite(g)) and np.abs(g).sum() > 0


def test_stateful_carries_states_between_calls():
    layer = layers.GRU(3, stateful=True)
    x = X[:, :3]
    first = to_np(layer(x))
    second = to_np(layer(x))
    assert not np.allclose(first, second)
    layer.reset_state()
    np.testing.assert_allclose(to_np(layer(x)), first, atol=1e-6)
    assert len(layer.weights) == 3  # the states are not weights, as in Keras
    state_vars = [v for v in layer.variables if v.name == "rnn_state"]
    assert len(state_vars) == 1
    with pytest.raises(ValueError, match="batch size"):
        layer(X[:2])


def test_stacked_cells_return_state_structure():
    layer = layers.RNN([layers.LSTMCell(3), layers.GRUCell(2)], return_state=True)
    out, lstm_states, gru_states = layer(X)
    assert to_np(out).shape == (3, 2)
    assert [to_np(s).shape for s in lstm_states] == [(3, 3), (3, 3)]
    assert [to_np(s).shape for s in nest.flatten(gru_states)] == [(3, 2)]
