"""Sequential: a plain stack of layers, each with one input and one output."""

from __future__ import annotations

from kcore.graph.keras_tensor import KerasTensor
from kcore.layers.input_layer import InputLayer
from kcore.layers.layer import Layer
from kcore.models.model import Model


class Sequential(Model):
    """``Sequential([layers...])``; builds a functional graph as soon as the input shape is known."""

    def __init__(self, layers: list | None = None, trainable: bool = True, name: str | None = None) -> None:
        super().__init__(trainable=trainable, name=name)
        object.__setattr__(self, "_layers", [])
        self._functional = None
        self._input_layer: InputLayer | None = None
        for layer in layers or []:
            self.add(layer, rebuild=False)
        if self._input_layer is not None and self._layers:
            self._build_graph()

    @property
    def _runs_plan(self) -> bool:
        return self._functional is not None

    def __setattr__(self, name: str, value) -> None:
        # The input layer and the internal graph are not sublayers: keep them out of `_layers`.
        if name in ("_functional", "_input_layer"):
            object.__setattr__(self, name, value)
            return
        super().__setattr__(name, value)

    def add(self, layer, rebuild: bool = True) -> None:
        """Append a layer (or an ``Input`` tensor, which sets the input shape)."""
        if isinstance(layer, KerasTensor):
            h = layer._keras_history
            if h is None or not isinstance(h.operation, InputLayer):
                raise ValueError("Only Input tensors can be added to a Sequential model; received a tensor produced by a layer.")
            layer = h.operation
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Only instances of `kcore.Layer` can be added to a Sequential model. Received: {layer!r} "
                f"(of type {type(layer).__name__})"
            )
        previous_input = self._input_layer
        if isinstance(layer, InputLayer):
            if self._layers or self._input_layer is not None:
                raise ValueError(f"Sequential model '{self.name}': an InputLayer can only be the first layer.")
            self._input_layer = layer
        else:
            if any(l.name == layer.name for l in self._layers):
                raise ValueError(
                    f"All layers added to a Sequential model should have unique names. Name '{layer.name}' is already "
                    "the name of a layer in this model."
                )
            if not self._layers and self._input_layer is None and getattr(layer, "_batch_input_shape", None) is not None:
                self._input_layer = InputLayer(batch_shape=layer._batch_input_shape, dtype=layer._input_dtype)
            self._layers.append(layer)
        self._functional = None
        self.built = False
        if rebuild and self._input_layer is not None:
            try:
                self._build_graph()
            except Exception:
                # Leave the model as it was: the layer that does not fit is not kept.
                if self._layers and self._layers[-1] is layer:
                    self._layers.pop()
                self._input_layer = previous_input
                if self._input_layer is not None and self._layers:
                    self._build_graph()
                raise

    def pop(self, rebuild: bool = True) -> Layer:
        if not self._layers:
            raise IndexError(f"Sequential model '{self.name}' has no layers to pop.")
        layer = self._layers.pop()
        self._functional = None
        self.built = False
        if rebuild and self._input_layer is not None and self._layers:
            self._build_graph()
        return layer

    @property
    def layers(self) -> list[Layer]:
        return list(self._layers)

    def _build_graph(self) -> None:
        from kcore.graph.operation import recording
        from kcore.layers.layer import layer_scope
        from kcore.models.functional import Functional

        inputs = self._input_layer.output
        x = inputs
        # Weights built here are named `sequential/dense/kernel`, as in Keras; the graph is recorded even
        # when the Sequential is first called inside another layer's symbolic trace.
        with layer_scope(self), recording():
            for layer in self._layers:
                x = layer(x)
        self._functional = Functional(inputs, x, name=self.name + "_functional") if self._layers else None
        self._build_shapes = tuple(self._input_layer.batch_shape)
        self.built = bool(self._layers)

    def build(self, input_shape=None) -> None:
        if self._functional is not None:
            return
        if self._input_layer is None:
            if input_shape is None:
                raise ValueError(f"Sequential model '{self.name}' cannot be built: its input shape is unknown.")
            self._input_layer = InputLayer(batch_shape=tuple(input_shape))
        self._build_graph()

    def _maybe_build(self, first_arg) -> None:
        if self._functional is None:
            shape = getattr(first_arg, "shape", None)
            if shape is None:
                raise ValueError(f"Sequential model '{self.name}' received an input without a shape: {first_arg!r}")
            # Like Keras, the first batch's full shape becomes the input shape.
            self.build(tuple(shape))

    def call(self, inputs, training=None, mask=None):
        if self._functional is not None:
            return self._functional.call(inputs, training=training, mask=mask)
        x = inputs
        for layer in self._layers:
            x = layer(x, training=training)
        return x

    def compute_output_spec(self, *args, **kwargs):
        return super().compute_output_spec(*args, **kwargs)

    def _graph(self, what: str):
        if self._functional is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined {what} yet: build it or call it on data first.")
        return self._functional

    @property
    def inputs(self):
        return self._graph("inputs").inputs

    @property
    def outputs(self):
        return self._graph("outputs").outputs

    @property
    def input(self):
        return self._graph("input").input

    @property
    def output(self):
        return self._graph("output").output

    @property
    def input_shape(self):
        if self._input_layer is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined input shape yet.")
        return tuple(self._input_layer.batch_shape)

    @property
    def output_shape(self):
        return self._graph("output shape").output_shape

    def get_config(self) -> dict:
        layers = []
        from kcore.saving.serialization import serialize_keras_object

        if self._input_layer is not None:
            layers.append(serialize_keras_object(self._input_layer))
        layers.extend(serialize_keras_object(l) for l in self._layers)
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype_policy.serialize(), "layers": layers}
        if self._input_layer is not None:
            config["build_input_shape"] = list(self._input_layer.batch_shape)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        from kcore.saving.serialization import deserialize_keras_object

        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config.get("layers", []):
            layer = deserialize_keras_object(layer_config, custom_objects=custom_objects)
            model.add(layer, rebuild=False)
        if model._input_layer is None and config.get("build_input_shape") is not None:
            model._input_layer = InputLayer(batch_shape=tuple(config["build_input_shape"]))
        if model._input_layer is not None and model._layers:
            model._build_graph()
        return model
