"""StackedRNNCells: several RNN cells run one after the other at each timestep."""

from __future__ import annotations

from kcore import ops
from kcore.layers.layer import Layer, _call_signature


def training_kwargs(cell, training: bool) -> dict:
    """``{"training": training}`` when ``cell.call`` accepts it, else ``{}``."""
    has_training, _, var_kw = _call_signature(type(cell))
    return {"training": training} if has_training or var_kw else {}


def _cell_output_size(cell) -> int:
    size = getattr(cell, "output_size", None)
    if size is not None:
        return size
    state_size = cell.state_size
    return state_size[0] if isinstance(state_size, (list, tuple)) else state_size


class StackedRNNCells(Layer):
    """Wraps a list of cells so an RNN runs them as one: the output of each cell feeds the next.

    Its state is the list of every cell's states (each a list).
    """

    def __init__(self, cells, **kwargs) -> None:
        super().__init__(**kwargs)
        cells = list(cells)
        if not cells:
            raise ValueError(f"StackedRNNCells '{self.name}': `cells` must be a non-empty list of RNN cells")
        for cell in cells:
            if not callable(getattr(cell, "call", None)):
                raise ValueError(
                    f"StackedRNNCells '{self.name}': all cells must have a `call` method. Received: {cell!r}"
                )
            if getattr(cell, "state_size", None) is None:
                raise ValueError(
                    f"StackedRNNCells '{self.name}': all cells must have a `state_size` attribute. Received: {cell!r}"
                )
        self.cells = cells

    @property
    def state_size(self) -> list:
        return [c.state_size for c in self.cells]

    @property
    def output_size(self) -> int:
        return _cell_output_size(self.cells[-1])

    def state_structure(self) -> list:
        """The nesting of the states: one list per cell, one ``None`` per state tensor."""
        return [[None] * (1 if isinstance(c.state_size, int) else len(c.state_size)) for c in self.cells]

    def get_initial_state(self, batch_size=None) -> list:
        states = []
        for cell in self.cells:
            fn = getattr(cell, "get_initial_state", None)
            if fn is not None:
                init = fn(batch_size=batch_size)
                states.append(list(init) if isinstance(init, (list, tuple)) else [init])
            else:
                sizes = [cell.state_size] if isinstance(cell.state_size, int) else list(cell.state_size)
                states.append([ops.zeros((batch_size, d), dtype=self.compute_dtype) for d in sizes])
        return states

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            is_list = isinstance(cell_states, (list, tuple))
            cell_states = list(cell_states) if is_list else [cell_states]
            inputs, cell_new = cell.call(inputs, cell_states, **training_kwargs(cell, training))
            if not isinstance(cell_new, (list, tuple)):
                cell_new = [cell_new]
            new_states.append(list(cell_new) if is_list else cell_new[0])
        return inputs, new_states

    def build(self, input_shape) -> None:
        input_shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell._maybe_build_from_shape(input_shape)
            input_shape = (input_shape[0], _cell_output_size(cell))
        self.built = True

    def get_config(self) -> dict:
        from kcore.saving.serialization import serialize_keras_object

        config = super().get_config()
        config["cells"] = [serialize_keras_object(c) for c in self.cells]
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        from kcore.saving.serialization import deserialize_keras_object

        config = dict(config)
        cells = [deserialize_keras_object(c, custom_objects=custom_objects) for c in config.pop("cells")]
        return super().from_config({**config, "cells": cells})
