"""ZeroPadding1D: add zeros before and after the steps of sequences."""

from __future__ import annotations

from kcore.layers.reshaping.spatial_edit import SpatialEdit


class ZeroPadding1D(SpatialEdit):
    """Pad the steps with zeros.

    ``padding``: an int (same amount at both ends) or a pair ``(before, after)``.
    """

    grow = True

    def __init__(self, padding=1, data_format=None, **kwargs) -> None:
        super().__init__(1, "padding", padding, data_format, **kwargs)
