"""The Functional API guide's toy ResNet and multi-input/multi-output ticket model, trained with the guide's code.

The model and compile/fit code is the guide's, with ``import kcore as keras``; only the data is
smaller (random, as in the guide) so that every backend trains them in seconds.
"""

from __future__ import annotations

import numpy as np
import pytest

import kcore as keras
from kcore import layers


def build_toy_resnet():
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

    return keras.Model(inputs, outputs, name="toy_resnet")


def test_toy_resnet_trains_with_the_guides_code(capsys):
    keras.utils.set_random_seed(0)
    model = build_toy_resnet()
    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 256, size=(64, 32, 32, 3)).astype("uint8")  # CIFAR10-like
    y_train = rng.integers(0, 10, size=(64, 1))

    x_train = x_train.astype("float32") / 255.0
    y_train = keras.utils.to_categorical(y_train, 10)

    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["acc"],
    )
    history = model.fit(
        x_train[:64],
        y_train[:64],
        batch_size=16,
        epochs=1,
        validation_split=0.25,
    )
    assert set(history.history) == {"acc", "loss", "val_acc", "val_loss"}
    assert all(np.isfinite(v[0]) for v in history.history.values())
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("3/3 ") and " - acc: " in line and " - val_acc: " in line  # the guide's log keys
    assert model.predict(x_train[:4], verbose=0).shape == (4, 10)


num_tags = 12  # Number of unique issue tags
num_words = 10000  # Size of vocabulary obtained when preprocessing text data
num_departments = 4  # Number of departments for predictions


def build_ticket_model():
    title_input = keras.Input(
        shape=(None,), name="title"
    )  # Variable-length sequence of ints
    body_input = keras.Input(shape=(None,), name="body")  # Variable-length sequence of ints
    tags_input = keras.Input(
        shape=(num_tags,), name="tags"
    )  # Binary vectors of size `num_tags`

    # Embed each word in the title into a 64-dimensional vector
    title_features = layers.Embedding(num_words, 64)(title_input)
    # Embed each word in the text into a 64-dimensional vector
    body_features = layers.Embedding(num_words, 64)(body_input)

    # Reduce sequence of embedded words in the title into a single 128-dimensional vector
    title_features = layers.LSTM(128)(title_features)
    # Reduce sequence of embedded words in the body into a single 32-dimensional vector
    body_features = layers.LSTM(32)(body_features)

    # Merge all available features into a single large vector via concatenation
    x = layers.concatenate([title_features, body_features, tags_input])

    # Stick a logistic regression for priority prediction on top of the features
    priority_pred = layers.Dense(1, name="priority")(x)
    # Stick a department classifier on top of the features
    department_pred = layers.Dense(num_departments, name="department")(x)

    # Instantiate an end-to-end model predicting both priority and department
    return keras.Model(
        inputs=[title_input, body_input, tags_input],
        outputs={"priority": priority_pred, "department": department_pred},
    )


def ticket_data(n: int = 96):
    np.random.seed(0)
    # Dummy input data (shorter sequences than the guide's, same kinds)
    title_data = np.random.randint(num_words, size=(n, 10))
    body_data = np.random.randint(num_words, size=(n, 16))
    tags_data = np.random.randint(2, size=(n, num_tags)).astype("float32")

    # Dummy target data
    priority_targets = np.random.random(size=(n, 1))
    dept_targets = np.random.randint(2, size=(n, num_departments))
    return title_data, body_data, tags_data, priority_targets, dept_targets


def compile_guide_list_form(model):
    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[
            keras.losses.BinaryCrossentropy(from_logits=True),
            keras.losses.CategoricalCrossentropy(from_logits=True),
        ],
        loss_weights=[1.0, 0.2],
    )


def test_ticket_model_trains_with_the_guides_code():
    keras.utils.set_random_seed(0)
    model = build_ticket_model()
    compile_guide_list_form(model)
    title_data, body_data, tags_data, priority_targets, dept_targets = ticket_data()
    history = model.fit(
        {"title": title_data, "body": body_data, "tags": tags_data},
        {"priority": priority_targets, "department": dept_targets},
        epochs=3,
        batch_size=32,
        verbose=0,
    )
    losses = history.history["loss"]
    assert set(history.history) == {"loss", "priority_loss", "department_loss"}
    assert np.all(np.isfinite(losses)) and losses[0] > losses[1] > losses[2], losses
    # The list pairs BinaryCrossentropy with `priority` (the dict's first output): its loss is a BCE value.
    assert 0.5 < history.history["priority_loss"][0] < 0.9
    preds = model.predict({"title": title_data[:5], "body": body_data[:5], "tags": tags_data[:5]}, verbose=0)
    assert list(preds) == ["priority", "department"]
    assert preds["priority"].shape == (5, 1) and preds["department"].shape == (5, num_departments)


def test_ticket_model_dict_compile_form_and_list_data_agree():
    keras.utils.set_random_seed(0)
    by_list = build_ticket_model()
    compile_guide_list_form(by_list)
    keras.utils.set_random_seed(0)
    by_name = build_ticket_model()
    by_name.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={
            "priority": keras.losses.BinaryCrossentropy(from_logits=True),
            "department": keras.losses.CategoricalCrossentropy(from_logits=True),
        },
        loss_weights={"priority": 1.0, "department": 0.2},
    )
    title_data, body_data, tags_data, priority_targets, dept_targets = ticket_data(64)
    as_dicts = by_list.evaluate({"title": title_data, "body": body_data, "tags": tags_data},
                                {"priority": priority_targets, "department": dept_targets}, verbose=0)
    as_lists = by_name.evaluate([title_data, body_data, tags_data], [priority_targets, dept_targets], verbose=0)
    assert as_lists == pytest.approx(as_dicts, rel=1e-5)
