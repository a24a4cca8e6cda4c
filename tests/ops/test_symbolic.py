"""Shape/dtype inference with unknown (None) dimensions, and how symbolic calls reach the graph."""

from __future__ import annotations

import numpy as np
import pytest

import kcore.random
from kcore import ops
from kcore.graph import operation
from kcore.graph.keras_tensor import KerasTensor

from .registry import covers


def kt(*shape, dtype="float32"):
    return KerasTensor(shape, dtype)


@covers("reshape")
def test_reshape_infers_minus_one():
    assert ops.reshape(kt(None, 4), (-1, 2, 2)).shape == (None, 2, 2)
    assert ops.reshape(kt(6, 4), (-1, 3)).shape == (8, 3)
    assert ops.reshape(kt(None, 4), (None, 2, 2)).shape == (None, 2, 2)
    assert ops.reshape(kt(None, 4), (2, 2)).shape == (2, 2)


@covers("concatenate", "stack", "split")
def test_join_and_split_with_unknown_dims():
    assert ops.concatenate([kt(None, 3), kt(None, 4)], axis=-1).shape == (None, 7)
    assert ops.concatenate([kt(2, 3), kt(None, 3)], axis=0).shape == (None, 3)
    assert ops.concatenate([kt(None, 3), kt(5, 3)], axis=1).shape == (5, 6)
    assert ops.stack([kt(None, 3), kt(2, 3)]).shape == (2, 2, 3)
    assert [t.shape for t in ops.split(kt(None, 6), 3, axis=1)] == [(None, 2)] * 3
    assert [t.shape for t in ops.split(kt(None, 6), 2)] == [(None, 6)] * 2
    assert [t.shape for t in ops.split(kt(None,), [2])] == [(2,), (None,)]
    assert [t.shape for t in ops.split(kt(7,), [2, 5])] == [(2,), (3,), (2,)]


@covers("matmul", "einsum", "tensordot", "dot")
def test_products_with_unknown_dims():
    assert ops.matmul(kt(None, None, 4), kt(4, 5)).shape == (None, None, 5)
    assert ops.matmul(kt(None, 3), kt(None, 5)).shape == (None, 5)
    assert ops.matmul(kt(None, 1, 2, 3), kt(7, 3, 4)).shape == (None, 7, 2, 4)
    assert ops.matmul(kt(3, dtype="int8"), kt(3, 2, dtype="int8")).dtype == "int32"
    assert ops.einsum("bij,jk->bik", kt(None, 3, 4), kt(4, 5)).shape == (None, 3, 5)
    assert ops.einsum("...i,i", kt(None, 2, 4), kt(4)).shape == (None, 2)
    assert ops.tensordot(kt(None, 3, 4), kt(3, 4, 5), axes=2).shape == (None, 5)
    assert ops.dot(kt(None, 4), kt(4, 6)).shape == (None, 6)


@covers("getitem")
def test_getitem_with_unknown_dims():
    x = kt(None, 10, 5)
    assert x[:, 2:8:2].shape == (None, 3, 5)
    assert x[..., 0].shape == (None, 10)
    assert x[None].shape == (1, None, 10, 5)
    assert x[1:].shape == (None, 10, 5)
    assert x[:, :, kt(None, dtype="int32")].shape == (None, 10, None)
    assert x[kt(4, dtype="int32")].shape == (4, 10, 5)
    assert x[kt(None, 10, dtype="bool")].shape == (None, 5)
    assert x[0, :, np.array([1, 2])].shape == (2, 10)
    assert x[:, np.array([[0, 1]]), np.array([1, 2])].shape == (None, 1, 2)


@covers("sum", "argmax", "top_k", "moments", "one_hot", "logsumexp")
def test_reductions_with_unknown_dims():
    assert ops.sum(kt(None, 3, 4), axis=(1, 2), keepdims=True).shape == (None, 1, 1)
    assert ops.sum(kt(None, 3, 4, dtype="bool")).dtype == "int32"
    assert ops.argmax(kt(None, 7), axis=-1).shape == (None,)
    assert ops.argmax(kt(None, 7)).shape == ()
    values, indices = ops.top_k(kt(None, 10), 3)
    assert values.shape == indices.shape == (None, 3) and indices.dtype == "int32"
    mean, var = ops.moments(kt(None, 8, 16), axes=(0, 1))
    assert mean.shape == var.shape == (16,)
    assert ops.moments(kt(None, 8, 16), axes=[0, 1], keepdims=True)[0].shape == (1, 1, 16)
    assert ops.one_hot(kt(None, dtype="int32"), 10).shape == (None, 10)
    assert ops.one_hot(kt(None, 4, dtype="int32"), 10, axis=1).shape == (None, 10, 4)
    assert ops.logsumexp(kt(None, 5), axis=1).shape == (None,)


