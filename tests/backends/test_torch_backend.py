"""The torch backend: autograd, spatial ops against keras.ops, random, data adapter, NumPy semantics.

The backend object is built directly, so these tests run under any active
kcore backend. keras (torch backend unless the session already chose one)
is the oracle for convolutions and pooling.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
os.environ.setdefault("KERAS_BACKEND", "torch")
import keras  # noqa: E402

from kcore.backend import plugin_manager  # noqa: E402
from kcore_torch.backend import TorchBackend  # noqa: E402
from kcore_torch.nn import same_padding  # noqa: E402

B = TorchBackend()
RNG = np.random.default_rng(0)
TOL = dict(rtol=1e-5, atol=1e-5)


def rand(*shape):
    return RNG.standard_normal(shape).astype("float32")


def oracle(value):
    return np.asarray(keras.ops.convert_to_numpy(value))


def to_format(x_last, data_format):
    """An input built channels-last, moved to ``data_format``."""
    if data_format == "channels_first":
        return np.ascontiguousarray(np.moveaxis(x_last, -1, 1))
    return x_last


# ------------------------------------------------------------- autograd


def test_value_and_grad_matches_analytic_gradients_and_returns_aux():
    w, bias, x = rand(3, 2), rand(2), rand(5, 3)
    unused, count = rand(4), np.arange(3, dtype="int32")

    def loss_fn(params, inputs):
        w_, b_, _, _ = params
        pred = B.add(B.matmul(inputs, w_), b_)
        loss = B.add(B.sum(B.square(pred)), B.multiply(0.5, B.sum(B.square(w_))))
        return loss, {"pred": pred, "pair": (pred, B.sum(pred))}

    grad_fn = B.value_and_grad(loss_fn)
    params = [B.convert_to_tensor(v) for v in (w, bias, unused, count)]
    (value, aux), grads = grad_fn(params, B.convert_to_tensor(x))

    pred = x @ w + bias
    np.testing.assert_allclose(B.convert_to_numpy(value), (pred ** 2).sum() + 0.5 * (w ** 2).sum(), rtol=1e-5)
    np.testing.assert_allclose(B.convert_to_numpy(grads[0]), 2 * x.T @ pred + w, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(B.convert_to_numpy(grads[1]), 2 * pred.sum(0), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(B.convert_to_numpy(grads[2]), np.zeros(4, "float32"))
    np.testing.assert_array_equal(B.convert_to_numpy(grads[3]), np.zeros(3, "int32"))
    np.testing.assert_allclose(B.convert_to_numpy(aux["pred"]), pred, rtol=1e-5, atol=1e-5)
    assert isinstance(aux["pair"], tuple)
    assert not value.requires_grad and not aux["pred"].requires_grad and not aux["pair"][1].requires_grad
    assert not any(p.requires_grad for p in params)  # the caller's tensors are untouched
    assert B.compile_function(loss_fn) is B.compile_function(loss_fn)  # one traced function per function


def test_value_and_grad_flows_through_conv_and_stop_gradient():
    x, k = rand(2, 6, 3), rand(3, 3, 2)

    def fn(params):
        out = B.conv(x, params[0], (1,), "same", "channels_last", (1,))
        return B.add(B.sum(out), B.sum(B.stop_gradient(params[0]))), None

    (_, aux), (grad,) = B.value_and_grad(fn)([B.convert_to_tensor(k)])
    # d sum(conv) / d k[i, c, o] = sum of the inputs seen by tap i
    padded = np.pad(x, ((0, 0), (1, 1), (0, 0)))
    expected = np.stack([padded[:, i:i + 6].sum((0, 1)) for i in range(3)])[:, :, None].repeat(2, axis=2)
    np.testing.assert_allclose(B.convert_to_numpy(grad), expected, **TOL)
    assert aux is None


# ------------------------------------------------------------ convolutions

CONV_CASES = [
    # (input shape channels-last, kernel shape, strides, padding, dilation)
    ((2, 9, 3), (3, 3, 4), (1,), "valid", (1,)),
    ((2, 9, 3), (4, 3, 4), (2,), "same", (1,)),
    ((2, 10, 3), (3, 3, 2), (1,), "same", (2,)),
    ((2, 7, 8, 3), (3, 2, 3, 4), (2, 1), "same", (1, 1)),
    ((2, 7, 8, 3), (3, 3, 3, 4), (1, 1), "valid", (2, 1)),
    ((1, 8, 9, 4), (2, 2, 2, 6), (3, 2), "same", (1, 1)),  # grouped: 2 groups
    ((1, 5, 6, 4, 2), (2, 3, 2, 2, 3), (1, 2, 1), "same", (1, 1, 1)),
    ((1, 6, 5, 7, 2), (3, 2, 2, 2, 2), (2, 1, 2), "valid", (1, 1, 1)),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("shape,kshape,strides,padding,dilation", CONV_CASES)
def test_conv_matches_keras(shape, kshape, strides, padding, dilation, data_format):
    x, k = to_format(rand(*shape), data_format), rand(*kshape)
    got = B.convert_to_numpy(B.conv(x, k, strides, padding, data_format, dilation))
    want = oracle(keras.ops.conv(x, k, strides, padding, data_format, dilation))
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, **TOL)


DEPTHWISE_CASES = [
    ((2, 9, 3), (3, 3, 2), (1,), "same", (1,)),
    ((2, 10, 3), (4, 3, 1), (2,), "valid", (1,)),
    ((2, 7, 8, 3), (3, 2, 3, 2), (2, 2), "same", (1, 1)),
    ((2, 9, 8, 2), (3, 3, 2, 3), (1, 1), "valid", (2, 2)),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("shape,kshape,strides,padding,dilation", DEPTHWISE_CASES)
def test_depthwise_conv_matches_keras(shape, kshape, strides, padding, dilation, data_format):
    x, k = to_format(rand(*shape), data_format), rand(*kshape)
    got = B.convert_to_numpy(B.depthwise_conv(x, k, strides, padding, data_format, dilation))
    want = oracle(keras.ops.depthwise_conv(x, k, strides, padding, data_format, dilation))
    np.testing.assert_allclose(got, want, **TOL)


def test_separable_conv_matches_keras():
    x, dk, pk = rand(2, 8, 7, 3), rand(3, 3, 3, 2), rand(1, 1, 6, 5)
    got = B.convert_to_numpy(B.separable_conv(x, dk, pk, (2, 1), "same", "channels_last", (1, 1)))
    want = oracle(keras.ops.separable_conv(x, dk, pk, (2, 1), "same", "channels_last", (1, 1)))
    np.testing.assert_allclose(got, want, **TOL)


def conv_transpose_reference(x, kernel, strides, padding, output_padding, dilation):
    """Keras' transposed convolution (channels-last), as TF/JAX define it, in NumPy."""
    n = x.ndim - 2
    spatial_in = x.shape[1:-1]
    k_spatial = kernel.shape[:n]
    k_eff = [(k - 1) * d + 1 for k, d in zip(k_spatial, dilation)]
    full_shape = [(i - 1) * s + ke for i, s, ke in zip(spatial_in, strides, k_eff)]
    full = np.zeros((x.shape[0], *full_shape, kernel.shape[n]), dtype="float64")
    for pos in np.ndindex(*spatial_in):
        contrib = np.einsum("bi,...oi->b...o", x[(slice(None), *pos)], kernel)
        for tap in np.ndindex(*k_spatial):
            out_pos = tuple(p * s + t * d for p, s, t, d in zip(pos, strides, tap, dilation))
            full[(slice(None), *out_pos)] += contrib[(slice(None), *tap)]
    index = [slice(None)]
    for axis in range(n):
        s, ke, size = strides[axis], k_eff[axis], spatial_in[axis]
        op = None if output_padding is None else output_padding[axis]
        if padding == "valid":
            length = (size - 1) * s + ke + (max(ke, s) - ke if op is None else op)
            crop = 0
        elif op is None:
            length, crop = size * s, max((ke - s) // 2, 0)
        else:
            length = (size - 1) * s + ke % 2 + op
            pad_len = ke + ke % 2 - 2 + op
            crop = ke - 1 - min(pad_len // 2 + pad_len % 2, ke - 1)
        extra = crop + length - full.shape[axis + 1]
        if extra > 0:
            widths = [(0, 0)] * full.ndim
            widths[axis + 1] = (0, extra)
            full = np.pad(full, widths)
        index.append(slice(crop, crop + length))
    return full[tuple(index) + (slice(None),)]


# (input shape, kernel shape (*spatial, out, in), strides, padding, output_padding, dilation)
CONV_T_CASES = [
    ((2, 5, 3), (3, 4, 3), (2,), "valid", None, (1,)),
    ((2, 5, 3), (4, 4, 3), (2,), "same", None, (1,)),
    ((2, 5, 3), (3, 2, 3), (1,), "same", None, (1,)),
    ((2, 5, 3), (2, 2, 3), (3,), "valid", None, (1,)),
    ((2, 5, 3), (3, 2, 3), (2,), "valid", (1,), (1,)),
    ((2, 6, 3), (3, 2, 3), (1,), "same", None, (2,)),
    ((2, 4, 5, 3), (3, 3, 4, 3), (2, 2), "valid", None, (1, 1)),
    ((2, 4, 5, 3), (4, 2, 4, 3), (2, 2), "same", None, (1, 1)),
    ((1, 3, 4, 3, 2), (2, 3, 2, 3, 2), (2, 1, 2), "same", None, (1, 1, 1)),
    ((1, 3, 4, 3, 2), (3, 2, 2, 3, 2), (1, 2, 2), "valid", None, (1, 1, 1)),
    ((2, 4, 5, 3), (3, 3, 4, 3), (2, 2), "same", None, (1, 1)),
    ((2, 5, 3), (2, 2, 3), (1,), "same", None, (1,)),
    ((2, 5, 3), (5, 2, 3), (2,), "same", (1,), (1,)),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("shape,kshape,strides,padding,output_padding,dilation", CONV_T_CASES)
def test_conv_transpose_matches_keras(shape, kshape, strides, padding, output_padding, dilation, data_format):
    x_last, k = rand(*shape), rand(*kshape)
    x = to_format(x_last, data_format)
    got = B.convert_to_numpy(B.conv_transpose(x, k, strides, padding, output_padding, data_format, dilation))
    reference = to_format(conv_transpose_reference(x_last, k, strides, padding, output_padding, dilation), data_format)
    want = oracle(keras.ops.conv_transpose(x, k, strides, padding, output_padding, data_format, dilation))
    assert got.shape == want.shape == reference.shape
    np.testing.assert_allclose(got, want, **TOL)
    np.testing.assert_allclose(got, reference, **TOL)


def test_conv_rejects_a_kernel_that_does_not_fit():
    with pytest.raises(ValueError, match=r"conv: kernel of shape \(3, 5, 4\)"):
        B.conv(rand(2, 9, 3), rand(3, 5, 4), (1,), "valid", "channels_last", (1,))


def test_same_padding_puts_the_extra_cell_at_the_end():
    assert same_padding((7,), (2,), (2,), (1,)) == [(0, 1)]
    assert same_padding((8, 5), (4, 3), (1, 2), (1, 2)) == [(1, 2), (2, 2)]


# --------------------------------------------------------------- pooling

def pool_reference(x, pool, strides, padding, reduce):
    """TF/Keras pooling (channels-last) in NumPy: padded cells are ignored, not counted."""
    n = x.ndim - 2
    if padding == "same":
        widths = [(0, 0)] + same_padding(x.shape[1:-1], pool, strides, (1,) * n) + [(0, 0)]
        x = np.pad(x, widths, constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(x, pool, axis=tuple(range(1, n + 1)))
    windows = windows[(slice(None), *(slice(None, None, s) for s in strides))]
    return reduce(windows, axis=tuple(range(-n, 0)))


# (input shape channels-last, pool size, strides, padding, keras_torch_agrees)
POOL_CASES = [
    ((2, 9, 3), (2,), (2,), "valid", True),
    ((2, 9, 3), (3,), (2,), "same", True),
    ((2, 7, 3), (2,), (2,), "same", True),  # asymmetric: one padded cell at the end
    ((2, 7, 8, 3), (2, 2), (2, 2), "same", True),
    ((2, 7, 8, 3), (3, 3), (1, 1), "same", True),
    ((2, 7, 8, 3), (3, 2), (2, 1), "valid", True),
    # padding 1 before and 2 after: keras-torch's average counts the explicitly padded zeros
    ((2, 6, 6, 2), (4, 4), (1, 1), "same", False),
    ((2, 8, 3), (4,), (3,), "same", True),  # symmetric padding 1, 1
    ((2, 6, 3), (4,), (1,), "same", False),
    ((1, 5, 6, 7, 2), (2, 2, 2), (2, 2, 2), "same", True),
    ((1, 5, 6, 7, 2), (3, 2, 2), (1, 2, 1), "valid", True),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("shape,pool,strides,padding,keras_agrees", POOL_CASES)
def test_pooling_matches_keras(shape, pool, strides, padding, keras_agrees, data_format):
    x_last = rand(*shape)
    x = to_format(x_last, data_format)
    got = B.convert_to_numpy(B.max_pool(x, pool, strides, padding, data_format))
    want = oracle(keras.ops.max_pool(x, pool, strides, padding, data_format))
    np.testing.assert_allclose(got, want, **TOL)
    reference = to_format(pool_reference(x_last, pool, strides, padding, np.nanmax), data_format)
    np.testing.assert_allclose(got, reference, **TOL)
    got = B.convert_to_numpy(B.average_pool(x, pool, strides, padding, data_format))
    reference = to_format(pool_reference(x_last, pool, strides, padding, np.nanmean), data_format)
    np.testing.assert_allclose(got, reference, **TOL)
    if keras_agrees:
        want = oracle(keras.ops.average_pool(x, pool, strides, padding, data_format))
        np.testing.assert_allclose(got, want, **TOL)


def test_average_pool_same_does_not_count_padding():
    x = np.arange(1, 8, dtype="float32").reshape(1, 7, 1)
    got = B.convert_to_numpy(B.average_pool(x, (2,), (2,), "same", "channels_last"))
    np.testing.assert_allclose(got[0, :, 0], [1.5, 3.5, 5.5, 7.0])
    x = np.ones((1, 6, 6, 1), "float32")
    np.testing.assert_allclose(B.convert_to_numpy(B.average_pool(x, (4, 4), (1, 1), "same", "channels_last")), 1.0)


# ---------------------------------------------------------------- random


def test_random_is_a_pure_function_of_the_seed():
    seed, other = B.convert_to_tensor(np.array([1, 2], "int32")), B.convert_to_tensor(np.array([1, 3], "int32"))
    for fn in (
        lambda s: B.random_normal((50,), 1.0, 2.0, "float32", s),
        lambda s: B.random_uniform((50,), -1.0, 3.0, "float32", s),
        lambda s: B.random_randint((50,), 0, 7, "int32", s),
        lambda s: B.random_truncated_normal((50,), 0.0, 1.0, "float32", s),
        lambda s: B.random_shuffle(B.arange(50), 0, s),
        lambda s: B.random_dropout(B.ones((50,)), 0.5, None, s),
    ):
        a, b, c = (B.convert_to_numpy(fn(s)) for s in (seed, seed, other))
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, c)


def test_random_distributions():
    seed = B.convert_to_tensor(np.array([7, 11], "int32"))
    normal = B.convert_to_numpy(B.random_normal((20000,), 1.0, 2.0, "float32", seed))
    assert normal.dtype == np.float32 and abs(normal.mean() - 1.0) < 0.05 and abs(normal.std() - 2.0) < 0.05
    uniform = B.convert_to_numpy(B.random_uniform((20000,), -1.0, 3.0, "float64", seed))
    assert uniform.dtype == np.float64 and uniform.min() >= -1.0 and uniform.max() < 3.0
    ints = B.convert_to_numpy(B.random_randint((20000,), 2, 7, "int32", seed))
    assert ints.dtype == np.int32 and set(np.unique(ints)) == {2, 3, 4, 5, 6}
    trunc = B.convert_to_numpy(B.random_truncated_normal((20000,), 3.0, 0.5, "float32", seed))
    assert trunc.min() >= 2.0 and trunc.max() <= 4.0
    assert abs(trunc.std() - 0.5 * 0.8796) < 0.01  # std of a standard normal truncated at +-2
    shuffled = B.convert_to_numpy(B.random_shuffle(B.reshape(B.arange(12), (4, 3)), 1, seed))
    np.testing.assert_array_equal(np.sort(shuffled, axis=1), np.arange(12).reshape(4, 3))
    dropped = B.convert_to_numpy(B.random_dropout(B.ones((4, 1000)), 0.25, (1, 1000), seed))
    assert set(np.unique(dropped)) == {0.0, np.float32(1 / 0.75)}
    assert (dropped == dropped[:1]).all()  # the noise shape broadcasts over axis 0


# ----------------------------------------------------------- data adapter


def test_dataloader_adapter_yields_numpy_batches_with_length():
    from torch.utils.data import DataLoader, Dataset, TensorDataset

    data = TensorDataset(torch.arange(10.0).reshape(10, 1), torch.arange(10))
    adapted = plugin_manager.adapt_data(DataLoader(data, batch_size=4))
    assert len(adapted) == 3
    batches = list(adapted)
    assert [type(b) for b in batches] == [tuple] * 3
    np.testing.assert_array_equal(batches[-1][0], [[8.0], [9.0]])
    assert isinstance(batches[0][1], np.ndarray) and batches[0][1].tolist() == [0, 1, 2, 3]

    class Pairs(Dataset):  # a user subclass: its module is not torch's
        def __len__(self):
            return 40

        def __getitem__(self, i):
            return {"x": torch.full((2,), float(i)), "meta": [torch.tensor(i), i]}, torch.tensor(i % 2)

    adapted = plugin_manager.adapt_data(Pairs())  # a bare dataset is batched by 32
    assert len(adapted) == 2
    x, y = next(iter(adapted))
    assert x["x"].shape == (32, 2) and isinstance(x["meta"], list) and isinstance(x["meta"][0], np.ndarray)
    assert y.shape == (32,)


def test_dataloader_adapter_without_length_and_non_torch_data():
    from torch.utils.data import DataLoader, IterableDataset

    class Stream(IterableDataset):
        def __iter__(self):
            return iter(torch.arange(6.0))

    adapted = plugin_manager.adapt_data(DataLoader(Stream(), batch_size=4))
    assert not hasattr(adapted, "__len__")
    assert [b.tolist() for b in adapted] == [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0]]
    code = ("import sys, numpy, kcore_torch; "
            "assert kcore_torch.kcore_adapt_data(numpy.ones(3)) is None; "
            "assert kcore_torch.kcore_adapt_data([1, 2]) is None; "
            "assert 'torch' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------- numpy-like semantics


@pytest.mark.parametrize("key", [
    3, -1, slice(1, 4), slice(None, None, -1), slice(5, 1, -2), (Ellipsis, 0), (None, slice(None), 1),
    (slice(None, None, -1), Ellipsis, slice(2, None, -1)), np.array([2, 0, -1]), np.array([True, False, True, False]),
    (1, np.array([0, 2])), (Ellipsis, None),
])
def test_getitem_matches_numpy(key):
    x = np.arange(60).reshape(4, 5, 3).astype("int32")
    np.testing.assert_array_equal(B.convert_to_numpy(B.getitem(B.convert_to_tensor(x), key)), x[key])


def test_dtype_promotion_and_reductions_follow_keras():
    i32 = B.convert_to_tensor(np.arange(4, dtype="int32"))
    f32 = B.convert_to_tensor(np.ones(4, "float32"))
    assert B.dtype(B.add(i32, 1)) == "int32"
    assert B.dtype(B.add(i32, 1.5)) == "float32"
    assert B.dtype(B.multiply(2.0, f32)) == "float32"
    assert B.dtype(B.add(f32, np.ones(4))) == "float32"  # float64 host data does not widen
    assert B.dtype(B.add(1, 2.5)) == "float32" and B.dtype(B.add(1, 2)) == "int32"
    assert B.dtype(B.divide(i32, i32)) == "float32"
    assert B.dtype(B.convert_to_tensor(np.ones(2))) == "float64"
    assert B.dtype(B.convert_to_tensor([1.0, 2.0])) == "float32"
    assert B.dtype(B.where(B.greater(i32, 1), 1, 0)) == "int32"
    assert B.dtype(B.sum(B.greater(i32, 1))) == "int32" and B.dtype(B.sum(i32)) == "int32"
    assert B.dtype(B.mean(i32)) == "float32" and B.dtype(B.argmax(f32)) == "int32"
    np.testing.assert_array_equal(B.convert_to_numpy(B.floor_divide(B.convert_to_tensor([-3, 3]), 2)), [-2, 1])
    np.testing.assert_array_equal(B.convert_to_numpy(B.mod(B.convert_to_tensor([-3, 3]), 2)), [1, 1])
    x = rand(3, 4, 5)
    np.testing.assert_allclose(B.convert_to_numpy(B.logsumexp(x, axis=(0, 2))),
                               np.log(np.exp(x).sum(axis=(0, 2))), rtol=1e-5)
    np.testing.assert_allclose(B.convert_to_numpy(B.prod(x, axis=(0, 2), keepdims=True)),
                               x.prod(axis=(0, 2), keepdims=True), rtol=1e-4)
    mean, var = B.moments(x, (0, 1))
    np.testing.assert_allclose(B.convert_to_numpy(mean), x.mean((0, 1)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(B.convert_to_numpy(var), x.var((0, 1)), rtol=1e-5)
    np.testing.assert_array_equal(B.convert_to_numpy(B.one_hot(B.convert_to_tensor([2, -1, 0]), 3, axis=0)),
                                  [[0, 0, 1], [0, 0, 0], [1, 0, 0]])
    assert B.devices()[0] in ("cpu:0", "cuda:0")


def test_activations_and_losses_match_keras():
    x, labels = rand(6, 5) * 3, np.array([0, 4, 2, 1, 3, 4])
    probs = np.exp(x) / np.exp(x).sum(-1, keepdims=True)
    one_hot = np.eye(5, dtype="float32")[labels]
    pairs = [
        (B.softmax(x), keras.ops.softmax(x)), (B.log_softmax(x), keras.ops.log_softmax(x)),
        (B.gelu(x), keras.ops.gelu(x)), (B.gelu(x, False), keras.ops.gelu(x, False)),
        (B.silu(x), keras.ops.silu(x)), (B.softplus(x), keras.ops.softplus(x)), (B.elu(x, 0.5), keras.ops.elu(x, 0.5)),
        (B.selu(x), keras.ops.selu(x)), (B.hard_sigmoid(x), keras.ops.hard_sigmoid(x)),
        (B.leaky_relu(x, 0.1), keras.ops.leaky_relu(x, 0.1)),
        (B.categorical_crossentropy(one_hot, x, True), keras.ops.categorical_crossentropy(one_hot, x, True)),
        (B.categorical_crossentropy(one_hot, probs), keras.ops.categorical_crossentropy(one_hot, probs)),
        (B.sparse_categorical_crossentropy(labels, x, True), keras.ops.sparse_categorical_crossentropy(labels, x, True)),
        (B.sparse_categorical_crossentropy(labels, probs), keras.ops.sparse_categorical_crossentropy(labels, probs)),
        (B.binary_crossentropy(one_hot, x, True), keras.ops.binary_crossentropy(one_hot, x, True)),
        (B.binary_crossentropy(one_hot, probs), keras.ops.binary_crossentropy(one_hot, probs)),
    ]
    for got, want in pairs:
        np.testing.assert_allclose(B.convert_to_numpy(got), oracle(want), rtol=1e-5, atol=1e-6)
    mean, var, scale, offset = rand(5), np.abs(rand(5)), rand(5), rand(5)
    np.testing.assert_allclose(
        B.convert_to_numpy(B.batch_normalization(x, mean, var, -1, offset, scale, 1e-3)),
        oracle(keras.ops.batch_normalization(x, mean, var, -1, offset, scale, 1e-3)), rtol=1e-5, atol=1e-5)
