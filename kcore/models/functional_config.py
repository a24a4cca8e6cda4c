"""Functional models to and from Keras 3 configs (``layers`` with ``inbound_nodes``)."""

from __future__ import annotations

from typing import Any

from kcore.graph import nest
from kcore.graph.keras_tensor import KerasTensor

TENSOR_CLASS = "__keras_tensor__"


def _node_maps(model) -> dict[int, dict[int, int]]:
    """For each layer: original inbound-node index -> index among the nodes inside ``model``."""
    kept = {id(n) for n in model._nodes}
    maps: dict[int, dict[int, int]] = {}
    for layer in model._layers:
        mapping, j = {}, 0
        for i, node in enumerate(layer._inbound_nodes):
            if id(node) in kept:
                mapping[i] = j
                j += 1
        maps[id(layer)] = mapping
    return maps


def _tensor_ref(t: KerasTensor, maps) -> list:
    h = t._keras_history
    return [h.operation.name, maps[id(h.operation)].get(h.node_index, h.node_index), h.tensor_index]


def _serialize_arg(x: Any, maps) -> Any:
    if isinstance(x, KerasTensor):
        return {"class_name": TENSOR_CLASS, "config": {"shape": list(x.shape), "dtype": x.dtype,
                                                      "keras_history": _tensor_ref(x, maps)}}
    if isinstance(x, (list, tuple)):
        return [_serialize_arg(e, maps) for e in x]
    if isinstance(x, dict):
        return {k: _serialize_arg(v, maps) for k, v in x.items()}
    if hasattr(x, "shape") and hasattr(x, "dtype") and not isinstance(x, (int, float, bool, str)):
        import numpy as np

        from kcore import ops

        return np.asarray(ops.convert_to_numpy(x)).tolist()
    return x


def _structure_refs(structure: Any, maps) -> Any:
    if isinstance(structure, KerasTensor):
        return _tensor_ref(structure, maps)
    if isinstance(structure, dict):
        return {k: _structure_refs(v, maps) for k, v in structure.items()}
    return [_structure_refs(v, maps) for v in structure]


def functional_config(model) -> dict:
    from kcore.saving.serialization import serialize_keras_object

    maps = _node_maps(model)
    kept = {id(n) for n in model._nodes}
    layer_configs = []
    for layer in model._layers:
        entry = serialize_keras_object(layer)
        entry["name"] = layer.name
        nodes = []
        for node in layer._inbound_nodes:
            if id(node) not in kept or node.is_input:
                continue
            nodes.append({"args": _serialize_arg(list(node.call_args), maps),
                          "kwargs": _serialize_arg(node.call_kwargs, maps)})
        entry["inbound_nodes"] = nodes
        layer_configs.append(entry)
    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layer_configs,
        "input_layers": _structure_refs(model._inputs_struct, maps),
        "output_layers": _structure_refs(model._outputs_struct, maps),
    }


# ------------------------------------------------------------------ loading

def _is_ref(x: Any) -> bool:
    return (isinstance(x, list) and len(x) == 3 and isinstance(x[0], str)
            and isinstance(x[1], int) and isinstance(x[2], int))


