"""Keras 3 writes .keras files (in a subprocess); kcore loads them and matches Keras' predictions at 1e-5."""

from __future__ import annotations

import numpy as np
import pytest

import kcore
from kcore.saving import KerasFileError

from . import model_zoo
from .helpers import arrays, assert_all_close, model_inputs, run_keras

# Needs Keras and kcore on several backends at once: run by the tox `interop` env.
pytestmark = pytest.mark.interop

model_zoo.scale_dense_class(kcore)

ALL = list(model_zoo.BUILDERS)
# Keras on torch: a smaller set (the files do not depend on the backend, the writer's numerics do).
TORCH_SUBSET = ["functional_multi_io", "sequential", "custom_layer", "trained"]


@pytest.fixture(scope="module")
def keras_files(tmp_path_factory):
    dirs = {}
    for backend, names in (("jax", ALL), ("torch", TORCH_SUBSET)):
        directory = tmp_path_factory.mktemp(f"keras_{backend}")
        run_keras("write", directory, backend, *names)
        dirs[backend] = directory
    return dirs


CASES = [("jax", n) for n in ALL] + [("torch", n) for n in TORCH_SUBSET]


@pytest.mark.parametrize("writer,name", CASES, ids=[f"{w}-{n}" for w, n in CASES])
def test_kcore_loads_keras_file_with_same_predictions(keras_files, writer, name):
    directory = keras_files[writer]
    data = np.load(directory / f"{name}.npz")
    model = kcore.models.load_model(directory / f"{name}.keras")
    outputs = model_zoo.flat_outputs(model.predict(model_inputs(data), verbose=0))
    assert_all_close(outputs, arrays(data, "out_"), atol=1e-5)


@pytest.mark.parametrize("writer", ["jax", "torch"])
def test_optimizer_state_and_resumed_training_match_keras(keras_files, writer):
    directory = keras_files[writer]
    data = np.load(directory / "trained.npz")
    model = kcore.models.load_model(directory / "trained.keras")
    assert type(model.optimizer).__name__ == "Adam"
    saved = arrays(data, "opt_")
    assert_all_close([v.numpy() for v in model.optimizer.variables], saved, atol=1e-7, what="optimizer variables")
    x, y = model_zoo.training_data(seed=2)
    history = model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], data["resume_loss"], rtol=1e-5, atol=1e-6)
    assert_all_close([model.predict(data["in_0"], verbose=0)], [data["resume_out"]], atol=1e-5)


def test_compile_false_skips_optimizer(keras_files):
    model = kcore.models.load_model(keras_files["jax"] / "trained.keras", compile=False)
    assert model.optimizer is None
    data = np.load(keras_files["jax"] / "trained.npz")
    assert_all_close([model.predict(data["in_0"], verbose=0)], arrays(data, "out_"))


def test_weights_only_from_a_keras_file(keras_files):
    model = model_zoo.BUILDERS["nested"](kcore)
    model.load_weights(keras_files["jax"] / "nested.keras")
    data = np.load(keras_files["jax"] / "nested.npz")
    assert_all_close([model.predict(model_inputs(data), verbose=0)], arrays(data, "out_"))


def test_npz_weights_member(keras_files):
    """Keras can write model.weights.npz (pickled); kcore reads the arrays without unpickling other objects."""
    data = np.load(keras_files["jax"] / "trained.npz")
    model = kcore.models.load_model(keras_files["jax"] / "trained_npz.keras")
    assert_all_close([model.predict(data["in_0"], verbose=0)], arrays(data, "out_"))
    assert_all_close([v.numpy() for v in model.optimizer.variables], arrays(data, "opt_"), atol=1e-7)
    # Keras on torch pickles torch tensors: refused, never unpickled.
    with pytest.raises(KerasFileError, match="npz"):
        kcore.models.load_model(keras_files["torch"] / "trained_npz.keras")
