"""Walking a functional graph: topological order, depths and connectivity checks."""

from __future__ import annotations

from kcore.graph.keras_tensor import KerasTensor
from kcore.graph.node import Node


def _history_node(t: KerasTensor) -> Node:
    h = t._keras_history
    return h.operation._inbound_nodes[h.node_index]


def map_graph(inputs: list[KerasTensor], outputs: list[KerasTensor]):
    """Nodes reachable from ``outputs`` back to ``inputs``.

    Returns ``(nodes, layers)``: ``nodes`` in execution (topological) order and
    ``layers`` ordered as Keras lists them (by decreasing depth, ties broken by
    topological position). Raises ValueError when an output depends on a
    tensor that is not among ``inputs``.
    """
    input_ids = {id(t) for t in inputs}
    for t in outputs:
        if not isinstance(t, KerasTensor) or t._keras_history is None:
            raise ValueError(
                f"All `outputs` of a functional Model must be symbolic tensors produced by layers; received {t!r}"
            )

    order: list[Node] = []
    visited: set[int] = set()
    in_progress: set[int] = set()

    def visit(node: Node) -> None:
        if id(node) in visited:
            return
        if id(node) in in_progress:
            raise ValueError(f"The graph has a cycle at layer '{node.operation.name}'.")
        in_progress.add(id(node))
        for t in node.input_tensors:
            if t._keras_history is None:
                raise ValueError(f"Layer '{node.operation.name}' received a tensor {t!r} that was not produced by a layer.")
            visit(_history_node(t))
        if node.is_input and not any(id(o) in input_ids for o in node.outputs):
            name = node.operation.name
            raise ValueError(
                f"Graph disconnected: cannot find the value of tensor {node.outputs[0]!r} (the output of InputLayer "
                f"'{name}'). It is needed to compute the model's outputs but was not passed in the model's `inputs`."
            )
        in_progress.discard(id(node))
        visited.add(id(node))
        order.append(node)

    for t in outputs:
        if id(t) in input_ids:
            order_node = _history_node(t)
            if id(order_node) not in visited:
                visited.add(id(order_node))
                order.append(order_node)
            continue
        visit(_history_node(t))
    # Input nodes of inputs that no output uses still belong to the model.
    for t in reversed(inputs):
        node = _history_node(t)
        if id(node) not in visited:
            visited.add(id(node))
            order.insert(0, node)

    # Depths: outputs at 0; a node is one deeper than its deepest consumer.
    depth: dict[int, int] = {}
    for node in reversed(order):
        depth.setdefault(id(node), 0)
        d = depth[id(node)]
        for t in node.input_tensors:
            if t._keras_history is None:
                continue
            parent = _history_node(t)
            if id(parent) in visited:
                depth[id(parent)] = max(depth.get(id(parent), 0), d + 1)
    # Model input layers sit at the maximal depth of their own input chain.
    position = {id(n): i for i, n in enumerate(order)}
    layer_depth: dict[int, int] = {}
    layer_pos: dict[int, int] = {}
    layers = {}
    for node in order:
        op = node.operation
        key = id(op)
        layers[key] = op
        layer_depth[key] = max(layer_depth.get(key, 0), depth[id(node)])
        layer_pos[key] = min(layer_pos.get(key, position[id(node)]), position[id(node)])
    ordered_layers = sorted(layers.values(), key=lambda l: (-layer_depth[id(l)], layer_pos[id(l)]))
    return order, ordered_layers
