"""Functional: a model defined by a graph of layers from Input tensors to outputs."""

from __future__ import annotations

from typing import Any

from kcore.graph import nest
from kcore.graph.keras_tensor import KerasTensor
from kcore.graph.traversal import map_graph
from kcore.layers.input_layer import InputLayer
from kcore.layers.layer import _call_signature
from kcore.models.model import Model


class _Step:
    """One node of the execution plan, with its argument template precomputed."""

    __slots__ = ("node", "layer", "simple_input", "arg_flat", "mask_in", "mask_out", "takes_training")

    def __init__(self, node, takes_training: bool, mask_in: bool, mask_out: bool) -> None:
        self.node = node
        self.layer = node.operation
        self.takes_training = takes_training
        self.mask_in = mask_in
        self.mask_out = mask_out
        args, kwargs = node.call_args, node.call_kwargs
        # The common case: layer(single_tensor) with no other arguments.
        self.simple_input = (
            len(args) == 1 and not kwargs and isinstance(args[0], KerasTensor)
        )
        self.arg_flat = nest.flatten([list(args), kwargs])


def _substitute(structure: Any, values: dict) -> Any:
    flat = nest.flatten(structure)
    return nest.pack_sequence_as(
        structure, [values[id(x)] if isinstance(x, KerasTensor) else x for x in flat]
    )


