"""The README's first command: ``python -m kcore.examples.mnist --path ../shared/data/mnist.npz``.

Run here on a small generated file in Keras' mnist.npz layout, with the path given relative to the
current folder as the README gives it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent


def _write_mnist(path: Path, n_train: int = 640, n_test: int = 128) -> None:
    rng = np.random.default_rng(0)
    y_train = rng.integers(0, 10, n_train).astype("uint8")
    y_test = rng.integers(0, 10, n_test).astype("uint8")
    # Learnable digits: a bright row per class on noise.
    def images(labels):
        x = rng.integers(0, 60, (len(labels), 28, 28)).astype("uint8")
        x[np.arange(len(labels)), labels * 2 + 4, :] = 255
        return x
    np.savez(path, x_train=images(y_train), y_train=y_train, x_test=images(y_test), y_test=y_test)


def test_readme_main_job_with_a_relative_path(tmp_path):
    (tmp_path / "data").mkdir()
    _write_mnist(tmp_path / "data" / "mnist.npz")
    work = tmp_path / "checkout"
    work.mkdir()
    env = dict(os.environ, KCORE_HOME=str(tmp_path / "home"), COLUMNS="100")
    result = subprocess.run([sys.executable, "-m", "kcore.examples.mnist", "--path", "../data/mnist.npz",
                             "--seed", "0"], cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert 'Model: "mnist_model"' in out and "Total params: 55,050" in out
    assert "Epoch 2/2" in out and "val_accuracy" in out
    accuracy = float(out.split("Test accuracy:")[1].split()[0])
    assert accuracy > 0.9, out[-1500:]


def test_main_job_says_where_to_put_a_missing_file(tmp_path):
    env = dict(os.environ, KCORE_HOME=str(tmp_path / "home"))
    result = subprocess.run([sys.executable, "-m", "kcore.examples.mnist"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 1
    assert str(tmp_path / "home" / "datasets" / "mnist.npz") in result.stderr
