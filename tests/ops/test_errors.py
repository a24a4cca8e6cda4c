"""Clear errors: each names the op and the expected and received shape or value,
raised the same way for real tensors and for KerasTensors."""

from __future__ import annotations

import numpy as np
import pytest

from kcore import ops
from kcore.graph.keras_tensor import KerasTensor

from .helpers import tensor
from .registry import covers


def both(*arrays):
    """The arguments as backend tensors, then as KerasTensors (same shapes and dtypes)."""
    yield tuple(tensor(a) if isinstance(a, np.ndarray) else a for a in arrays)
    yield tuple(KerasTensor(a.shape, str(a.dtype)) if isinstance(a, np.ndarray) else a for a in arrays)


def z(*shape, dtype="float32"):
    return np.zeros(shape, dtype)


def _raises(fn, arrays, match, exc=ValueError, **kwargs):
    for args in both(*arrays):
        with pytest.raises(exc, match=match):
            fn(*args, **kwargs)


@covers("matmul")
def test_matmul_inner_dims():
    _raises(ops.matmul, (z(2, 3), z(4, 5)), r"matmul: incompatible inner dimensions: x1 has shape \(2, 3\) "
            r"and x2 has shape \(4, 5\).*got 3 != 4")
    _raises(ops.matmul, (z(2, 3, 4), z(3, 4, 5)), r"matmul: cannot broadcast shapes \(2,\) and \(3,\)")
    _raises(ops.matmul, (z(3), np.float32(2.0)), r"matmul: inputs must have rank >= 1")


@covers("dot", "tensordot", "einsum")
def test_contractions():
    _raises(ops.dot, (z(2, 3), z(4,)), r"dot: contracted dimensions must match: x1.shape=\(2, 3\) axis 1 has "
            r"size 3, x2.shape=\(4,\) axis 0 has size 4")
    _raises(ops.tensordot, (z(2, 3), z(4, 5)), r"tensordot: contracted dimensions must match", axes=1)
    for args in both(z(2, 3), z(4, 5)):
        with pytest.raises(ValueError, match=r"einsum: index 'j' has sizes 3 and 4 in 'ij,jk->ik'"):
            ops.einsum("ij,jk->ik", *args)


@covers("add", "subtract", "where")
def test_broadcasting():
    _raises(ops.add, (z(2, 3), z(4,)), r"add: cannot broadcast shapes \(2, 3\) and \(4,\)")
    _raises(ops.subtract, (z(5, 1, 3), z(2, 2)), r"subtract: cannot broadcast shapes \(5, 1, 3\) and \(2, 2\)")
    _raises(ops.where, (z(2, dtype="bool"), z(3), z(1)), r"where: cannot broadcast shapes")


@covers("conv")
def test_conv_errors():
    _raises(ops.conv, (z(2, 8, 8, 3), z(3, 3, 4, 8)), r"conv: inputs have 3 channels \(channels_last, shape "
            r"\(2, 8, 8, 3\)\) but the kernel of shape \(3, 3, 4, 8\), laid out \(\*spatial, in_channels, "
            r"out_channels\), expects 4 input channels")
    _raises(ops.conv, (z(2, 8, 3), z(3, 3, 3, 8)), r"conv: inputs must have rank 4 .* for a kernel of shape "
            r"\(3, 3, 3, 8\); got inputs of shape \(2, 8, 3\)")
    _raises(ops.conv, (z(2, 8, 8, 3), z(3, 3, 3, 8)), r"conv: `padding` must be 'valid' or 'same', got 'full'",
            padding="full")
    _raises(ops.conv, (z(2, 8, 8, 3), z(3, 3, 3, 8)), r"conv: `strides` must be an int or a tuple of 2 ints, "
            r"got \(1, 2, 3\)", strides=(1, 2, 3))
    _raises(ops.conv, (z(2, 8, 8, 3), z(3, 3, 3, 8)), r"conv: `data_format` must be 'channels_last' or "
            r"'channels_first', got 'NHWC'", data_format="NHWC")
    _raises(ops.conv, (z(2, 2, 2, 3), z(3, 3, 3, 8)), r"conv: the output would be empty: input spatial shape "
            r"\(2, 2\) is too small")
    _raises(ops.conv, (z(2, 9, 9, 3), z(3, 3, 3, 8)), r"conv: `strides` > 1 cannot be combined with "
            r"`dilation_rate` > 1", strides=2, dilation_rate=2)
    _raises(ops.conv, (z(2, 3, 8, 8), z(3, 3, 4, 8)), r"conv: inputs have 3 channels \(channels_first",
            data_format="channels_first")


