"""Guide, "Use the same graph of layers to define multiple models": an encoder and an autoencoder."""

from __future__ import annotations

import numpy as np

import kcore as keras
from kcore import layers

from kcore_conformance._support import expect, expect_shape, expect_summary, to_numpy

SECTION = "Use the same graph of layers to define multiple models"

ENCODER_ROWS = [
    ("img (InputLayer)", "(None, 28, 28, 1)", "0"),
    ("conv2d (Conv2D)", "(None, 26, 26, 16)", "160"),
    ("conv2d_1 (Conv2D)", "(None, 24, 24, 32)", "4,640"),
    ("max_pooling2d (MaxPooling2D)", "(None, 8, 8, 32)", "0"),
    ("conv2d_2 (Conv2D)", "(None, 6, 6, 32)", "9,248"),
    ("conv2d_3 (Conv2D)", "(None, 4, 4, 16)", "4,624"),
    ("global_max_pooling2d (GlobalMaxPooling2D)", "(None, 16)", "0"),
]
DECODER_ROWS = [
    ("reshape (Reshape)", "(None, 4, 4, 1)", "0"),
    ("conv2d_transpose (Conv2DTranspose)", "(None, 6, 6, 16)", "160"),
    ("conv2d_transpose_1 (Conv2DTranspose)", "(None, 8, 8, 32)", "4,640"),
    ("up_sampling2d (UpSampling2D)", "(None, 24, 24, 32)", "0"),
    ("conv2d_transpose_2 (Conv2DTranspose)", "(None, 26, 26, 16)", "4,624"),
    ("conv2d_transpose_3 (Conv2DTranspose)", "(None, 28, 28, 1)", "145"),
]


def check() -> None:
    encoder_input = keras.Input(shape=(28, 28, 1), name="img")
    x = layers.Conv2D(16, 3, activation="relu")(encoder_input)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.Conv2D(16, 3, activation="relu")(x)
    encoder_output = layers.GlobalMaxPooling2D()(x)

    encoder = keras.Model(encoder_input, encoder_output, name="encoder")
    expect_summary(encoder, "encoder", ENCODER_ROWS, total="18,672 (72.94 KB)")

    x = layers.Reshape((4, 4, 1))(encoder_output)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu")(x)
    x = layers.UpSampling2D(3)(x)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    decoder_output = layers.Conv2DTranspose(1, 3, activation="relu")(x)

    autoencoder = keras.Model(encoder_input, decoder_output, name="autoencoder")
    expect_summary(autoencoder, "autoencoder", ENCODER_ROWS + DECODER_ROWS, total="28,241 (110.32 KB)")

    # "the output shape is the same as the input shape (28, 28, 1)"
    expect_shape(autoencoder.output, (None, 28, 28, 1), "autoencoder.output")
    images = np.random.default_rng(0).random((2, 28, 28, 1)).astype("float32")
    reconstructed = to_numpy(autoencoder(images))
    expect_shape(reconstructed, (2, 28, 28, 1), "autoencoder(images)")
    expect(np.all(np.isfinite(reconstructed)) and np.all(reconstructed >= 0),
           "autoencoder(images): relu outputs should be finite and non-negative")
