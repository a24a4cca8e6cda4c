"""The numpy backend: custom VJPs against finite differences, values against keras.ops.

Gradients are checked in float64 with central differences through the
backend's own ``value_and_grad``; conv/pool values are compared with keras'
numpy backend (inference oracle) at 1e-5.
"""

from __future__ import annotations

import os
import sys

# keras' numpy backend is the value oracle; don't override a backend the session already chose
if "keras" not in sys.modules and os.environ.get("KERAS_BACKEND", "numpy") == "numpy":
    os.environ["KERAS_BACKEND"] = "numpy"

import numpy as np
import pytest

from kcore_numpy.backend import NumpyBackend

B = NumpyBackend()


@pytest.fixture(scope="module")
def kops():
    """keras.ops on whichever backend keras runs (importing another keras backend module would break it)."""
    import keras

    return keras.ops


# ------------------------------------------------------------------ helpers
def _rand(rng, shape, dtype="float64"):
    return rng.standard_normal(shape).astype(dtype)


def numeric_grad(f, params, eps=1e-6):
    """Central differences of scalar ``f(params)`` for every element of every param."""
    grads = []
    for i, p in enumerate(params):
        g = np.zeros_like(p)
        flat = g.reshape(-1)
        for j in range(p.size):
            plus = [q.copy() for q in params]
            minus = [q.copy() for q in params]
            plus[i].reshape(-1)[j] += eps
            minus[i].reshape(-1)[j] -= eps
            flat[j] = (f(plus) - f(minus)) / (2 * eps)
        grads.append(g)
    return grads


def check_grads(op, params, seed=0, atol=1e-6, rtol=1e-5, eps=1e-6):
    """Compare the autograd gradient of ``sum(op(*params) * R)`` with central differences.

    Small params are checked element by element; larger ones along random
    directions ``v`` (``<grad, v>`` against ``(f(p + eps v) - f(p - eps v)) / 2 eps``).
    """
    rng = np.random.default_rng(seed + 1)
    out = np.asarray(op(*params))
    r = rng.standard_normal(out.shape)

    def loss(ps):
        return B.sum(B.multiply(op(*ps), r))

    def f(ps):
        return float(np.asarray(loss(ps)))

    (value, _), grads = B.value_and_grad(lambda ps: (loss(ps), None))(list(params))
    assert np.allclose(value, f(params)), "value differs from the forward pass"
    for k, g in enumerate(grads):
        assert g.shape == params[k].shape and g.dtype == params[k].dtype, f"param {k}: {g.shape} {g.dtype}"
    if sum(p.size for p in params) <= 64:
        for k, (g, e) in enumerate(zip(grads, numeric_grad(f, list(params), eps))):
            np.testing.assert_allclose(g, e, atol=atol, rtol=rtol, err_msg=f"gradient of param {k}")
        return
    for k in list(range(len(params))) + [None]:  # each param alone, then all together
        for _ in range(3):
            dirs = [rng.standard_normal(p.shape) if k in (None, i) else np.zeros(p.shape) for i, p in enumerate(params)]
            plus = [p + eps * d for p, d in zip(params, dirs)]
            minus = [p - eps * d for p, d in zip(params, dirs)]
            expected = (f(plus) - f(minus)) / (2 * eps)
            got = sum(float(np.sum(g * d)) for g, d in zip(grads, dirs))
            np.testing.assert_allclose(got, expected, atol=atol * 10, rtol=rtol, err_msg=f"direction on param {k}")


def _fmt(x, data_format):
    return np.moveaxis(x, -1, 1).copy() if data_format == "channels_first" else x


