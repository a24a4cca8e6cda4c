"""kcore.models: Model, Sequential, Functional and (de)serialization entry points."""

from kcore.models.functional import Functional
from kcore.models.model import Model
from kcore.models.sequential import Sequential


def __getattr__(name: str):
    if name in ("load_model", "model_from_json", "clone_model", "save_model"):
        from kcore.saving import api

        return getattr(api, name)
    raise AttributeError(f"module 'kcore.models' has no attribute {name!r}")
