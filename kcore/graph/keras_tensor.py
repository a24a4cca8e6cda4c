"""KerasTensor: a symbolic tensor that carries a shape, a dtype and its history."""

from __future__ import annotations

from typing import Any, NamedTuple


class KerasHistory(NamedTuple):
    """Where a KerasTensor comes from: ``operation._inbound_nodes[node_index].outputs[tensor_index]``."""

    operation: Any
    node_index: int
    tensor_index: int


class KerasTensor:
    """A placeholder for a tensor in a functional graph.

    Holds no values: every ``kcore.ops`` function accepts it and returns new
    KerasTensors by shape and dtype inference.
    """

    __array_priority__ = 1000  # numpy defers to our reflected operators

    def __init__(self, shape, dtype: str = "float32", sparse: bool = False, name: str | None = None,
                 record_history: bool = True) -> None:
        from kcore.dtypes import standardize_dtype

        self._shape = tuple(None if d is None else int(d) for d in shape)
        self._dtype = standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.name = name
        self._keras_history: KerasHistory | None = None
        self._keras_mask = None

    shape = property(lambda self: self._shape)
    dtype = property(lambda self: self._dtype)
    ndim = property(lambda self: len(self._shape))

    @property
    def keras_history(self) -> KerasHistory | None:
        return self._keras_history

    def __repr__(self) -> str:
        name = f", name={self.name}" if self.name else ""
        return f"<KerasTensor shape={self._shape}, dtype={self._dtype}, sparse={self.sparse}{name}>"

    def __len__(self):
        raise TypeError("A symbolic KerasTensor has no len(): it holds no values. Use .shape instead.")

    def __iter__(self):
        raise TypeError("A symbolic KerasTensor is not iterable: it holds no values.")

    def __bool__(self):
        raise TypeError(
            "A symbolic KerasTensor cannot be used as a Python bool (in `if` or `while`): "
            "its value is only known when the model runs."
        )

    def __array__(self, *args, **kwargs):
        raise TypeError(
            "A symbolic KerasTensor cannot be converted to a NumPy array: it is a placeholder "
            "in a functional graph. Call the model on real data to get values."
        )

    def numpy(self):
        self.__array__()

    # Operators dispatch to kcore.ops (imported lazily: ops imports this module).
    def _op(name):  # noqa: N805
        def method(self, *args):
            from kcore import ops

            return getattr(ops, name)(self, *args)

        method.__name__ = name
        return method

    def _rop(name):  # noqa: N805
        def method(self, other):
            from kcore import ops

            return getattr(ops, name)(other, self)

        return method

    __add__, __radd__ = _op("add"), _rop("add")
    __sub__, __rsub__ = _op("subtract"), _rop("subtract")
    __mul__, __rmul__ = _op("multiply"), _rop("multiply")
    __truediv__, __rtruediv__ = _op("divide"), _rop("divide")
    __floordiv__, __rfloordiv__ = _op("floor_divide"), _rop("floor_divide")
    __mod__, __rmod__ = _op("mod"), _rop("mod")
    __pow__, __rpow__ = _op("power"), _rop("power")
    __matmul__, __rmatmul__ = _op("matmul"), _rop("matmul")
    __neg__ = _op("negative")
    __abs__ = _op("abs")
    __lt__, __le__ = _op("less"), _op("less_equal")
    __gt__, __ge__ = _op("greater"), _op("greater_equal")
    __and__, __or__, __invert__ = _op("logical_and"), _op("logical_or"), _op("logical_not")
    __getitem__ = _op("getitem")
    del _op, _rop

    def __hash__(self):
        return id(self)


def is_keras_tensor(x: Any) -> bool:
    return isinstance(x, KerasTensor)


def any_symbolic(args) -> bool:
    """True if any (possibly nested) element of ``args`` is a KerasTensor."""
    for a in args:
        if isinstance(a, KerasTensor):
            return True
        if isinstance(a, (list, tuple)) and any_symbolic(a):
            return True
        if isinstance(a, dict) and any_symbolic(a.values()):
            return True
    return False
