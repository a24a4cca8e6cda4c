"""VGG19: 16 convolutions in five blocks, then three dense layers (143,667,240 params)."""

from __future__ import annotations

from kcore.applications.vgg import build_vgg


def VGG19(include_top: bool = True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
          classes: int = 1000, classifier_activation="softmax", name: str = "vgg19"):
    return build_vgg(name, (2, 2, 4, 4, 4), include_top, weights, input_tensor, input_shape, pooling, classes,
                     classifier_activation, weights_file="vgg19_weights_tf_dim_ordering_tf_kernels.h5",
                     weights_file_notop="vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5")
