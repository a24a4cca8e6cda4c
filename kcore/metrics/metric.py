"""The ``Metric`` base class: state in kcore Variables, pure ``update_state``/``result``."""

from __future__ import annotations

from typing import Any, Sequence

from kcore import ops
from kcore.graph.naming import to_snake_case, unique_name
from kcore.losses.loss import standardize_dtype_arg
from kcore.variables import StatelessScope, Variable


def initial_value(initializer: Any, shape: tuple, dtype: str):
    """A tensor of ``shape``/``dtype`` from ``"zeros"``/``"ones"``, a number, or ``init(shape, dtype)``."""
    if initializer is None or (isinstance(initializer, str) and initializer.lower() == "zeros"):
        return ops.zeros(shape, dtype=dtype)
    if isinstance(initializer, str) and initializer.lower() == "ones":
        return ops.ones(shape, dtype=dtype)
    if isinstance(initializer, (int, float, bool)):
        return ops.full(shape, initializer, dtype=dtype)
    if isinstance(initializer, (str, dict)):
        from kcore import initializers

        initializer = initializers.get(initializer)
    if callable(initializer):
        return ops.cast(initializer(shape, dtype=dtype), dtype)
    raise ValueError(
        f"Unknown initializer {initializer!r}: expected 'zeros', 'ones', a number, an initializer name "
        "or a callable(shape, dtype)"
    )


class Metric:
    """Base class of metrics.

    Subclasses create their state with :meth:`add_variable` in ``__init__`` and
    implement ``update_state(...)`` (only ``Variable.assign*`` and kcore ops,
    no Python branching on tensor values) and ``result()``.

    Args:
        dtype: dtype of the state and the result (default ``floatx()``).
        name: metric name (default: snake-cased class name, made unique).
    """

    _keras_module = "keras.metrics"

    def __init__(self, dtype: Any = None, name: str | None = None) -> None:
        object.__setattr__(self, "_metrics", [])
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self._dtype = standardize_dtype_arg(dtype)
        self._variables: list[Variable] = []

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Metric) and name != "_metrics":
            self._check_super_called()
            if value not in self._metrics:
                self._metrics.append(value)
        object.__setattr__(self, name, value)

    def _check_super_called(self) -> None:
        if "_metrics" not in self.__dict__:
            raise RuntimeError(
                f"Metric {type(self).__name__}: call super().__init__() first in __init__()"
            )

    # ------------------------------------------------------------- state
    @property
    def dtype(self) -> str:
        return self._dtype

    def add_variable(self, shape: Sequence[int], initializer: Any, dtype: Any = None,
                     aggregation: str = "sum", name: str | None = None) -> Variable:
        """Create and track a non-trainable state Variable named ``<metric>/<name>``."""
        self._check_super_called()
        shape = tuple(int(d) for d in shape)
        dtype = standardize_dtype_arg(dtype)
        variable = Variable(initial_value(initializer, shape, dtype), shape=shape, dtype=dtype,
                            trainable=False, name=name, aggregation=aggregation)
        variable.path = f"{self.name.replace('/', '>')}/{variable.name}"
        self._variables.append(variable)
        return variable

    def add_weight(self, shape: Sequence[int] = (), initializer: Any = None, dtype: Any = None,
                   name: str | None = None) -> Variable:
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self) -> list[Variable]:
        out = list(self._variables)
        for metric in self._metrics:
            out.extend(metric.variables)
        return out

    # --------------------------------------------------------- protocol
    def reset_state(self) -> None:
        """Set every state variable back to zero."""
        for v in self.variables:
            v.assign(ops.zeros(v.shape, dtype=v.dtype))

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(f"Metric {type(self).__name__} must implement update_state()")

    def result(self):
        raise NotImplementedError(f"Metric {type(self).__name__} must implement result()")

    def __call__(self, *args: Any, **kwargs: Any):
        """Update the state with one batch and return the current result."""
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    # ------------------------------------------------ stateless variants
    def _check_values(self, metric_variables: Sequence[Any]) -> list[Variable]:
        variables = self.variables
        if len(metric_variables) != len(variables):
            raise ValueError(
                f"Metric {self.name!r}: `metric_variables` must match {type(self).__name__}().variables "
                f"one to one; expected {len(variables)} values, received {len(metric_variables)}"
            )
        return variables

    def stateless_update_state(self, metric_variables: Sequence[Any], *args: Any, **kwargs: Any) -> list:
        """New state values after ``update_state(*args)``, leaving the Variables untouched."""
        variables = self._check_values(metric_variables)
        with StatelessScope(zip(variables, metric_variables)):
            self.update_state(*args, **kwargs)
            return [v.value for v in variables]

    def stateless_result(self, metric_variables: Sequence[Any]):
        """``result()`` computed from the given state values."""
        variables = self._check_values(metric_variables)
        with StatelessScope(zip(variables, metric_variables)):
            return self.result()

    def stateless_reset_state(self) -> list:
        """The state values ``reset_state()`` would set."""
        variables = self.variables
        with StatelessScope():
            self.reset_state()
            return [v.value for v in variables]

    # ---------------------------------------------------- serialization
    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict) -> "Metric":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"

    __str__ = __repr__
