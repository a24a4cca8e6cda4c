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
    from kcore.saving.serialization import serialize_keras_object

    return serialize_keras_object(x)


def _is_functional(layer: Any) -> bool:
    from kcore.models.functional import Functional

    return isinstance(layer, Functional)


def _structure_refs(structure: Any, maps) -> Any:
    if isinstance(structure, KerasTensor):
        ref = _tensor_ref(structure, maps)
        if _is_functional(structure._keras_history.operation):
            # Keras numbers a nested Functional's nodes from 1 in input_layers/output_layers.
            ref[1] += 1
        return ref
    if isinstance(structure, dict):
        return {k: _structure_refs(v, maps) for k, v in structure.items()}
    return [_structure_refs(v, maps) for v in structure]


def _node_arguments(layer: Any, node: Any) -> tuple[list, dict]:
    from kcore.saving import op_serialization

    if op_serialization.is_op_layer(layer):
        return op_serialization.node_call_arguments(layer, node)
    return list(node.call_args), node.call_kwargs


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
            args, kwargs = _node_arguments(layer, node)
            nodes.append({"args": _serialize_arg(args, maps), "kwargs": _serialize_arg(kwargs, maps)})
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
            and isinstance(x[1], int) and isinstance(x[2], int)
            and not isinstance(x[1], bool) and not isinstance(x[2], bool))


def _entry_name(entry: Any) -> Any:
    if not isinstance(entry, dict):
        return None
    name = entry.get("name")
    if name is None and isinstance(entry.get("config"), dict):
        name = entry["config"].get("name")
    return name


