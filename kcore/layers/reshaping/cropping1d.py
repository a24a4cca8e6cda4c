"""Cropping1D: remove entries at the start and end of the steps of sequences."""

from __future__ import annotations

from kcore.layers.reshaping.spatial_edit import SpatialEdit


class Cropping1D(SpatialEdit):
    """Crop the steps.

    ``cropping``: an int (same amount at both ends) or a pair ``(before, after)``.
    """

    grow = False

    def __init__(self, cropping=(1, 1), **kwargs) -> None:
        super().__init__(1, "cropping", cropping, "channels_last", **kwargs)
