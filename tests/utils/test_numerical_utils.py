"""to_categorical / normalize / set_random_seed against keras.utils."""

import os
import random
import sys
import types

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", os.environ.get("KCORE_BACKEND", "numpy"))

import keras  # noqa: E402  (test oracle)

from kcore.utils import normalize, set_random_seed, to_categorical  # noqa: E402


@pytest.mark.parametrize("labels, num_classes", [
    ([0, 2, 1, 2], None),
    (np.array([[1], [0], [3]]), None),          # (N, 1) -> (N, C)
    (np.array([[1], [0], [3]]), 6),
    (np.array([[0, 1], [2, 1]]), 4),            # (N, 2) -> (N, 2, C)
    (np.array([3, 1], dtype="uint8"), 5),
])
def test_to_categorical_matches_keras(labels, num_classes):
    ours = to_categorical(labels, num_classes)
    theirs = keras.utils.to_categorical(np.asarray(labels), num_classes)
    assert ours.shape == theirs.shape
    # Keras gives float64 for NumPy labels on jax/torch/tensorflow (float32 on its numpy backend).
    assert ours.dtype == np.float64
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("labels, lo, hi", [([0, 5], 0, 5), ([-1, 2], -1, 2)])
def test_to_categorical_rejects_out_of_range(labels, lo, hi):
    with pytest.raises(ValueError, match=rf"\[0, 3\).*num_classes=3.*{lo} to {hi}"):
        to_categorical(labels, num_classes=3)


def test_to_categorical_accepts_tensor_like():
    class T:  # a backend tensor exposing .numpy()
        def numpy(self):
            return np.array([[2], [0]])

    np.testing.assert_array_equal(to_categorical(T()), [[0, 0, 1], [1, 0, 0]])


@pytest.mark.parametrize("axis, order", [(-1, 2), (1, 1), (-1, np.inf)])
def test_normalize_matches_keras(axis, order):
    x = np.random.default_rng(0).normal(size=(4, 5)).astype("float32")
    x[2] = 0.0  # zero rows stay zero
    ours = normalize(x, axis=axis, order=order)
    theirs = keras.utils.normalize(x, axis=axis, order=order)
    assert ours.dtype == theirs.dtype == np.float32
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_normalize_axis0_and_ints():
    x = np.array([[3, 1], [4, 0]])
    out = normalize(x, axis=0)
    np.testing.assert_allclose(out, [[0.6, 1.0], [0.8, 0.0]])
    assert out.dtype == np.float64


def test_set_random_seed_seeds_python_numpy_and_kcore(monkeypatch):
    seen = []
    fake = types.ModuleType("kcore.random.seed_generator")
    fake.set_global_seed = seen.append
    monkeypatch.setitem(sys.modules, "kcore.random.seed_generator", fake)
    set_random_seed(123)
    a = (random.random(), np.random.rand())
    set_random_seed(123)
    assert (random.random(), np.random.rand()) == a
    assert seen == [123, 123]


@pytest.mark.parametrize("bad", [1.5, "3", None, True])
def test_set_random_seed_rejects_non_int(bad):
    with pytest.raises(ValueError, match="integer seed"):
        set_random_seed(bad)
