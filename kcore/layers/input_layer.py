"""InputLayer and ``Input()``: the entry points of a functional graph."""

from __future__ import annotations

from kcore.graph.keras_tensor import KerasTensor
from kcore.graph.node import Node
from kcore.layers.layer import Layer


class InputLayer(Layer):
    """The layer that produces a model's input KerasTensor."""

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                 input_tensor=None, optional: bool = False, name: str | None = None, ragged=None, **kwargs) -> None:
        from kcore import backend
        from kcore.dtypes import standardize_dtype

        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        super().__init__(name=name, **kwargs)
        if shape is not None and batch_shape is not None:
            raise ValueError("You cannot pass both `shape` and `batch_shape` at the same time.")
        if batch_size is not None and batch_shape is not None:
            raise ValueError("You cannot pass both `batch_size` and `batch_shape` at the same time.")
        if input_tensor is not None:
            if not isinstance(input_tensor, KerasTensor):
                raise ValueError(f"InputLayer '{self.name}': input_tensor must be a KerasTensor, got {type(input_tensor).__name__}")
            batch_shape = input_tensor.shape
            dtype = dtype or input_tensor.dtype
        if shape is None and batch_shape is None:
            raise ValueError(f"InputLayer '{self.name}': you must pass a `shape` argument (or `batch_shape`).")
        if shape is not None:
            if isinstance(shape, int):
                shape = (shape,)
            batch_shape = (batch_size,) + tuple(shape)
        self._batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        for d in self._batch_shape:
            if d is not None and d < 0:
                raise ValueError(f"InputLayer '{self.name}': invalid shape {self._batch_shape}; dimensions must be positive or None.")
        self._dtype_name = standardize_dtype(dtype or backend.floatx())
        self.sparse = bool(sparse)
        self.optional = optional
        self.built = True
        if input_tensor is None:
            input_tensor = KerasTensor(self._batch_shape, dtype=self._dtype_name, sparse=self.sparse, name=self.name)
        self._input_tensor = input_tensor
        Node(self, (), {}, input_tensor)

    @property
    def batch_shape(self) -> tuple:
        return self._batch_shape

    @property
    def dtype(self) -> str:
        return self._dtype_name

    def call(self, inputs=None):
        return inputs

    def get_config(self) -> dict:
        return {
            "batch_shape": list(self._batch_shape),
            "dtype": self._dtype_name,
            "sparse": self.sparse,
            "ragged": False,
            "name": self.name,
            "optional": self.optional,
        }

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        config.pop("ragged", None)
        if "batch_input_shape" in config:
            config["batch_shape"] = config.pop("batch_input_shape")
        return cls(**config)


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None, tensor=None, optional=False, ragged=None) -> KerasTensor:
    """Create a symbolic input tensor: ``kcore.Input(shape=(784,))`` has shape ``(None, 784)``."""
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse, batch_shape=batch_shape,
                       name=name, input_tensor=tensor, optional=optional)
    return layer.output