@covers("expand_dims", "squeeze", "tile", "repeat", "pad", "take", "take_along_axis", "broadcast_to", "transpose",
        "cumsum")
def test_shape_ops_with_unknown_dims():
    assert ops.expand_dims(kt(None, 3), (0, -1)).shape == (1, None, 3, 1)
    assert ops.squeeze(kt(None, 1, 3)).shape == (None, 3)
    assert ops.squeeze(kt(None, 1, 3), axis=0).shape == (1, 3)
    assert ops.tile(kt(None, 3), (2, 2)).shape == (None, 6)
    assert ops.repeat(kt(None, 3), 2, axis=1).shape == (None, 6)
    assert ops.repeat(kt(None, 3), 2).shape == (None,)
    assert ops.pad(kt(None, 3), ((1, 1), (0, 2))).shape == (None, 5)
    assert ops.take(kt(10, 4), kt(None, 2, dtype="int32"), axis=0).shape == (None, 2, 4)
    assert ops.take_along_axis(kt(None, 5), kt(None, 2, dtype="int32"), axis=1).shape == (None, 2)
    assert ops.broadcast_to(kt(None, 1), (None, 4)).shape == (None, 4)
    assert ops.transpose(kt(None, 2, 3)).shape == (3, 2, None)
    assert ops.cumsum(kt(None, 3)).shape == (None,)
    assert ops.cumsum(kt(2, 3), axis=1).shape == (2, 3)


@covers("conv", "max_pool", "conv_transpose")
def test_spatial_ops_with_unknown_dims():
    x = kt(None, None, 32, 3)
    assert ops.conv(x, kt(3, 3, 3, 8), strides=2, padding="same").shape == (None, None, 16, 8)
    assert ops.conv(x, kt(3, 3, 3, 8)).shape == (None, None, 30, 8)
    assert ops.max_pool(x, 2).shape == (None, None, 16, 3)
    assert ops.conv_transpose(x, kt(3, 3, 6, 3), strides=2).shape == (None, None, 65, 6)
    assert ops.conv(kt(None, 3, None), kt(3, 3, 8), data_format="channels_first").shape == (None, 8, None)


@covers("zeros", "ones", "full", "normal", "uniform")
def test_creation_with_symbolic_dims():
    n = ops.shape(kt(None, 4))[0]
    with pytest.raises(ValueError, match=r"zeros: `shape` must be fully defined"):
        ops.zeros((n, 32))
    with operation.tracing():  # inside a layer's symbolic call an unknown batch stays symbolic
        z = ops.zeros((n, 32))
        r = kcore.random.normal((n, 4), seed=1)
    assert isinstance(z, KerasTensor) and z.shape == (None, 32) and z.dtype == "float32"
    assert isinstance(r, KerasTensor) and r.shape == (None, 4)
    assert ops.ones((kt(dtype="int32"), 3), dtype="int32").shape == (None, 3)
    assert ops.full((2, 3), kt(dtype="int8")).dtype == "int8"
    assert kcore.random.uniform((kt(dtype="int32"), 2)).shape == (None, 2)


@covers("dropout", "shuffle", "where", "add")
def test_mixed_symbolic_and_constant_args():
    x = kt(None, 3)
    assert kcore.random.dropout(x, 0.5, seed=1).shape == (None, 3)
    assert kcore.random.shuffle(x, seed=1).shape == (None, 3)
    assert ops.where(kt(None, 1, dtype="bool"), x, 0.0).shape == (None, 3)
    assert ops.add(ops.convert_to_tensor(np.ones(3, "float32")), x).shape == (None, 3)


def test_graph_level_calls_are_recorded_but_traced_ones_are_not(monkeypatch):
    recorded = []

    def record(op_fn, args, kwargs, outputs):
        recorded.append(op_fn.__name__)
        return outputs

    monkeypatch.setattr(operation, "record_op", record)
    x = kt(None, 3)
    y = ops.relu(ops.add(x, 1.0))
    assert recorded == ["add", "relu"] and y.shape == (None, 3)
    with operation.tracing():
        ops.multiply(x, 2.0)
        ops.scan(lambda c, t: (ops.add(c, t), c), kt(3), kt(5, 3))
    assert recorded == ["add", "relu"]
    carry, ys = ops.scan(lambda c, t: (ops.add(c, t), c), kt(3), kt(5, 3))
    assert recorded == ["add", "relu", "scan"] and ys.shape == (5, 3)
