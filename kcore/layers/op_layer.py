"""OpLayer: a ``kcore.ops`` call made directly on functional-graph tensors, kept as a graph node.

``x = ops.relu(layers.Dense(4)(inputs))`` records a node whose operation is an
OpLayer named after the op (``relu``), serialized as Keras 3 serializes its
operations (``{"module": "keras.src.ops.nn", "class_name": "Relu"}``).
"""

from __future__ import annotations

from typing import Any, Callable

from kcore.graph import operation
from kcore.graph.naming import unique_name
from kcore.layers.layer import Layer


#: kcore op names that Keras spells differently in node names and class names.
_KERAS_OP_NAMES = {"getitem": "get_item"}


def keras_op_name(op_name: str) -> str:
    """The name Keras gives the operation: ``getitem`` -> ``get_item``; most ops keep theirs."""
    return _KERAS_OP_NAMES.get(op_name, op_name)


def class_name_for(op_name: str) -> str:
    """``log_softmax`` -> ``LogSoftmax``; ``getitem`` -> ``GetItem``."""
    return "".join(part[:1].upper() + part[1:] for part in keras_op_name(op_name).split("_"))


def op_family(fn: Callable) -> str:
    """``numpy`` or ``nn`` (or ``math``/``core``): the kcore.ops module defining ``fn``."""
    return fn.__module__.rsplit(".", 1)[-1]


def find_op(op_name: str) -> Callable:
    """The kcore op called ``op_name``, from ``kcore.ops`` or ``kcore.random``."""
    from kcore import ops, random

    for namespace in (ops, random):
        fn = getattr(namespace, op_name, None)
        if fn is not None and getattr(fn, "__kcore_op__", False):
            return fn
    raise ValueError(f"Unknown kcore op {op_name!r}")


class OpLayer(Layer):
    """Replays one kcore op on real tensors; has no weights."""

    is_operation = True

    def __init__(self, op_name: str, name: str | None = None, **kwargs) -> None:
        fn = find_op(op_name)
        super().__init__(name=name or unique_name(keras_op_name(op_name)), **kwargs)
        self.op_name = op_name
        self.fn = fn
        self.built = True

    def call(self, *args, **kwargs):
        # The calling model passes `training`/`mask` to every node; ops take neither.
        kwargs.pop("training", None)
        kwargs.pop("mask", None)
        return self.fn(*args, **kwargs)

    def compute_output_spec(self, *args, **kwargs):
        return self.fn.__kcore_infer__(*args, **kwargs)

    def get_config(self) -> dict:
        return {"name": self.name}


def record(op_fn: Callable, args: tuple, kwargs: dict, outputs: Any) -> Any:
    """Record ``op_fn(*args, **kwargs)`` as a graph node producing ``outputs``."""
    from kcore.graph.node import Node

    layer = OpLayer(op_fn.__name__)
    Node(layer, args, kwargs, outputs)
    return outputs


operation.record_op = record