@covers("depthwise_conv", "separable_conv", "conv_transpose")
def test_other_conv_errors():
    _raises(ops.depthwise_conv, (z(2, 8, 8, 3), z(3, 3, 2, 1)), r"depthwise_conv: inputs have 3 channels .* "
            r"\(\*spatial, in_channels, channel_multiplier\), expects 2 input channels")
    _raises(ops.separable_conv, (z(2, 8, 8, 3), z(3, 3, 3, 2), z(1, 1, 5, 4)),
            r"separable_conv: `pointwise_kernel` of shape \(1, 1, 5, 4\) expects 5 input channels, but the "
            r"depthwise step gives in_channels \* channel_multiplier = 6")
    _raises(ops.conv_transpose, (z(2, 8, 8, 3), z(3, 3, 4, 5)), r"conv_transpose: inputs have 3 channels .* "
            r"\(\*spatial, out_channels, in_channels\), expects 5 input channels")
    _raises(ops.conv_transpose, (z(2, 8, 8, 3), z(3, 3, 4, 3)), r"conv_transpose: `output_padding` \(2, 2\) must "
            r"be smaller than `strides` \(2, 2\)", strides=2, output_padding=2)


@covers("max_pool", "average_pool")
def test_pool_errors():
    _raises(ops.max_pool, (z(2, 8, 8, 3), 2), r"max_pool: `strides` must be an int or a tuple of 2 ints, got "
            r"\(1, 1, 1\)", strides=(1, 1, 1))
    _raises(ops.average_pool, (z(8, 3), 2), r"average_pool: inputs must have rank 3, 4 or 5 .* got shape \(8, 3\)")
    _raises(ops.max_pool, (z(2, 8, 8, 3), 0), r"max_pool: `pool_size` values must be >= 1, got 0")
    _raises(ops.average_pool, (z(2, 2, 3), 4), r"average_pool: the output would be empty")


@covers("reshape", "squeeze", "transpose", "expand_dims", "broadcast_to")
def test_shape_errors():
    _raises(ops.reshape, (z(2, 3), (4, -1)), r"reshape: cannot reshape a tensor of shape \(2, 3\) \(6 elements\) "
            r"into shape \(4, -1\)")
    _raises(ops.reshape, (z(2, 3), (5,)), r"reshape: cannot reshape a tensor of shape \(2, 3\) \(6 elements\) "
            r"into shape \(5,\) \(5 elements\)")
    _raises(ops.reshape, (z(2, 3), (-1, -1)), r"reshape: at most one dimension of the new shape can be -1")
    _raises(ops.squeeze, (z(2, 3), 1), r"squeeze: cannot squeeze axis 1 of shape \(2, 3\): its size is 3, "
            r"expected 1")
    _raises(ops.transpose, (z(2, 3, 4), (0, 0, 1)), r"transpose: axes \(0, 0, 1\) are not a permutation")
    _raises(ops.expand_dims, (z(2, 3), 4), r"expand_dims: axis 4 is out of bounds for an input of rank 3")
    _raises(ops.broadcast_to, (z(2, 3), (4, 3)), r"broadcast_to: cannot broadcast shape \(2, 3\) to shape \(4, 3\)")


@covers("concatenate", "stack", "split")
def test_join_and_split_errors():
    _raises(lambda a, b: ops.concatenate([a, b], axis=1), (z(2, 3), z(4, 3)),
            r"concatenate: all dimensions except axis 1 must match, got shapes \[\(2, 3\), \(4, 3\)\]")
    _raises(lambda a, b: ops.concatenate([a, b]), (z(2, 3), z(3)), r"concatenate: all inputs must have the same rank")
    _raises(lambda a, b: ops.stack([a, b]), (z(2, 3), z(3, 2)), r"stack: all inputs must have the same shape")
    _raises(ops.split, (z(5, 2), 2), r"split: axis 0 of size 5 \(shape \(5, 2\)\) cannot be split into 2 equal "
            r"sections")
    with pytest.raises(TypeError, match="concatenate: expects a list or tuple of tensors"):
        ops.concatenate(tensor(z(2, 3)))


