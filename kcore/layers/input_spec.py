"""InputSpec: the rank, dtype and axis sizes a layer accepts, checked at call time."""

from __future__ import annotations

from typing import Any

from kcore.graph import nest


class InputSpec:
    """Constraints on a layer input. ``axes`` maps an axis to its required size."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None, allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = dtype
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name
        self.optional = optional

    def __repr__(self) -> str:
        return f"InputSpec(ndim={self.ndim}, axes={self.axes})"


def check_input_spec(spec: Any, inputs: Any, layer_name: str) -> None:
    """Raise a ValueError naming the layer, the expected and the received shape."""
    specs = nest.flatten(spec) if isinstance(spec, (list, tuple)) else [spec]
    flat = nest.flatten(inputs)
    if len(specs) != len(flat) and len(specs) != 1:
        raise ValueError(f"Layer '{layer_name}' expects {len(specs)} input(s), but it received {len(flat)} input tensors.")
    for i, (s, x) in enumerate(zip(specs * (len(flat) if len(specs) == 1 else 1), flat)):
        if s is None or not hasattr(x, "shape"):
            continue
        shape = tuple(x.shape)
        where = f"Input {i} of layer '{layer_name}'"
        if s.ndim is not None and len(shape) != s.ndim:
            raise ValueError(f"{where} is incompatible with the layer: expected ndim={s.ndim}, found ndim={len(shape)}. Full shape received: {shape}")
        if s.min_ndim is not None and len(shape) < s.min_ndim:
            raise ValueError(f"{where} is incompatible with the layer: expected min_ndim={s.min_ndim}, found ndim={len(shape)}. Full shape received: {shape}")
        if s.max_ndim is not None and len(shape) > s.max_ndim:
            raise ValueError(f"{where} is incompatible with the layer: expected max_ndim={s.max_ndim}, found ndim={len(shape)}. Full shape received: {shape}")
        for axis, size in s.axes.items():
            if size is None:
                continue
            try:
                got = shape[axis]
            except IndexError:
                raise ValueError(f"{where} is incompatible with the layer: expected axis {axis} of size {size}, but the input has shape {shape}") from None
            if got is not None and got != size:
                raise ValueError(
                    f"{where} is incompatible with the layer: expected axis {axis} of input shape to have value {size}, "
                    f"but received input with shape {shape}"
                )
        if s.shape is not None:
            for expected, got in zip(s.shape, shape):
                if expected is not None and got is not None and expected != got:
                    raise ValueError(f"{where} is incompatible with the layer: expected shape={s.shape}, found shape={shape}")
