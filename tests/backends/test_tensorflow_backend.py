"""The tensorflow backend: differentiation, compilation, scan, conv/pool vs keras.ops, random, tf.data.

The backend class is instantiated directly, so this file tests it whichever
backend is active. Keras (an oracle only) is asked for the tensorflow backend
unless ``KERAS_BACKEND`` is already set; the comparisons are numeric, so any
keras backend serves. Keras runs channels-last only (TF's CPU kernels have no
channels-first convolution); channels-first results are compared after
transposing.
"""

from __future__ import annotations

import os
import subprocess
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from kcore.backend import contract  # noqa: E402
from kcore_tensorflow.backend import TensorflowBackend  # noqa: E402

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

K = keras.ops
B = TensorflowBackend()
RTOL = ATOL = 1e-5


def rand(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def assert_close(actual, expected, rtol: float = RTOL, atol: float = ATOL) -> None:
    actual = B.convert_to_numpy(actual)
    expected = np.asarray(K.convert_to_numpy(expected) if not isinstance(expected, np.ndarray) else expected)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def to_last(x: np.ndarray, data_format: str) -> np.ndarray:
    return x if data_format == "channels_last" else np.moveaxis(x, 1, -1)


def from_last(y, data_format: str) -> np.ndarray:
    y = np.asarray(K.convert_to_numpy(y))
    return y if data_format == "channels_last" else np.moveaxis(y, -1, 1)


def dilate(kernel: np.ndarray, dilation: tuple) -> np.ndarray:
    """A kernel with zeros between its taps: a plain kernel equal to the dilated one."""
    nd = kernel.ndim - 2
    out = np.zeros(tuple((kernel.shape[i] - 1) * dilation[i] + 1 for i in range(nd)) + kernel.shape[-2:], kernel.dtype)
    out[tuple(slice(None, None, d) for d in dilation)] = kernel
    return out


def spatial_input(nd: int, data_format: str, channels: int = 4) -> np.ndarray:
    sizes = (7, 6, 5)[:nd]
    return rand(2, *sizes, channels) if data_format == "channels_last" else rand(2, channels, *sizes)


# --------------------------------------------------------------------------
# Contract, conversion, dtypes
# --------------------------------------------------------------------------


def test_every_required_method_is_implemented():
    missing = [m for m in contract.required_methods() if getattr(TensorflowBackend, m) is getattr(contract.Backend, m)]
    assert missing == []
    assert TensorflowBackend.name == "tensorflow"


def test_tensors_and_conversion():
    x = B.convert_to_tensor([[1.0, 2.0]])
    assert isinstance(x, tf.Tensor) and B.is_tensor(x) and B.is_tensor(tf.Variable(1.0))
    assert not B.is_tensor(np.ones(2))
    assert B.dtype(x) == "float32" and B.shape(x) == (1, 2)
    assert B.dtype(B.convert_to_tensor(1.5)) == "float32"
    assert B.dtype(B.convert_to_tensor(3)) == "int32"
    assert B.dtype(B.convert_to_tensor(np.zeros(2))) == "float64"
    assert B.dtype(B.convert_to_tensor(1.7, dtype="int32")) == "int32"
    np.testing.assert_array_equal(B.convert_to_numpy(B.cast(x, "int32")), [[1, 2]])


@pytest.mark.parametrize(
    "x1, x2, expected",
    [
        (np.array([1, 2], "int32"), 1.5, "float32"),
        (np.array([1.0], "float32"), 2, "float32"),
        (np.array([1], "int32"), np.array([2], "int32"), "int32"),
        (np.array([1.0], "float32"), np.array([2.0], "float64"), "float32"),
        (np.array([1], "int8"), np.array([2], "int16"), "int16"),
        (np.array([1.0], "float16"), 2.5, "float16"),
    ],
)
def test_weak_scalar_promotion(x1, x2, expected):
    out = B.add(B.convert_to_tensor(x1), x2)
    assert B.dtype(out) == expected
    expected = np.asarray(x1, "float64") + np.asarray(x2, "float64")
    np.testing.assert_allclose(B.convert_to_numpy(out), expected, rtol=1e-3)


def test_true_divide_of_ints_is_float32():
    out = B.divide(B.convert_to_tensor([3, 4]), 2)
    assert B.dtype(out) == "float32"
    np.testing.assert_allclose(B.convert_to_numpy(out), [1.5, 2.0])


X = np.arange(60, dtype="float32").reshape(3, 4, 5)
I = np.array([[0, 2], [1, -1]])


@pytest.mark.parametrize(
    "key",
    [
        1, -1, (slice(None), 2), (Ellipsis, 3), (None, 0, slice(1, 3)), (slice(None, None, -1), np.int64(2)),
        I, (slice(None), I), (0, slice(None), np.array([4, 0])), (I, 0),
        (np.array([0, 2]), slice(None), np.array([1, 3])),
        (slice(None), np.array([0, 3]), np.array([1, -1])), (0, I, 1), [2, 0], X > 30, (X[:, :, 0] > 20,),
        (slice(None), X[0, :, 0] > 5), (Ellipsis, np.array([True, False, True, False, True])),
    ],
)
def test_getitem_matches_numpy(key):
    np.testing.assert_array_equal(B.convert_to_numpy(B.getitem(B.convert_to_tensor(X), key)), X[key])


def test_getitem_with_index_tensors():
    x = B.convert_to_tensor(X)
    np.testing.assert_array_equal(B.convert_to_numpy(B.getitem(x, B.convert_to_tensor(I))), X[I])
    np.testing.assert_array_equal(B.convert_to_numpy(B.getitem(x, (slice(None), B.convert_to_tensor(2)))), X[:, 2])
    mask = B.greater(x, 40.0)
    np.testing.assert_array_equal(B.convert_to_numpy(B.getitem(x, mask)), X[X > 40])


# --------------------------------------------------------------------------
# Differentiation, compilation, scan
# --------------------------------------------------------------------------


def _linear_loss(params, x, y):
    w, b, _unused = params
    pred = B.add(B.matmul(x, w), b)
    err = B.subtract(pred, y)
    return B.mean(B.square(err)), {"pred": pred, "n": B.sum(B.ones_like(err))}


def test_value_and_grad_with_aux_inside_compile_function():
    x, y = rand(6, 3, seed=1), rand(6, 2, seed=2)
    w, b, unused = rand(3, 2, seed=3), rand(2, seed=4), rand(5, seed=5)
    vg = B.value_and_grad(_linear_loss)
    step = B.compile_function(lambda params, x, y: vg(params, x, y))
    assert B.compile_function(_linear_loss) is B.compile_function(_linear_loss)

    params = [B.convert_to_tensor(p) for p in (w, b, unused)]
    (loss, aux), grads = step(params, B.convert_to_tensor(x), B.convert_to_tensor(y))
    err = x @ w + b - y
    np.testing.assert_allclose(B.convert_to_numpy(loss), np.mean(err**2), rtol=1e-5)
    np.testing.assert_allclose(B.convert_to_numpy(aux["pred"]), x @ w + b, rtol=1e-5)
    assert float(B.convert_to_numpy(aux["n"])) == err.size
    np.testing.assert_allclose(B.convert_to_numpy(grads[0]), 2 * x.T @ err / err.size, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(B.convert_to_numpy(grads[1]), 2 * err.sum(0) / err.size, rtol=1e-4, atol=1e-6)
    np.testing.assert_array_equal(B.convert_to_numpy(grads[2]), np.zeros(5, "float32"))

    (eager_loss, _), eager_grads = vg(params, x, y)
    np.testing.assert_allclose(B.convert_to_numpy(eager_loss), B.convert_to_numpy(loss), rtol=1e-6)
    for g, h in zip(eager_grads, grads):
        np.testing.assert_allclose(B.convert_to_numpy(g), B.convert_to_numpy(h), rtol=1e-6)


def test_compiled_function_handles_relaxed_batch_dimension():
    def fn(x):
        shape = B.shape(x)
        flat = B.reshape(x, (shape[0], -1))
        return B.add(B.zeros((shape[0], 6)), flat), B.sum(B.ones(shape))

    compiled = B.compile_function(fn, kind="predict")
    for n in (2, 3, 4, 5):
        x = rand(n, 2, 3, seed=n)
        out, total = compiled(B.convert_to_tensor(x))
        np.testing.assert_allclose(B.convert_to_numpy(out), x.reshape(n, 6))
        assert float(B.convert_to_numpy(total)) == x.size


def _python_scan(fn, init, xs, reverse=False):
    carry, ys = init, []
    order = range(len(xs[0]) - 1, -1, -1) if reverse else range(len(xs[0]))
    for t in order:
        carry, y = fn(carry, [x[t] for x in xs])
        ys.append(y)
    return carry, ys[::-1] if reverse else ys


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("compiled", [False, True])
def test_scan_matches_python_loop(reverse, compiled):
    a, c = rand(5, 3, seed=6), rand(5, 3, seed=7)
    init = (np.zeros(3, "float32"), np.float32(1.0))

    def step(carry, xs):
        total, scale = carry
        total = B.add(B.multiply(total, 0.5), B.multiply(xs[0], xs[1]))
        scale = B.multiply(scale, 1.1)
        return (total, scale), [B.multiply(total, scale), B.sum(total)]

    def run(a, c):
        return B.scan(step, tuple(B.convert_to_tensor(v) for v in init), [a, c], reverse=reverse)

    run = B.compile_function(run) if compiled else run
    (total, scale), ys = run(B.convert_to_tensor(a), B.convert_to_tensor(c))
    (ref_total, ref_scale), ref_ys = _python_scan(step, init, [a, c], reverse=reverse)
    assert isinstance(ys, list) and len(ys) == 2
    assert_close(total, B.convert_to_numpy(ref_total))
    assert_close(scale, B.convert_to_numpy(ref_scale))
    assert_close(ys[0], np.stack([B.convert_to_numpy(y[0]) for y in ref_ys]))
    assert_close(ys[1], np.stack([B.convert_to_numpy(y[1]) for y in ref_ys]))


def test_gradient_through_compiled_scan():
    xs = rand(6, 2, seed=8)

    def loss(params, xs):
        (w,) = params
        carry, ys = B.scan(lambda h, x: (B.tanh(B.add(B.multiply(h, w), x)),) * 2, B.zeros((2,)), xs)
        return B.sum(ys), carry

    def loop_loss(params, xs):
        (w,) = params
        h, total = B.zeros((2,)), 0.0
        for t in range(xs.shape[0]):
            h = B.tanh(B.add(B.multiply(h, w), xs[t]))
            total = B.add(total, B.sum(h))
        return total, h

    w = [B.convert_to_tensor(rand(2, seed=9))]
    (value, carry), grads = B.compile_function(B.value_and_grad(loss))(w, B.convert_to_tensor(xs))
    (ref_value, ref_carry), ref_grads = B.value_and_grad(loop_loss)(w, xs)
    assert_close(value, B.convert_to_numpy(ref_value))
    assert_close(carry, B.convert_to_numpy(ref_carry))
    assert_close(grads[0], B.convert_to_numpy(ref_grads[0]))


# --------------------------------------------------------------------------
# Convolutions and pooling vs keras.ops
# --------------------------------------------------------------------------

CONV_CASES = [
    (nd, df, s, pad, d)
    for nd in (1, 2, 3)
    for df in ("channels_last", "channels_first")
    for pad in ("valid", "same")
    for s, d in ((1, 1), (2, 1), (1, 2))
]


@pytest.mark.parametrize("nd, data_format, stride, padding, dilation", CONV_CASES)
def test_conv_matches_keras(nd, data_format, stride, padding, dilation):
    x = spatial_input(nd, data_format)
    kernel = rand(*(3, 2, 3)[:nd], 4, 5, seed=1)
    out = B.conv(x, kernel, (stride,) * nd, padding, data_format, (dilation,) * nd)
    ref = K.conv(to_last(x, data_format), kernel, stride, padding, "channels_last", dilation)
    assert_close(out, from_last(ref, data_format))
    if nd < 3:  # grouped: 4 input channels in 2 groups (keras' TF backend has no grouped 3D conv)
        grouped = rand(*(3, 2, 3)[:nd], 2, 6, seed=2)
        out = B.conv(x, grouped, (stride,) * nd, padding, data_format, (dilation,) * nd)
        ref = K.conv(to_last(x, data_format), grouped, stride, padding, "channels_last", dilation)
        assert_close(out, from_last(ref, data_format))


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_conv_with_strides_and_dilation(nd, padding):
    # TF's kernels reject strides > 1 with dilation > 1; keras gets the explicit dilated kernel.
    x, kernel = rand(2, *(9, 8, 7)[:nd], 4), rand(*(3, 2, 3)[:nd], 4, 5, seed=1)
    out = B.conv(x, kernel, (2,) * nd, padding, "channels_last", (2,) * nd)
    assert_close(out, K.conv(x, dilate(kernel, (2,) * nd), 2, padding))


@pytest.mark.parametrize("nd, data_format, stride, padding, dilation", [c for c in CONV_CASES if c[0] < 3])
def test_depthwise_conv_matches_keras(nd, data_format, stride, padding, dilation):
    x = spatial_input(nd, data_format)
    kernel = rand(*(3, 2)[:nd], 4, 2, seed=3)
    out = B.depthwise_conv(x, kernel, (stride,) * nd, padding, data_format, (dilation,) * nd)
    ref = K.depthwise_conv(to_last(x, data_format), kernel, stride, padding, "channels_last", dilation)
    assert_close(out, from_last(ref, data_format))


@pytest.mark.parametrize(
    "strides, dilation", [((1, 2), (1, 1)), ((2, 2), (2, 2)), ((1, 2), (2, 2)), ((1, 2, 2), (1, 1, 1)), ((2,), (2,))]
)
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_depthwise_conv_beyond_tf_kernels(strides, dilation, padding):
    # Unequal strides, strides with dilation and 3D: checked against keras' grouped conv.
    nd = len(strides)
    x, kernel = rand(2, *(9, 8, 7)[:nd], 4), rand(*(3, 2, 3)[:nd], 4, 2, seed=4)
    grouped = dilate(kernel, dilation)
    grouped = grouped.reshape(grouped.shape[:-2] + (1, 8))
    out = B.depthwise_conv(x, kernel, strides, padding, "channels_last", dilation)
    assert_close(out, K.conv(x, grouped, strides, padding))


CONV_T_CASES = [
    (nd, df, s, pad, op)
    for nd in (1, 2, 3)
    for df in ("channels_last", "channels_first")
    for pad in ("valid", "same")
    for s, op in ((1, None), (2, None), (2, 1), (3, 2))
]


@pytest.mark.parametrize("nd, data_format, stride, padding, output_padding", CONV_T_CASES)
def test_conv_transpose_matches_keras(nd, data_format, stride, padding, output_padding):
    x = spatial_input(nd, data_format)
    kernel = rand(*(3, 2, 3)[:nd], 5, 4, seed=5)
    op = None if output_padding is None else (output_padding,) * nd
    out = B.conv_transpose(x, kernel, (stride,) * nd, padding, op, data_format, (1,) * nd)
    ref = K.conv_transpose(to_last(x, data_format), kernel, stride, padding, op, "channels_last", 1)
    assert_close(out, from_last(ref, data_format))


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("stride, output_padding", [(1, None), (2, None), (2, 1)])
def test_dilated_conv_transpose_is_the_transpose_of_conv(nd, padding, stride, output_padding):
    # TF's CPU kernels have no dilated transposed conv (nor keras on TF): compare with
    # the vector-Jacobian product of the forward convolution it transposes.
    x, kernel = rand(2, *(5, 4, 3)[:nd], 4), rand(*(3, 2, 3)[:nd], 5, 4, seed=6)
    op = None if output_padding is None else (output_padding,) * nd
    out = B.conv_transpose(x, kernel, (stride,) * nd, padding, op, "channels_last", (2,) * nd)
    source = tf.zeros(B.shape(out))
    with tf.GradientTape() as tape:
        tape.watch(source)
        forward = tf.nn.convolution(source, dilate(kernel, (2,) * nd), strides=stride, padding=padding.upper(),
                                    data_format=("NWC", "NHWC", "NDHWC")[nd - 1])
    assert tuple(forward.shape) == x.shape
    assert_close(out, tape.gradient(forward, source, output_gradients=tf.constant(x)).numpy())


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_gradients_through_spatial_ops(nd, data_format):
    # The input gradient of a stride-1 "valid" conv is the transposed conv of the cotangent.
    x = spatial_input(nd, data_format)
    kernel, ones = rand(*(3, 2, 3)[:nd], 4, 5, seed=7), (1,) * nd
    cotangent = rand(*B.shape(B.conv(x, kernel, ones, "valid", data_format, ones)), seed=8)

    def loss(params):
        return B.sum(B.multiply(B.conv(params[0], kernel, ones, "valid", data_format, ones), cotangent)), None

    (_, _), (grad,) = B.value_and_grad(loss)([x])
    assert_close(grad, B.convert_to_numpy(B.conv_transpose(cotangent, kernel, ones, "valid", None, data_format, ones)),
                 rtol=1e-4, atol=1e-4)

    even = rand(2, 3, *(4, 4, 4)[:nd]) if data_format == "channels_first" else rand(2, *(4, 4, 4)[:nd], 3)
    pool = ((2,) * nd, (2,) * nd, "valid", data_format)
    (_, _), (avg_grad,) = B.value_and_grad(lambda p: (B.sum(B.average_pool(p[0], *pool)), None))([even])
    np.testing.assert_allclose(B.convert_to_numpy(avg_grad), np.full(even.shape, 0.5**nd, "float32"))
    (_, _), (max_grad,) = B.value_and_grad(lambda p: (B.sum(B.max_pool(p[0], *pool)), None))([even])
    assert float(B.convert_to_numpy(B.sum(max_grad))) == even.size / 2**nd


POOL_CASES = [
    (nd, df, ps, s, pad)
    for nd in (1, 2, 3)
    for df in ("channels_last", "channels_first")
    for pad in ("valid", "same")
    for ps, s in ((2, 2), (3, 2), (3, 1))
]


@pytest.mark.parametrize("nd, data_format, pool, stride, padding", POOL_CASES)
def test_pooling_matches_keras(nd, data_format, pool, stride, padding):
    x = spatial_input(nd, data_format, channels=3)
    xl = to_last(x, data_format)
    args = ((pool,) * nd, (stride,) * nd, padding, data_format)
    assert_close(B.max_pool(x, *args), from_last(K.max_pool(xl, pool, stride, padding, "channels_last"), data_format))
    assert_close(B.average_pool(x, *args),
                 from_last(K.average_pool(xl, pool, stride, padding, "channels_last"), data_format))


def test_average_pool_same_excludes_padding():
    x = np.ones((1, 3, 3, 1), "float32")
    np.testing.assert_array_equal(B.convert_to_numpy(B.average_pool(x, (2, 2), (2, 2), "same", "channels_last")),
                                  np.ones((1, 2, 2, 1), "float32"))


def test_conv_reports_channel_mismatch():
    with pytest.raises(ValueError, match="conv: inputs have 3 channels"):
        B.conv(rand(1, 5, 5, 3), rand(3, 3, 2, 4), (1, 1), "valid", "channels_last", (1, 1))


# --------------------------------------------------------------------------
# Native overrides of derived ops vs keras.ops
# --------------------------------------------------------------------------


def test_activations_and_losses_match_keras():
    x = rand(4, 5, seed=11)
    names = ("relu", "relu6", "sigmoid", "softplus", "softsign", "silu", "elu", "selu", "hard_sigmoid", "log_softmax")
    for name in names:
        assert_close(getattr(B, name)(x), getattr(K, name)(x))
    assert_close(B.gelu(x, approximate=False), K.gelu(x, approximate=False))
    assert_close(B.gelu(x), K.gelu(x))
    assert_close(B.leaky_relu(x, 0.3), K.leaky_relu(x, 0.3))
    assert_close(B.softmax(x, axis=0), K.softmax(x, axis=0))
    assert_close(B.logsumexp(x, axis=1), K.logsumexp(x, axis=1))
    assert_close(B.one_hot(np.array([0, 3, 1]), 4, axis=0), K.one_hot(np.array([0, 3, 1]), 4, axis=0))
    mean, var = B.moments(x, (0,), keepdims=True)
    ref_mean, ref_var = K.moments(x, (0,), keepdims=True)
    assert_close(mean, ref_mean)
    assert_close(var, ref_var)
    x4 = rand(2, 3, 4, 4, seed=12)
    stats = [np.abs(rand(3, seed=s)) + 0.1 for s in range(4)]
    assert_close(B.batch_normalization(x4, *stats[:2], axis=1, offset=stats[2], scale=stats[3]),
                 K.batch_normalization(x4, *stats[:2], axis=1, offset=stats[2], scale=stats[3]))

    probs = K.convert_to_numpy(K.softmax(x))
    labels = np.array([0, 4, 2, 1])
    onehot = np.eye(5, dtype="float32")[labels]
    for logits, out in ((True, x), (False, probs)):
        assert_close(B.categorical_crossentropy(onehot, out, from_logits=logits),
                     K.categorical_crossentropy(onehot, out, from_logits=logits))
        assert_close(B.sparse_categorical_crossentropy(labels, out, from_logits=logits),
                     K.sparse_categorical_crossentropy(labels, out, from_logits=logits))
    target = (rand(4, 5, seed=13) > 0).astype("float32")
    assert_close(B.binary_crossentropy(target, x, from_logits=True), K.binary_crossentropy(target, x, from_logits=True))
    sig = K.convert_to_numpy(K.sigmoid(x))
    assert_close(B.binary_crossentropy(target, sig), K.binary_crossentropy(target, sig))


# --------------------------------------------------------------------------
# Random
# --------------------------------------------------------------------------


def _draws(seed):
    return [
        B.random_normal((3, 4), 1.0, 2.0, "float32", seed),
        B.random_uniform((5,), -1.0, 1.0, "float32", seed),
        B.random_randint((6,), 2, 9, "int32", seed),
        B.random_truncated_normal((200,), 0.0, 1.0, "float32", seed),
        B.random_dropout(B.ones((50,)), 0.5, None, seed),
        B.random_shuffle(B.arange(10), 0, seed),
    ]


def test_random_is_deterministic_inside_tf_function():
    draws = B.compile_function(_draws)
    seed, other = B.convert_to_tensor(np.array([3, 7], "int32")), B.convert_to_tensor(np.array([4, 7], "int32"))
    first, again, eager, changed = draws(seed), draws(seed), _draws(seed), draws(other)
    for a, b, c in zip(first, again, eager):
        np.testing.assert_array_equal(B.convert_to_numpy(a), B.convert_to_numpy(b))
        np.testing.assert_array_equal(B.convert_to_numpy(a), B.convert_to_numpy(c))
    assert not np.array_equal(B.convert_to_numpy(first[0]), B.convert_to_numpy(changed[0]))
    ints = B.convert_to_numpy(first[2])
    assert ints.dtype == np.int32 and ints.min() >= 2 and ints.max() < 9
    assert np.abs(B.convert_to_numpy(first[3])).max() <= 2.0
    assert set(np.unique(B.convert_to_numpy(first[4]))) <= {0.0, 2.0}
    np.testing.assert_array_equal(np.sort(B.convert_to_numpy(first[5])), np.arange(10))


def test_shuffle_along_inner_axis_permutes_columns():
    x = np.arange(12).reshape(3, 4)
    out = B.convert_to_numpy(B.random_shuffle(x, 1, B.convert_to_tensor(np.array([1, 2], "int32"))))
    perm = out[0]  # row 0 of x is 0..3, so it spells out the column permutation
    assert sorted(perm.tolist()) == [0, 1, 2, 3]
    np.testing.assert_array_equal(out, x[:, perm])


# --------------------------------------------------------------------------
# tf.data adapter
# --------------------------------------------------------------------------


def test_tf_data_adapter_converts_batches_to_numpy():
    from kcore.backend.plugin_manager import adapt_data

    features = {"a": np.arange(10, dtype="float32").reshape(5, 2), "b": np.arange(5)}
    ds = tf.data.Dataset.from_tensor_slices((features, np.arange(5, dtype="int32"))).batch(2)
    batches = adapt_data(ds)
    assert len(batches) == 3
    items = list(batches)
    assert len(items) == 3
    (x, y) = items[0]
    assert isinstance(x, dict) and isinstance(x["a"], np.ndarray) and isinstance(y, np.ndarray)
    np.testing.assert_array_equal(x["a"], features["a"][:2])
    np.testing.assert_array_equal(items[2][1], [4])
    assert list(batches)[0][1].tolist() == [0, 1]  # iterable again

    unknown = adapt_data(ds.filter(lambda x, y: tf.reduce_all(y >= 0)))
    assert not hasattr(unknown, "__len__") and len(list(unknown)) == 3
    assert not hasattr(adapt_data(ds.repeat()), "__len__")


def test_tf_data_adapter_ignores_other_objects_without_importing_tensorflow():
    code = (
        "import sys\n"
        "import kcore_tensorflow as p\n"
        "assert p.kcore_adapt_data([1, 2]) is None and p.kcore_adapt_data(object()) is None\n"
        "assert 'tensorflow' not in sys.modules, 'tensorflow was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
