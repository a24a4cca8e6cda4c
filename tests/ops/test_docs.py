"""docs/ops.md is generated from the code, lists every public op, and every listed op has tests."""

from __future__ import annotations

from pathlib import Path

import kcore.random
from kcore import ops
from kcore.ops import _doc

# importing the test modules fills the registry of covered ops
from . import (test_conv, test_core, test_dtypes, test_errors, test_inference, test_random,  # noqa: F401
               test_symbolic, test_values, test_values_nn)
from .registry import COVERED

DOC = Path(__file__).resolve().parents[2] / "docs" / "ops.md"  # the repository's copy, not the installed package's


def test_docs_are_up_to_date():
    assert DOC.read_text() == _doc.render(), "docs/ops.md is stale: run `python -m kcore.ops._doc`"


def test_every_public_op_is_documented():
    listed = set(_doc.op_names_from_markdown(DOC.read_text()))
    public = set(ops.__all__) | set(kcore.random.random.__all__)
    assert public - listed == set()
    assert listed - public == set()


def test_every_documented_op_has_a_test():
    listed = _doc.op_names_from_markdown(DOC.read_text())
    assert len(listed) == len(set(listed)) > 100
    missing = [name for name in listed if name not in COVERED]
    assert missing == [], f"ops in docs/ops.md without a test: {missing}"


def test_every_op_has_a_signature_and_summary():
    for section, name, signature, summary, symbolic in _doc.entries():
        assert signature.startswith("(") and summary, name
        if name not in ("convert_to_numpy", "is_tensor", "shape", "dtype"):
            assert symbolic, f"{name} is not an @op: it cannot take KerasTensors"


# keras.ops parameters kcore deliberately leaves out (einsum's backend-specific **kwargs)
KNOWN_SIGNATURE_DIFFERENCES = {"einsum"}


def test_signatures_match_keras():
    """Parameter names, order and defaults are those of keras.ops / keras.random (keras is the oracle)."""
    import inspect
    import os

    os.environ.setdefault("KERAS_BACKEND", "numpy")
    import keras

    checked = 0
    for module, names, oracle in [(ops, ops.__all__, keras.ops), (kcore.random, kcore.random.random.__all__,
                                                                   keras.random)]:
        for name in names:
            theirs = getattr(oracle, name, None)
            if theirs is None or name in KNOWN_SIGNATURE_DIFFERENCES:
                continue
            mine = [(p.name, p.kind, p.default) for p in inspect.signature(getattr(module, name)).parameters.values()]
            expected = [(p.name, p.kind, p.default) for p in inspect.signature(theirs).parameters.values()]
            assert mine == expected, f"{name}: {mine} != keras {expected}"
            checked += 1
    assert checked > 110