# ------------------------------------------------------------ convolutions
SPATIAL = {1: (7,), 2: (6, 5), 3: (5, 4, 4)}
KERNEL = {1: (3,), 2: (3, 2), 3: (2, 3, 2)}
GEOMETRY = [((1,), (1,), "valid"), ((2,), (1,), "same"), ((1,), (2,), "same"), ((2,), (1,), "valid"), ((1,), (2,), "valid")]


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("stride,dilation,padding", GEOMETRY)
def test_conv_gradients(nd, data_format, stride, dilation, padding):
    rng = np.random.default_rng(nd)
    x = _fmt(_rand(rng, (2, *SPATIAL[nd], 2)), data_format)
    k = _rand(rng, (*KERNEL[nd], 2, 3))
    strides, dil = stride * nd, dilation * nd
    check_grads(lambda x, k: B.conv(x, k, strides, padding, data_format, dil), [x, k])


def test_grouped_conv_gradients_and_value(kops):
    rng = np.random.default_rng(3)
    x = _rand(rng, (2, 6, 5, 4))
    k = _rand(rng, (3, 3, 2, 6))  # 2 groups of 2 input channels
    check_grads(lambda x, k: B.conv(x, k, (1, 1), "same", "channels_last", (1, 1)), [x, k])
    expected = kops.conv(x.astype("float32"), k.astype("float32"), 1, "same", "channels_last", 1)
    got = B.conv(x.astype("float32"), k.astype("float32"), (1, 1), "same", "channels_last", (1, 1))
    np.testing.assert_allclose(got, np.asarray(expected), atol=1e-5, rtol=1e-5)


TRANSPOSE_CASES = [(nd, fmt, *geo, op) for nd in (1, 2, 3) for fmt in ("channels_last", "channels_first")
                   for geo in GEOMETRY for op in ((None, 0) if nd < 3 else (None,))]


@pytest.mark.parametrize("nd,data_format,stride,dilation,padding,output_padding", TRANSPOSE_CASES)
def test_conv_transpose_gradients(nd, data_format, stride, dilation, padding, output_padding):
    rng = np.random.default_rng(10 + nd)
    x = _fmt(_rand(rng, (2, *SPATIAL[nd][:nd], 2)), data_format)
    k = _rand(rng, (*KERNEL[nd], 3, 2))
    strides, dil = stride * nd, dilation * nd
    op_pad = None if output_padding is None else (output_padding,) * nd
    check_grads(lambda x, k: B.conv_transpose(x, k, strides, padding, op_pad, data_format, dil), [x, k])


@pytest.mark.parametrize("nd", [1, 2])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("stride,dilation,padding", GEOMETRY)
@pytest.mark.parametrize("multiplier", [1, 2])
def test_depthwise_conv_gradients(nd, data_format, stride, dilation, padding, multiplier):
    rng = np.random.default_rng(20 + nd)
    x = _fmt(_rand(rng, (2, *SPATIAL[nd], 3)), data_format)
    k = _rand(rng, (*KERNEL[nd], 3, multiplier))
    strides, dil = stride * nd, dilation * nd
    check_grads(lambda x, k: B.depthwise_conv(x, k, strides, padding, data_format, dil), [x, k])


def test_separable_conv_gradients():
    rng = np.random.default_rng(5)
    x, dk, pk = _rand(rng, (2, 6, 5, 2)), _rand(rng, (3, 3, 2, 2)), _rand(rng, (1, 1, 4, 3))
    check_grads(lambda x, dk, pk: B.separable_conv(x, dk, pk, (1, 1), "same", "channels_last", (1, 1)), [x, dk, pk])


def test_conv_second_order_gradient():
    """The conv primitives' VJPs are primitives themselves: grad of a grad works."""
    rng = np.random.default_rng(6)
    x, k = _rand(rng, (1, 5, 5, 2)), _rand(rng, (3, 3, 2, 2))

    def grad_norm(ps):
        _, (gx,) = B.value_and_grad(
            lambda qs: (B.sum(B.square(B.conv(qs[0], ps[0], (1, 1), "same", "channels_last", (1, 1)))), None)
        )([x])
        return B.sum(B.square(gx)), None

    (_, _), (gk,) = B.value_and_grad(grad_norm)([k])
    expected = numeric_grad(lambda ps: float(grad_norm(ps)[0]), [k])[0]
    np.testing.assert_allclose(gk, expected, rtol=1e-5, atol=1e-5)


