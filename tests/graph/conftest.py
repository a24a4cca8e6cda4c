"""The keras oracle subprocess shared by the graph tests (see keras_oracle.py)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def _oracle_backend() -> str:
    """keras' numpy backend (the fastest to build models; it needs jax), else the env's keras backend."""
    if importlib.util.find_spec("jax") is not None:
        return "numpy"
    return os.environ.get("KERAS_BACKEND") or "tensorflow"


class KerasOracle:
    """A keras process answering JSON requests; started on first use, once per session."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._stderr = tempfile.TemporaryFile(mode="w+")

    def ask(self, op: str, **payload):
        if self._proc is None:
            env = dict(os.environ, KERAS_BACKEND=_oracle_backend(), TF_CPP_MIN_LOG_LEVEL="3", PYTHONWARNINGS="ignore")
            for var in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):  # rich must print plain text
                env.pop(var, None)
            self._proc = subprocess.Popen(
                [sys.executable, str(HERE / "keras_oracle.py")], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=self._stderr, text=True, env=env,
            )
        self._proc.stdin.write(json.dumps(dict(payload, op=op)) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            self._stderr.seek(0)
            raise RuntimeError(f"the keras oracle exited (code {self._proc.wait()}) while answering {op!r}:\n"
                               f"{self._stderr.read()[-3000:]}")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"keras oracle, {op!r}: {answer['error']}")
        return answer["ok"]

    def close(self) -> None:
        if self._proc is not None:
            self._proc.stdin.close()
            self._proc.wait(timeout=60)
            self._proc = None
        self._stderr.close()


@pytest.fixture(scope="session")
def keras_oracle():
    oracle = KerasOracle()
    yield oracle
    oracle.close()
