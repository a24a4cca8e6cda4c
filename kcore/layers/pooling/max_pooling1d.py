"""MaxPooling1D: max pooling for temporal (1D) data."""

from __future__ import annotations

from kcore.layers.pooling.base_pooling import BasePooling


class MaxPooling1D(BasePooling):
    """Maximum over ``pool_size`` windows moved by ``strides`` (default ``pool_size``)."""

    def __init__(self, pool_size=2, strides=None, padding: str = "valid", data_format=None,
                 name: str | None = None, **kwargs) -> None:
        super().__init__(pool_size, strides, pool_dimensions=1, pool_mode="max", padding=padding,
                         data_format=data_format, name=name, **kwargs)
