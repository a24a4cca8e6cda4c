"""Normalization layers: batch, layer, group and unit normalization."""

from kcore.layers.normalization.batch_normalization import BatchNormalization
from kcore.layers.normalization.group_normalization import GroupNormalization
from kcore.layers.normalization.layer_normalization import LayerNormalization
from kcore.layers.normalization.unit_normalization import UnitNormalization

__all__ = ["BatchNormalization", "GroupNormalization", "LayerNormalization", "UnitNormalization"]
