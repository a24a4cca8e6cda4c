"""Reshaping layers: flatten, reshape, permute, repeat, up-sampling, zero-padding and cropping."""

from kcore.layers.reshaping.cropping1d import Cropping1D
from kcore.layers.reshaping.cropping2d import Cropping2D
from kcore.layers.reshaping.cropping3d import Cropping3D
from kcore.layers.reshaping.flatten import Flatten
from kcore.layers.reshaping.permute import Permute
from kcore.layers.reshaping.repeat_vector import RepeatVector
from kcore.layers.reshaping.reshape import Reshape
from kcore.layers.reshaping.up_sampling1d import UpSampling1D
from kcore.layers.reshaping.up_sampling2d import UpSampling2D
from kcore.layers.reshaping.up_sampling3d import UpSampling3D
from kcore.layers.reshaping.zero_padding1d import ZeroPadding1D
from kcore.layers.reshaping.zero_padding2d import ZeroPadding2D
from kcore.layers.reshaping.zero_padding3d import ZeroPadding3D

__all__ = [
    "Cropping1D", "Cropping2D", "Cropping3D", "Flatten", "Permute", "RepeatVector", "Reshape",
    "UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
]
