"""ZeroPadding2D: add zeros before and after the rows and columns of images."""

from __future__ import annotations

from kcore.layers.reshaping.spatial_edit import SpatialEdit


class ZeroPadding2D(SpatialEdit):
    """Pad the rows and columns with zeros.

    ``padding``: an int (same amount on both sides of every axis), 2 int(s)
    (symmetric per axis) or 2 pair(s) ``(before, after)``.
    """

    grow = True

    def __init__(self, padding=(1, 1), data_format=None, **kwargs) -> None:
        super().__init__(2, "padding", padding, data_format, **kwargs)
