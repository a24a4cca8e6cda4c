"""Symbolic shape/dtype inference for every case in cases.py: KerasTensors in, KerasTensors out,
matching the NumPy reference's shape and the expected dtype; ``None`` dims stay ``None``."""

from __future__ import annotations

import numpy as np
import pytest

from kcore.graph.keras_tensor import KerasTensor

from .cases import CASES
from .helpers import call_case as call, case_ids as ids, has_array, output_pairs as pairs, to_symbolic
from .registry import register

SYMBOLIC = [c for c in CASES if has_array(c.args) or has_array(list(c.kwargs.values()))]
register(__name__, *{c.op for c in SYMBOLIC})


def _has_mask(args) -> bool:
    if isinstance(args, np.ndarray):
        return args.dtype == bool and args.ndim > 0
    if isinstance(args, (list, tuple)):
        return any(_has_mask(a) for a in args)
    return False


def _compatible(symbolic: tuple, concrete: tuple) -> bool:
    return len(symbolic) == len(concrete) and all(a is None or a == b for a, b in zip(symbolic, concrete))


@pytest.mark.parametrize("case", SYMBOLIC, ids=ids(SYMBOLIC))
def test_symbolic_matches_reference(case):
    expected = case.ref(*case.args)
    data_dependent = case.op == "getitem" and _has_mask(case.args)
    for s, e in pairs(call(case, to_symbolic), expected):
        e = np.asarray(e)
        assert isinstance(s, KerasTensor)
        assert s.dtype == (case.dtype or str(e.dtype))
        if data_dependent:  # a boolean mask selects an unknown number of elements
            assert _compatible(s.shape, e.shape), (s.shape, e.shape)
        else:
            assert s.shape == e.shape
    # with an unknown leading dimension on every array argument: compatible, never wrong
    for s, e in pairs(call(case, lambda a: to_symbolic(a, none_batch=True)), expected):
        assert s.dtype == (case.dtype or str(np.asarray(e).dtype))
        assert _compatible(s.shape, np.shape(e)), (s.shape, np.shape(e))
