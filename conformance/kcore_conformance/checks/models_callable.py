"""Guide, "All models are callable, just like layers": an encoder and a decoder chained into an autoencoder."""

from __future__ import annotations

import numpy as np

import kcore as keras
from kcore import layers

from kcore_conformance._support import expect_close, expect_summary, replay_earlier_sections, to_numpy

SECTION = "All models are callable, just like layers"


def check() -> None:
    # The previous section of the guide created these layers; names continue from there.
    replay_earlier_sections(Conv2D=4, MaxPooling2D=1, GlobalMaxPooling2D=1, Reshape=1, Conv2DTranspose=4,
                            UpSampling2D=1)

    encoder_input = keras.Input(shape=(28, 28, 1), name="original_img")
    x = layers.Conv2D(16, 3, activation="relu")(encoder_input)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(32, 3, activation="relu")(x)
    x = layers.Conv2D(16, 3, activation="relu")(x)
    encoder_output = layers.GlobalMaxPooling2D()(x)

    encoder = keras.Model(encoder_input, encoder_output, name="encoder")
    expect_summary(encoder, "encoder", [
        ("original_img (InputLayer)", "(None, 28, 28, 1)", "0"),
        ("conv2d_4 (Conv2D)", "(None, 26, 26, 16)", "160"),
        ("conv2d_5 (Conv2D)", "(None, 24, 24, 32)", "4,640"),
        ("max_pooling2d_1 (MaxPooling2D)", "(None, 8, 8, 32)", "0"),
        ("conv2d_6 (Conv2D)", "(None, 6, 6, 32)", "9,248"),
        ("conv2d_7 (Conv2D)", "(None, 4, 4, 16)", "4,624"),
        ("global_max_pooling2d_1 (GlobalMaxPooling2D)", "(None, 16)", "0"),
    ], total="18,672 (72.94 KB)")

    decoder_input = keras.Input(shape=(16,), name="encoded_img")
    x = layers.Reshape((4, 4, 1))(decoder_input)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu")(x)
    x = layers.UpSampling2D(3)(x)
    x = layers.Conv2DTranspose(16, 3, activation="relu")(x)
    decoder_output = layers.Conv2DTranspose(1, 3, activation="relu")(x)

    decoder = keras.Model(decoder_input, decoder_output, name="decoder")
    expect_summary(decoder, "decoder", [
        ("encoded_img (InputLayer)", "(None, 16)", "0"),
        ("reshape_1 (Reshape)", "(None, 4, 4, 1)", "0"),
        ("conv2d_transpose_4 (Conv2DTranspose)", "(None, 6, 6, 16)", "160"),
        ("conv2d_transpose_5 (Conv2DTranspose)", "(None, 8, 8, 32)", "4,640"),
        ("up_sampling2d_1 (UpSampling2D)", "(None, 24, 24, 32)", "0"),
        ("conv2d_transpose_6 (Conv2DTranspose)", "(None, 26, 26, 16)", "4,624"),
        ("conv2d_transpose_7 (Conv2DTranspose)", "(None, 28, 28, 1)", "145"),
    ], total="9,569 (37.38 KB)")

    autoencoder_input = keras.Input(shape=(28, 28, 1), name="img")
    encoded_img = encoder(autoencoder_input)
    decoded_img = decoder(encoded_img)
    autoencoder = keras.Model(autoencoder_input, decoded_img, name="autoencoder")
    expect_summary(autoencoder, "autoencoder", [
        ("img (InputLayer)", "(None, 28, 28, 1)", "0"),
        ("encoder (Functional)", "(None, 16)", "18,672"),
        ("decoder (Functional)", "(None, 28, 28, 1)", "9,569"),
    ], total="28,241 (110.32 KB)")

    # "By calling a model you aren't just reusing the architecture of the model, you're also reusing its weights."
    images = np.random.default_rng(0).random((2, 28, 28, 1)).astype("float32")
    chained = to_numpy(decoder(encoder(images)))
    expect_close(to_numpy(autoencoder(images)), chained, "autoencoder(images) vs decoder(encoder(images))")
