"""Reference architectures (``keras.applications``): VGG16 and VGG19."""

from kcore.applications.vgg16 import VGG16
from kcore.applications.vgg19 import VGG19

__all__ = ["VGG16", "VGG19"]
