"""Bidirectional: runs a recurrent layer forwards and a copy backwards, then merges the outputs."""

from __future__ import annotations

import copy

from kcore import ops
from kcore.layers.layer import Layer
from kcore.layers.rnn.rnn import shapes_to_tensors

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _clone_layer(layer: Layer, **overrides) -> Layer:
    config = copy.deepcopy(layer.get_config())
    config.update(overrides)
    return type(layer).from_config(config)


def _strip(name: str, prefix: str) -> str:
    return name[len(prefix):] if name.startswith(prefix) else name


class Bidirectional(Layer):
    """Bidirectional wrapper for RNNs.

    Args:
        layer: a recurrent layer (``LSTM``, ``GRU``, ``RNN``...). Two copies are
            made: ``forward_layer`` and ``backward_layer`` (``go_backwards`` flipped).
        merge_mode: how the two outputs combine: ``"concat"``, ``"sum"``,
            ``"mul"``, ``"ave"`` or ``None`` (a list of both).
        weights: initial weights: the forward layer's, then the backward layer's.
        backward_layer: an explicit layer for the backward direction.
    """

    def __init__(self, layer, merge_mode: str | None = "concat", weights=None, backward_layer=None, **kwargs) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Please initialize `Bidirectional` layer with a `kcore.layers.Layer` instance. Received: {layer!r}"
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                f"Bidirectional: `backward_layer` must be a `kcore.layers.Layer` instance. Received: {backward_layer!r}"
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Bidirectional: invalid merge mode {merge_mode!r}. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}'
            )
        for attr in ("go_backwards", "return_sequences", "return_state", "stateful"):
            if not hasattr(layer, attr):
                raise ValueError(
                    f"Bidirectional: the wrapped layer {layer.name!r} must be a recurrent layer with a `{attr}` attribute"
                )
        super().__init__(**kwargs)
        self.forward_layer = _clone_layer(layer, name=f"forward_{_strip(layer.name, 'forward_')}")
        if backward_layer is None:
            backward_layer = _clone_layer(layer, name=f"backward_{_strip(layer.name, 'backward_')}",
                                          go_backwards=not layer.go_backwards)
        self.backward_layer = backward_layer
        if hasattr(layer, "use_cudnn"):
            self.forward_layer.use_cudnn = layer.use_cudnn
            self.backward_layer.use_cudnn = layer.use_cudnn
        self._verify_layer_config()
        for sub in (self.forward_layer, self.backward_layer):
            if getattr(sub, "zero_output_for_mask", None) is not None:
                sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self._initial_weights = list(weights) if weights else None
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self.input_spec = layer.input_spec

    def _verify_layer_config(self) -> None:
        fwd, bwd = self.forward_layer, self.backward_layer
        if fwd.go_backwards == bwd.go_backwards:
            raise ValueError(
                f"Bidirectional '{self.name}': forward layer and backward layer should have different `go_backwards` "
                f"values. Received: forward_layer.go_backwards={fwd.go_backwards}, "
                f"backward_layer.go_backwards={bwd.go_backwards}"
            )
        for attr in ("stateful", "return_sequences", "return_state"):
            if getattr(fwd, attr) != getattr(bwd, attr):
                raise ValueError(
                    f"Bidirectional '{self.name}': forward layer and backward layer are expected to have the same "
                    f"value for attribute {attr!r}, got {getattr(fwd, attr)!r} for the forward layer and "
                    f"{getattr(bwd, attr)!r} for the backward layer"
                )

    # ------------------------------------------------------------- shapes
    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        output_shape = self.forward_layer.compute_output_shape(tuple(sequences_shape))
        state_shape = ()
        if self.return_state:
            output_shape, state_shape = output_shape[0], tuple(output_shape[1:])
        if self.merge_mode == "concat":
            last = output_shape[-1]
            output_shape = tuple(output_shape[:-1]) + (None if last is None else last * 2,)
        elif self.merge_mode is None:
            output_shape = (output_shape, output_shape)
        if self.return_state:
            if self.merge_mode is None:
                return output_shape + state_shape + state_shape
            return (output_shape,) + state_shape + state_shape
        return output_shape

    def compute_output_spec(self, sequences, initial_state=None, mask=None, training=None, **kwargs):
        return shapes_to_tensors(self.compute_output_shape(tuple(sequences.shape)), self.compute_dtype)

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if self.return_sequences:
            output_mask = [mask, mask] if self.merge_mode is None else mask
        else:
            output_mask = [None, None] if self.merge_mode is None else None
        if self.return_state:
            n_states = len(self.forward_layer.state_size) + len(self.backward_layer.state_size)
            head = output_mask if isinstance(output_mask, list) else [output_mask]
            return head + [None] * n_states
        return output_mask

    # -------------------------------------------------------------- build
    def build(self, sequences_shape, initial_state_shape=None) -> None:
        sequences_shape = tuple(sequences_shape)
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub._maybe_build_from_shape(sequences_shape)
        if self._initial_weights is not None:
            half = len(self._initial_weights) // 2
            self.forward_layer.set_weights(self._initial_weights[:half])
            self.backward_layer.set_weights(self._initial_weights[half:])
            self._initial_weights = None
        self.built = True

    # --------------------------------------------------------------- call
    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {"mask": mask}
        if training is not None:
            kwargs["training"] = training
        forward_state = backward_state = None
        if initial_state is not None:
            initial_state = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        y = ops.cast(y, self.compute_dtype)
        y_rev = ops.cast(y_rev, self.compute_dtype)
        if self.return_sequences:
            y_rev = ops.flip(y_rev, axis=1)
        if self.merge_mode == "concat":
            output = ops.concatenate([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            output = ops.add(y, y_rev)
        elif self.merge_mode == "ave":
            output = ops.divide(ops.add(y, y_rev), 2.0)
        elif self.merge_mode == "mul":
            output = ops.multiply(y, y_rev)
        else:
            output = (y, y_rev)
        if self.return_state:
            if self.merge_mode is None:
                return output + states
            return (output,) + states
        return output

    # ------------------------------------------------------------ states
    @property
    def states(self):
        fwd, bwd = self.forward_layer.states, self.backward_layer.states
        if fwd and bwd:
            return tuple(fwd) + tuple(bwd)
        return None

    def reset_state(self) -> None:
        if not self.stateful:
            raise AttributeError(f"Bidirectional '{self.name}': layer must be stateful to reset its states.")
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    def reset_states(self) -> None:
        self.reset_state()

    # ------------------------------------------------------------- config
    def get_config(self) -> dict:
        from kcore.saving.serialization import serialize_keras_object

        config = super().get_config()
        config.update({
            "merge_mode": self.merge_mode,
            "layer": serialize_keras_object(self.forward_layer),
            "backward_layer": serialize_keras_object(self.backward_layer),
        })
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        from kcore.saving.serialization import deserialize_keras_object

        config = copy.deepcopy(config)
        config["layer"] = deserialize_keras_object(config["layer"], custom_objects=custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            config["backward_layer"] = deserialize_keras_object(backward, custom_objects=custom_objects)
        return super().from_config(config)