def functional_from_config(cls, config: dict, custom_objects: dict | None = None):
    """Rebuild a functional model by replaying every layer call in the config."""
    from kcore.saving.errors import ConfigError
    from kcore.saving.serialization import deserialize_keras_object

    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        raise ConfigError("Functional config must be a dict with a 'layers' list.")
    layers: dict[str, Any] = {}
    pending: list[tuple[Any, list]] = []
    # name -> list of output structures per node (in node order)
    produced: dict[str, list] = {}
    for entry in config["layers"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("name", entry.get("config", {}).get("name")), str):
            raise ConfigError(f"Invalid layer entry in functional config: {str(entry)[:200]}")
        layer = deserialize_keras_object(entry, custom_objects=custom_objects)
        name = entry.get("name") or layer.name
        if name in layers:
            raise ConfigError(f"Duplicate layer name {name!r} in functional config.")
        layers[name] = layer
        produced[name] = []
        if type(layer).__name__ == "InputLayer":
            produced[name].append(layer.output)
        nodes = entry.get("inbound_nodes", [])
        if not isinstance(nodes, list):
            raise ConfigError(f"Layer {name!r}: 'inbound_nodes' must be a list.")
        pending.append((layer, list(nodes)))

    def resolve(x: Any) -> tuple[bool, Any]:
        """(ready, value) with tensor references replaced by KerasTensors."""
        if isinstance(x, dict) and x.get("class_name") == TENSOR_CLASS:
            hist = x.get("config", {}).get("keras_history")
            return resolve_ref(hist)
        if isinstance(x, dict):
            out = {}
            for k, v in x.items():
                ok, val = resolve(v)
                if not ok:
                    return False, None
                out[k] = val
            return True, out
        if isinstance(x, list):
            out = []
            for v in x:
                ok, val = resolve(v)
                if not ok:
                    return False, None
                out.append(val)
            return True, out
        return True, x

    def resolve_ref(hist: Any) -> tuple[bool, Any]:
        if not _is_ref(hist):
            raise ConfigError(f"Invalid keras_history reference: {hist!r}")
        name, node_index, tensor_index = hist
        if name not in produced:
            raise ConfigError(f"Layer {name!r} referenced by an inbound node is not in the config.")
        if node_index >= len(produced[name]):
            return False, None
        flat = nest.flatten(produced[name][node_index])
        if not 0 <= tensor_index < len(flat):
            raise ConfigError(f"Tensor index {tensor_index} out of range for layer {name!r}.")
        return True, flat[tensor_index]

    def legacy_node(node: list) -> dict:
        # [[name, node_index, tensor_index, kwargs], ...]
        args = []
        kwargs = {}
        for item in node:
            if not (isinstance(item, list) and len(item) >= 3):
                raise ConfigError(f"Invalid legacy inbound node: {node!r}")
            args.append({"class_name": TENSOR_CLASS, "config": {"keras_history": list(item[:3])}})
            if len(item) > 3 and isinstance(item[3], dict):
                kwargs.update(item[3])
        return {"args": [args[0]] if len(args) == 1 else [args], "kwargs": kwargs}

    progress = True
    while progress:
        progress = False
        for layer, nodes in pending:
            while nodes:
                node = nodes[0]
                if isinstance(node, list):
                    node = legacy_node(node)
                if not isinstance(node, dict):
                    raise ConfigError(f"Invalid inbound node for layer {layer.name!r}: {node!r}")
                ok_a, args = resolve(node.get("args", []))
                ok_k, kwargs = resolve(node.get("kwargs", {}))
                if not (ok_a and ok_k):
                    break
                if not isinstance(args, list) or not isinstance(kwargs, dict):
                    raise ConfigError(f"Invalid inbound node for layer {layer.name!r}.")
                out = layer(*args, **kwargs)
                produced[layer.name if layer.name in produced else next(k for k, v in layers.items() if v is layer)].append(out)
                nodes.pop(0)
                progress = True
    unresolved = [layer.name for layer, nodes in pending if nodes]
    if unresolved:
        raise ConfigError(f"Could not rebuild the graph: layers {unresolved} have inputs that are never produced.")

    def build_structure(spec: Any) -> Any:
        if _is_ref(spec):
            ok, t = resolve_ref(spec)
            if not ok:
                raise ConfigError(f"Output reference {spec!r} was never produced.")
            return t
        if isinstance(spec, dict):
            return {k: build_structure(v) for k, v in spec.items()}
        if isinstance(spec, list):
            return [build_structure(v) for v in spec]
        raise ConfigError(f"Invalid input/output layer spec: {spec!r}")

    inputs = build_structure(config.get("input_layers"))
    outputs = build_structure(config.get("output_layers"))
    from kcore.models.functional import Functional

    target = cls if isinstance(cls, type) and issubclass(cls, Functional) else Functional
    return target(inputs=inputs, outputs=outputs, name=config.get("name"), trainable=config.get("trainable", True))
