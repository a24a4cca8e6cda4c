"""Variables: named, backend-stored state, and the stateless scope used by compiled steps."""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterable

import numpy as np

from kcore import backend as _backend
from kcore.dtypes import standardize_dtype

_scope_stack: list["StatelessScope"] = []


class StatelessScope:
    """Within this scope, variables read values from ``mapping`` and record assignments.

    kcore's trainer runs the model as a pure function of variable values this
    way, so a backend can compile or differentiate the whole step.
    """

    def __init__(self, mapping: Iterable[tuple["Variable", Any]] = ()):
        self.values: dict[int, Any] = {id(v): val for v, val in mapping}
        self.updates: dict[int, Any] = {}

    def get(self, variable: "Variable"):
        key = id(variable)
        if key in self.updates:
            return self.updates[key]
        return self.values.get(key)

    def assign(self, variable: "Variable", value) -> None:
        self.updates[id(variable)] = value

    def __enter__(self):
        _scope_stack.append(self)
        return self

    def __exit__(self, *exc):
        _scope_stack.pop()


def current_stateless_scope() -> StatelessScope | None:
    return _scope_stack[-1] if _scope_stack else None


class Variable:
    """A tensor-valued, assignable state holder (weights, optimizer slots, metric totals).

    Args:
        initializer: a value (array, tensor, scalar) or a callable
            ``initializer(shape, dtype)``.
        shape: needed when ``initializer`` is callable.
        dtype: defaults to the initial value's dtype for arrays, else ``floatx``.
        trainable: whether optimizers update it.
        name: short name (``"kernel"``); ``path`` adds the owner's name.
    """

    def __init__(self, initializer, shape=None, dtype=None, trainable: bool = True,
                 name: str | None = None, aggregation: str = "mean") -> None:
        self.name = name or "variable"
        self.path = self.name
        self.trainable = bool(trainable)
        self.aggregation = aggregation
        b = _backend.current()
        self._pending = None
        if callable(initializer) and not b.is_tensor(initializer):
            if shape is None:
                raise ValueError(f"Variable {self.name!r}: a callable initializer needs a shape")
            dtype = standardize_dtype(dtype)
            if _defers(initializer, shape, dtype):
                self._shape, self._dtype = tuple(int(d) for d in shape), dtype
                self._pending = initializer
                self._stored = None
                return
            value = initializer(tuple(shape), dtype)
        else:
            value = initializer
            if dtype is None and not b.is_tensor(value) and not isinstance(value, np.ndarray):
                dtype = _backend.floatx()
        value = b.convert_to_tensor(value, dtype=standardize_dtype(dtype) if dtype is not None else None)
        if shape is not None and tuple(b.shape(value)) != tuple(shape):
            raise ValueError(
                f"Variable {self.name!r}: initial value has shape {tuple(b.shape(value))}, "
                f"expected {tuple(shape)}"
            )
        self._shape = tuple(b.shape(value))
        self._dtype = b.dtype(value)
        self._stored = b.variable_create(value, self.trainable, self.name)

    # ------------------------------------------------------ deferred values
    @property
    def _storage(self):
        """The backend's variable; a deferred initial value is sampled here, on first use."""
        if self._pending is not None:
            self._materialize()
        return self._stored

    @_storage.setter
    def _storage(self, stored) -> None:
        self._pending = None
        self._stored = stored

    def _materialize(self) -> None:
        b = _backend.current()
        value = b.convert_to_tensor(self._pending(self._shape, self._dtype), dtype=self._dtype)
        self._storage = b.variable_create(value, self.trainable, self.name)

    @property
    def is_materialized(self) -> bool:
        """False while a large initial value waits to be sampled (see :func:`_defers`)."""
        return self._pending is None

    # ------------------------------------------------------------------ value
    @property
    def value(self):
        scope = current_stateless_scope()
        if scope is not None:
            v = scope.get(self)
            if v is not None:
                return v
        return _backend.current().variable_read(self._storage)

    def assign(self, value) -> "Variable":
        b = _backend.current()
        if not b.is_tensor(value):
            value = b.convert_to_tensor(value, dtype=self._dtype)
        elif b.dtype(value) != self._dtype:
            value = b.cast(value, self._dtype)
        shape = tuple(b.shape(value))
        if shape != self._shape:
            raise ValueError(
                f"Variable {self.path!r} has shape {self._shape}; cannot assign a value of shape {shape}"
            )
        scope = current_stateless_scope()
        if scope is not None:
            scope.assign(self, value)
        elif self._pending is not None:  # loading weights into a fresh model: never sample what is overwritten
            self._storage = b.variable_create(value, self.trainable, self.name)
        else:
            self._storage = b.variable_assign(self._storage, value)
        return self

    def assign_add(self, value) -> "Variable":
        return self.assign(_backend.current().add(self.value, value))

    def assign_sub(self, value) -> "Variable":
        return self.assign(_backend.current().subtract(self.value, value))

    def numpy(self) -> np.ndarray:
        return _backend.current().convert_to_numpy(self.value)

    # -------------------------------------------------------------- metadata
    shape = property(lambda self: self._shape)
    dtype = property(lambda self: self._dtype)
    ndim = property(lambda self: len(self._shape))

    def __repr__(self) -> str:
        return f"<Variable path={self.path}, shape={self._shape}, dtype={self._dtype}, value={self.numpy()}>"

    #: NumPy defers ``ndarray <op> variable`` to the variable's reflected operator (traced values stay traced).
    __array_priority__ = 100

    def __array__(self, dtype=None, copy=None):
        arr = self.numpy()
        return arr.astype(dtype) if dtype is not None else arr

    def __len__(self) -> int:
        return self._shape[0]

    def __hash__(self):
        return id(self)

    # ----------------------------------------------- operators via kcore.ops
    def _op(name: str) -> Callable:  # noqa: N805
        def method(self, *args):
            from kcore import ops

            return getattr(ops, name)(self, *args)

        return method

    def _rop(name: str) -> Callable:  # noqa: N805
        def method(self, other):
            from kcore import ops

            return getattr(ops, name)(other, self)

        return method

    __add__, __radd__ = _op("add"), _rop("add")
    __sub__, __rsub__ = _op("subtract"), _rop("subtract")
    __mul__, __rmul__ = _op("multiply"), _rop("multiply")
    __truediv__, __rtruediv__ = _op("divide"), _rop("divide")
    __pow__, __rpow__ = _op("power"), _rop("power")
    __matmul__, __rmatmul__ = _op("matmul"), _rop("matmul")
    __neg__ = _op("negative")
    __getitem__ = _op("getitem")
    __lt__, __le__, __gt__, __ge__ = _op("less"), _op("less_equal"), _op("greater"), _op("greater_equal")
    del _op, _rop


#: Initial values with at least this many elements are sampled on first use rather than at creation.
DEFER_MIN_SIZE = 1 << 16


def _defers(initializer, shape, dtype: str) -> bool:
    """Whether a new variable samples its initial value later: only a large value, from an initializer
    that gives the same values whenever it is called, and never inside a traced or stateless step."""
    if current_stateless_scope() is not None or not getattr(initializer, "deferrable", False):
        return False
    size = 1
    for d in shape:
        size *= int(d)
    return size >= DEFER_MIN_SIZE


@contextlib.contextmanager
def stateless(variables_and_values: Iterable[tuple[Variable, Any]]):
    """Shorthand for ``with StatelessScope(pairs) as scope``."""
    with StatelessScope(variables_and_values) as scope:
        yield scope
