"""Core ops: conversion, casts, static queries, stop_gradient, scan; Variables as op inputs."""

from __future__ import annotations

import numpy as np
import pytest

import kcore
from kcore import ops
from kcore.graph.keras_tensor import KerasTensor
from kcore.variables import StatelessScope, Variable

from .helpers import numpy, tensor
from .registry import covers


@covers("convert_to_tensor")
def test_convert_to_tensor_dtypes():
    assert ops.dtype(ops.convert_to_tensor(1.5)) == "float32"
    assert ops.dtype(ops.convert_to_tensor(3)) == "int32"
    assert ops.dtype(ops.convert_to_tensor([1.0, 2.0])) == "float32"
    assert ops.dtype(ops.convert_to_tensor([[1, 2]])) == "int32"
    assert ops.dtype(ops.convert_to_tensor(np.ones(2, "float16"))) == "float16"
    assert ops.dtype(ops.convert_to_tensor(np.ones(2), dtype="float32")) == "float32"
    t = ops.convert_to_tensor(np.arange(3), dtype="int32")
    assert ops.is_tensor(t) and ops.convert_to_tensor(t) is t
    assert ops.dtype(ops.convert_to_tensor(t, dtype="float32")) == "float32"
    np.testing.assert_array_equal(numpy(ops.convert_to_tensor([[1, 2], [3, 4]])), [[1, 2], [3, 4]])
    sym = ops.convert_to_tensor(KerasTensor((None, 2), "int32"), dtype="float32")
    assert isinstance(sym, KerasTensor) and sym.shape == (None, 2) and sym.dtype == "float32"
    with pytest.raises(ValueError, match="convert_to_tensor: Invalid dtype"):
        ops.convert_to_tensor(1.0, dtype="float31")


@covers("convert_to_numpy")
def test_convert_to_numpy():
    arr = np.arange(6, dtype="float32").reshape(2, 3)
    out = ops.convert_to_numpy(tensor(arr))
    assert isinstance(out, np.ndarray) and out.dtype == np.float32
    np.testing.assert_array_equal(out, arr)
    np.testing.assert_array_equal(ops.convert_to_numpy(Variable(arr)), arr)
    np.testing.assert_array_equal(ops.convert_to_numpy([1, 2]), [1, 2])
    with pytest.raises(TypeError, match="symbolic KerasTensor holds no values"):
        ops.convert_to_numpy(KerasTensor((2,)))


@covers("cast")
def test_cast():
    x = tensor(np.array([1.7, -2.2, 0.0], "float32"))
    out = ops.cast(x, "int32")
    assert ops.dtype(out) == "int32"
    np.testing.assert_array_equal(numpy(out), [1, -2, 0])
    assert ops.cast(x, "float32") is x
    assert ops.dtype(ops.cast(x, "bool")) == "bool"
    assert ops.dtype(ops.cast([1, 2], "float16")) == "float16"
    assert ops.cast(KerasTensor((None, 3)), "int8").dtype == "int8"
    with pytest.raises(ValueError, match="cast: `dtype` is required"):
        ops.cast(x, None)


@covers("is_tensor", "shape", "dtype")
def test_static_queries():
    x = tensor(np.zeros((2, 3), "int32"))
    assert ops.is_tensor(x)
    assert not ops.is_tensor(1.0) and not ops.is_tensor(KerasTensor((2,))) and not ops.is_tensor([1, 2])
    assert ops.is_tensor(np.zeros(2)) == (kcore.backend.backend() == "numpy")  # NumPy arrays are numpy's tensors
    assert ops.shape(x) == (2, 3) and isinstance(ops.shape(x), tuple)
    assert ops.shape(KerasTensor((None, 4))) == (None, 4)
    assert ops.shape(np.zeros((5, 1))) == (5, 1)
    assert ops.shape(Variable(np.zeros((3,), "float32"))) == (3,)
    assert ops.dtype(x) == "int32"
    assert ops.dtype(KerasTensor((1,), "float16")) == "float16"
    assert ops.dtype(Variable(np.zeros((3,), "float32"))) == "float32"
    assert ops.dtype(2.0) == "float32" and ops.dtype(2) == "int32" and ops.dtype(True) == "bool"


