"""NumPy-namespace ops from cases.py, run eagerly on the active backend: values, shape, dtype vs NumPy."""

from __future__ import annotations

import pytest

from kcore.ops import numpy as numpy_ops

from .cases import CASES
from .helpers import call_case, case_ids, check_case_output, output_pairs, to_backend
from .registry import register

NUMPY_CASES = [c for c in CASES if c.op in numpy_ops.__all__]
register(__name__, *{c.op for c in NUMPY_CASES})


@pytest.mark.parametrize("case", NUMPY_CASES, ids=case_ids(NUMPY_CASES))
def test_eager_matches_numpy(case):
    out = call_case(case, to_backend)
    for o, e in output_pairs(out, case.ref(*case.args)):
        check_case_output(o, e, case)
