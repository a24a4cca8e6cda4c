"""kcore: the Keras 3 API on pluggable backends.

``import kcore as keras`` gives ``keras.Input``, ``keras.Model``,
``keras.Sequential``, ``keras.layers``, ``keras.ops`` and the rest of the
Keras 3 namespaces. Importing kcore loads no framework: the active backend
(``KCORE_BACKEND``, ``$KCORE_HOME/kcore.json``, else ``numpy``) is imported
on first use.
"""

from __future__ import annotations

import importlib
import sys

from kcore.version import __version__

_SUBMODULES = {
    "activations", "applications", "backend", "callbacks", "constraints", "datasets", "initializers",
    "layers", "losses", "metrics", "models", "ops", "optimizers", "random", "regularizers", "saving",
    "utils", "conformance", "dtypes",
}
_ATTRIBUTES = {
    "Input": "kcore.layers.input_layer",
    "InputSpec": "kcore.layers.input_spec",
    "Layer": "kcore.layers.layer",
    "Model": "kcore.models.model",
    "Sequential": "kcore.models.sequential",
    "Functional": "kcore.models.functional",
    "Variable": "kcore.variables",
    "KerasTensor": "kcore.graph.keras_tensor",
    "DTypePolicy": "kcore.layers.dtype_policy",
}


def __getattr__(name: str):
    if name in _SUBMODULES:
        module = importlib.import_module(f"kcore.{name}")
        globals()[name] = module
        return module
    if name in _ATTRIBUTES:
        value = getattr(importlib.import_module(_ATTRIBUTES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kcore' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _SUBMODULES | set(_ATTRIBUTES))


def _one_line_backend_errors(exc_type, exc, tb, _previous=sys.excepthook):
    """Uncaught backend-selection errors print one clear line, not a traceback."""
    from kcore.backend.errors import BackendError

    if isinstance(exc, BackendError):
        print(str(exc), file=sys.stderr)
        return
    _previous(exc_type, exc, tb)


sys.excepthook = _one_line_backend_errors
