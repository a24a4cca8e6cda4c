"""Guide, "A toy ResNet model": residual connections, the summary's "Connected to" column, plot and fit.

The CIFAR-10 data is a small generated ``cifar-10-batches-py`` folder (five
training batches of 200 images and a test batch, pickled like the release),
read with ``keras.datasets.cifar10.load_data(path=...)``: the guide trains on
the first 1,000 training samples, which is all this folder holds.
"""

from __future__ import annotations

import os
import re

import kcore as keras
from kcore import layers

from kcore_conformance._support import (
    captured_output, expect, expect_equal, expect_finite, expect_png, expect_summary, replay_earlier_sections,
    write_cifar10_like,
)

SECTION = "A toy ResNet model"

# The guide's rows (its page break hides the input row, restored here). Cells cropped to the
# column width end with "..." as in the guide.
ROWS = [
    ("img (InputLayer)", "(None, 32, 32, 3)", "0", "-"),
    ("conv2d_8 (Conv2D)", "(None, 30, 30, 32)", "896", "img[0][0]"),
    ("conv2d_9 (Conv2D)", "(None, 28, 28, 64)", "18,496", "conv2d_8[0][0]"),
    ("max_pooling2d_2 (MaxPooling2D)", "(None, 9, 9, 64)", "0", "conv2d_9[0][0]"),
    ("conv2d_10 (Conv2D)", "(None, 9, 9, 64)", "36,928", "max_pooling2d_2[...]"),
    ("conv2d_11 (Conv2D)", "(None, 9, 9, 64)", "36,928", "conv2d_10[0][0]"),
    ("add (Add)", "(None, 9, 9, 64)", "0", "conv2d_11[0][0], max_pooling2d_2[...]"),
    ("conv2d_12 (Conv2D)", "(None, 9, 9, 64)", "36,928", "add[0][0]"),
    ("conv2d_13 (Conv2D)", "(None, 9, 9, 64)", "36,928", "conv2d_12[0][0]"),
    ("add_1 (Add)", "(None, 9, 9, 64)", "0", "conv2d_13[0][0], add[0][0]"),
    ("conv2d_14 (Conv2D)", "(None, 7, 7, 64)", "36,928", "add_1[0][0]"),
    ("global_average_poo... (GlobalAveragePool...)", "(None, 64)", "0", "conv2d_14[0][0]"),
    ("dense_6 (Dense)", "(None, 256)", "16,640", "global_average_p..."),
    ("dropout (Dropout)", "(None, 256)", "0", "dense_6[0][0]"),
    ("dense_7 (Dense)", "(None, 10)", "2,570", "dropout[0][0]"),
]


def check() -> None:
    # Earlier sections of the guide created these layers; names continue from there.
    replay_earlier_sections(Conv2D=8, MaxPooling2D=2, Dense=6)

    inputs = keras.Input(shape=(32, 32, 3), name="img")
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    block_1_output = layers.MaxPooling2D(3)(x)

    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_1_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_2_output = layers.add([x, block_1_output])

    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_2_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_3_output = layers.add([x, block_2_output])

    x = layers.Conv2D(64, 3, activation="relu")(block_3_output)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(10)(x)

    model = keras.Model(inputs, outputs, name="toy_resnet")
    expect_summary(model, "toy_resnet", ROWS, total="223,242 (872.04 KB)")

    keras.utils.plot_model(model, "mini_resnet.png", show_shapes=True)
    expect_png("mini_resnet.png", "plot_model(toy_resnet, show_shapes=True)")

    folder = write_cifar10_like(os.path.abspath("cifar-10-batches-py"))
    (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data(path=folder)
    expect_equal((x_train.shape, y_train.shape), ((1000, 32, 32, 3), (1000, 1)), "cifar10.load_data train shapes")

    x_train = x_train.astype("float32") / 255.0
    x_test = x_test.astype("float32") / 255.0
    y_train = keras.utils.to_categorical(y_train, 10)
    y_test = keras.utils.to_categorical(y_test, 10)
    expect_equal(y_train.shape, (1000, 10), "to_categorical(y_train, 10) shape")

    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["acc"],
    )
    # We restrict the data to the first 1000 samples so as to limit execution time
    # on Colab. Try to train on the entire dataset until convergence!
    with captured_output() as out:
        history = model.fit(
            x_train[:1000],
            y_train[:1000],
            batch_size=64,
            epochs=1,
            validation_split=0.2,
        )
    text = " ".join(out.getvalue().split())

    expect_equal(type(history).__name__, "History", "model.fit() return value")
    logs = history.history
    expect_equal(sorted(logs), ["acc", "loss", "val_acc", "val_loss"], "history.history keys (metrics=['acc'])")
    for key, values in logs.items():
        expect_finite(values, f"history.history[{key!r}]")
    # 800 training samples in batches of 64 are 13 steps.
    pattern = r"13/13 .*?acc: \d\.\d{4} - loss: \d+\.\d{4} - val_acc: \d\.\d{4} - val_loss: \d+\.\d{4}"
    expect(re.search(pattern, text), f"fit output lacks '13/13 ... acc: ... - val_loss: ...':\n{out.getvalue()}")
