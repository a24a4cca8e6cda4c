"""DTypePolicy: the variable and compute dtypes of a layer (``"mixed_float16"`` etc.)."""

from __future__ import annotations

from typing import Any


class DTypePolicy:
    """A layer's dtype policy; serialized as Keras' ``DTypePolicy`` object."""

    _cache: dict[str, "DTypePolicy"] = {}

    def __init__(self, name: str | None = None) -> None:
        from kcore import backend
        from kcore.dtypes import standardize_dtype

        name = name or backend.floatx()
        if name.startswith("mixed_"):
            self.compute_dtype = standardize_dtype(name[len("mixed_"):])
            self.variable_dtype = "float32"
        else:
            self.compute_dtype = self.variable_dtype = standardize_dtype(name)
        self.name = name

    @classmethod
    def get(cls, value: Any) -> "DTypePolicy":
        if isinstance(value, DTypePolicy):
            return value
        if isinstance(value, dict):
            return cls.from_config_value(value)
        if value is not None and not isinstance(value, str):
            from kcore.dtypes import standardize_dtype

            value = standardize_dtype(value)
        key = value or ""
        policy = cls._cache.get(key)
        if policy is None:
            policy = cls._cache[key] = cls(value)
        return policy

    @classmethod
    def from_config_value(cls, value: dict) -> "DTypePolicy":
        if not isinstance(value, dict) or not isinstance(value.get("config"), dict):
            raise ValueError(f"Invalid dtype policy config: {value!r}")
        return cls.get(value["config"].get("name"))

    def serialize(self) -> dict:
        return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": self.name}, "registered_name": None}

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self.name}">'