# ------------------------------------------------------------------ pooling
POOL_GEOMETRY = [((2,), (2,), "valid"), ((3,), (2,), "same"), ((3,), (1,), "same"), ((2,), (1,), "valid")]


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("pool,stride,padding", POOL_GEOMETRY)
@pytest.mark.parametrize("kind", ["max", "average"])
def test_pool_gradients(nd, data_format, pool, stride, padding, kind):
    rng = np.random.default_rng(30 + nd)
    x = _fmt(_rand(rng, (2, *SPATIAL[nd], 2)), data_format)
    fn = B.max_pool if kind == "max" else B.average_pool
    check_grads(lambda x: fn(x, pool * nd, stride * nd, padding, data_format), [x])


def test_max_pool_ties_send_gradient_to_one_cell():
    x = np.ones((1, 4, 4, 1))
    (_, _), (g,) = B.value_and_grad(lambda ps: (B.sum(B.max_pool(ps[0], (2, 2), (2, 2), "valid", "channels_last")), None))([x])
    assert g.sum() == 4 and set(np.unique(g)) == {0.0, 1.0}


# ----------------------------------------------------- keras value oracle
KERAS_CASES = [  # (nd, data_format, padding, stride, dilation)
    (1, "channels_last", "valid", 1, 1), (1, "channels_first", "same", 2, 1), (1, "channels_last", "same", 1, 2),
    (2, "channels_last", "same", 1, 1), (2, "channels_first", "valid", 2, 1), (2, "channels_last", "same", 3, 1),
    (2, "channels_first", "same", 1, 2), (2, "channels_last", "valid", 1, 2),
    (3, "channels_last", "same", 2, 1), (3, "channels_first", "valid", 1, 1),
]


@pytest.mark.parametrize("nd,data_format,padding,stride,dilation", KERAS_CASES)
def test_conv_values_match_keras(kops, nd, data_format, padding, stride, dilation):
    rng = np.random.default_rng(40 + nd)
    x = _fmt(_rand(rng, (2, *(7, 6, 5)[:nd], 3), "float32"), data_format)
    k = _rand(rng, (*(3, 2, 3)[:nd], 3, 4), "float32")
    dk = _rand(rng, (*(3, 2, 3)[:nd], 3, 2), "float32")
    tk = _rand(rng, (*(3, 2, 3)[:nd], 5, 3), "float32")
    st, dl = (stride,) * nd, (dilation,) * nd

    def same(got, want):
        got, want = np.asarray(got), np.asarray(want)
        assert got.shape == want.shape and got.dtype == np.float32
        np.testing.assert_allclose(got, want, atol=1e-5, rtol=1e-5)

    same(B.conv(x, k, st, padding, data_format, dl), kops.conv(x, k, stride, padding, data_format, dilation))
    same(B.depthwise_conv(x, dk, st, padding, data_format, dl),
         kops.depthwise_conv(x, dk, stride, padding, data_format, dilation))
    for out_pad in (None, 1) if max(stride, dilation) > 1 else (None,):
        ours = B.conv_transpose(x, tk, st, padding, None if out_pad is None else (out_pad,) * nd, data_format, dl)
        same(ours, kops.conv_transpose(x, tk, stride, padding, out_pad, data_format, dilation))
    if dilation == 1:
        p = 2 if padding == "valid" else 3
        same(B.max_pool(x, (p,) * nd, st, padding, data_format), kops.max_pool(x, p, stride, padding, data_format))
        same(B.average_pool(x, (p,) * nd, st, padding, data_format),
             kops.average_pool(x, p, stride, padding, data_format))


def test_conv_transpose_output_shapes():
    x = np.zeros((1, 5, 2), np.float32)
    for padding, stride, k, out_pad, expected in [
        ("valid", 2, 3, None, 11), ("valid", 3, 2, None, 15), ("same", 2, 3, None, 10),
        ("same", 2, 3, 1, 10), ("valid", 2, 3, 1, 12),
    ]:
        kernel = np.zeros((k, 4, 2), np.float32)
        y = B.conv_transpose(x, kernel, (stride,), padding, None if out_pad is None else (out_pad,), "channels_last", (1,))
        assert y.shape == (1, expected, 4), (padding, stride, k, out_pad, y.shape)


