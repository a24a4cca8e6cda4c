"""kcore writes .keras files; Keras 3 (in a subprocess) loads them and predicts what kcore predicts."""

from __future__ import annotations

import traceback

import numpy as np
import pytest

import kcore

from . import model_zoo
from .helpers import arrays, assert_all_close, run_keras

# Needs Keras and kcore on several backends at once: run by the tox `interop` env.
pytestmark = pytest.mark.interop

model_zoo.scale_dense_class(kcore)

NAMES = list(model_zoo.BUILDERS)
KERAS_READERS = ["jax", "torch"]


def _record(model, name, directory):
    x = model_zoo.inputs_for(name)
    record = {f"in_{i}": v for i, v in enumerate(x if isinstance(x, list) else [x])}
    if name == "ops_graph":
        # kcore's reference: the model rebuilt from its own file (ops replayed with their stored arguments).
        model = kcore.models.load_model(directory / f"{name}.keras")
    outputs = model_zoo.flat_outputs(model.predict(x, verbose=0))
    record.update({f"out_{i}": v for i, v in enumerate(outputs)})
    if getattr(model, "optimizer", None) is not None:
        record.update({f"opt_{i}": v.numpy() for i, v in enumerate(model.optimizer.variables)})
    return record


def _write(directory, name):
    if name == "unbuilt_optimizer":
        model = model_zoo.BUILDERS["trained"](kcore)  # compiled, never trained: optimizer not built
        model.save(directory / f"{name}.keras")
        np.savez(directory / f"{name}.npz", **_record(model, "trained", directory))
        return
    model = model_zoo.build(kcore, name)
    model.save(directory / f"{name}.keras")
    np.savez(directory / f"{name}.npz", **_record(model, name, directory))


@pytest.fixture(scope="module")
def keras_results(tmp_path_factory):
    """kcore writes every model (a failure is reported by that model's tests only), then Keras reads them all."""
    directory = tmp_path_factory.mktemp("kcore_files")
    failures = {}
    for name in NAMES + ["unbuilt_optimizer"]:
        try:
            _write(directory, name)
        except Exception:  # noqa: BLE001 - reported by the tests of this model
            failures[name] = traceback.format_exc(limit=-8)
            (directory / f"{name}.keras").unlink(missing_ok=True)
    for backend in KERAS_READERS:
        run_keras("read", directory, backend)
    return directory, failures


@pytest.mark.parametrize("reader", KERAS_READERS)
@pytest.mark.parametrize("name", NAMES + ["unbuilt_optimizer"])
def test_keras_loads_kcore_file_with_same_predictions(keras_results, name, reader):
    keras_results, failures = keras_results
    if name in failures:
        pytest.fail(f"kcore could not build or save {name!r}:\n{failures[name]}")
    expected = np.load(keras_results / f"{name}.npz")
    got = np.load(keras_results / f"{name}.{reader}.keras_out.npz")
    assert_all_close(arrays(got, "out_"), arrays(expected, "out_"), atol=1e-5)


@pytest.mark.parametrize("reader", KERAS_READERS)
def test_keras_restores_kcore_optimizer_state(keras_results, reader):
    keras_results, failures = keras_results
    assert "trained" not in failures, failures.get("trained")
    expected = np.load(keras_results / "trained.npz")
    got = np.load(keras_results / f"trained.{reader}.keras_out.npz")
    assert_all_close(arrays(got, "opt_"), arrays(expected, "opt_"), atol=1e-7, what="optimizer variables")
