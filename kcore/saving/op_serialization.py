"""Graph-level ops (``ops.mean(x, axis=1)`` on functional tensors) in the Keras 3 config layout.

Keras stores such a call as an operation object whose config holds the
non-tensor arguments (``{"module": "keras.src.ops.numpy", "class_name":
"Mean", "config": {"name": "mean", "axis": 1, "keepdims": true}}``) and a
graph node whose arguments are the tensors only. kcore records every argument
on the node, so this module splits a call into those two parts and rebuilds a
layer (:class:`BoundOpLayer`) that replays the op with the stored arguments.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

from kcore.graph import nest
from kcore.graph.keras_tensor import KerasTensor
from kcore.saving.errors import ConfigError

_PASSTHROUGH = ("training", "mask")
#: Ops whose every argument Keras keeps on the graph node (its operation object has no constructor
#: arguments): ``x[1:, 0]`` is ``GetItem`` with the key among the node's ``args``.
_ARGUMENTS_ON_NODE = frozenset({"getitem"})


def is_op_layer(obj: Any) -> bool:
    from kcore.layers.op_layer import OpLayer

    return isinstance(obj, OpLayer)


def is_op_module(module: Any) -> bool:
    if not isinstance(module, str):
        return False
    return module in ("keras.ops", "kcore.ops") or module.startswith(("keras.src.ops", "keras.ops.", "kcore.ops."))


def _has_tensor(value: Any) -> bool:
    return any(isinstance(t, KerasTensor) for t in nest.flatten(value))


@functools.lru_cache(maxsize=None)
def _signature(fn) -> inspect.Signature | None:
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):
        return None


def split_call(fn, args: tuple, kwargs: dict) -> tuple[dict, list, dict]:
    """``(config, tensor_args, tensor_kwargs)``: constant arguments by name, tensors in call order."""
    sig = _signature(fn)
    if sig is None or getattr(fn, "__name__", None) in _ARGUMENTS_ON_NODE:
        return {}, list(args), dict(kwargs)
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError:
        return {}, list(args), dict(kwargs)
    config: dict = {}
    call_args: list = []
    call_kwargs: dict = {}
    for name, value in bound.arguments.items():
        param = sig.parameters[name]
        if param.kind == param.VAR_POSITIONAL:
            if _has_tensor(value):
                call_args.extend(value)
            else:
                config[name] = list(value)
        elif param.kind == param.VAR_KEYWORD:
            for k, v in value.items():
                (call_kwargs if _has_tensor(v) else config)[k] = v
        elif _has_tensor(value):
            if param.kind == param.KEYWORD_ONLY or call_kwargs:
                call_kwargs[name] = value
            else:
                call_args.append(value)
        else:
            config[name] = value
    return config, call_args, call_kwargs


def _op_node(layer):
    nodes = layer._inbound_nodes
    return nodes[0] if nodes else None


def op_identity(layer) -> tuple[str, str, str]:
    """``(module, class_name, registered_name)`` Keras writes for the op of ``layer``."""
    from kcore.layers.op_layer import class_name_for, op_family

    family = op_family(layer.fn)
    family = family if family in ("numpy", "nn", "math", "core", "linalg", "image") else "numpy"
    class_name = class_name_for(layer.op_name)
    return f"keras.src.ops.{family}", class_name, class_name


def op_config(layer) -> dict:
    """The op's constant arguments plus its name."""
    from kcore.saving.serialization import serialize_keras_object

    bound = getattr(layer, "bound", None)
    if bound is None:
        node = _op_node(layer)
        bound = split_call(layer.fn, node.call_args, node.call_kwargs)[0] if node is not None else {}
    return {"name": layer.name, **{k: serialize_keras_object(v) for k, v in bound.items()}}


def node_call_arguments(layer, node) -> tuple[list, dict]:
    """The tensor arguments of an op node, as Keras stores them."""
    if getattr(layer, "bound", None) is not None:
        return list(node.call_args), dict(node.call_kwargs)
    _, args, kwargs = split_call(layer.fn, node.call_args, node.call_kwargs)
    return args, kwargs


@functools.lru_cache(maxsize=1)
def _op_names() -> dict[str, str]:
    from kcore import ops

    out = {}
    for name in dir(ops):
        fn = getattr(ops, name, None)
        if getattr(fn, "__kcore_op__", False):
            out.setdefault(name.replace("_", "").lower(), name)
    return out


def op_name_for(class_name: str) -> str:
    """``LogSoftmax`` -> ``log_softmax`` (the kcore op Keras' class stands for)."""
    name = _op_names().get(class_name.replace("_", "").lower())
    if name is None:
        raise ConfigError(f"Unknown operation {class_name!r}: kcore.ops has no matching op.")
    return name


def op_layer_from_config(class_name: str, config: dict):
    from kcore.saving.serialization import deserialize_keras_object

    config = dict(config)
    name = config.pop("name", None)
    if name is not None and not isinstance(name, str):
        raise ConfigError(f"Operation {class_name!r}: 'name' must be a string.")
    bound = {k: deserialize_keras_object(v) for k, v in config.items()}
    return _bound_op_layer_class()(op_name_for(class_name), bound, name=name)


@functools.lru_cache(maxsize=1)
def _bound_op_layer_class():
    from kcore.layers.op_layer import OpLayer

    class BoundOpLayer(OpLayer):
        """An op replayed with constant arguments stored in its config (Keras' operation objects)."""

        def __init__(self, op_name: str, bound: dict, name: str | None = None) -> None:
            super().__init__(op_name, name=name)
            self.bound = dict(bound)
            sig = _signature(self.fn)
            if sig is None:
                raise ConfigError(f"Operation {op_name!r} has no inspectable signature.")
            unknown = [k for k in self.bound if k not in sig.parameters and not any(
                p.kind == p.VAR_KEYWORD for p in sig.parameters.values())]
            if unknown:
                raise ConfigError(f"Operation {op_name!r} got unknown argument(s) {unknown} in its config.")
            self._sig = sig

        def _arguments(self, args: tuple, kwargs: dict) -> tuple[list, dict]:
            kwargs = {k: v for k, v in kwargs.items() if k not in _PASSTHROUGH or k in self._sig.parameters}
            merged = {**self.bound, **kwargs}
            positional: list = []
            pending = list(args)
            for name, param in self._sig.parameters.items():
                if not pending:
                    break
                if param.kind == param.VAR_POSITIONAL:
                    positional.extend(pending)
                    pending = []
                elif param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD) and name not in merged:
                    positional.append(pending.pop(0))
                elif param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
                    positional.append(merged.pop(name))
            if pending:
                raise ConfigError(f"Operation {self.op_name!r} received too many tensor arguments.")
            if self.op_name == "getitem" and len(positional) == 2 and isinstance(positional[1], list):
                positional[1] = tuple(positional[1])  # JSON has no tuples: a stored key comes back as a list
            return positional, merged

        def call(self, *args, **kwargs):
            positional, merged = self._arguments(args, kwargs)
            return self.fn(*positional, **merged)

        def compute_output_spec(self, *args, **kwargs):
            positional, merged = self._arguments(args, kwargs)
            return self.fn.__kcore_infer__(*positional, **merged)

    return BoundOpLayer
