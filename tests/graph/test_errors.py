"""Construction and call errors: ValueErrors that name the layer or model, the expected and the received values."""

from __future__ import annotations

import numpy as np
import pytest

import kcore as keras
from kcore import layers, ops


def _raises(fn, *fragments: str, exc=ValueError) -> str:
    with pytest.raises(exc) as info:
        fn()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


# ------------------------------------------------------- shapes between layers

def test_rank_mismatch_names_layer_and_shapes():
    inputs = keras.Input((4,))
    _raises(lambda: layers.Conv2D(2, 3, name="conv")(inputs), "'conv'", "rank 4", "(None, 4)")
    _raises(lambda: layers.MaxPooling2D(name="pool")(inputs), "'pool'", "ndim=4", "ndim=2", "(None, 4)")
    _raises(lambda: layers.LSTM(3, name="rnn")(inputs), "'rnn'", "ndim=3", "(None, 4)")


def test_reused_layer_with_a_different_feature_size():
    dense = layers.Dense(3, name="my_dense")
    dense(keras.Input((4,)))
    _raises(lambda: dense(keras.Input((5,))), "'my_dense'", "value 4", "(None, 5)")
    # Eager calls are checked too.
    _raises(lambda: dense(np.ones((2, 5), "float32")), "'my_dense'", "value 4", "(2, 5)")


def test_merge_layers_name_the_shapes():
    _raises(lambda: layers.Concatenate(name="cat")([keras.Input((3, 4)), keras.Input((5, 6))]),
            "'cat'", "(None, 3, 4)", "(None, 5, 6)")
    _raises(lambda: layers.Add(name="adder")([keras.Input((3,)), keras.Input((4,))]), "'adder'", "(None, 3)", "(None, 4)")


def test_reshape_to_an_incompatible_size():
    _raises(lambda: layers.Reshape((3, 3), name="resh")(keras.Input((4,))), "'resh'", "(4,)", "(3, 3)")


def test_weights_with_undefined_dimensions():
    class Bad(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[1], 2), name="w")

        def call(self, x):
            return x

    _raises(lambda: Bad(name="needs_dims")(keras.Input((None, 3))), "'needs_dims'", "(None, 2)")


# ------------------------------------------------------------ model building

def test_outputs_not_connected_to_inputs():
    a = keras.Input((3,), name="first")
    b = keras.Input((3,), name="second")
    y = layers.Add()([layers.Dense(2)(a), layers.Dense(2)(b)])
    _raises(lambda: keras.Model(a, y), "Graph disconnected", "'second'")


def test_outputs_must_be_symbolic():
    a = keras.Input((3,))
    _raises(lambda: keras.Model(a, np.ones(3)), "outputs", "symbolic")
    _raises(lambda: keras.Model(a, [None]), "outputs", "None")
    _raises(lambda: keras.Model(a, []), "at least one output")


@pytest.mark.parametrize("bad_input", ["intermediate", "array"])
def test_inputs_must_be_input_tensors(bad_input):
    a = keras.Input((3,))
    hidden = layers.Dense(2)(a)
    value = hidden if bad_input == "intermediate" else np.ones((1, 3))
    _raises(lambda: keras.Model(value, layers.Dense(1)(hidden), name="bad_inputs"),
            "'bad_inputs'", "input 0", "kcore.Input()")


def test_duplicate_layer_names():
    a = keras.Input((3,))
    x = layers.Dense(2, name="same")(a)
    _raises(lambda: keras.Model(a, layers.Dense(2, name="same")(x), name="dups"), "'dups'", "'same'", "2 times")
    p, q = keras.Input((2,), name="dup_input"), keras.Input((2,), name="dup_input")
    _raises(lambda: keras.Model([p, q], layers.Add()([p, q])), "'dup_input'")


def test_invalid_inputs_to_input():
    _raises(lambda: keras.Input((-3,), name="negative"), "'negative'", "(None, -3)")
    _raises(lambda: keras.Input((3,), dtype="floaty"), "floaty")
    _raises(lambda: keras.Input(), "shape")
    _raises(lambda: keras.Input(shape=(3,), batch_shape=(None, 3)), "batch_shape")


def test_invalid_layer_arguments():
    _raises(lambda: layers.Dense("x", name="d_units"), "'d_units'", "units", "'x'")
    _raises(lambda: layers.Dense(2, foo=1), "Unrecognized keyword arguments passed to Dense", "foo")  # as Keras


