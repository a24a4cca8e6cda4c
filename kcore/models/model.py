"""Model: a Layer with training, saving and inspection; ``Model(inputs, outputs)`` builds a Functional."""

from __future__ import annotations

from kcore.layers.layer import Layer
from kcore.trainers.trainer import Trainer


def _is_functional_init(args, kwargs) -> bool:
    return (len(args) == 2) or (len(args) == 1 and "outputs" in kwargs) or ("inputs" in kwargs and "outputs" in kwargs)


class Model(Trainer, Layer):
    """Groups layers with training and inference features.

    ``Model(inputs, outputs, name=...)`` returns a functional model;
    subclass ``Model`` and implement ``call`` for a subclassed model.
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and _is_functional_init(args, kwargs):
            from kcore.models.functional import Functional

            return Functional.__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs) -> None:
        if type(self) is not Model and _is_functional_init(args, kwargs) and not hasattr(self, "_plan"):
            from kcore.models.functional import Functional

            if not isinstance(self, Functional):
                raise TypeError(
                    f"{type(self).__name__}: subclassed models are defined by implementing `call`; "
                    "to build a model from inputs and outputs use `kcore.Model(inputs, outputs)`."
                )
        trainable = kwargs.pop("trainable", True)
        name = kwargs.pop("name", None)
        dtype = kwargs.pop("dtype", None)
        Layer.__init__(self, name=name, trainable=trainable, dtype=dtype, **kwargs)
        Trainer.__init__(self)

    @property
    def layers(self) -> list[Layer]:
        return list(self._layers)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A layer by name or by index in ``model.layers``."""
        if index is not None and name is not None:
            raise ValueError("Provide only a layer name or a layer index, not both.")
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model '{self.name}' only has "
                    f"{len(self.layers)} layers."
                )
            return self.layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"No such layer: {name}. Existing layers are: {[l.name for l in self.layers]}."
            )
        raise ValueError("Provide either a layer name or a layer index to `get_layer`.")

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None) -> None:
        """Print a table of the layers, output shapes and parameter counts (as Keras 3)."""
        from kcore.utils.summary_utils import print_summary

        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable, layer_range=layer_range)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        """A model from ``get_config()`` output: a functional config rebuilds the graph, else ``cls(**config)``."""
        from kcore.saving.object_registration import CustomObjectScope

        with CustomObjectScope(custom_objects or {}):
            if isinstance(config, dict) and all(k in config for k in ("layers", "input_layers", "output_layers")):
                from kcore.models.functional_config import functional_from_config

                return functional_from_config(cls, config, custom_objects=custom_objects)
            return super().from_config(config)

    # ------------------------------------------------------------- saving
    def save(self, filepath, overwrite: bool = True, **kwargs) -> None:
        """Save the model as a Keras 3 ``.keras`` file (architecture, weights, compile config, optimizer state)."""
        from kcore.saving.api import save_model

        save_model(self, filepath, overwrite=overwrite, **kwargs)

    def save_weights(self, filepath, overwrite: bool = True) -> None:
        """Save the weights (and optimizer state) to a ``.weights.h5`` file in the Keras 3 layout."""
        from kcore.saving.api import save_weights

        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch: bool = False) -> None:
        """Load weights from a ``.weights.h5`` or ``.keras`` file, matched by model structure."""
        from kcore.saving.api import load_weights

        load_weights(self, filepath, skip_mismatch=skip_mismatch)

    def to_json(self, **kwargs) -> str:
        """The model config as JSON (``kcore.models.model_from_json`` rebuilds it)."""
        from kcore.saving.api import model_to_json

        return model_to_json(self, **kwargs)

    def build(self, input_shape=None) -> None:
        """Subclassed models build by calling themselves on zeros of ``input_shape``."""
        if self.built:
            return
        if input_shape is None:
            raise ValueError(f"Model '{self.name}': build() needs an input_shape.")
        from kcore import ops
        from kcore.graph.keras_tensor import KerasTensor

        if isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (list, tuple)):
            x = [KerasTensor(s) for s in input_shape]
        else:
            x = KerasTensor(tuple(input_shape))
        self._build_shapes = input_shape
        from kcore.graph.operation import tracing

        with tracing():
            self.call(x)
        self.built = True
        del ops

    build._kcore_default = True
