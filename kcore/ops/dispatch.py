"""The ``op`` decorator: one place where every kcore op chooses eager or symbolic execution.

An op is written as a plain function calling the active backend::

    @op(infer=infer_elementwise_binary)
    def add(x1, x2):
        return backend().add(x1, x2)

Called on real tensors, the wrapper unwraps kcore ``Variable`` arguments and
runs the body. Called with any ``KerasTensor`` argument, it never runs the
body: ``infer`` (same signature, returning KerasTensors or a nested structure
of them) gives the output shapes and dtypes, and the graph records the call.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from kcore.backend.selection import active as backend
from kcore.graph.keras_tensor import KerasTensor, any_symbolic
from kcore.variables import Variable


def unwrap(x: Any) -> Any:
    """Replace kcore Variables (also inside lists/tuples) by their current values."""
    if isinstance(x, Variable):
        return x.value
    if isinstance(x, (list, tuple)):
        if any(isinstance(e, (Variable, list, tuple)) for e in x):
            return type(x)(unwrap(e) for e in x)
    return x


def op(infer: Callable[..., Any]):
    """Make ``fn`` a kcore op with symbolic shape inference ``infer``."""

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if any_symbolic(args) or (kwargs and any_symbolic(kwargs.values())):
                from kcore.graph.operation import symbolic_call

                return symbolic_call(wrapper, infer, args, kwargs)
            return fn(*[unwrap(a) for a in args], **{k: unwrap(v) for k, v in kwargs.items()})

        wrapper.__kcore_op__ = True
        wrapper.__kcore_infer__ = infer
        wrapper.__kcore_eager__ = fn
        return wrapper

    return decorate


def shape_of(x: Any) -> tuple:
    """Static shape of a KerasTensor, Variable, backend tensor, NumPy array or scalar."""
    if isinstance(x, (KerasTensor, Variable)):
        return tuple(x.shape)
    if hasattr(x, "shape") and not isinstance(x, type):
        try:
            return tuple(None if d is None else int(d) for d in x.shape)
        except TypeError:
            pass
    if isinstance(x, (int, float, bool)):
        return ()
    import numpy as np

    return np.shape(x)


def dtype_of(x: Any):
    """Standard dtype name, or the Python type (``int``/``float``/``bool``) for weak scalars."""
    from kcore.dtypes import standardize_dtype

    if isinstance(x, bool):
        return bool
    if isinstance(x, int):
        return int
    if isinstance(x, float):
        return float
    if isinstance(x, (KerasTensor, Variable)):
        return x.dtype
    if hasattr(x, "dtype"):
        return standardize_dtype(x.dtype)
    import numpy as np

    arr = np.asarray(x)
    return standardize_dtype(arr.dtype) if arr.dtype != np.float64 else "float32"