@covers("sum", "mean", "argmax", "softmax", "take", "swapaxes", "sort", "cumsum")
def test_axis_errors():
    _raises(ops.sum, (z(2, 3),), r"sum: axis 2 is out of bounds for an input of rank 2", axis=2)
    _raises(ops.mean, (z(2, 3),), r"mean: axis -3 is out of bounds for an input of rank 2", axis=-3)
    _raises(ops.sum, (z(2, 3),), r"sum: repeated axis in \(0, -2\)", axis=(0, -2))
    _raises(ops.argmax, (z(2, 3),), r"argmax: axis 5 is out of bounds", axis=5)
    _raises(ops.softmax, (z(2, 3),), r"softmax: axis 2 is out of bounds", axis=2)
    _raises(ops.take, (z(2, 3), np.array([0], "int32")), r"take: axis 3 is out of bounds", axis=3)
    _raises(ops.swapaxes, (z(2, 3), 0, 2), r"swapaxes: axis2 2 is out of bounds")
    _raises(ops.sort, (z(2, 3),), r"sort: axis 2 is out of bounds", axis=2)
    _raises(ops.cumsum, (z(2, 3),), r"cumsum: axis -4 is out of bounds", axis=-4)


@covers("getitem")
def test_getitem_errors():
    _raises(ops.getitem, (z(3, 4), (0, 0, 0)), r"getitem: too many indices for a tensor of shape \(3, 4\)",
            exc=IndexError)
    _raises(ops.getitem, (z(3, 4), 5), r"getitem: index 5 is out of bounds for axis 0 with size 3", exc=IndexError)
    _raises(ops.getitem, (z(3, 4), (Ellipsis, Ellipsis)), r"getitem: an index can only have a single ellipsis",
            exc=IndexError)


@covers("top_k", "one_hot", "pad", "tile", "repeat", "moments")
def test_argument_errors():
    _raises(ops.top_k, (z(2, 3), 4), r"top_k: `k`=4 is larger than the last dimension of the input shape \(2, 3\)")
    _raises(ops.one_hot, (z(3, dtype="int32"), 0), r"one_hot: `num_classes` must be a positive int, got 0")
    _raises(ops.pad, (z(2, 3), ((1, 1),) * 3), r"pad: `pad_width` must give \(before, after\) for each of the 2 axes")
    _raises(ops.pad, (z(2, 3), 1), r"pad: `mode` must be one of .* got 'wrap'", mode="wrap")
    _raises(ops.pad, (z(2, 3), 1), r"pad: `constant_values` can only be set with mode='constant'", mode="reflect",
            constant_values=1.0)
    _raises(ops.repeat, (z(2, 3), -1), r"repeat: `repeats` must be a non-negative int, got -1")
    _raises(ops.moments, (z(2, 3), (0, 2)), r"moments: axis 2 is out of bounds for an input of rank 2")
    with pytest.raises(ValueError, match=r"tile: `repeats` must be non-negative"):
        ops.tile(tensor(z(2)), -1)


@covers("binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
        "batch_normalization")
def test_loss_and_normalization_errors():
    _raises(ops.binary_crossentropy, (z(4, 1), z(4, 2)), r"binary_crossentropy: `target` and `output` must have the "
            r"same shape, got target shape \(4, 1\) and output shape \(4, 2\)")
    _raises(ops.categorical_crossentropy, (z(4, 3), z(4, 2)), r"categorical_crossentropy: `target` and `output` "
            r"must have the same shape")
    _raises(ops.sparse_categorical_crossentropy, (z(4, 2, dtype="int32"), z(4, 3)),
            r"sparse_categorical_crossentropy: `target` must have the shape of `output` without the class axis 1: "
            r"expected \(4,\), got target shape \(4, 2\)")
    _raises(ops.batch_normalization, (z(2, 3), z(4), z(3), -1), r"batch_normalization: `mean` must have shape "
            r"\(3,\) to match axis 1 of x with shape \(2, 3\), got \(4,\)")


@covers("zeros", "ones", "full", "arange", "cast", "eye")
def test_creation_errors():
    with pytest.raises(ValueError, match=r"zeros: `shape` must be fully defined to create a tensor, got \(None, 3\)"):
        ops.zeros((None, 3))
    with pytest.raises(ValueError, match=r"ones: `shape` dimensions must be >= 0, got \(-1,\)"):
        ops.ones((-1,))
    with pytest.raises(ValueError, match=r"full: `shape` must be a tuple of ints, got \('a',\)"):
        ops.full(("a",), 1.0)
    with pytest.raises(ValueError, match="arange: `step` cannot be zero"):
        ops.arange(0, 5, 0)
    with pytest.raises(ValueError, match="zeros: Invalid dtype: 'float128'"):
        ops.zeros((2,), dtype="float128")
    with pytest.raises(ValueError, match="eye: Invalid dtype"):
        ops.eye(2, dtype="complex")
