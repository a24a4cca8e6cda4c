"""Cropping3D: remove entries at the start and end of the three spatial axes of volumes."""

from __future__ import annotations

from kcore.layers.reshaping.spatial_edit import SpatialEdit


class Cropping3D(SpatialEdit):
    """Crop the three spatial axes.

    ``cropping``: an int (same amount on both sides of every axis), 3 int(s)
    (symmetric per axis) or 3 pair(s) ``(before, after)``.
    """

    grow = False

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs) -> None:
        super().__init__(3, "cropping", cropping, data_format, **kwargs)
