"""Each backend's own tests run in that backend's tox env, where its framework is installed.

The files here test one plugin class directly; tox runs one env per backend,
so only the active backend's file is collected (the others are not skipped:
they run in their own envs).
"""

import os

BACKEND_TEST_FILES = {
    "numpy": "test_numpy_gradients.py",
    "jax": "test_jax_backend.py",
    "torch": "test_torch_backend.py",
    "tensorflow": "test_tensorflow_backend.py",
}

_active = os.environ.get("KCORE_BACKEND", "numpy")
collect_ignore = [f for name, f in BACKEND_TEST_FILES.items() if name != _active]
