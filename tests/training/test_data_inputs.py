"""The data fit/evaluate/predict accept (arrays, lists, dicts, generators, native pipelines) and bad-data errors.

Framework pipelines (``tf.data``, torch ``DataLoader``) are exercised whenever the
framework is importable, whatever the active backend; without it the test checks
that the plugin hooks leave other objects alone.
"""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import pytest

import kcore as keras
from kcore import layers
from kcore.backend.plugin_manager import adapt_data

RNG = np.random.default_rng(2)
XA = RNG.normal(size=(48, 4)).astype("float32")
XB = RNG.normal(size=(48, 2)).astype("float32")
Y_CLS = RNG.integers(0, 3, size=(48,))
Y_REG = RNG.normal(size=(48, 1)).astype("float32")


def two_in_two_out(seed: int = 0):
    keras.utils.set_random_seed(seed)
    a = keras.Input((4,), name="a")
    b = keras.Input((2,), name="b")
    h = layers.concatenate([layers.Dense(6, activation="relu")(a), b])
    model = keras.Model([a, b], {"cls": layers.Dense(3, name="cls")(h), "reg": layers.Dense(1, name="reg")(h)})
    model.compile(keras.optimizers.SGD(0.05),
                  loss={"cls": keras.losses.SparseCategoricalCrossentropy(from_logits=True), "reg": "mse"})
    return model


