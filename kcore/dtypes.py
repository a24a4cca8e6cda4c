"""Standard dtype names and promotion rules shared by every backend."""

from __future__ import annotations

import numpy as np

FLOAT_TYPES = ("bfloat16", "float16", "float32", "float64")
INT_TYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
ALLOWED = FLOAT_TYPES + INT_TYPES + ("bool",)

_ALIASES = {"float": "float32", "int": "int32", "double": "float64", "half": "float16",
            "bool_": "bool", "boolean": "bool", "long": "int64"}


def standardize_dtype(dtype) -> str:
    """A standard dtype name from a string, NumPy dtype, Python type or framework dtype."""
    if dtype is None:
        from kcore import backend

        return backend.floatx()
    if isinstance(dtype, str):
        name = dtype
    elif dtype is float:
        return "float32"
    elif dtype is int:
        return "int32"
    elif dtype is bool:
        return "bool"
    elif hasattr(dtype, "name") and isinstance(dtype.name, str):  # numpy, tensorflow
        name = dtype.name
    else:  # torch.float32, jnp.float32 types...
        name = str(dtype)
        if name.startswith("<class"):
            name = np.dtype(dtype).name
    name = name.split(".")[-1]
    name = _ALIASES.get(name, name)
    if name not in ALLOWED:
        raise ValueError(f"Invalid dtype: {dtype!r}. Expected one of {', '.join(ALLOWED)}")
    return name


def is_float(dtype) -> bool:
    return standardize_dtype(dtype) in FLOAT_TYPES


def is_int(dtype) -> bool:
    return standardize_dtype(dtype) in INT_TYPES


def result_type(*dtypes) -> str:
    """The promoted dtype of operands, treating Python scalars as weak types.

    Python ``int`` never widens a tensor dtype; Python ``float`` turns ints and
    bools into ``floatx``; two tensors promote as NumPy does except that
    ``int`` + ``float32`` stays ``float32``.
    """
    strong = [d for d in dtypes if d not in (int, float, bool)]
    weak = [d for d in dtypes if d in (int, float, bool)]
    if not strong:
        if float in weak:
            return "float32"
        if int in weak:
            return "int32"
        return "bool"
    names = [standardize_dtype(d) for d in strong]
    floats = [n for n in names if n in FLOAT_TYPES]
    if floats:
        if "bfloat16" in floats and len(set(floats)) == 1:
            return "bfloat16"
        return np.result_type(*[n if n != "bfloat16" else "float32" for n in floats]).name
    out = np.result_type(*names).name
    if float in weak:
        return "float32"
    if out == "bool" and int in weak:
        return "int32"
    return out
