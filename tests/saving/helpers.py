"""Shared helpers of the saving tests: running Keras (or kcore on another backend) in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def run_python(script: Path, *args: str, env: dict[str, str] | None = None, timeout: int = 300) -> str:
    """Run ``script`` with this interpreter; fail with its output if it exits non-zero."""
    full_env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(REPO), **(env or {})}
    proc = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, env=full_env,
                          timeout=timeout, cwd=str(REPO))
    if proc.returncode != 0:
        raise AssertionError(f"{script.name} {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")
    return proc.stdout


def run_keras(command: str, directory: Path, keras_backend: str, *names: str) -> str:
    return run_python(HERE / "keras_oracle.py", command, str(directory), *names,
                      env={"KERAS_BACKEND": keras_backend})


def arrays(data, prefix: str) -> list[np.ndarray]:
    keys = sorted((k for k in data.files if k.startswith(prefix)), key=lambda k: int(k[len(prefix):]))
    return [data[k] for k in keys]


def model_inputs(data):
    xs = arrays(data, "in_")
    return xs if len(xs) > 1 else xs[0]


def assert_all_close(actual: list, expected: list, atol: float = 1e-5, what: str = "outputs") -> None:
    assert len(actual) == len(expected), f"{what}: {len(actual)} arrays, expected {len(expected)}"
    for i, (a, e) in enumerate(zip(actual, expected)):
        a = np.asarray(a, dtype="float64")
        e = np.asarray(e, dtype="float64")
        assert a.shape == e.shape, f"{what}[{i}]: shape {a.shape}, expected {e.shape}"
        np.testing.assert_allclose(a, e, atol=atol, rtol=1e-5, err_msg=f"{what}[{i}]")
