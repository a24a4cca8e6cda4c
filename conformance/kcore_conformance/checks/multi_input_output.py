"""Guide, "Models with multiple inputs and outputs": the ticket model (title, body, tags -> priority, department).

Runs the guide's code: the model, its plot, both ``compile`` forms (lists and
dicts keyed by output name, with ``loss_weights``) and ``fit`` on dicts of
NumPy arrays, then ``fit`` on batches shaped as the guide's note on ``Dataset``
objects says (tuples of dicts, tuples of lists). Differences from the guide, to
keep the suite fast and the check meaningful: 256 samples instead of 1,280,
bodies of 20 words instead of 100 (the inputs have variable length), and
targets computed from the tags (instead of random) so that the loss can fall.
"""

from __future__ import annotations

import numpy as np

import kcore as keras
from kcore import layers

from kcore_conformance._support import (
    expect, expect_close, expect_finite, expect_png, expect_shape,
)

SECTION = "Models with multiple inputs and outputs"

N_SAMPLES = 256


class _Batches:
    """A re-iterable stand-in for a ``Dataset``: yields ``(inputs, targets)`` batches (the first four)."""

    def __init__(self, inputs, targets, batch_size: int) -> None:
        self.inputs, self.targets, self.batch_size = inputs, targets, batch_size

    def __len__(self) -> int:
        return 4

    def __iter__(self):
        def take(structure, sl):
            if isinstance(structure, dict):
                return {k: v[sl] for k, v in structure.items()}
            return [v[sl] for v in structure]

        for i in range(len(self)):
            sl = slice(i * self.batch_size, (i + 1) * self.batch_size)
            yield take(self.inputs, sl), take(self.targets, sl)


def check() -> None:
    num_tags = 12  # Number of unique issue tags
    num_words = 10000  # Size of vocabulary obtained when preprocessing text data
    num_departments = 4  # Number of departments for predictions

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
    model = keras.Model(
        inputs=[title_input, body_input, tags_input],
        outputs={"priority": priority_pred, "department": department_pred},
    )

    expect_shape(title_features, (None, 128), "LSTM(128)(title_features)")
    expect_shape(body_features, (None, 32), "LSTM(32)(body_features)")
    expect_shape(x, (None, 128 + 32 + num_tags), "layers.concatenate([...])")
    expect_shape(priority_pred, (None, 1), "priority_pred")
    expect_shape(department_pred, (None, num_departments), "department_pred")

    keras.utils.plot_model(model, "multi_input_and_output_model.png", show_shapes=True)
    expect_png("multi_input_and_output_model.png", "plot_model(ticket model, show_shapes=True)")

    # Dummy input data
    title_data = np.random.randint(num_words, size=(N_SAMPLES, 10))
    body_data = np.random.randint(num_words, size=(N_SAMPLES, 20))
    tags_data = np.random.randint(2, size=(N_SAMPLES, num_tags)).astype("float32")

    # Targets that depend on the tags, so that there is something to learn.
    priority_targets = tags_data[:, :3].mean(axis=1, keepdims=True)
    dept_targets = keras.utils.to_categorical(tags_data[:, 3] + 2 * tags_data[:, 4], num_departments)

    inputs = {"title": title_data, "body": body_data, "tags": tags_data}
    targets = {"priority": priority_targets, "department": dept_targets}

    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[
            keras.losses.BinaryCrossentropy(from_logits=True),
            keras.losses.CategoricalCrossentropy(from_logits=True),
        ],
        loss_weights=[1.0, 0.2],
    )
    list_form = model.evaluate(inputs, targets, batch_size=32, verbose=0, return_dict=True)

    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={
            "priority": keras.losses.BinaryCrossentropy(from_logits=True),
            "department": keras.losses.CategoricalCrossentropy(from_logits=True),
        },
        loss_weights={"priority": 1.0, "department": 0.2},
    )
    dict_form = model.evaluate(inputs, targets, batch_size=32, verbose=0, return_dict=True)
    # Both forms weigh the same losses: on the same weights they give the same total loss.
    expect_close(list_form["loss"], dict_form["loss"], "evaluate() loss, list vs dict compile form", rtol=1e-5)

    history = model.fit(
        {"title": title_data, "body": body_data, "tags": tags_data},
        {"priority": priority_targets, "department": dept_targets},
        epochs=2,
        batch_size=32,
        verbose=0,
    )
    losses = history.history["loss"]
    expect_finite(losses, "fit() loss")
    expect(losses[1] < losses[0], f"loss should fall over two epochs, got {losses}")

    # "When calling fit with a Dataset object, it should yield either a tuple of lists ... or a tuple of dictionaries"
    as_lists = _Batches([title_data, body_data, tags_data], [priority_targets, dept_targets], 32)
    as_dicts = _Batches(inputs, targets, 32)
    for what, data in (("a tuple of dictionaries", as_dicts), ("a tuple of lists", as_lists)):
        history = model.fit(data, epochs=1, verbose=0)
        expect("loss" in history.history, f"fit() on batches yielding {what}: no 'loss' in {sorted(history.history)}")
        expect_finite(history.history["loss"], f"fit() on batches yielding {what}")
