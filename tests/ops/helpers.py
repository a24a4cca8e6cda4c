"""Shared helpers for the ops tests: conversion to/from the active backend and KerasTensors."""

from __future__ import annotations

import numpy as np

from kcore import backend as kb
from kcore import ops
from kcore.graph.keras_tensor import KerasTensor


def tensor(x):
    """A NumPy array as a backend tensor of the same dtype."""
    return ops.convert_to_tensor(x, dtype=str(np.asarray(x).dtype))


def to_backend(args):
    """NumPy arrays (also inside lists/tuples) become backend tensors; everything else is kept."""
    if isinstance(args, np.ndarray):
        return tensor(args)
    if isinstance(args, list):
        return [to_backend(a) for a in args]
    if isinstance(args, tuple):
        return tuple(to_backend(a) for a in args)
    return args


def to_symbolic(args, none_batch: bool = False):
    """NumPy arrays become KerasTensors of the same shape/dtype (first dim None if ``none_batch``)."""
    if isinstance(args, np.ndarray):
        shape = args.shape
        if none_batch and shape:
            shape = (None,) + shape[1:]
        return KerasTensor(shape, dtype=str(args.dtype))
    if isinstance(args, list):
        return [to_symbolic(a, none_batch) for a in args]
    if isinstance(args, tuple):
        return tuple(to_symbolic(a, none_batch) for a in args)
    return args


def has_array(args) -> bool:
    if isinstance(args, np.ndarray):
        return True
    if isinstance(args, (list, tuple)):
        return any(has_array(a) for a in args)
    return False


def numpy(x):
    return ops.convert_to_numpy(x)


def backend_name() -> str:
    return kb.backend()


def case_ids(cases) -> list[str]:
    """``op-1``, ``op-2``... test ids for a list of cases."""
    seen: dict[str, int] = {}
    out = []
    for c in cases:
        seen[c.op] = seen.get(c.op, 0) + 1
        out.append(f"{c.op}-{seen[c.op]}")
    return out


def call_case(case, convert):
    """Run ``case``'s op with its array arguments passed through ``convert``."""
    fn = getattr(ops, case.op)
    kwargs = {k: convert(v) for k, v in case.kwargs.items()}
    return fn(*convert(case.args), **kwargs)


def output_pairs(out, expected) -> list:
    """``[(output, expected), ...]`` for single- and multi-output ops."""
    if isinstance(expected, (list, tuple)):
        assert isinstance(out, (list, tuple)) and len(out) == len(expected)
        return list(zip(out, expected))
    return [(out, expected)]


def check_case_output(out, expected, case) -> None:
    """Backend tensor ``out`` matches the NumPy reference in dtype, shape and values."""
    assert ops.is_tensor(out), f"{case.op} returned {type(out).__name__}, not a backend tensor"
    expected = np.asarray(expected)
    assert ops.dtype(out) == (case.dtype or str(expected.dtype))
    got = numpy(out)
    assert got.shape == expected.shape
    if expected.dtype.kind in "fc":
        np.testing.assert_allclose(got, expected, rtol=case.rtol, atol=case.atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, expected.astype(got.dtype))
