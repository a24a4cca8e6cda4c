"""Convolutions and pooling against the loop reference in reference.py (float32, atol 1e-5),
plus their symbolic output shapes (``None`` dims stay ``None``)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import kcore
from kcore import ops
from kcore.graph.keras_tensor import KerasTensor

from . import reference as ref
from .helpers import numpy, tensor
from .registry import covers

rng = np.random.default_rng(7)
SPATIAL = {1: (7,), 2: (6, 5), 3: (5, 5, 4)}
KERNEL = {1: (3,), 2: (3, 2), 3: (2, 3, 2)}
# (strides, dilation_rate) combinations; strides > 1 with dilation > 1 is rejected by kcore
STEPS = [(1, 1), (2, 1), (1, 2), ((2, 1, 3), 1)]


def _inputs(n, data_format, channels=3, batch=2):
    x = rng.normal(size=(batch, *SPATIAL[n], channels)).astype("float32")
    return np.ascontiguousarray(np.moveaxis(x, -1, 1)) if data_format == "channels_first" else x


def _tup(v, n):
    return v[:n] if isinstance(v, tuple) else v


def _close(out, expected):
    got = numpy(out)
    assert ops.dtype(out) == "float32"
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-5, rtol=1e-5)


def _symbolic_check(fn, args, kwargs, expected_shape, data_format):
    """Inference with known shapes gives the reference shape; with unknown batch/spatial dims, None."""
    sym = [KerasTensor(a.shape, "float32") for a in args]
    out = fn(*sym, **kwargs)
    assert out.shape == expected_shape and out.dtype == "float32"
    x = args[0]
    unknown = (None,) + ((None,) * (x.ndim - 2) + (x.shape[-1],) if data_format == "channels_last"
                         else (x.shape[1],) + (None,) * (x.ndim - 2))
    out = fn(KerasTensor(unknown, "float32"), *sym[1:], **kwargs)
    channel_axis = -1 if data_format == "channels_last" else 1
    assert out.shape[channel_axis] == expected_shape[channel_axis]
    assert [d for i, d in enumerate(out.shape) if i != channel_axis % len(out.shape)] == [None] * (x.ndim - 1)


FORMATS = list(itertools.product(("channels_last", "channels_first"), ("valid", "same")))


def _covering(n_dims, options):
    """Each option once per rank, paired with (data_format, padding) in rotation: every combination
    of format and padding appears for every rank without the full cartesian product."""
    return [(n, *FORMATS[(i + n) % len(FORMATS)], opt) for n in n_dims for i, opt in enumerate(options)]


GRID = _covering((1, 2, 3), STEPS)


def _id(p):
    n, df, pad, (s, d) = p
    return f"{n}d-{df[9:]}-{pad}-s{s if isinstance(s, int) else 'mixed'}-d{d}"


@covers("conv")
@pytest.mark.parametrize("params", GRID, ids=[_id(p) for p in GRID])
def test_conv(params):
    n, df, pad, (s, d) = params
    s = _tup(s, n)
    x = _inputs(n, df)
    k = rng.normal(size=KERNEL[n] + (3, 4)).astype("float32")
    expected = ref.conv(x, k, s, pad, df, d)
    kwargs = dict(strides=s, padding=pad, data_format=df, dilation_rate=d)
    _close(ops.conv(tensor(x), tensor(k), **kwargs), expected)
    _symbolic_check(ops.conv, (x, k), kwargs, expected.shape, df)


@covers("depthwise_conv")
@pytest.mark.parametrize("params", GRID, ids=[_id(p) for p in GRID])
def test_depthwise_conv(params):
    n, df, pad, (s, d) = params
    s = _tup(s, n)
    x = _inputs(n, df)
    k = rng.normal(size=KERNEL[n] + (3, 2)).astype("float32")
    expected = ref.depthwise_conv(x, k, s, pad, df, d)
    kwargs = dict(strides=s, padding=pad, data_format=df, dilation_rate=d)
    _close(ops.depthwise_conv(tensor(x), tensor(k), **kwargs), expected)
    _symbolic_check(ops.depthwise_conv, (x, k), kwargs, expected.shape, df)


SEP_GRID = _covering((1, 2), STEPS)


@covers("separable_conv")
@pytest.mark.parametrize("params", SEP_GRID, ids=[_id(p) for p in SEP_GRID])
def test_separable_conv(params):
    n, df, pad, (s, d) = params
    s = _tup(s, n)
    x = _inputs(n, df)
    dk = rng.normal(size=KERNEL[n] + (3, 2)).astype("float32")
    pk = rng.normal(size=(1,) * n + (6, 5)).astype("float32")
    expected = ref.separable_conv(x, dk, pk, s, pad, df, d)
    kwargs = dict(strides=s, padding=pad, data_format=df, dilation_rate=d)
    _close(ops.separable_conv(tensor(x), tensor(dk), tensor(pk), **kwargs), expected)
    _symbolic_check(ops.separable_conv, (x, dk, pk), kwargs, expected.shape, df)


CT_GRID = [(n, df, pad, *opt) for n, df, pad, opt in _covering(
    (1, 2, 3), [(1, 1, None), (2, 1, None), (3, 1, None), (1, 2, None), (2, 1, 1), (3, 1, 0), (1, 2, 0),
                ((2, 1, 3), 1, None)])]


@covers("conv_transpose")
@pytest.mark.parametrize("params", CT_GRID, ids=[f"{n}d-{df[9:]}-{pad}-s{s}-d{d}-op{op}".replace(" ", "")
                                                 for n, df, pad, s, d, op in CT_GRID])
def test_conv_transpose(params):
    n, df, pad, s, d, op = params
    s = _tup(s, n)
    x = _inputs(n, df)
    k = rng.normal(size=(3, 2, 4)[:n] + (5, 3)).astype("float32")
    expected = ref.conv_transpose(x, k, s, pad, op, df, d)
    kwargs = dict(strides=s, padding=pad, output_padding=op, data_format=df, dilation_rate=d)
    _close(ops.conv_transpose(tensor(x), tensor(k), **kwargs), expected)
    _symbolic_check(ops.conv_transpose, (x, k), kwargs, expected.shape, df)


POOL_GRID = [(n, df, pad, *opt) for n, df, pad, opt in _covering(
    (1, 2, 3), [(2, None), (3, 1), (3, 2), ((2, 3, 1), None), (2, (1, 2, 2)), (3, None)])]


@covers("max_pool", "average_pool")
@pytest.mark.parametrize("kind", ["max", "average"])
@pytest.mark.parametrize("params", POOL_GRID, ids=[f"{n}d-{df[9:]}-{pad}-p{p}-s{s}".replace(" ", "")
                                                   for n, df, pad, p, s in POOL_GRID])
def test_pool(params, kind):
    n, df, pad, p, s = params
    p, s = _tup(p, n), _tup(s, n)
    x = _inputs(n, df)
    expected = ref.pool(x, p, s, pad, df, "max" if kind == "max" else "avg")
    fn = ops.max_pool if kind == "max" else ops.average_pool
    kwargs = dict(strides=s, padding=pad, data_format=df)
    _close(fn(tensor(x), p, **kwargs), expected)
    _symbolic_check(lambda x, **kw: fn(x, p, **kw), (x,), kwargs, expected.shape, df)


@covers("conv", "max_pool", "average_pool")
def test_arguments_are_normalised():
    """Lists for tuples, upper-case padding, and data_format=None -> image_data_format()."""
    x = _inputs(2, "channels_last")
    k = rng.normal(size=(3, 3, 3, 2)).astype("float32")
    expected = ref.conv(x, k, (2, 2), "same", "channels_last", 1)
    _close(ops.conv(tensor(x), tensor(k), strides=[2, 2], padding="SAME", dilation_rate=[1, 1]), expected)
    _close(ops.max_pool(tensor(x), [2, 2], padding="Valid"), ref.pool(x, 2, None, "valid"))
    old = kcore.backend.image_data_format()
    kcore.backend.set_image_data_format("channels_first")
    try:
        xf = np.ascontiguousarray(np.moveaxis(x, -1, 1))
        _close(ops.conv(tensor(xf), tensor(k), strides=2, padding="same"),
               ref.conv(xf, k, 2, "same", "channels_first", 1))
        assert ops.average_pool(KerasTensor((None, 3, 8, 8)), 2).shape == (None, 3, 4, 4)
    finally:
        kcore.backend.set_image_data_format(old)


@covers("conv")
def test_conv_mixed_input_dtypes_promote_to_float():
    x = np.arange(2 * 5 * 2).reshape(2, 5, 2).astype("int32")
    k = rng.normal(size=(2, 2, 3)).astype("float32")
    _close(ops.conv(tensor(x), tensor(k)), ref.conv(x.astype("float32"), k))