# ------------------------------------------------------------- model calls

@pytest.fixture()
def two_input_model():
    a = keras.Input((3,), name="first")
    b = keras.Input((3,), name="second")
    return keras.Model([a, b], layers.Add()([layers.Dense(2)(a), layers.Dense(2)(b)]), name="two_in")


def test_wrong_number_of_inputs(two_input_model):
    x = np.ones((1, 3), "float32")
    _raises(lambda: two_input_model(x), "'two_in'", "expects 2 input(s)", "received 1")
    _raises(lambda: two_input_model([x, x, x]), "'two_in'", "expects 2 input(s)", "received 3")
    _raises(lambda: two_input_model(keras.Input((3,))), "'two_in'", "expects 2 input(s)")
    _raises(lambda: two_input_model({"first": x}), "'two_in'", "missing ['second']")


def test_wrong_input_shape_when_calling(two_input_model):
    x = np.ones((1, 3), "float32")
    _raises(lambda: two_input_model([x, np.ones((1, 4), "float32")]),
            "'second'", "'two_in'", "expected shape=(None, 3)", "found shape=(1, 4)")
    _raises(lambda: two_input_model([keras.Input((3,)), keras.Input((5,))]),
            "'second'", "expected shape=(None, 3)", "found shape=(None, 5)")
    _raises(lambda: two_input_model([x, np.ones((1, 3, 2), "float32")]), "found shape=(1, 3, 2)")


def test_a_trailing_axis_of_size_one_is_adjusted_like_keras(two_input_model):
    x = np.ones((2, 3), "float32")
    expected = ops.convert_to_numpy(two_input_model([x, x]))
    np.testing.assert_allclose(ops.convert_to_numpy(two_input_model([x, x[..., None]])), expected, rtol=1e-6)
    scalar_in = keras.Input((1,))
    model = keras.Model(scalar_in, layers.Dense(1)(scalar_in))
    assert tuple(ops.shape(model(np.ones((4,), "float32")))) == (4, 1)


def test_model_inputs_take_the_input_dtype():
    ids = keras.Input((None,), dtype="int32")
    seen = []

    class DtypeProbe(layers.Layer):
        def call(self, x):
            seen.append(keras.backend.standardize_dtype(x.dtype) if hasattr(keras.backend, "standardize_dtype")
                        else str(x.dtype))
            return x

    model = keras.Model(ids, DtypeProbe()(ids))
    model(np.array([[1.0, 2.0]]))
    assert "int32" in seen[-1]
    floats = keras.Input((2,))
    model = keras.Model(floats, DtypeProbe()(floats))
    model(np.array([[1, 2]], dtype="int64"))
    assert "float32" in seen[-1]


# -------------------------------------------------------------- other misuse

def test_layer_misuse():
    _raises(lambda: layers.Dense(2, name="no_args")(), "'no_args'", "without inputs")
    _raises(lambda: layers.Dense(2, name="ub").count_params(), "'ub'", "isn't built")
    dense = layers.Dense(3, name="sw")
    dense(np.ones((1, 4), "float32"))
    _raises(lambda: dense.set_weights([np.ones((4, 3))]), "'sw'", "expects 2 weights", "received 1")
    _raises(lambda: dense.set_weights([np.ones((5, 3)), np.ones(3)]), "'sw'", "(4, 3)", "(5, 3)")
    shared = layers.Dense(2, name="twice_called")
    shared(keras.Input((2,)))
    shared(keras.Input((2,)))
    _raises(lambda: shared.output, "'twice_called'", "get_output_at", exc=AttributeError)
    _raises(lambda: layers.Dense(2, name="never").output, "'never'", "never been called", exc=AttributeError)


def test_get_layer_errors(two_input_model):
    _raises(lambda: two_input_model.get_layer("zzz"), "No such layer: zzz", "'first'")
    _raises(lambda: two_input_model.get_layer(index=99), "index 99", "'two_in'", "5 layers")
    _raises(lambda: two_input_model.get_layer(), "name or a layer index")


def test_keras_tensors_hold_no_values():
    x = keras.Input((3,))
    _raises(lambda: np.asarray(x), "symbolic", exc=TypeError)
    _raises(lambda: bool(x), "bool", exc=TypeError)
    _raises(lambda: len(x), "len", exc=TypeError)
