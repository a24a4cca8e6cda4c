"""keras.ops dtype rules, enforced by the ops layer on every backend, eagerly and symbolically.

Python scalars and float64 NumPy arrays are weak: they never widen a tensor's dtype.
"""

from __future__ import annotations

import numpy as np
import pytest

from kcore import ops
from kcore.graph.keras_tensor import KerasTensor

from .helpers import backend_name, tensor
from .registry import register


class T:
    """A tensor argument of a given dtype (shape (2, 3))."""

    def __init__(self, dtype: str):
        self.dtype = dtype

    def eager(self):
        return ops.cast(tensor(np.ones((2, 3), "float32")), self.dtype)

    def symbolic(self):
        return KerasTensor((None, 3), self.dtype)

    def __repr__(self):
        return f"T({self.dtype})"


def _eager(a):
    return a.eager() if isinstance(a, T) else a


def _symbolic(a):
    return a.symbolic() if isinstance(a, T) else a


RULES = [
    # Python scalars are weak
    ("add", (T("int32"), 1.5), "float32"),
    ("add", (T("int32"), 2), "int32"),
    ("add", (T("int8"), 2), "int8"),
    ("add", (T("uint8"), 2), "uint8"),
    ("add", (T("float16"), 2.0), "float16"),
    ("add", (T("float16"), 2), "float16"),
    ("add", (T("bfloat16"), 2.0), "bfloat16"),
    ("add", (T("bool"), 1), "int32"),
    ("add", (T("bool"), 1.0), "float32"),
    ("multiply", (2.0, T("int32")), "float32"),
    ("subtract", (T("float32"), True), "float32"),
    ("add", (1, 2), "int32"),
    ("add", (1.0, 2), "float32"),
    ("maximum", (T("int32"), 0.5), "float32"),
    ("power", (T("int32"), 2), "int32"),
    ("power", (T("int32"), 0.5), "float32"),
    ("floor_divide", (T("int16"), 3), "int16"),
    ("mod", (T("int32"), 2.5), "float32"),
    ("where", (T("bool"), T("int32"), 1.5), "float32"),
    ("where", (T("bool"), T("int8"), 1), "int8"),
    # NumPy default-dtype arrays are weak too
    ("add", (T("float32"), np.ones(3)), "float32"),
    ("add", (T("float16"), np.ones(3)), "float16"),
    ("add", (T("int32"), np.ones(3)), "float32"),
    ("add", (T("int32"), np.ones(3, "int64")), "int64"),
    ("matmul", (T("float32"), np.ones((3, 2))), "float32"),
    ("add", (T("int8"), [1, 2, 3]), "int8"),
    ("add", (T("float16"), [1.5, 2.0, 3.0]), "float16"),
    ("add", ([1, 2, 3], [1.5, 2.0, 3.0]), "float32"),
    ("concatenate", ([T("float32"), np.ones((2, 3))],), "float32"),
    # tensor + tensor promotes (int + float keeps the float width)
    ("add", (T("int8"), T("int32")), "int32"),
    ("add", (T("int32"), T("float16")), "float16"),
    ("add", (T("int64"), T("float32")), "float32"),
    ("add", (T("float64"), T("float64")), "float64"),
    ("add", (T("int64"), T("int8")), "int64"),
    ("add", (T("uint8"), T("int8")), "int16"),
    ("add", (T("bool"), T("int8")), "int8"),
    ("matmul", (T("int8"), np.ones((3, 2), "int8")), "int32"),
    ("einsum", ("ij,jk->ik", T("bool"), np.ones((3, 2), "bool")), "int32"),
    ("concatenate", ([T("int32"), T("float16")],), "float16"),
    ("stack", ([T("int8"), T("int16")],), "int16"),
    ("equal", (T("int32"), T("float32")), "bool"),
    ("less", (T("int32"), 0.5), "bool"),
    # division and float math make ints floating
    ("divide", (T("int32"), T("int32")), "float32"),
    ("divide", (T("int64"), 2), "float32"),
    ("divide", (T("float16"), 2), "float16"),
    ("true_divide", (T("uint8"), T("uint8")), "float32"),
    ("sqrt", (T("int32"),), "float32"),
    ("exp", (T("float16"),), "float16"),
    ("floor", (T("int32"),), "float32"),
    ("sigmoid", (T("int32"),), "float32"),
    ("softmax", (T("int32"),), "float32"),
    ("mean", (T("int32"),), "float32"),
    ("var", (T("int8"),), "float32"),
    ("logsumexp", (T("int32"),), "float32"),
    # reductions and friends
    ("sum", (T("int8"),), "int32"),
    ("sum", (T("bool"),), "int32"),
    ("sum", (T("uint8"),), "int32"),
    ("sum", (T("int64"),), "int64"),
    ("sum", (T("float16"),), "float16"),
    ("prod", (T("int16"),), "int32"),
    ("cumsum", (T("bool"),), "int32"),
    ("max", (T("int8"),), "int8"),
    ("argmax", (T("float32"),), "int32"),
    ("argmin", (T("int64"),), "int32"),
    ("any", (T("int32"),), "bool"),
    ("abs", (T("int8"),), "int8"),
    ("square", (T("bool"),), "int32"),
    ("clip", (T("bool"), 0, 1), "int32"),
    ("clip", (T("int32"), 0.5, 2.5), "int32"),
    ("round", (T("float16"),), "float16"),
    ("one_hot", (T("int32"), 4), "float32"),
    ("full", ((2,), 1), "int32"),
    ("full", ((2,), 1.0), "float32"),
    ("full", ((2,), True), "bool"),
    ("arange", (0, 3.0), "float32"),
    ("zeros_like", (T("int8"),), "int8"),
    ("full_like", (T("int32"), 2.7), "int32"),
]
register(__name__, *{r[0] for r in RULES})


