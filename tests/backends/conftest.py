"""Each backend's own tests run in that backend's tox env, where its framework is installed.

The files here test one plugin class directly; tox runs one env per backend,
so only the active backend's file is collected (the others are not skipped:
they run in their own envs).
"""

import os

BACKEND_TEST_FILES = {
    "numpy": ["test_numpy_gradients.py"],
    "jax": ["test_jax_backend.py"],
    "torch": ["test_torch_backend.py", "test_torch_compile.py"],
    "tensorflow": ["test_tensorflow_backend.py", "test_tensorflow_compile.py"],
}

_active = os.environ.get("KCORE_BACKEND", "numpy")
collect_ignore = [f for name, files in BACKEND_TEST_FILES.items() if name != _active for f in files]


def _check_every_file_is_listed() -> None:
    """A new test file here must name its backend above, or it would be collected (and skip) everywhere."""
    from pathlib import Path

    listed = {f for files in BACKEND_TEST_FILES.values() for f in files}
    unlisted = sorted(p.name for p in Path(__file__).parent.glob("test_*.py") if p.name not in listed)
    if unlisted:
        raise RuntimeError(f"tests/backends/conftest.py: add {unlisted} to BACKEND_TEST_FILES")


_check_every_file_is_listed()
