"""RNN: runs a recurrent cell over the time axis of a sequence.

The loop is the backend's ``scan`` (``lax.scan`` on jax, a ``tf.while_loop``
on tensorflow, a Python loop elsewhere), so compiled train steps contain one
loop rather than one copy of the cell per timestep. Built-in cells provide
``_fused_sequence_step``: the input projection of every timestep is computed
by one large matmul/conv before the loop, and only the recurrent part runs
inside it.
"""

from __future__ import annotations

from typing import Any, Callable

from kcore import backend as _backend
from kcore import ops, regularizers
from kcore.backend.contract import Backend
from kcore.graph import nest
from kcore.graph.keras_tensor import KerasTensor
from kcore.layers.layer import Layer
from kcore.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from kcore.layers.rnn.stacked_rnn_cells import StackedRNNCells, training_kwargs
from kcore.variables import Variable


def _is_shape(s: Any) -> bool:
    return isinstance(s, tuple) and all(d is None or isinstance(d, int) for d in s)


def shapes_to_tensors(shapes: Any, dtype: str) -> Any:
    """KerasTensors for a (nested) structure of shape tuples."""
    if _is_shape(shapes):
        return KerasTensor(shapes, dtype=dtype)
    if isinstance(shapes, (list, tuple)):
        return type(shapes)(shapes_to_tensors(s, dtype) for s in shapes)
    raise TypeError(f"Expected a shape tuple or a nested structure of them, got {shapes!r}")


class _StateSlot:
    """Exposes a stateful RNN's state Variable as layer state (like a seed generator's state)."""

    def __init__(self, variable: Variable) -> None:
        self.state = variable