# --------------------------------------------------------------- common ops
def _ops_cases(rng):
    a, b = _rand(rng, (3, 4)), _rand(rng, (4, 5))
    v = _rand(rng, (3, 1))
    pos = np.abs(_rand(rng, (3, 4))) + 0.5
    idx = np.array([[0, 2, 1, 3], [3, 3, 0, 1], [1, 0, 2, 2]])
    return {
        "matmul": (lambda a, b: B.matmul(a, b), [a, b]),
        "add_broadcast": (lambda a, v: B.add(a, v), [a, v]),
        "multiply_divide": (lambda a, p: B.divide(B.multiply(a, p), p + 1.0), [a, pos]),
        "mean_axis": (lambda a: B.mean(a, axis=1), [a]),
        "mean_tuple_keepdims": (lambda a: B.mean(a, axis=(0, 1), keepdims=True), [a]),
        "max": (lambda a: B.max(a, axis=0), [a]),
        "min_all": (lambda a: B.min(a), [a]),
        "maximum": (lambda a, p: B.maximum(a, p - 1.0), [a, pos]),
        "minimum_broadcast": (lambda a, v: B.minimum(a, v), [a, v]),
        "where": (lambda a, p: B.where(B.greater(a, 0), a, p), [a, pos]),
        "where_scalar_branch": (lambda a: B.where(B.less(a, 0), 0.0, a), [a]),
        "scan": (lambda a: B.scan(lambda c, x: (B.multiply(c, x), B.add(c, x)), B.ones((4,), "float64"), a)[1], [a]),
        "relu": (lambda a: B.relu(a), [a]),
        "sigmoid": (lambda a: B.sigmoid(a), [a]),
        "tanh": (lambda a: B.tanh(a), [a]),
        "softplus": (lambda a: B.softplus(a), [a]),
        "gelu": (lambda a: B.gelu(a, approximate=False), [a]),
        "softmax": (lambda a: B.softmax(a, axis=-1), [a]),
        "log_softmax": (lambda a: B.log_softmax(a, axis=0), [a]),
        "logsumexp": (lambda a: B.logsumexp(a, axis=1), [a]),
        "sqrt_power_abs": (lambda p, a: B.add(B.sqrt(p), B.add(B.power(p, 1.5), B.abs(a))), [pos, a]),
        "power_both": (lambda p, q: B.power(p, q), [pos, a]),
        "exp_log": (lambda a, p: B.add(B.exp(a), B.log(p)), [a, pos]),
        "var_std": (lambda a: B.add(B.var(a, axis=0), B.std(a, axis=1, keepdims=True)), [a]),
        "moments": (lambda a: B.add(*B.moments(a, (0,))), [a]),
        "take": (lambda a: B.take(a, np.array([[2, 0], [2, 1]]), axis=0), [a]),
        "take_along_axis": (lambda a: B.take_along_axis(a, idx, axis=1), [a]),
        "getitem_basic": (lambda a: B.getitem(a, (slice(1, None), slice(None, None, 2))), [a]),
        "getitem_advanced": (lambda a: B.getitem(a, (np.array([0, 0, 2]), np.array([1, 1, 3]))), [a]),
        "getitem_mask": (lambda a: B.getitem(a, a > 0), [a]),
        "pad_reflect": (lambda a: B.pad(a, ((1, 2), (2, 1)), mode="reflect"), [a]),
        "pad_constant": (lambda a: B.pad(a, ((1, 0), (0, 2)), constant_values=3.0), [a]),
        "concat_stack_split": (lambda a, p: B.stack(B.split(B.concatenate([a, p], axis=1), 4, axis=1), axis=0), [a, pos]),
        "sort": (lambda a: B.sort(a, axis=0), [a]),
        "top_k": (lambda a: B.top_k(a, 2)[0], [a]),
        "cumsum": (lambda a: B.cumsum(a, axis=1), [a]),
        "clip": (lambda a: B.clip(a, -0.5, 0.5), [a]),
        "broadcast_to": (lambda v: B.broadcast_to(v, (2, 3, 4)), [v]),
        "repeat_tile_flip": (lambda a: B.flip(B.tile(B.repeat(a, 2, axis=1), (2, 1)), axis=0), [a]),
        "prod": (lambda p: B.prod(p, axis=1), [pos]),
        "einsum_tensordot": (lambda a, b: B.add(B.einsum("ij,jk->ik", a, b), B.tensordot(a, b, axes=1)), [a, b]),
        "reshape_transpose": (lambda a: B.transpose(B.reshape(a, (2, 6)), (1, 0)), [a]),
        "elu_selu_leaky": (lambda a: B.add(B.add(B.elu(a), B.selu(a)), B.leaky_relu(a)), [a]),
        "categorical_ce": (lambda a, p: B.categorical_crossentropy(B.softmax(p), a, from_logits=True), [a, pos]),
        "sparse_ce_logits": (lambda a: B.sparse_categorical_crossentropy(np.array([0, 3, 2]), a, from_logits=True), [a]),
        "sparse_ce_probs": (lambda p: B.sparse_categorical_crossentropy(np.array([1, 0, 2]), p), [pos]),
        "binary_ce": (lambda a: B.binary_crossentropy(B.sigmoid(a), B.sigmoid(a * 2.0)), [a]),
        "batch_norm": (lambda a, o: B.batch_normalization(a, B.mean(a, axis=0), B.var(a, axis=0), -1,
                                                           offset=o[0], scale=B.add(o[1], 1.0)), [a, b[:2, :4].copy()]),
    }