def _representable(dtype: str) -> str:
    """``dtype`` as the active framework stores it (JAX without x64 keeps 64-bit types in 32 bits)."""
    return ops.dtype(ops.cast(ops.zeros((1,)), dtype))


@pytest.mark.parametrize("op,args,expected", RULES, ids=[f"{o}-{a}" for o, a, _ in RULES])
def test_dtype_rule(op, args, expected):
    fn = getattr(ops, op)
    eager_args = [[_eager(e) for e in a] if isinstance(a, list) else _eager(a) for a in args]
    out = fn(*eager_args)
    assert ops.dtype(out) == _representable(expected)
    if any(isinstance(a, T) or (isinstance(a, list) and any(isinstance(e, T) for e in a)) for a in args):
        sym_args = [[_symbolic(e) for e in a] if isinstance(a, list) else _symbolic(a) for a in args]
        assert fn(*sym_args).dtype == expected


def test_float64_tensors_promote():
    """float32 + float64 tensors give float64; on the numpy backend a float64 tensor *is* a NumPy
    array of NumPy's default dtype, so it stays weak there (documented trade-off)."""
    x32, x64 = T("float32"), T("float64")
    expected = "float32" if backend_name() == "numpy" else _representable("float64")
    assert ops.dtype(ops.add(x32.eager(), x64.eager())) == expected
    assert ops.add(x32.symbolic(), x64.symbolic()).dtype == "float64"


def test_python_scalars_keep_values_exact():
    """Weak scalars convert to the tensor dtype without losing the arithmetic result."""
    x = tensor(np.array([1, 2, 3], "int32"))
    np.testing.assert_allclose(ops.convert_to_numpy(ops.add(x, 0.5)), [1.5, 2.5, 3.5])
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.multiply(x, 2)), [2, 4, 6])
    h = tensor(np.array([1.0, 2.0], "float16"))
    np.testing.assert_allclose(ops.convert_to_numpy(ops.add(h, 0.25)), [1.25, 2.25])
