"""The one documented exception of kcore.saving, and its specific kinds.

Every malformed, truncated, hostile or incompatible file or config read by
:mod:`kcore.saving` raises :class:`KerasFileError` (a ``ValueError``), never an
unrelated traceback from zipfile, json, h5py or a layer constructor.
"""

from __future__ import annotations


class KerasFileError(ValueError):
    """A ``.keras`` archive, ``.weights.h5`` file or serialized config is invalid or cannot be loaded."""


class ConfigError(KerasFileError):
    """A serialized config (``config.json``, ``get_config()`` output) is malformed or names unknown objects."""


class UnsafeDeserializationError(KerasFileError):
    """Loading would execute code from the file (Lambda bytecode) or import a module the file names.

    Raised in safe mode (the default). Pass ``safe_mode=False`` only for files you trust.
    """


class WeightsMismatchError(KerasFileError):
    """Saved weights do not match the model's variables (count or shape)."""


__all__ = ["KerasFileError", "ConfigError", "UnsafeDeserializationError", "WeightsMismatchError"]
