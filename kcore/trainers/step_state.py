"""The variables a train/test/predict step reads and writes, and batch conversion to tensors."""

from __future__ import annotations

from typing import Any

import numpy as np

from kcore import backend as _backend
from kcore.graph import nest


def to_tensors(structure: Any, b) -> Any:
    """NumPy leaves to backend tensors (float64 to float32)."""
    def conv(a):
        if a is None or b.is_tensor(a):
            return a
        a = np.asarray(a)
        if a.dtype == np.float64:
            a = a.astype(np.float32)
        return b.convert_to_tensor(a)

    return nest.map_structure(conv, structure) if structure is not None else None


class StepState:
    """The variables a step reads and writes, in a fixed order."""

    def __init__(self, model, optimizer, metric_variables: list) -> None:
        self.trainable = list(model.trainable_variables)
        trainable_ids = {id(v) for v in self.trainable}
        self.non_trainable = [v for v in model.variables if id(v) not in trainable_ids]
        self.optimizer = list(optimizer.variables) if optimizer is not None and optimizer.built else []
        self.metrics = list(metric_variables)
        self.key = self.signature(model, optimizer, metric_variables)

    @staticmethod
    def signature(model, optimizer, metric_variables) -> tuple:
        opt = tuple(map(id, optimizer.variables)) if optimizer is not None and optimizer.built else ()
        return (tuple(map(id, model.trainable_variables)), tuple(map(id, model.variables)), opt,
                tuple(map(id, metric_variables)))

    def values(self) -> tuple:
        return ([v.value for v in self.trainable], [v.value for v in self.non_trainable],
                [v.value for v in self.optimizer], [v.value for v in self.metrics])

    def write_back(self, values: tuple) -> None:
        b = _backend.current()
        for group, vals in zip((self.trainable, self.non_trainable, self.optimizer, self.metrics), values):
            for v, val in zip(group, vals):
                if val is not None:
                    v._storage = b.variable_assign(v._storage, val)