def functional_from_config(cls, config: dict, custom_objects: dict | None = None):
    """Rebuild a functional model by replaying every layer call in the config.

    Accepts the Keras 3 node form (``{"args", "kwargs"}`` with ``__keras_tensor__``
    references) and the older list form (``[[name, node_index, tensor_index, kwargs], ...]``).
    """
    from kcore.saving.errors import ConfigError, KerasFileError
    from kcore.saving.serialization import deserialize_keras_object

    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        raise ConfigError("Functional config must be a dict with a 'layers' list.")
    name = config.get("name")
    if name is not None and not isinstance(name, str):
        raise ConfigError(f"Functional config 'name' must be a string; received {name!r:.100}")
    layers: dict[str, Any] = {}
    pending: list[tuple[str, Any, list]] = []
    # name -> list of output structures per node (in node order)
    produced: dict[str, list] = {}
    for entry in config["layers"]:
        layer_name = _entry_name(entry)
        if not isinstance(layer_name, str):
            raise ConfigError(f"Invalid layer entry in functional config: {str(entry)[:200]}")
        if layer_name in layers:
            raise ConfigError(f"Duplicate layer name {layer_name!r} in functional config.")
        layer = deserialize_keras_object(entry, custom_objects=custom_objects)
        from kcore.layers.layer import Layer

        if not isinstance(layer, Layer):
            raise ConfigError(f"Entry {layer_name!r} of the functional config is not a layer: {type(layer).__name__}")
        layers[layer_name] = layer
        produced[layer_name] = []
        if type(layer).__name__ == "InputLayer":
            produced[layer_name].append(layer.output)
        nodes = entry.get("inbound_nodes", [])
        if not isinstance(nodes, list):
            raise ConfigError(f"Layer {layer_name!r}: 'inbound_nodes' must be a list.")
        pending.append((layer_name, layer, list(nodes)))

    def resolve(x: Any) -> tuple[bool, Any]:
        """(ready, value) with tensor references replaced by KerasTensors."""
        if isinstance(x, dict) and x.get("class_name") == TENSOR_CLASS:
            inner = x.get("config")
            if not isinstance(inner, dict):
                raise ConfigError(f"Invalid tensor reference: {x!r:.200}")
            return resolve_ref(inner.get("keras_history"))
        if isinstance(x, dict) and "class_name" in x and "config" in x:
            return True, deserialize_keras_object(x, custom_objects=custom_objects)
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

    def resolve_ref(hist: Any, offset: int = 0) -> tuple[bool, Any]:
        if not _is_ref(hist):
            raise ConfigError(f"Invalid keras_history reference: {hist!r:.200}")
        ref_name, node_index, tensor_index = hist
        if ref_name not in produced:
            raise ConfigError(f"Layer {ref_name!r} referenced by an inbound node is not in the config.")
        if offset and _is_functional(layers[ref_name]):
            node_index -= offset
        if node_index < 0:
            raise ConfigError(f"Invalid node index in reference {hist!r}.")
        if node_index >= len(produced[ref_name]):
            return False, None
        flat = nest.flatten(produced[ref_name][node_index])
        if not 0 <= tensor_index < len(flat):
            raise ConfigError(f"Tensor index {tensor_index} out of range for layer {ref_name!r}.")
        return True, flat[tensor_index]

    def legacy_node(node: list, layer_name: str) -> dict:
        # [[name, node_index, tensor_index, kwargs], ...]
        args = []
        kwargs = {}
        for item in node:
            if not (isinstance(item, list) and len(item) in (3, 4)):
                raise ConfigError(f"Invalid legacy inbound node for layer {layer_name!r}: {node!r:.200}")
            args.append({"class_name": TENSOR_CLASS, "config": {"keras_history": list(item[:3])}})
            if len(item) == 4:
                if not isinstance(item[3], dict):
                    raise ConfigError(f"Invalid legacy inbound node kwargs for layer {layer_name!r}.")
                kwargs.update(item[3])
        if not args:
            raise ConfigError(f"Empty legacy inbound node for layer {layer_name!r}.")
        return {"args": [args[0]] if len(args) == 1 else [args], "kwargs": kwargs}

    progress = True
    while progress:
        progress = False
        for layer_name, layer, nodes in pending:
            while nodes:
                node = nodes[0]
                if isinstance(node, list):
                    node = legacy_node(node, layer_name)
                if not isinstance(node, dict):
                    raise ConfigError(f"Invalid inbound node for layer {layer_name!r}: {node!r:.200}")
                ok_a, args = resolve(node.get("args", []))
                ok_k, kwargs = resolve(node.get("kwargs", {}))
                if not (ok_a and ok_k):
                    break
                if not isinstance(args, list) or not isinstance(kwargs, dict):
                    raise ConfigError(f"Invalid inbound node for layer {layer_name!r}.")
                if not args and not kwargs:
                    raise ConfigError(f"Inbound node of layer {layer_name!r} has no inputs.")
                try:
                    out = layer(*args, **kwargs)
                except KerasFileError:
                    raise
                except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError, MemoryError) as e:
                    raise ConfigError(
                        f"Could not call layer {layer_name!r} ({type(layer).__name__}) while rebuilding the graph: "
                        f"{type(e).__name__}: {str(e)[:600]}"
                    ) from e
                produced[layer_name].append(out)
                nodes.pop(0)
                progress = True
    unresolved = [layer_name for layer_name, _, nodes in pending if nodes]
    if unresolved:
        raise ConfigError(f"Could not rebuild the graph: layers {unresolved} have inputs that are never produced.")

    def build_structure(spec: Any) -> Any:
        if _is_ref(spec):
            ok, t = resolve_ref(spec, offset=1)
            if not ok:
                raise ConfigError(f"Input/output reference {spec!r} was never produced.")
            return t
        if isinstance(spec, dict):
            return {k: build_structure(v) for k, v in spec.items()}
        if isinstance(spec, list) and spec:
            return [build_structure(v) for v in spec]
        raise ConfigError(f"Invalid input/output layer spec: {spec!r:.200}")

    inputs = build_structure(config.get("input_layers"))
    outputs = build_structure(config.get("output_layers"))
    from kcore.models.functional import Functional

    target = cls if isinstance(cls, type) and issubclass(cls, Functional) else Functional
    trainable = config.get("trainable", True)
    try:
        model = target(inputs=inputs, outputs=outputs, name=name, trainable=True)
    except KerasFileError:
        raise
    except (TypeError, ValueError) as e:
        raise ConfigError(f"Could not build the functional model {name!r}: {str(e)[:600]}") from e
    if trainable is False:
        model.trainable = False
    return model