def single(seed: int = 0):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((4,), name="features")
    model = keras.Model(inputs, layers.Dense(3, name="logits")(layers.Dense(6, activation="relu")(inputs)))
    model.compile(keras.optimizers.SGD(0.05), keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def fit_weights(model, *args, **kwargs):
    kwargs.setdefault("verbose", 0)
    history = model.fit(*args, **kwargs)
    return model.get_weights(), history


def assert_same_weights(a, b):
    for wa, wb in zip(a, b):
        np.testing.assert_allclose(wa, wb, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------ structures
def test_lists_and_dicts_keyed_by_input_and_output_names_are_equivalent():
    ref, _ = fit_weights(two_in_two_out(), [XA, XB], [Y_CLS, Y_REG], batch_size=16, shuffle=False)
    by_name, _ = fit_weights(two_in_two_out(), {"b": XB, "a": XA}, {"reg": Y_REG, "cls": Y_CLS},
                             batch_size=16, shuffle=False)
    assert_same_weights(ref, by_name)
    model = two_in_two_out()
    logs = model.evaluate({"a": XA, "b": XB}, {"cls": Y_CLS, "reg": Y_REG}, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "cls_loss", "reg_loss"}


def test_python_generator_with_steps_per_epoch_runs_on_across_epochs():
    pulled = []

    def batches():
        i = 0
        while True:
            pulled.append(i)
            s = slice(i % 3 * 16, i % 3 * 16 + 16)
            yield XA[s], Y_CLS[s]
            i += 1

    model = single()
    history = model.fit(batches(), steps_per_epoch=3, epochs=2, verbose=0)
    assert pulled == list(range(6)) and history.epoch == [0, 1]
    ref, _ = fit_weights(single(), XA, Y_CLS, batch_size=16, epochs=2, shuffle=False)
    assert_same_weights(model.get_weights(), ref)


def test_one_shot_generator_running_dry_stops_training_with_a_warning():
    model = single()
    gen = ((XA[i:i + 16], Y_CLS[i:i + 16]) for i in range(0, 48, 16))
    with pytest.warns(UserWarning, match="ran out of data in epoch 2"):
        history = model.fit(gen, epochs=3, verbose=0)
    assert history.epoch == [0]


class NumpyBatches:
    """A re-iterable, sized source of NumPy batches (what a jax input pipeline usually is)."""

    def __init__(self, batch_size: int, with_weights: bool = False) -> None:
        self.batch_size, self.with_weights = batch_size, with_weights

    def __len__(self) -> int:
        return -(-48 // self.batch_size)

    def __iter__(self):
        for i in range(0, 48, self.batch_size):
            s = slice(i, i + self.batch_size)
            yield (XA[s], Y_CLS[s], np.linspace(0, 1, 48, dtype="float32")[s]) if self.with_weights \
                else (XA[s], Y_CLS[s])


def test_reiterable_batches_with_sample_weights_match_arrays(capsys):
    ours, history = fit_weights(single(), NumpyBatches(16, with_weights=True), epochs=2, verbose=2)
    assert "3/3 - " in capsys.readouterr().out  # the length is known
    ref, ref_history = fit_weights(single(), XA, Y_CLS, sample_weight=np.linspace(0, 1, 48, dtype="float32"),
                                   batch_size=16, epochs=2, shuffle=False)
    assert_same_weights(ours, ref)
    assert history.history["loss"] == pytest.approx(ref_history.history["loss"], rel=1e-5)
    model = single()
    assert model.evaluate(NumpyBatches(10), verbose=0) == pytest.approx(model.evaluate(XA, Y_CLS, verbose=0))
    np.testing.assert_allclose(model.predict(NumpyBatches(10), verbose=0), model.predict(XA, verbose=0),
                               rtol=1e-5, atol=1e-6)


def test_validation_data_as_a_generator_with_validation_steps():
    model = single()

    def val():
        while True:
            yield XA[:16], Y_CLS[:16]

    history = model.fit(XA, Y_CLS, epochs=2, validation_data=val(), validation_steps=2, verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(model.evaluate(XA[:16], Y_CLS[:16], verbose=0)[0])


# ------------------------------------------------------- framework pipelines
def test_tf_data_dataset():
    if importlib.util.find_spec("tensorflow") is None:
        assert adapt_data(object()) is None and adapt_data([XA]) is None
        return
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices((XA, Y_CLS)).batch(16)
    ours, _ = fit_weights(single(), ds, epochs=2)
    ref, _ = fit_weights(single(), XA, Y_CLS, batch_size=16, epochs=2, shuffle=False)
    assert_same_weights(ours, ref)
    model = two_in_two_out()
    guide_form = tf.data.Dataset.from_tensor_slices(
        ({"a": XA, "b": XB}, {"cls": Y_CLS, "reg": Y_REG})).batch(16)  # the guide's dict form
    history = model.fit(guide_form, epochs=1, verbose=0)
    assert set(history.history) == {"loss", "cls_loss", "reg_loss"}
    preds = model.predict(tf.data.Dataset.from_tensor_slices({"a": XA, "b": XB}).batch(16), verbose=0)
    assert list(preds) == ["cls", "reg"] and preds["cls"].shape == (48, 3)


def test_torch_dataloader():
    if importlib.util.find_spec("torch") is None:
        assert adapt_data(object()) is None and adapt_data(iter([XA])) is None
        return
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    loader = DataLoader(TensorDataset(torch.from_numpy(XA), torch.from_numpy(Y_CLS)), batch_size=16)
    ours, _ = fit_weights(single(), loader, epochs=2)
    ref, _ = fit_weights(single(), XA, Y_CLS, batch_size=16, epochs=2, shuffle=False)
    assert_same_weights(ours, ref)
    model = single()
    assert model.evaluate(loader, verbose=0) == pytest.approx(model.evaluate(XA, Y_CLS, verbose=0), rel=1e-6)


# --------------------------------------------------------------- bad data
def test_mismatched_sample_counts_name_the_arrays():
    with pytest.raises(ValueError, match=r"'a' has 48, 'b' has 40, 'cls' has 48, 'reg' has 48 samples"):
        two_in_two_out().fit({"a": XA, "b": XB[:40]}, {"cls": Y_CLS, "reg": Y_REG}, verbose=0)
    with pytest.raises(ValueError, match=r"'x' has 48, 'y' has 47 samples"):
        single().fit(XA, Y_CLS[:47], verbose=0)


def test_wrong_dict_keys_are_reported():
    with pytest.raises(ValueError, match=r"missing \['b'\] \(received keys: \['a', 'c'\]\)"):
        two_in_two_out().fit({"a": XA, "c": XB}, {"cls": Y_CLS, "reg": Y_REG}, verbose=0)
    with pytest.raises(ValueError, match=r"`y` has key\(s\) \['klass'\] that are not outputs.*\['cls', 'reg'\]"):
        two_in_two_out().fit({"a": XA, "b": XB}, {"klass": Y_CLS, "reg": Y_REG}, verbose=0)
    with pytest.raises(ValueError, match=r"No target was given for output 'cls'"):
        two_in_two_out().fit({"a": XA, "b": XB}, {"reg": Y_REG}, verbose=0)


def test_wrong_ranks_and_shapes_name_the_input_and_the_shapes():
    with pytest.raises(ValueError, match=r"Input 'features'.*expected shape=\(None, 4\), found shape=\(32, 5\)"):
        single().fit(np.zeros((48, 5), "float32"), Y_CLS, verbose=0)
    with pytest.raises(ValueError, match=r"Input 'features'.*expected shape=\(None, 4\), found shape=\(32, 4, 2\)"):
        single().predict(np.zeros((48, 4, 2), "float32"), verbose=0)
    with pytest.raises(ValueError, match=r"expects 2 input\(s\), but it received 1"):
        two_in_two_out().fit([XA], [Y_CLS, Y_REG], verbose=0)
    with pytest.raises(ValueError, match=r"Target for output 'logits' has shape \(48, 3, 2\).*expected targets of "
                                         r"shape \(None,\)"):
        single().fit(XA, np.zeros((48, 3, 2)), verbose=0)
    model = single()
    model.compile("sgd", "categorical_crossentropy")
    with pytest.raises(ValueError, match=r"Target for output 'logits' has shape \(48, 4\).*\(None, 3\)"):
        model.fit(XA, np.eye(4)[Y_CLS], verbose=0)


def test_labels_out_of_range_for_sparse_crossentropy():
    bad = Y_CLS.copy()
    bad[7] = 3
    with pytest.raises(ValueError, match=r"Labels for output 'logits' are out of range: found values in \[0, 3\] "
                                         r"but the output has 3 classes"):
        single().fit(XA, bad, verbose=0)
    with pytest.raises(ValueError, match=r"out of range: found values in \[-1, 2\]"):
        single().evaluate(((XA[i:i + 16], np.where(Y_CLS[i:i + 16] == 0, -1, Y_CLS[i:i + 16]))
                           for i in range(0, 48, 16)), verbose=0)


def test_generator_misuse_is_reported():
    gen = ((XA, Y_CLS) for _ in range(2))
    with pytest.raises(ValueError, match=r"`validation_split` is only supported for array inputs"):
        single().fit(gen, validation_split=0.2, verbose=0)
    with pytest.raises(ValueError, match=r"`y` must not be passed when `x` is a generator"):
        single().fit(gen, Y_CLS, verbose=0)
    with pytest.raises(ValueError, match=r"training data produced no batches"):
        single().fit(iter([]), verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        single().fit(XA, Y_CLS, epochs=2, verbose=0)  # arrays never warn
