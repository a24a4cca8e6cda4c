"""ZeroPadding3D: add zeros before and after the three spatial axes of volumes."""

from __future__ import annotations

from kcore.layers.reshaping.spatial_edit import SpatialEdit


class ZeroPadding3D(SpatialEdit):
    """Pad the three spatial axes with zeros.

    ``padding``: an int (same amount on both sides of every axis), 3 int(s)
    (symmetric per axis) or 3 pair(s) ``(before, after)``.
    """

    grow = True

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs) -> None:
        super().__init__(3, "padding", padding, data_format, **kwargs)
