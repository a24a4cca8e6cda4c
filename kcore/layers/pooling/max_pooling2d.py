"""MaxPooling2D: max pooling for spatial (2D) data."""

from __future__ import annotations

from kcore.layers.pooling.base_pooling import BasePooling


class MaxPooling2D(BasePooling):
    """Maximum over ``pool_size`` windows moved by ``strides`` (default ``pool_size``)."""

    def __init__(self, pool_size=(2, 2), strides=None, padding: str = "valid", data_format=None,
                 name: str | None = None, **kwargs) -> None:
        super().__init__(pool_size, strides, pool_dimensions=2, pool_mode="max", padding=padding,
                         data_format=data_format, name=name, **kwargs)