CASES = list(_ops_cases(np.random.default_rng(0)))


@pytest.mark.parametrize("name", CASES)
def test_common_op_gradients(name):
    op, params = _ops_cases(np.random.default_rng(7))[name]
    check_grads(op, params)


# ------------------------------------------------------- value_and_grad API
def test_value_and_grad_aux_and_float32():
    rng = np.random.default_rng(1)
    w = _rand(rng, (4, 3), "float32")
    bias = np.zeros(3, np.float32)
    unused = np.ones(2, np.float32)
    x = _rand(rng, (5, 4), "float32")

    def fn(params, x):
        w, bias, _ = params
        assert isinstance(params, list)
        logits = B.add(B.matmul(x, w), bias)
        loss = B.mean(B.square(logits))
        return loss, {"logits": logits, "pair": (B.max(logits), [loss])}

    (value, aux), grads = B.value_and_grad(fn)([w, bias, unused], x)
    logits = x @ w + bias
    assert isinstance(value, np.ndarray) and value.dtype == np.float32
    np.testing.assert_allclose(value, np.mean(logits**2), rtol=1e-6)
    assert type(aux["logits"]) is np.ndarray and isinstance(aux["pair"], tuple)
    for leaf in (aux["pair"][0], aux["pair"][1][0]):
        assert isinstance(leaf, (np.ndarray, np.generic)) and not hasattr(leaf, "_node")
    np.testing.assert_allclose(grads[0], x.T @ (2 * logits / logits.size), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grads[1], (2 * logits / logits.size).sum(0), rtol=1e-5, atol=1e-6)
    assert all(g.dtype == np.float32 for g in grads)
    np.testing.assert_array_equal(grads[2], np.zeros(2, np.float32))


def test_cast_gradients_flow_between_floats_only():
    p = np.array([0.5, 1.5, -2.0])

    def fn(params):
        (q,) = params
        as32 = B.cast(q, "float32")
        assert B.dtype(as32) == "float32"
        return B.add(B.sum(B.multiply(as32, 3.0)), B.sum(B.cast(B.cast(q, "int32"), "float32"))), None

    (_, _), (g,) = B.value_and_grad(fn)([p])
    assert g.dtype == np.float64
    np.testing.assert_array_equal(g, [3.0, 3.0, 3.0])


