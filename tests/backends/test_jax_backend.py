"""Contract behaviour specific to the jax backend (JaxBackend is used directly).

keras (jax backend) is the oracle for convolution and pooling values. It is
imported lazily so that collecting this module never fixes the Keras backend
for other test modules.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

jax = pytest.importorskip("jax")
import jax.numpy as jnp  # noqa: E402

from kcore.backend import contract  # noqa: E402
from kcore_jax.backend import JaxBackend  # noqa: E402

os.environ.setdefault("KERAS_BACKEND", "jax")

B = JaxBackend()
RNG = np.random.default_rng(1234)


@pytest.fixture(scope="module")
def kops():
    import keras

    return keras.ops


def _np(x):
    return np.asarray(x)


# ------------------------------------------------------------------ identity
def test_implements_whole_contract():
    missing = [m for m in contract.required_methods() if getattr(JaxBackend, m) is getattr(contract.Backend, m)]
    assert missing == []
    assert B.name == "jax"
    assert B.framework_version() == jax.__version__
    devices = B.devices()
    assert devices and all(":" in d for d in devices)
    assert devices[0] in ("cpu:0", "cuda:0", "tpu:0")


# ---------------------------------------------------------- tensors & dtypes
@pytest.mark.parametrize("value, dtype", [
    (1.5, "float32"), (3, "int32"), (True, "bool"), ([1.0, 2.0], "float32"), ([1, 2], "int32"),
    (np.ones(3), "float32"), (np.ones(3, "int64"), "int32"), (np.ones(2, "uint8"), "uint8"),
])
def test_convert_to_tensor_defaults_are_32_bit(value, dtype):
    t = B.convert_to_tensor(value)
    assert B.is_tensor(t) and B.dtype(t) == dtype
    assert not t.weak_type  # Python scalars become ordinary, strongly typed tensors
    np.testing.assert_array_equal(B.convert_to_numpy(t), np.asarray(value))


def test_convert_and_cast_with_dtype():
    assert B.dtype(B.convert_to_tensor([1, 2], "float16")) == "float16"
    assert B.dtype(B.cast(B.convert_to_tensor([1.7, -1.7]), "int32")) == "int32"
    np.testing.assert_array_equal(_np(B.cast(np.array([1.7, -1.7]), "int32")), [1, -1])
    assert B.dtype(B.cast(B.ones((2,)), "bfloat16")) == "bfloat16"
    assert not B.is_tensor(np.ones(2)) and B.shape(B.zeros((2, 3))) == (2, 3)


@pytest.mark.parametrize("a, b, expected", [
    (np.arange(3, dtype="int32"), 2.5, "float32"),
    (np.arange(3, dtype="int32"), 2, "int32"),
    (np.ones(3, "float32"), 2, "float32"),
    (np.ones(3, "float16"), 2.0, "float16"),
    (np.ones(3, "int32"), np.ones(3, "float32"), "float32"),
    (np.ones(3, "float32"), np.ones(3, "float64"), "float32"),
    (np.ones(3, "int8"), np.ones(3, "uint8"), "int16"),
])
def test_binary_dtype_promotion(a, b, expected):
    a = B.convert_to_tensor(a)
    assert B.dtype(B.add(a, b)) == expected
    assert B.dtype(B.multiply(b, a)) == expected


def test_int_division_and_reductions_give_float32():
    x = B.convert_to_tensor([[1, 2], [3, 4]])
    assert B.dtype(B.divide(x, x)) == "float32"
    assert B.dtype(B.mean(x)) == "float32"
    assert B.dtype(B.floor(x)) == "float32"
    assert B.dtype(B.sum(B.cast(x, "int8"))) == "int32"
    assert B.dtype(B.argmax(x, axis=1)) == "int32"


def test_getitem_keys():
    ref = np.arange(24).reshape(2, 3, 4)
    x = B.convert_to_tensor(ref)
    index = B.convert_to_tensor([2, 0])
    cases = [  # (key for the backend, equivalent NumPy key)
        (1, 1), (-1, -1), (slice(0, 2), slice(0, 2)),
        ((0, slice(None), None, 1), (0, slice(None), None, 1)),
        ((Ellipsis, 2), (Ellipsis, 2)), ((None, Ellipsis), (None, Ellipsis)),
        ((slice(None, None, -1), 1), (slice(None, None, -1), 1)),
        ((slice(None), np.array([0, 2])), (slice(None), np.array([0, 2]))),
        ([1, 0], np.array([1, 0])),
        (ref[..., 0] > 5, ref[..., 0] > 5),
        (B.greater(x, 20), ref > 20),
        ((0, index, slice(1, 3)), (0, np.array([2, 0]), slice(1, 3))),
    ]
    for key, np_key in cases:
        np.testing.assert_array_equal(_np(B.getitem(x, key)), ref[np_key], err_msg=str(np_key))


# ------------------------------------------------------- differentiation, jit
def _loss(params, x, y):
    w, b = params
    pred = B.add(B.matmul(x, w), b)
    return B.mean(B.square(B.subtract(pred, y))), {"pred": pred, "count": B.shape(x)[0]}


def test_value_and_grad_with_aux_inside_compile_function():
    x = RNG.normal(size=(5, 3)).astype("float32")
    y = RNG.normal(size=(5, 2)).astype("float32")
    w = RNG.normal(size=(3, 2)).astype("float32")
    b = np.zeros((2,), "float32")
    grad_fn = B.value_and_grad(_loss)
    step = B.compile_function(lambda params, x, y: grad_fn(params, x, y), kind="train")
    (loss, aux), grads = step([jnp.asarray(w), jnp.asarray(b)], x, y)

    pred = x @ w + b
    err = pred - y
    np.testing.assert_allclose(float(loss), np.mean(err ** 2), rtol=1e-5)
    np.testing.assert_allclose(_np(aux["pred"]), pred, rtol=1e-5, atol=1e-6)
    assert int(aux["count"]) == 5
    assert isinstance(grads, list) and len(grads) == 2
    np.testing.assert_allclose(_np(grads[0]), x.T @ (2 * err / err.size), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(_np(grads[1]), (2 * err / err.size).sum(0), rtol=1e-4, atol=1e-6)


def test_compile_function_caches_per_function_and_checks_kind():
    def f(x):
        return B.multiply(x, 2.0)

    assert B.compile_function(f) is B.compile_function(f, kind="train")
    np.testing.assert_allclose(_np(B.compile_function(f)(np.ones(3, "float32"))), 2.0)
    with pytest.raises(ValueError, match="kind"):
        B.compile_function(f, kind="eval")


def test_stop_gradient_blocks_gradient():
    g = jax.grad(lambda x: B.sum(B.add(B.square(x), B.stop_gradient(B.square(x)))))(jnp.ones(3))
    np.testing.assert_allclose(_np(g), 2.0)


@pytest.mark.parametrize("reverse", [False, True])
def test_scan_matches_python_loop(reverse):
    xs = [RNG.normal(size=(4, 2)).astype("float32"), RNG.normal(size=(4,)).astype("float32")]

    def fn(carry, x):
        a, b = x
        carry = B.add(B.multiply(carry, 0.5), B.multiply(a, b))
        return carry, [carry, B.sum(a)]

    init = np.zeros((2,), "float32")
    carry, ys = B.scan(fn, init, xs, reverse=reverse)
    ref_carry, ref_ys = contract.Backend.scan(B, fn, init, xs, reverse=reverse)  # the portable Python loop
    np.testing.assert_allclose(_np(carry), _np(ref_carry), rtol=1e-6)
    assert isinstance(ys, list) and len(ys) == 2
    for y, r in zip(ys, ref_ys):
        np.testing.assert_allclose(_np(y), _np(r), rtol=1e-6)

    single = B.compile_function(lambda x: B.scan(lambda c, t: (B.add(c, t), c), 0.0, x, reverse=reverse))
    total, prefix = single(jnp.arange(1.0, 5.0))
    assert float(total) == 10.0
    expected = [0.0, 1.0, 3.0, 6.0] if not reverse else [9.0, 7.0, 4.0, 0.0]
    np.testing.assert_allclose(_np(prefix), expected)


# ------------------------------------------------------------------- random
SEED = np.array([42, -7], "int32")


def _check_normal(v):
    assert abs(v.mean() - 1.0) < 0.15 and abs(v.std() - 2.0) < 0.15


def _check_uniform(v):
    assert v.min() >= -1.0 and v.max() < 3.0 and abs(v.mean() - 1.0) < 0.1


def _check_randint(v):
    assert set(np.unique(v).tolist()) == set(range(0, 10))


def _check_truncated(v):
    v = v.astype("float32")
    assert v.min() >= -2.0 and v.max() <= 2.0 and abs(v.mean()) < 0.1 and v.std() > 0.7


@pytest.mark.parametrize("op, args, check", [
    ("random_normal", ((50, 40), 1.0, 2.0, "float32"), _check_normal),
    ("random_uniform", ((50, 40), -1.0, 3.0, "float32"), _check_uniform),
    ("random_randint", ((50, 40), 0, 10, "int32"), _check_randint),
    ("random_truncated_normal", ((50, 40), 0.0, 1.0, "float16"), _check_truncated),
])
def test_random_is_deterministic_under_jit_with_traced_seed(op, args, check):
    fn = getattr(B, op)
    eager = _np(fn(*args, seed=SEED))
    jitted = jax.jit(lambda seed: fn(*args, seed=seed))
    np.testing.assert_array_equal(_np(jitted(jnp.asarray(SEED))), eager)
    np.testing.assert_array_equal(_np(fn(*args, seed=jnp.asarray(SEED))), eager)
    assert str(eager.dtype) == args[-1] and eager.shape == args[0]
    other = _np(jitted(jnp.asarray([42, -6], "int32")))
    assert not np.array_equal(other, eager)
    check(eager)


def test_dropout_and_shuffle():
    seed = jnp.asarray(SEED)
    x = jnp.ones((4, 1000))
    y = _np(B.random_dropout(x, 0.25, None, seed))
    np.testing.assert_allclose(np.unique(y), [0.0, 1.0 / 0.75], rtol=1e-6)
    assert abs((y == 0).mean() - 0.25) < 0.03
    shared = _np(B.random_dropout(x, 0.5, (1, None), seed))
    assert (shared == shared[:1]).all()  # one mask broadcast over the first axis
    s = _np(B.random_shuffle(np.arange(20).reshape(10, 2), 0, seed))
    assert sorted(s[:, 0].tolist()) == list(range(0, 20, 2)) and (s[:, 1] == s[:, 0] + 1).all()
    np.testing.assert_array_equal(s, _np(B.random_shuffle(np.arange(20).reshape(10, 2), 0, seed)))


# ---------------------------------------------------------- conv and pooling
def _inputs(rank, data_format, channels=3, size=(7, 6, 5)):
    spatial = size[:rank]
    shape = (2, *spatial, channels) if data_format == "channels_last" else (2, channels, *spatial)
    return RNG.normal(size=shape).astype("float32")


CONV_CASES = [
    # rank, data_format, padding, strides, dilation, kernel
    (1, "channels_last", "valid", 1, 1, 3),
    (1, "channels_first", "same", 2, 1, 4),
    (2, "channels_last", "same", 1, 2, 3),
    (2, "channels_last", "valid", 2, 1, 2),
    (2, "channels_first", "same", 2, 1, 3),
    (2, "channels_first", "valid", 1, 2, 2),
    (3, "channels_last", "same", 2, 1, 2),
    (3, "channels_first", "valid", 1, 1, 3),
]


def _close(out, ref, kops):
    ref = kops.convert_to_numpy(ref)
    out = _np(out)
    assert out.shape == ref.shape
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("rank, fmt, padding, s, d, k", CONV_CASES)
def test_conv_matches_keras(kops, rank, fmt, padding, s, d, k):
    x = _inputs(rank, fmt)
    kernel = RNG.normal(size=(k,) * rank + (3, 4)).astype("float32")
    out = B.conv(x, kernel, (s,) * rank, padding, fmt, (d,) * rank)
    _close(out, kops.conv(x, kernel, s, padding, fmt, d), kops)

    depthwise = RNG.normal(size=(k,) * rank + (3, 2)).astype("float32")
    out = B.depthwise_conv(x, depthwise, (s,) * rank, padding, fmt, (d,) * rank)
    _close(out, kops.depthwise_conv(x, depthwise, s, padding, fmt, d), kops)


def test_grouped_conv_matches_keras(kops):
    x = _inputs(2, "channels_last", channels=4)
    kernel = RNG.normal(size=(3, 3, 2, 6)).astype("float32")  # 2 groups
    _close(B.conv(x, kernel, (1, 1), "same", "channels_last", (1, 1)),
           kops.conv(x, kernel, 1, "same", "channels_last", 1), kops)


@pytest.mark.parametrize("rank, fmt, padding, s, d, k, output_padding", [
    case + (None,) for case in CONV_CASES[1::2]
] + [
    (1, "channels_last", "same", 2, 1, 3, 1),
    (2, "channels_first", "valid", 3, 1, 2, 2),
    (2, "channels_last", "same", 2, 1, 4, 0),
])
def test_conv_transpose_matches_keras(kops, rank, fmt, padding, s, d, k, output_padding):
    x = _inputs(rank, fmt, size=(4, 3, 3))
    kernel = RNG.normal(size=(k,) * rank + (5, 3)).astype("float32")  # (*spatial, out, in)
    op = None if output_padding is None else (output_padding,) * rank
    out = B.conv_transpose(x, kernel, (s,) * rank, padding, op, fmt, (d,) * rank)
    _close(out, kops.conv_transpose(x, kernel, s, padding, op, fmt, d), kops)


def test_conv_transpose_output_shape_rule():
    x = np.ones((1, 5, 1), "float32")
    for padding, stride, k, op, expected in [
        ("valid", 2, 3, None, 11), ("same", 2, 3, None, 10), ("valid", 3, 2, None, 15),
        ("same", 2, 3, (1,), 10), ("valid", 2, 3, (1,), 12), ("same", 2, 4, (0,), 8),
    ]:
        kernel = np.ones((k, 1, 1), "float32")
        out = B.conv_transpose(x, kernel, (stride,), padding, op, "channels_last", (1,))
        assert B.shape(out) == (1, expected, 1), (padding, stride, k, op)


@pytest.mark.parametrize("rank, fmt, padding, pool, s", [
    (1, "channels_last", "valid", 2, 2),
    (1, "channels_first", "same", 3, 2),
    (2, "channels_last", "same", 3, 2),
    (2, "channels_last", "same", 2, 3),
    (3, "channels_first", "same", 2, 2),
])
def test_pooling_matches_keras(kops, rank, fmt, padding, pool, s):
    x = _inputs(rank, fmt)
    for name in ("max_pool", "average_pool"):
        out = getattr(B, name)(x, (pool,) * rank, (s,) * rank, padding, fmt)
        _close(out, getattr(kops, name)(x, pool, s, padding, fmt), kops)


def test_pooling_and_conv_are_differentiable():
    x = jnp.asarray(_inputs(2, "channels_last"))
    kernel = jnp.ones((2, 2, 3, 1))

    def f(x):
        y = B.conv(x, kernel, (1, 1), "same", "channels_last", (1, 1))
        y = B.max_pool(y, (2, 2), (2, 2), "same", "channels_last")
        return B.sum(B.average_pool(y, (2, 2), (1, 1), "same", "channels_last"))

    g = jax.grad(f)(x)
    assert g.shape == x.shape and bool(jnp.all(jnp.isfinite(g))) and float(jnp.abs(g).sum()) > 0


def test_conv_errors_name_op_and_shapes():
    x = np.ones((1, 5, 5, 3), "float32")
    with pytest.raises(ValueError, match=r"conv: kernel of shape \(3, 3, 2, 4\)"):
        B.conv(x, np.ones((3, 3, 2, 4), "float32"), (1, 1), "valid", "channels_last", (1, 1))
    with pytest.raises(ValueError, match="too small"):
        B.conv(x, np.ones((7, 7, 3, 4), "float32"), (1, 1), "valid", "channels_last", (1, 1))
    with pytest.raises(ValueError, match="padding"):
        B.max_pool(x, (2, 2), (2, 2), "full", "channels_last")


# ------------------------------------------------- native nn overrides vs keras
def test_activations_and_losses_match_keras(kops):
    x = RNG.normal(size=(4, 5)).astype("float32") * 3
    for name in ("elu", "selu", "leaky_relu", "hard_sigmoid", "gelu", "softmax", "log_softmax"):
        _close(getattr(B, name)(x), getattr(kops, name)(x), kops)
    _close(B.gelu(x, approximate=False), kops.gelu(x, approximate=False), kops)
    _close(B.logsumexp(x, axis=1), kops.logsumexp(x, axis=1), kops)
    _close(B.one_hot(np.array([0, 3, -1]), 4), kops.one_hot(np.array([0, 3, -1]), 4), kops)
    mean, var = B.moments(x, (0,))
    ref_mean, ref_var = kops.moments(x, (0,))
    _close(mean, ref_mean, kops)
    _close(var, ref_var, kops)

    labels = np.array([1, 0, 4, 2])
    target = np.eye(5, dtype="float32")[labels]
    probs = kops.convert_to_numpy(kops.softmax(x))
    _close(B.categorical_crossentropy(target, x, from_logits=True),
           kops.categorical_crossentropy(target, x, from_logits=True), kops)
    _close(B.sparse_categorical_crossentropy(labels, x, from_logits=True),
           kops.sparse_categorical_crossentropy(labels, x, from_logits=True), kops)
    sig = kops.convert_to_numpy(kops.sigmoid(x))
    _close(B.binary_crossentropy(target, sig), kops.binary_crossentropy(target, sig), kops)