class RNN(Layer):
    """Base class for recurrent layers: applies ``cell`` to every timestep.

    Args:
        cell: an RNN cell (a layer with ``call(inputs, states)`` returning
            ``(output, new_states)`` and a ``state_size``), or a list of cells
            (stacked with :class:`StackedRNNCells`).
        return_sequences: return the output of every timestep, not only the last.
        return_state: also return the final states.
        go_backwards: process the sequence in reverse (outputs stay in processing order).
        stateful: reuse the final states of a batch as the initial states of the next.
        unroll: run the loop in Python instead of the backend's scan.
        zero_output_for_mask: masked timesteps output zeros instead of the previous output.
    """

    def __init__(self, cell, return_sequences: bool = False, return_state: bool = False, go_backwards: bool = False,
                 stateful: bool = False, unroll: bool = False, zero_output_for_mask: bool = False, **kwargs) -> None:
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        name = kwargs.get("name") or type(self).__name__
        if not callable(getattr(cell, "call", None)):
            raise ValueError(f"{name}: argument `cell` should have a `call` method. Received: cell={cell!r}")
        state_size = getattr(cell, "state_size", None)
        if state_size is None:
            raise ValueError(
                f"{name}: the RNN cell should have a `state_size` attribute (an integer or a list of integers, "
                f"one per RNN state). Received: cell={cell!r}"
            )
        if not isinstance(state_size, (list, tuple, int)):
            raise ValueError(f"{name}: `state_size` must be an integer or a list/tuple of integers, got {state_size!r}")
        super().__init__(**kwargs)
        self.zero_output_for_mask = zero_output_for_mask
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.supports_masking = True
        self.input_spec = None
        self.states = None
        self._expected_batch_size = None
        self.single_state = isinstance(state_size, int)

    @property
    def state_size(self) -> list:
        size = self.cell.state_size
        return [size] if isinstance(size, int) else list(size)

    # ------------------------------------------------------------- shapes
    def _output_size(self) -> int:
        size = getattr(self.cell, "output_size", None)
        if size is None:
            size = self.state_size[0]
        if not isinstance(size, int):
            raise ValueError(f"RNN layer '{self.name}': the cell's `output_size` must be an integer, got {size!r}")
        return size

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        batch, length = sequences_shape[0], sequences_shape[1]
        states_shape = []
        for size in self.state_size:
            if isinstance(size, int):
                states_shape.append((batch, size))
            else:
                states_shape.append([(batch, s) for s in size])
        out_size = self._output_size()
        output_shape = (batch, length, out_size) if self.return_sequences else (batch, out_size)
        if self.return_state:
            return (output_shape, *states_shape)
        return output_shape

    def compute_output_spec(self, sequences, initial_state=None, mask=None, training=None, **kwargs):
        self._check_unroll(tuple(sequences.shape))
        shapes = self.compute_output_shape(tuple(sequences.shape))
        return shapes_to_tensors(shapes, self.compute_dtype)

    def compute_mask(self, inputs, mask=None):
        mask = nest.flatten(mask)[0] if mask is not None else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None for _ in nest.flatten(self.state_size)]
        return output_mask

    # -------------------------------------------------------------- build
    def build(self, sequences_shape, initial_state_shape=None) -> None:
        sequences_shape = tuple(sequences_shape)
        if len(sequences_shape) < 3:
            raise ValueError(
                f"RNN layer '{self.name}' expects inputs of shape (batch, timesteps, features...), "
                f"received input with shape {sequences_shape}"
            )
        step_shape = (sequences_shape[0],) + tuple(sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell._maybe_build_from_shape(step_shape)
        if self.stateful:
            if self.states is not None:
                self.reset_state()
            else:
                if sequences_shape[0] is None:
                    raise ValueError(
                        f"RNN layer '{self.name}': with `stateful=True` the batch size must be static. "
                        f"Found dynamic batch size: sequences shape={sequences_shape}"
                    )
                self._create_state_variables(sequences_shape[0])
        self.built = True

    def _create_state_variables(self, batch_size: int) -> None:
        b = _backend.current()
        initial = self.get_initial_state(batch_size)
        states = nest.map_structure(
            lambda t: Variable(b.convert_to_numpy(t), dtype=self.variable_dtype, trainable=False, name="rnn_state"),
            initial,
        )
        for v in nest.flatten(states):
            v.path = f"{self.name}/{v.name}"
            self._seed_generators.append(_StateSlot(v))
        self.states = states
        self._expected_batch_size = batch_size

    def get_initial_state(self, batch_size):
        """Zero states (the cell's ``get_initial_state`` when it has one), as a list."""
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is not None:
            init = fn(batch_size=batch_size)
            return list(init) if isinstance(init, (list, tuple)) else [init]
        dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
        return [ops.zeros((batch_size, d), dtype=dtype) for d in self.state_size]

    def reset_state(self) -> None:
        """Zero the states of a stateful RNN."""
        if self.states is not None:
            for v in nest.flatten(self.states):
                v.assign(ops.zeros(v.shape, dtype=v.dtype))

    def reset_states(self) -> None:
        self.reset_state()

    # --------------------------------------------------------------- call
    def _standardize_initial_state(self, initial_state, batch_size):
        if initial_state is None:
            if self.stateful:
                return nest.map_structure(lambda v: v.value, self.states)
            return self.get_initial_state(batch_size)
        if not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]
        initial_state = list(initial_state)
        if isinstance(self.cell, StackedRNNCells) and not any(isinstance(s, (list, tuple)) for s in initial_state):
            template = self.cell.state_structure()
            if len(nest.flatten(template)) != len(initial_state):
                raise ValueError(
                    f"RNN layer '{self.name}' expects {len(nest.flatten(template))} initial state tensors for its "
                    f"stacked cells, but received {len(initial_state)}"
                )
            initial_state = nest.pack_sequence_as(template, initial_state)
        return initial_state

    def _prepare_dropout(self, cell, step_input, states) -> None:
        """Draw dropout masks before the loop so no random state changes inside it."""
        if isinstance(cell, DropoutRNNCell):
            first = nest.flatten(states)[0]
            cell.get_dropout_mask(step_input)
            cell.get_recurrent_dropout_mask(first)
        if isinstance(cell, StackedRNNCells):
            x = step_input
            for c, s in zip(cell.cells, states):
                s = list(s) if isinstance(s, (list, tuple)) else [s]
                self._prepare_dropout(c, x, s)
                x, _ = c.call(x, s, **training_kwargs(c, False))

    def _reset_dropout(self, cell) -> None:
        if isinstance(cell, DropoutRNNCell):
            cell.reset_dropout_mask()
            cell.reset_recurrent_dropout_mask()
        if isinstance(cell, StackedRNNCells):
            for c in cell.cells:
                self._reset_dropout(c)

    def _step_function(self, sequences, states, training) -> tuple[Any, Callable]:
        """``(xs, step)``: per-timestep inputs (batch-major) and ``step(x_t, states) -> (output, new_states)``."""
        fused = getattr(self.cell, "_fused_sequence_step", None)
        if fused is not None:
            return fused(sequences, states, bool(training))
        if training and _has_dropout(self.cell):
            self._prepare_dropout(self.cell, ops.getitem(sequences, (slice(None), 0)), states)
        kwargs = training_kwargs(self.cell, bool(training))
        cell = self.cell

        def step(x_t, step_states):
            return cell.call(x_t, step_states, **kwargs)

        return sequences, step

    def _check_unroll(self, sequences_shape: tuple) -> None:
        if self.unroll and sequences_shape[1] is None:
            raise ValueError(
                f"RNN layer '{self.name}': cannot unroll a RNN if the time dimension is undefined "
                f"(input shape {sequences_shape}). Specify the number of timesteps in the input shape, "
                "e.g. `Input(shape=(10, features))`."
            )

    def call(self, sequences, initial_state=None, mask=None, training=False):
        self._check_unroll(tuple(ops.shape(sequences)))
        batch_size = ops.shape(sequences)[0]
        if self.stateful and self._expected_batch_size is not None and batch_size is not None \
                and batch_size != self._expected_batch_size:
            raise ValueError(
                f"RNN layer '{self.name}' is stateful, so the batch size of the inputs must equal the batch size of "
                f"its states. Expected batch size: {self._expected_batch_size}, received: {batch_size}"
            )
        states = self._standardize_initial_state(initial_state, batch_size)
        dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
        states = nest.map_structure(lambda s: ops.cast(ops.convert_to_tensor(s), dtype), states)
        if mask is not None:
            mask = nest.flatten(mask)[0]
        try:
            xs, step = self._step_function(sequences, states, training)
            last_output, outputs, final_states = self._loop(step, xs, states, mask)
        finally:
            self._reset_dropout(self.cell)
        if self.stateful:
            for var, value in zip(nest.flatten(self.states), nest.flatten(final_states)):
                var.assign(value)
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return (output, *final_states)
        return output

    def _loop(self, step: Callable, xs, states, mask):
        """Scan ``step`` over axis 1 of ``xs``; returns ``(last_output, outputs, final_states)``."""
        rank = len(ops.shape(xs))
        time_major = ops.transpose(xs, (1, 0) + tuple(range(2, rank)))
        flat_init = tuple(nest.flatten(states))
        structure = states
        prev_out_index = 0
        if structure and isinstance(structure[0], (list, tuple)):
            # Stacked cells: the previous output is the first state of the last cell.
            prev_out_index = len(flat_init) - len(nest.flatten(structure[-1]))
        zero_output = self.zero_output_for_mask

        if mask is not None:
            if ops.dtype(mask) != "bool":
                mask = ops.cast(mask, "bool")
            mask = ops.expand_dims(ops.transpose(mask, (1, 0)), -1)  # (time, batch, 1)
            scan_xs = [time_major, mask]

            def body(carry, x):
                x_t, keep = x
                output, new_states = step(x_t, nest.pack_sequence_as(structure, list(carry)))
                new_flat = nest.flatten(new_states)
                if zero_output:
                    output = ops.where(_expand_to(keep, output), output, ops.zeros_like(output))
                else:
                    output = ops.where(_expand_to(keep, output), output, carry[prev_out_index])
                new_flat = tuple(ops.where(_expand_to(keep, n), n, s) for n, s in zip(new_flat, carry))
                return new_flat, output
        else:
            scan_xs = time_major

            def body(carry, x_t):
                output, new_states = step(x_t, nest.pack_sequence_as(structure, list(carry)))
                return tuple(nest.flatten(new_states)), output

        if self.go_backwards:
            scan_xs = [ops.flip(t, axis=0) for t in scan_xs] if isinstance(scan_xs, list) else ops.flip(scan_xs, axis=0)
        if self.unroll:
            final, outputs = Backend.scan(_backend.current(), body, flat_init, scan_xs)
        else:
            final, outputs = ops.scan(body, flat_init, scan_xs)
        last_output = ops.getitem(outputs, -1)
        out_rank = len(ops.shape(outputs))
        outputs = ops.transpose(outputs, (1, 0) + tuple(range(2, out_rank)))
        final_states = nest.pack_sequence_as(structure, list(final))
        return last_output, outputs, list(final_states)

    # ------------------------------------------------------------- config
    def _base_rnn_config(self) -> dict:
        config = super().get_config()
        config.update({
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
        })
        return config

    def _cell_layer_config(self, fields: dict) -> dict:
        """The flat config of a layer built around a built-in cell (SimpleRNN, LSTM, GRU, ConvLSTM*D): the
        RNN flags, the cell's common arguments, the layer's own ``fields`` and its activity regularizer."""
        config = self._base_rnn_config()
        config.update(self.cell._common_config())
        config.update(fields)
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    def _set_use_cudnn(self, use_cudnn) -> None:
        """Keras' ``use_cudnn`` flag of LSTM and GRU: validated and kept for the config (kcore picks kernels
        through its backend, so it does not change the computation)."""
        if use_cudnn not in ("auto", True, False):
            raise ValueError(
                f"{type(self).__name__} '{self.name}': `use_cudnn` must be one of 'auto', True, False; "
                f"received {use_cudnn!r}"
            )
        self.use_cudnn = use_cudnn

    def get_config(self) -> dict:
        from kcore.saving.serialization import serialize_keras_object

        config = self._base_rnn_config()
        config["cell"] = serialize_keras_object(self.cell)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        if "cell" not in config or not isinstance(config["cell"], dict):
            # Built-in subclasses (LSTM, GRU...) store the cell's arguments flat.
            return super().from_config(config)
        from kcore.saving.serialization import deserialize_keras_object

        config = dict(config)
        cell = deserialize_keras_object(config.pop("cell"), custom_objects=custom_objects)
        return super().from_config({**config, "cell": cell})


def _expand_to(keep, x):
    """``keep`` of shape (batch, 1) reshaped to broadcast against ``x``."""
    extra = len(ops.shape(x)) - 2
    if extra <= 0:
        return keep
    return ops.reshape(keep, (-1,) + (1,) * (extra + 1))


def _has_dropout(cell) -> bool:
    if isinstance(cell, StackedRNNCells):
        return any(_has_dropout(c) for c in cell.cells)
    return isinstance(cell, DropoutRNNCell) and (cell.dropout > 0 or cell.recurrent_dropout > 0)