def test_stop_gradient_blocks():
    x = np.array([1.0, 2.0, 3.0])

    def fn(params):
        (p,) = params
        return B.sum(B.add(B.multiply(p, B.stop_gradient(p)), B.stop_gradient(B.square(p)))), None

    (_, _), (g,) = B.value_and_grad(fn)([x])
    np.testing.assert_allclose(g, x)
    assert type(B.stop_gradient(x)) is np.ndarray


def test_value_and_grad_rejects_non_scalar():
    with pytest.raises(ValueError, match="scalar"):
        B.value_and_grad(lambda ps: (B.multiply(ps[0], 2.0), None))([np.ones(3)])


def test_tensors_are_plain_numpy_outside_differentiation():
    x = B.convert_to_tensor([[1.0, 2.0]])
    assert type(x) is np.ndarray and x.dtype == np.float32
    assert type(B.conv(np.ones((1, 4, 1), np.float32), np.ones((2, 1, 1), np.float32), (1,), "valid",
                       "channels_last", (1,))) is np.ndarray
    assert B.is_tensor(np.float32(1.0)) and not B.is_tensor([1.0]) and not B.is_tensor(1.0)
    assert B.compile_function(test_stop_gradient_blocks) is test_stop_gradient_blocks


# ----------------------------------------------------------------- dtypes
def test_dtype_promotion_matches_keras_rules():
    f32, i32 = np.ones(2, np.float32), np.ones(2, np.int32)
    assert B.dtype(B.add(f32, 1.5)) == "float32"
    assert B.dtype(B.multiply(f32, 2)) == "float32"
    assert B.dtype(B.add(i32, 1.5)) == "float32"
    assert B.dtype(B.add(i32, i32)) == "int32"
    assert B.dtype(B.add(i32, f32)) == "float32"
    assert B.dtype(B.divide(i32, 2)) == "float32"
    assert B.dtype(B.add(f32, np.ones(2, np.float64))) == "float64"
    assert B.dtype(B.sqrt(i32)) == "float32"
    assert B.dtype(B.sum(np.array([True, False]))) == "int32"
    assert B.dtype(B.sum(i32)) == "int32"
    assert B.dtype(B.mean(i32)) == "float32"
    assert B.dtype(B.convert_to_tensor(1.0)) == "float32"
    assert B.dtype(B.convert_to_tensor([1, 2])) == "int32"
    assert B.dtype(B.convert_to_tensor(np.ones(2))) == "float64"
    assert B.dtype(B.cast(f32, "bfloat16")) == "bfloat16"
    assert B.dtype(B.argmax(f32)) == "int32"
    assert B.dtype(B.one_hot(np.array([0, 2]), 3)) == "float32"
    assert B.shape(B.one_hot(np.array([0, 2]), 3, axis=0)) == (3, 2)


# ----------------------------------------------------------------- random
SEED = np.array([42, 7], np.int32)


@pytest.mark.parametrize("draw", [
    lambda s: B.random_normal((3, 4), 0.0, 1.0, "float32", s),
    lambda s: B.random_uniform((3, 4), -1.0, 2.0, "float32", s),
    lambda s: B.random_randint((3, 4), 0, 10, "int32", s),
    lambda s: B.random_truncated_normal((3, 4), 1.0, 2.0, "float32", s),
    lambda s: B.random_shuffle(np.arange(12), 0, s),
    lambda s: B.random_dropout(np.ones((3, 4), np.float32), 0.5, None, s),
])
def test_random_is_deterministic_by_seed(draw):
    a, b = draw(SEED), draw(SEED.copy())
    c = draw(np.array([42, 8], np.int32))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_random_distributions():
    n = B.random_normal((20000,), 1.0, 2.0, "float32", SEED)
    assert n.dtype == np.float32 and abs(n.mean() - 1.0) < 0.1 and abs(n.std() - 2.0) < 0.1
    t = B.random_truncated_normal((20000,), 0.0, 3.0, "float32", SEED)
    assert np.abs(t).max() <= 6.0 and t.std() < 3.0 * 0.9
    u = B.random_uniform((1000,), 2.0, 3.0, "float64", SEED)
    assert u.dtype == np.float64 and u.min() >= 2.0 and u.max() < 3.0
    r = B.random_randint((1000,), -3, 3, "int32", SEED)
    assert r.dtype == np.int32 and set(np.unique(r)) == set(range(-3, 3))
    np.testing.assert_array_equal(np.sort(B.random_shuffle(np.arange(10), 0, SEED)), np.arange(10))
    d = B.random_dropout(np.ones((100, 100), np.float32), 0.25, None, SEED)
    assert d.dtype == np.float32 and set(np.unique(d)) == {0.0, np.float32(1 / 0.75)}
    assert abs((d == 0).mean() - 0.25) < 0.02


