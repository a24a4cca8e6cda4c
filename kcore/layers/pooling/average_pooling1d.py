"""AveragePooling1D: average pooling for temporal (1D) data."""

from __future__ import annotations

from kcore.layers.pooling.base_pooling import BasePooling


class AveragePooling1D(BasePooling):
    """Mean over ``pool_size`` windows moved by ``strides`` (default ``pool_size``).

    With ``padding="same"``, padded cells are not counted in the mean.
    """

    def __init__(self, pool_size, strides=None, padding: str = "valid", data_format=None, name: str | None = None,
                 **kwargs) -> None:
        super().__init__(pool_size, strides, pool_dimensions=1, pool_mode="average", padding=padding,
                         data_format=data_format, name=name, **kwargs)
