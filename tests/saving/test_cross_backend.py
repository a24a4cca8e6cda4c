"""Save on any backend, load on any other: the same predictions for all 16 (saver, loader) pairs."""

from __future__ import annotations

import numpy as np
import pytest

from .helpers import HERE, run_python

# Needs Keras and kcore on several backends at once: run by the tox `interop` env.
pytestmark = pytest.mark.interop

BACKENDS = ["numpy", "jax", "torch", "tensorflow"]


@pytest.fixture(scope="module")
def exchanged(tmp_path_factory):
    directory = tmp_path_factory.mktemp("cross_backend")
    for command in ("save", "load"):
        for backend in BACKENDS:
            run_python(HERE / "cross_backend_worker.py", command, str(directory), env={"KCORE_BACKEND": backend})
    return directory


@pytest.mark.parametrize("loader", BACKENDS)
@pytest.mark.parametrize("saver", BACKENDS)
def test_predictions_survive_backend_change(exchanged, saver, loader):
    saved = np.load(exchanged / f"{saver}.npz")
    loaded = np.load(exchanged / f"{saver}.{loader}.out.npz")
    np.testing.assert_allclose(loaded["y"], saved["y"], atol=1e-6, rtol=1e-5)
    assert int(loaded["iterations"]) == int(saved["iterations"]) == 2