def test_activations_and_losses_match_keras(kops):
    rng = np.random.default_rng(9)
    logits = _rand(rng, (5, 4), "float32") * 3
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    labels = np.array([0, 3, 1, 2, 3])
    one_hot = np.eye(4, dtype=np.float32)[labels]
    pairs = [
        (B.softmax(logits, -1), kops.softmax(logits, -1)),
        (B.log_softmax(logits, 0), kops.log_softmax(logits, 0)),
        (B.sigmoid(logits), kops.sigmoid(logits)),
        (B.softplus(logits), kops.softplus(logits)),
        (B.sparse_categorical_crossentropy(labels, logits, from_logits=True),
         kops.sparse_categorical_crossentropy(labels, logits, from_logits=True)),
        (B.sparse_categorical_crossentropy(labels[:, None], probs),
         kops.sparse_categorical_crossentropy(labels, probs)),
        (B.categorical_crossentropy(one_hot, logits, from_logits=True),
         kops.categorical_crossentropy(one_hot, logits, from_logits=True)),
        (B.binary_crossentropy(one_hot, probs), kops.binary_crossentropy(one_hot, probs)),
    ]
    for i, (ours, theirs) in enumerate(pairs):
        assert np.asarray(ours).dtype == np.float32, i
        np.testing.assert_allclose(ours, np.asarray(theirs), rtol=1e-5, atol=1e-6, err_msg=f"pair {i}")


def test_small_conv_net_trains():
    """conv -> relu -> max_pool -> dense learns which half of the image holds a bright spot."""
    rng = np.random.default_rng(0)
    n = 128
    x = rng.standard_normal((n, 8, 8, 1)).astype(np.float32) * 0.1
    y = rng.integers(0, 2, n)
    rows, cols = rng.integers(0, 8, n), rng.integers(0, 4, n) + 4 * y
    x[np.arange(n), rows, cols, 0] += 3.0
    params = [_rand(rng, (3, 3, 1, 4), "float32") * 0.5, np.zeros(4, np.float32),
              _rand(rng, (64, 2), "float32") * 0.1, np.zeros(2, np.float32)]

    def loss_fn(ps, x, y):
        h = B.relu(B.add(B.conv(x, ps[0], (1, 1), "same", "channels_last", (1, 1)), ps[1]))
        h = B.max_pool(h, (2, 2), (2, 2), "valid", "channels_last")
        logits = B.add(B.matmul(B.reshape(h, (B.shape(h)[0], -1)), ps[2]), ps[3])
        loss = B.mean(B.sparse_categorical_crossentropy(y, logits, from_logits=True))
        return loss, B.mean(B.cast(B.equal(B.argmax(logits, axis=-1), y), "float32"))

    step = B.compile_function(B.value_and_grad(loss_fn))
    first = None
    for _ in range(60):
        (loss, acc), grads = step(params, x, y)
        first = loss if first is None else first
        params = [B.subtract(p, B.multiply(g, 0.5)) for p, g in zip(params, grads)]
    assert all(p.dtype == np.float32 for p in params)
    assert loss < 0.5 * first and acc > 0.9, (first, loss, acc)
