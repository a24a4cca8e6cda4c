"""Cropping2D: remove entries at the start and end of the rows and columns of images."""

from __future__ import annotations

from kcore.layers.reshaping.spatial_edit import SpatialEdit


class Cropping2D(SpatialEdit):
    """Crop the rows and columns.

    ``cropping``: an int (same amount on both sides of every axis), 2 int(s)
    (symmetric per axis) or 2 pair(s) ``(before, after)``.
    """

    grow = False

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs) -> None:
        super().__init__(2, "cropping", cropping, data_format, **kwargs)
