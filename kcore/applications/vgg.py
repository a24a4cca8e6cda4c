"""The VGG family: stacks of 3x3 convolutions and max pooling (Simonyan & Zisserman, 2014)."""

from __future__ import annotations

from kcore import layers
from kcore.applications.weights import load_application_weights
from kcore.layers.input_layer import Input
from kcore.models.functional import Functional


def build_vgg(name: str, convs_per_block: tuple[int, ...], include_top: bool = True, weights="imagenet",
              input_tensor=None, input_shape=None, pooling=None, classes: int = 1000,
              classifier_activation="softmax", weights_file: str = "", weights_file_notop: str = ""):
    """A VGG model with ``convs_per_block[i]`` convolutions in block ``i + 1``."""
    if not (weights in (None, "imagenet") or isinstance(weights, str)):
        raise ValueError(f"The `weights` argument should be either None, 'imagenet' or a path to a weights file; received weights={weights!r}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(f"If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000; received classes={classes}")
    if input_shape is None:
        input_shape = (224, 224, 3) if include_top else (None, None, 3)
    input_shape = tuple(input_shape)
    if include_top and weights is not None and input_shape != (224, 224, 3):
        raise ValueError(f"When `include_top=True` with pretrained weights, `input_shape` must be (224, 224, 3); received {input_shape}")
    if len(input_shape) != 3 or (input_shape[-1] is not None and input_shape[-1] != 3 and weights == "imagenet"):
        raise ValueError(f"`input_shape` must be (height, width, 3) for imagenet weights; received {input_shape}")
    for d in input_shape[:2]:
        if d is not None and d < 32:
            raise ValueError(f"Input size must be at least 32x32; received input_shape={input_shape}")
    img_input = Input(shape=input_shape) if input_tensor is None else input_tensor
    x = img_input
    filters = (64, 128, 256, 512, 512)
    for block, (n_convs, f) in enumerate(zip(convs_per_block, filters), start=1):
        for i in range(1, n_convs + 1):
            x = layers.Conv2D(f, (3, 3), activation="relu", padding="same", name=f"block{block}_conv{i}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    model = Functional(img_input, x, name=name)
    if weights is not None:
        load_application_weights(model, weights, weights_file if include_top else weights_file_notop)
    return model