@covers("stop_gradient")
def test_stop_gradient_blocks_gradient():
    b = kcore.backend.current()
    x = tensor(np.array([1.0, 2.0, 3.0], "float32"))
    np.testing.assert_array_equal(numpy(ops.stop_gradient(x)), numpy(x))

    def loss(params):
        p = params[0]
        return ops.sum(ops.multiply(ops.stop_gradient(p), p)), None  # d/dp = stop(p) = p, not 2p

    (value, _), grads = b.value_and_grad(loss)([x])
    np.testing.assert_allclose(float(numpy(value)), 14.0)
    np.testing.assert_allclose(numpy(grads[0]), [1.0, 2.0, 3.0])
    assert ops.stop_gradient(KerasTensor((None, 2), "float16")).dtype == "float16"


@covers("scan")
def test_scan_values():
    xs = tensor(np.arange(1, 6, dtype="float32"))

    def step(carry, x):
        new = ops.add(carry, x)
        return new, ops.multiply(new, 2.0)

    carry, ys = ops.scan(step, tensor(np.float32(0.0)), xs)
    assert float(numpy(carry)) == 15.0
    np.testing.assert_allclose(numpy(ys), 2 * np.cumsum(np.arange(1, 6)))
    carry, ys = ops.scan(step, tensor(np.float32(0.0)), xs, reverse=True)
    np.testing.assert_allclose(numpy(ys), 2 * np.cumsum(np.arange(1, 6)[::-1])[::-1])
    # several sequences and list outputs
    a, b = tensor(np.ones((3, 2), "float32")), tensor(np.arange(3, dtype="float32"))
    carry, (y1, y2) = ops.scan(lambda c, x: (c + x[1], [x[0] * c, c]), tensor(np.float32(1.0)), [a, b])
    assert ops.shape(y1) == (3, 2) and ops.shape(y2) == (3,)
    np.testing.assert_allclose(numpy(y2), [1.0, 1.0, 2.0])
    # no xs: `length` steps
    carry, ys = ops.scan(lambda c, _: (c * 2.0, c), tensor(np.float32(1.0)), None, length=4)
    assert float(numpy(carry)) == 16.0
    np.testing.assert_allclose(numpy(ys), [1.0, 2.0, 4.0, 8.0])
    with pytest.raises(ValueError, match="scan: `length` is required"):
        ops.scan(lambda c, x: (c, x), 0.0, None)


@covers("scan")
def test_scan_symbolic():
    xs = KerasTensor((7, None, 4), "float32")
    init = KerasTensor((None, 3), "float32")
    w = np.ones((4, 3), "float32")
    carry, ys = ops.scan(lambda c, x: (ops.add(c, ops.matmul(x, w)), ops.sum(c, axis=-1)), init, xs)
    assert carry.shape == (None, 3) and ys.shape == (7, None)


def test_ops_accept_variables_and_stateless_values():
    v = Variable(np.array([1.0, 2.0], "float32"), name="v")
    np.testing.assert_allclose(numpy(ops.add(v, 1.0)), [2.0, 3.0])
    np.testing.assert_allclose(numpy(ops.concatenate([v, v])), [1.0, 2.0, 1.0, 2.0])
    np.testing.assert_allclose(numpy(v * 3.0), [3.0, 6.0])
    with StatelessScope([(v, tensor(np.array([5.0, 6.0], "float32")))]):
        np.testing.assert_allclose(numpy(ops.multiply(v, 2.0)), [10.0, 12.0])


def test_keras_tensor_operators_dispatch_to_ops():
    x = KerasTensor((None, 3), "float32")
    i = KerasTensor((None, 3), "int32")
    m = KerasTensor((None, 3), "bool")
    w = np.ones((3, 5), "float32")
    assert (x + 1).shape == (None, 3) and (1 - x).dtype == "float32"
    assert (i * 2).dtype == "int32" and (i / 2).dtype == "float32" and (i // 2).dtype == "int32"
    assert (i % 3).dtype == "int32" and (x ** 2).shape == (None, 3) and (2 ** x).dtype == "float32"
    assert (x @ w).shape == (None, 5)
    assert (-x).shape == (None, 3) and abs(i).dtype == "int32"
    for cmp in (x < 0, x <= 0, x > 0, x >= 0):
        assert cmp.dtype == "bool" and cmp.shape == (None, 3)
    assert (m & m).dtype == "bool" and (m | m).dtype == "bool" and (~m).dtype == "bool"
    assert x[0].shape == (3,) and x[:, 1:].shape == (None, 2) and x[..., None].shape == (None, 3, 1)

