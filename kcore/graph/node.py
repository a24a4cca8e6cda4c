"""Node: one call of an operation (layer) on symbolic tensors."""

from __future__ import annotations

from typing import Any

from kcore.graph import nest
from kcore.graph.keras_tensor import KerasHistory, KerasTensor


class Node:
    """Records ``operation(*args, **kwargs) -> outputs`` in a functional graph.

    Attributes:
        operation: the layer called.
        call_args / call_kwargs: the arguments, KerasTensors included.
        input_tensors: the KerasTensors among the arguments, in order.
        outputs: the flat list of output KerasTensors.
        parent_nodes: nodes that produced ``input_tensors``.
    """

    __slots__ = ("operation", "call_args", "call_kwargs", "input_tensors", "outputs", "output_structure", "parent_nodes", "index")

    def __init__(self, operation: Any, call_args: tuple = (), call_kwargs: dict | None = None, outputs: Any = None) -> None:
        self.operation = operation
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.input_tensors = [
            t for t in nest.flatten([list(self.call_args), self.call_kwargs]) if isinstance(t, KerasTensor)
        ]
        self.output_structure = outputs
        self.outputs = [t for t in nest.flatten(outputs) if isinstance(t, KerasTensor)]
        self.parent_nodes = []
        for t in self.input_tensors:
            h = t._keras_history
            if h is not None:
                self.parent_nodes.append(h.operation._inbound_nodes[h.node_index])
        self.index = len(operation._inbound_nodes)
        operation._inbound_nodes.append(self)
        for parent in self.parent_nodes:
            parent.operation._outbound_nodes.append(self)
        for i, t in enumerate(self.outputs):
            t._keras_history = KerasHistory(operation, self.index, i)

    @property
    def is_input(self) -> bool:
        return not self.input_tensors

    def __repr__(self) -> str:
        return f"<Node {self.operation.name}[{self.index}]>"