class Functional(Model):
    """A model built with ``Model(inputs, outputs)``."""

    _runs_plan = True

    def __init__(self, inputs, outputs, name: str | None = None, trainable: bool = True, **kwargs) -> None:
        super().__init__(name=name, trainable=trainable, **kwargs)
        flat_inputs = nest.flatten(inputs)
        for i, t in enumerate(flat_inputs):
            h = getattr(t, "_keras_history", None)
            if not isinstance(t, KerasTensor) or h is None or not isinstance(h.operation, InputLayer):
                raise ValueError(
                    f"Model '{self.name}': input {i} must be a tensor returned by `kcore.Input()` (an InputLayer "
                    f"output); received {t!r}. To use an intermediate tensor as an input, create an Input with its shape."
                )
        if isinstance(outputs, KerasTensor):
            flat_outputs = [outputs]
        else:
            flat_outputs = nest.flatten(outputs)
        if not flat_outputs:
            raise ValueError(f"Model '{self.name}' needs at least one output tensor.")
        # Keras orders dict inputs/outputs by key in `model.inputs`/`model.outputs` and in the layer list.
        self._keras_inputs = nest.flatten_sorted(inputs)
        self._keras_outputs = [outputs] if isinstance(outputs, KerasTensor) else nest.flatten_sorted(outputs)
        nodes, layers = map_graph(self._keras_inputs, self._keras_outputs)
        # For dict inputs: position in `model.inputs` of each internal (insertion-ordered) input.
        self._keras_order = None
        if isinstance(inputs, dict) and self._keras_inputs != flat_inputs:
            keras_ids = [id(t) for t in self._keras_inputs]
            self._keras_order = [keras_ids.index(id(t)) for t in flat_inputs]
        seen: dict[str, Any] = {}
        for layer in layers:
            other = seen.get(layer.name)
            if other is not None and other is not layer:
                raise ValueError(
                    f"Model '{self.name}': the name '{layer.name}' is used {2} times in the model; "
                    "all layer names should be unique."
                )
            seen[layer.name] = layer
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self._input_tensors = flat_inputs
        self._output_tensors = flat_outputs
        object.__setattr__(self, "_layers", list(layers))
        self._nodes = nodes
        self._plan = self._make_plan(nodes, set(map(id, flat_inputs)))
        self._input_names = [t._keras_history.operation.name for t in flat_inputs]
        self.built = True
        self._build_shapes = [tuple(t.shape) for t in flat_inputs] if len(flat_inputs) > 1 else tuple(flat_inputs[0].shape)

    @staticmethod
    def _make_plan(nodes, input_ids) -> list[_Step]:
        plan = []
        for node in nodes:
            if node.is_input:
                continue
            has_training, has_mask, var_kw = _call_signature(type(node.operation))
            mask_in = has_mask and "mask" not in node.call_kwargs and any(
                getattr(t, "_keras_mask", None) is not None for t in node.input_tensors
            )
            mask_out = any(getattr(t, "_keras_mask", None) is not None for t in node.outputs)
            plan.append(_Step(node, has_training or var_kw, mask_in, mask_out))
        return plan

    # ----------------------------------------------------------- structure
    @property
    def layers(self) -> list:
        """The model's layers (graph-level ops are nodes of the graph but not layers)."""
        return [l for l in self._layers if not getattr(l, "is_operation", False)]

    @property
    def inputs(self) -> list:
        """The input tensors, flattened as Keras does (dict entries sorted by key)."""
        return list(self._keras_inputs)

    @property
    def outputs(self) -> list:
        """The output tensors, flattened as Keras does (dict entries sorted by key)."""
        return list(self._keras_outputs)

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def input_shape(self):
        shapes = [tuple(t.shape) for t in self._keras_inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = [tuple(t.shape) for t in self._keras_outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    # ----------------------------------------------------------- running
    def _flatten_call_inputs(self, inputs) -> list:
        """Match user inputs (tensor, list, or dict keyed by input names) to the model inputs."""
        n = len(self._input_tensors)
        if isinstance(inputs, dict):
            if isinstance(self._inputs_struct, dict) and set(inputs) >= set(self._inputs_struct):
                return [inputs[k] for k in self._inputs_struct]
            missing = [name for name in self._input_names if name not in inputs]
            if missing:
                raise ValueError(
                    f"Model '{self.name}' expects inputs named {self._input_names}; the dict passed is missing "
                    f"{missing} (received keys: {list(inputs)})."
                )
            return [inputs[name] for name in self._input_names]
        flat = nest.flatten(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(flat) != n:
            raise ValueError(
                f"Model '{self.name}' expects {n} input(s), but it received {len(flat)} input tensors."
            )
        if self._keras_order is not None:
            # A list for dict inputs follows `model.inputs`: the dict's keys in sorted order, as in Keras.
            flat = [flat[i] for i in self._keras_order]
        return flat

    def _rank_adjustment(self, t: KerasTensor, shape: tuple, name: str) -> int:
        """0 if ``shape`` fits the Input ``t``; +1 / -1 when a trailing axis of size 1 must be added / removed.

        As in Keras, the batch size may differ from the Input's, and a missing or extra trailing
        axis of size 1 is fixed up; any other mismatch is a ValueError naming the input.
        """
        expected, received = t.shape, shape
        delta = 0
        if len(shape) == len(expected) + 1 and shape[-1] == 1:
            shape, delta = shape[:-1], -1
        elif len(shape) == len(expected) - 1 and expected[-1] == 1:
            shape, delta = shape + (1,), 1
        if len(shape) != len(expected) or any(
            e is not None and g is not None and e != g for e, g in zip(expected[1:], shape[1:])
        ):
            raise ValueError(
                f"Input '{name}' of model '{self.name}' is incompatible with the layer: expected shape={expected}, "
                f"found shape={received}"
            )
        return delta

    def _check_input_shapes(self, flat: list) -> None:
        """Raise a ValueError naming the input when a value's shape does not fit its Input (used by the trainer)."""
        for t, x, name in zip(self._input_tensors, flat, self._input_names):
            shape = getattr(x, "shape", None)
            if shape is not None:
                self._rank_adjustment(t, tuple(shape), name)

    def _standardize_inputs(self, flat: list) -> list:
        """Backend tensors of each Input's dtype and rank (Keras converts model inputs to the Input dtype)."""
        from kcore import ops
        from kcore.variables import Variable

        b = self._backend()
        out = []
        for t, x, name in zip(self._input_tensors, flat, self._input_names):
            if x is None:
                out.append(x)
                continue
            if isinstance(x, Variable):
                x = x.value
            symbolic = isinstance(x, KerasTensor)  # a Sequential's graph run inside a symbolic trace
            if not symbolic and not b.is_tensor(x):
                x = b.convert_to_tensor(x, dtype=t.dtype)
            delta = self._rank_adjustment(t, tuple(x.shape), name)
            if delta < 0:
                x = ops.squeeze(x, axis=-1)
            elif delta > 0:
                x = ops.expand_dims(x, axis=-1)
            if symbolic:
                if x.dtype != t.dtype:
                    x = ops.cast(x, t.dtype)
            elif b.dtype(x) != t.dtype:
                x = b.cast(x, t.dtype)
            out.append(x)
        return out

    @staticmethod
    def _backend():
        from kcore import backend

        return backend.current()

    def call(self, inputs, training=None, mask=None):
        flat = self._standardize_inputs(self._flatten_call_inputs(inputs))
        values = {id(t): v for t, v in zip(self._input_tensors, flat)}
        masks: dict[int, Any] = {}
        if mask is not None:
            for t, m in zip(self._input_tensors, nest.flatten(mask)):
                if m is not None:
                    masks[id(t)] = m
        for step in self._plan:
            node = step.node
            layer = step.layer
            if step.simple_input:
                args = (values[id(node.call_args[0])],)
                kwargs = {}
            else:
                args = _substitute(node.call_args, values)
                kwargs = _substitute(node.call_kwargs, values) if node.call_kwargs else {}
            if step.takes_training and training is not None and "training" not in kwargs:
                kwargs["training"] = training
            in_mask = None
            if step.mask_in or (masks and step.mask_out):
                in_masks = [masks.get(id(t)) for t in node.input_tensors]
                in_mask = in_masks[0] if len(in_masks) == 1 else in_masks
                if step.mask_in and any(m is not None for m in nest.flatten(in_masks)):
                    kwargs["mask"] = in_mask
            outputs = layer(*args, **kwargs)
            flat_out = nest.flatten(outputs)
            for t, v in zip(node.outputs, flat_out):
                values[id(t)] = v
            if step.mask_out:
                out_mask = layer.compute_mask(args[0], in_mask)
                if out_mask is not None:
                    out_masks = out_mask if isinstance(out_mask, (list, tuple)) else [out_mask] * len(node.outputs)
                    for t, m in zip(node.outputs, out_masks):
                        masks[id(t)] = m
        return nest.pack_sequence_as(self._outputs_struct, [values[id(t)] for t in self._output_tensors]) \
            if not isinstance(self._outputs_struct, KerasTensor) else values[id(self._output_tensors[0])]

    def compute_output_spec(self, *args, **kwargs):
        for t, x, name in zip(self._input_tensors, self._flatten_call_inputs(args[0]), self._input_names):
            self._rank_adjustment(t, tuple(x.shape), name)
        return super().compute_output_spec(*args, **kwargs)

    def compute_mask(self, inputs, previous_mask=None):
        return None

    # ------------------------------------------------------------ config
    def get_config(self) -> dict:
        from kcore.models.functional_config import functional_config

        return functional_config(self)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        from kcore.models.functional_config import functional_from_config

        return functional_from_config(cls, config, custom_objects=custom_objects)
