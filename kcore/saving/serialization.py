"""Objects to and from the Keras 3 config schema.

Every object serializes as ``{"module", "class_name", "config",
"registered_name"}`` (plus ``build_config`` / ``compile_config`` where they
apply), with the module paths Keras 3 writes: built-in layers
``"keras.layers"``, initializers ``"keras.initializers"``, Functional
``"keras.src.models.functional"``, Sequential and DTypePolicy ``"keras"``...
Functions are written as Keras writes them (``{"module": "builtins",
"class_name": "function", "config": <name>}``) and Lambda bytecode as
``"__lambda__"``.

Deserialization never imports a module named by a config unless
``safe_mode=False``: names resolve to kcore's own classes (by their Keras
module path), to registered objects (``"Package>Name"``) or to
``custom_objects``. Anything else, and any Lambda bytecode, raises
:class:`~kcore.saving.errors.UnsafeDeserializationError` in safe mode.
"""

from __future__ import annotations

import base64
import builtins
import contextvars
import functools
import importlib
import inspect
import marshal
import types
from typing import Any, Callable, Mapping

import numpy as np

from kcore.saving import object_registration as registration
from kcore.saving.errors import ConfigError, KerasFileError, UnsafeDeserializationError

PLAIN_TYPES = (str, int, float, bool)
_FUNCTION = "function"
_KERAS_PACKAGES = ("keras", "kcore")

_SAFE_MODE_HELP = (
    "Loading it would run code stored in, or named by, the file. If (and only if) you trust the source of "
    "the file, pass `safe_mode=False` to the loading function (e.g. `kcore.models.load_model(path, "
    "safe_mode=False)`)."
)


# =================================================================== serialize
def serialize_keras_object(obj: Any) -> Any:
    """The Keras 3 config of ``obj`` (plain values, lists and dicts are converted recursively)."""
    if obj is None or isinstance(obj, PLAIN_TYPES):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict) and not hasattr(obj, "get_config"):
        return {str(k): serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {"class_name": "__slice__", "config": {
            "start": serialize_keras_object(obj.start), "stop": serialize_keras_object(obj.stop),
            "step": serialize_keras_object(obj.step)}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    from kcore.graph.keras_tensor import KerasTensor

    if isinstance(obj, KerasTensor):
        history = getattr(obj, "_keras_history", None)
        ref = [history.operation.name, history.node_index, history.tensor_index] if history is not None else None
        return {"class_name": "__keras_tensor__",
                "config": {"shape": list(obj.shape), "dtype": obj.dtype, "keras_history": ref}}
    if isinstance(obj, (np.ndarray, np.generic)):
        if isinstance(obj, np.ndarray) and obj.ndim > 0:
            from kcore.dtypes import standardize_dtype

            return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": standardize_dtype(obj.dtype)}}
        return np.asarray(obj).item()
    from kcore.layers.dtype_policy import DTypePolicy

    if isinstance(obj, DTypePolicy):
        return obj.serialize()
    if isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>":
        return {"class_name": "__lambda__", "config": {"value": list(dump_function(obj))}}
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)) or (
            callable(obj) and not hasattr(obj, "get_config") and hasattr(obj, "__name__") and not inspect.isclass(obj)):
        return {"module": "builtins", "class_name": _FUNCTION, "config": registration.get_registered_name(obj),
                "registered_name": _FUNCTION}
    if _is_tensor(obj):
        from kcore import ops
        from kcore.dtypes import standardize_dtype

        value = np.asarray(ops.convert_to_numpy(obj))
        return {"class_name": "__tensor__", "config": {"value": value.tolist(), "dtype": standardize_dtype(value.dtype)}}
    if inspect.isclass(obj):
        return registration.get_registered_name(obj)
    if not hasattr(obj, "get_config"):
        raise TypeError(
            f"Cannot serialize {obj!r} of type {type(obj).__name__}: to be serializable, a class must implement "
            "get_config()."
        )
    from kcore.saving import op_serialization

    if op_serialization.is_op_layer(obj):
        module, class_name, registered = op_serialization.op_identity(obj)
        inner = op_serialization.op_config(obj)
    else:
        module, registered = class_identity(type(obj))
        class_name = type(obj).__name__
        inner = obj.get_config()
        if not isinstance(inner, dict):
            raise TypeError(f"{type(obj).__name__}.get_config() must return a dict; it returned {inner!r}")
        inner = {k: serialize_keras_object(v) for k, v in inner.items()}
    config = {"module": module, "class_name": class_name, "config": inner, "registered_name": registered}
    _add_build_and_compile_config(obj, config)
    return config


def _is_tensor(obj: Any) -> bool:
    from kcore.variables import Variable

    if isinstance(obj, Variable):
        return True
    try:
        from kcore import backend

        return bool(backend.current().is_tensor(obj))
    except Exception:  # no backend available: not a tensor
        return False


def _add_build_and_compile_config(obj: Any, config: dict) -> None:
    if hasattr(obj, "get_build_config"):
        build_config = obj.get_build_config()
        if build_config is not None:
            config["build_config"] = serialize_keras_object(build_config)
    if hasattr(obj, "get_compile_config"):
        compile_config = obj.get_compile_config()
        if compile_config is not None:
            config["compile_config"] = serialize_keras_object(compile_config)


def class_identity(cls: type) -> tuple[str | None, str | None]:
    """``(module, registered_name)`` Keras writes for instances of ``cls``."""
    registered = registration.GLOBAL_CUSTOM_NAMES.get(cls)
    if registered is not None:
        return cls.__module__, registered
    public = _public_module(cls)
    if public is not None:
        return public
    return cls.__module__, cls.__name__


@functools.lru_cache(maxsize=None)
def _public_module(cls: type) -> tuple[str, str | None] | None:
    """The Keras module path of a kcore built-in class (``None`` for user classes)."""
    from kcore.layers.dtype_policy import DTypePolicy
    from kcore.layers.layer import Layer
    from kcore.models.functional import Functional
    from kcore.models.model import Model
    from kcore.models.sequential import Sequential

    if cls is Functional:
        return "keras.src.models.functional", "Functional"
    if cls in (Sequential, Model, DTypePolicy):
        return "keras", None
    own_module = cls.__dict__.get("_keras_module")
    if own_module is not None:
        return own_module, cls.__dict__.get("_keras_registered_name")
    name = cls.__name__
    if cls is Layer:
        return "keras.layers", None
    if cls.__module__.startswith("kcore."):
        for module, objects in _families_for_serialization():
            if objects().get(name) is cls:
                return module, None
    return None


def _families_for_serialization():
    def layers():
        import kcore.layers as layers_module

        return {n: getattr(layers_module, n) for n in dir(layers_module) if not n.startswith("_")}

    def family(path: str):
        def load():
            return getattr(importlib.import_module(path), "ALL_OBJECTS_DICT", {})

        return load

    return (("keras.layers", layers), ("keras.initializers", family("kcore.initializers")),
            ("keras.regularizers", family("kcore.regularizers")), ("keras.constraints", family("kcore.constraints")),
            ("keras.losses", family("kcore.losses")), ("keras.metrics", family("kcore.metrics")),
            ("keras.optimizers.schedules", family("kcore.optimizers.schedules")))


# ================================================================ deserialize
class _Context:
    """Options of one deserialization: user objects, safe mode, and whether to compile."""

    __slots__ = ("custom_objects", "safe_mode", "compile")

    def __init__(self, custom_objects: Mapping[str, Any] | None, safe_mode: bool, compile: bool) -> None:
        self.custom_objects = dict(custom_objects or {})
        self.safe_mode = safe_mode
        self.compile = compile


def deserialize_keras_object(config: Any, custom_objects: Mapping[str, Any] | None = None, safe_mode: bool = True,
                             compile: bool = True, **kwargs: Any) -> Any:
    """Rebuild the object described by a Keras 3 config (inverse of :func:`serialize_keras_object`).

    Args:
        config: a config dict, a list of them, or a plain value.
        custom_objects: extra ``name -> class or function`` (registered names like ``"Custom>Layer"``
            or plain class names).
        safe_mode: refuse Lambda bytecode and modules outside kcore/keras (default). An enclosing
            ``SafeModeScope`` takes precedence.
        compile: apply ``compile_config`` entries (never inside a call made with ``compile=False``).

    Raises:
        ConfigError: malformed config or unknown class. UnsafeDeserializationError: see ``safe_mode``.
    """
    kwargs.pop("module_objects", None)  # accepted for Keras compatibility; kcore resolves names itself
    if kwargs:
        raise TypeError(f"deserialize_keras_object() got unexpected arguments {sorted(kwargs)}")
    ambient = registration.in_safe_mode()
    outer = _current.get()
    ctx = _Context(custom_objects, ambient if ambient is not None else bool(safe_mode),
                   compile and (outer is None or outer.compile))
    return _with_context(ctx, lambda: _deserialize(config, ctx))


_current: contextvars.ContextVar[_Context | None] = contextvars.ContextVar("kcore_deserialization", default=None)


def _with_context(ctx: _Context, fn: Callable[[], Any]) -> Any:
    token = _current.set(ctx)
    try:
        with registration.CustomObjectScope(ctx.custom_objects), registration.SafeModeScope(ctx.safe_mode):
            return fn()
    finally:
        _current.reset(token)


def _lookup_custom(name: Any, ctx: _Context) -> Any:
    if not isinstance(name, str):
        return None
    return registration.get_registered_object(name, ctx.custom_objects)


def _deserialize(config: Any, ctx: _Context) -> Any:
    if config is None or isinstance(config, PLAIN_TYPES):
        if isinstance(config, str):
            custom = _lookup_custom(config, ctx)  # plain function names of older files
            if custom is not None:
                return custom
        return config
    if isinstance(config, (list, tuple)):
        return [_deserialize(x, ctx) for x in config]
    if not isinstance(config, dict):
        raise ConfigError(f"Could not parse config: expected a dict, list or plain value, received {type(config).__name__}")
    if "class_name" not in config or "config" not in config:
        return {k: _deserialize(v, ctx) for k, v in config.items()}
    class_name = config["class_name"]
    if not isinstance(class_name, str):
        raise ConfigError(f"'class_name' must be a string; received {class_name!r:.200}")
    inner = config["config"]
    special = _SPECIAL.get(class_name)
    if special is not None:
        return special(inner if inner is not None else {}, ctx)
    module = config.get("module")
    registered_name = config.get("registered_name")
    if module is not None and not isinstance(module, str):
        raise ConfigError(f"'module' of {class_name!r} must be a string or null; received {module!r:.200}")
    if registered_name is not None and not isinstance(registered_name, str):
        raise ConfigError(f"'registered_name' of {class_name!r} must be a string or null; received {registered_name!r:.200}")
    if class_name == _FUNCTION:
        if not isinstance(inner, str):
            raise ConfigError(f"A function config must name the function with a string; received {inner!r:.200}")
        return resolve_function(inner, module, registered_name, ctx)
    if inner is None:
        inner = {}
    if not isinstance(inner, dict):
        raise ConfigError(f"'config' of {class_name!r} must be a dict; received {type(inner).__name__}")
    from kcore.saving import op_serialization

    if op_serialization.is_op_module(module) and not _lookup_custom(registered_name or class_name, ctx):
        instance = op_serialization.op_layer_from_config(class_name, inner)
        return instance
    cls = resolve_class(class_name, module, registered_name, ctx)
    if isinstance(cls, (types.FunctionType, types.BuiltinFunctionType)):
        return cls
    instance = _instantiate(cls, class_name, inner, ctx)
    _apply_build_and_compile(instance, config, ctx)
    return instance


def _instantiate(cls: Any, class_name: str, inner: dict, ctx: _Context) -> Any:
    if not hasattr(cls, "from_config"):
        raise ConfigError(f"Cannot rebuild an instance of {class_name!r}: the class has no from_config() method.")
    from kcore.layers.layer import Layer

    inner = dict(inner)
    if inspect.isclass(cls) and issubclass(cls, Layer):
        inner = _prepare_layer_config(cls, inner, ctx)
    kwargs = {}
    params = _from_config_params(cls)
    if "custom_objects" in params:
        kwargs["custom_objects"] = ctx.custom_objects or None
    if "safe_mode" in params:
        kwargs["safe_mode"] = ctx.safe_mode
    try:
        return cls.from_config(inner, **kwargs)
    except KerasFileError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError, MemoryError) as e:
        raise ConfigError(
            f"Could not rebuild {class_name!r} from its config: {type(e).__name__}: {_short(e)}"
        ) from e


def _apply_build_and_compile(instance: Any, config: dict, ctx: _Context) -> None:
    build_config = config.get("build_config")
    if build_config and hasattr(instance, "build_from_config") and not getattr(instance, "built", True):
        if not isinstance(build_config, dict):
            raise ConfigError(f"'build_config' of {config.get('class_name')!r} must be a dict; received {build_config!r:.200}")
        build_config = _deserialize(build_config, ctx)
        try:
            instance.build_from_config(build_config)
        except KerasFileError:
            raise
        except (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError, MemoryError) as e:
            raise ConfigError(
                f"Could not build {getattr(instance, 'name', config.get('class_name'))!r} from build_config="
                f"{build_config!r:.200}: {type(e).__name__}: {_short(e)}"
            ) from e
        instance.built = True
    compile_config = config.get("compile_config")
    if compile_config and ctx.compile and hasattr(instance, "compile_from_config"):
        if not isinstance(compile_config, dict):
            raise ConfigError(f"'compile_config' must be a dict; received {compile_config!r:.200}")
        try:
            instance.compile_from_config(compile_config)
        except KerasFileError:
            raise
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as e:
            raise ConfigError(
                f"Could not compile the model from its compile_config: {type(e).__name__}: {_short(e)}. Pass "
                "compile=False to load the model without its training configuration."
            ) from e


def _short(e: BaseException, limit: int = 600) -> str:
    text = str(e)
    return text if len(text) <= limit else text[:limit] + "..."


_PARAMS_CACHE: dict[Any, frozenset] = {}


def _from_config_params(cls: Any) -> frozenset:
    params = _PARAMS_CACHE.get(cls)
    if params is None:
        try:
            params = frozenset(inspect.signature(cls.from_config).parameters)
        except (TypeError, ValueError):
            params = frozenset()
        _PARAMS_CACHE[cls] = params
    return params


def accepted_init_keys(cls: type) -> frozenset | None:
    """Keyword arguments ``cls(**config)`` accepts, following ``**kwargs`` up the MRO; ``None`` if unbounded."""
    key = ("init", cls)
    cached = _PARAMS_CACHE.get(key)
    if cached is not None:
        return cached or None
    from kcore.layers.layer import Layer

    names: set[str] = set()
    bounded = False
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        try:
            params = inspect.signature(init).parameters
        except (TypeError, ValueError):
            break
        names.update(p for p, v in params.items() if v.kind in (v.POSITIONAL_OR_KEYWORD, v.KEYWORD_ONLY))
        if klass is Layer or not any(v.kind == v.VAR_KEYWORD for v in params.values()):
            bounded = True
            break
    result = frozenset(names - {"self"}) if bounded else frozenset()
    _PARAMS_CACHE[key] = result
    return result or None


def _prepare_layer_config(cls: type, inner: dict, ctx: _Context) -> dict:
    """Resolve custom nested objects; drop keys a newer Keras writes as ``null`` that kcore does not take."""
    out = {}
    builtin = cls.__module__.startswith("kcore.") and registration.GLOBAL_CUSTOM_NAMES.get(cls) is None
    accepted = accepted_init_keys(cls) if builtin else None
    for key, value in inner.items():
        if accepted is not None and key not in accepted and value is None:
            continue  # e.g. Keras' "quantization_config": null
        if key not in ("name", "dtype", "layers") and _is_custom_reference(value, ctx):
            value = _deserialize(value, ctx)
        out[key] = value
    return out


def _is_custom_reference(value: Any, ctx: _Context) -> bool:
    if isinstance(value, str):
        return (">" in value or value in ctx.custom_objects) and _lookup_custom(value, ctx) is not None
    if not isinstance(value, dict) or not isinstance(value.get("class_name"), str):
        return False
    registered = value.get("registered_name")
    if isinstance(registered, str) and ">" in registered:
        return True
    if value["class_name"] == _FUNCTION:
        name = value.get("config")
        return isinstance(name, str) and _lookup_custom(name, ctx) is not None
    if value["class_name"] in ctx.custom_objects or _lookup_custom(registered, ctx) is not None:
        return True
    module = value.get("module")
    return isinstance(module, str) and _family_for_module(module) is None and module != "builtins"


# ------------------------------------------------------------ special classes
def _special_keras_tensor(inner: Any, ctx: _Context) -> Any:
    from kcore.graph.keras_tensor import KerasTensor

    if not isinstance(inner, dict):
        raise ConfigError("A __keras_tensor__ config must be a dict.")
    shape = inner.get("shape")
    if not isinstance(shape, list) or not all(d is None or (isinstance(d, int) and not isinstance(d, bool) and d >= 0)
                                               for d in shape):
        raise ConfigError(f"Invalid __keras_tensor__ shape {shape!r:.200}")
    dtype = inner.get("dtype") or "float32"
    if not isinstance(dtype, str):
        raise ConfigError(f"Invalid __keras_tensor__ dtype {dtype!r:.100}")
    tensor = KerasTensor(tuple(shape), dtype=dtype)
    tensor._pre_serialization_keras_history = inner.get("keras_history")
    return tensor


def _array_from_config(inner: Any, what: str) -> np.ndarray:
    if not isinstance(inner, dict) or "value" not in inner:
        raise ConfigError(f"A {what} config must be a dict with a 'value'.")
    dtype = inner.get("dtype")
    if dtype is not None and not isinstance(dtype, str):
        raise ConfigError(f"Invalid {what} dtype {dtype!r:.100}")
    try:
        from kcore.dtypes import standardize_dtype

        dtype = standardize_dtype(dtype) if dtype is not None else None
        np_dtype = np.dtype(dtype) if dtype not in (None, "bfloat16") else None
        if np_dtype is not None and np_dtype.kind not in "biufc":
            raise ValueError(f"non-numeric dtype {dtype}")
        return np.asarray(inner["value"], dtype=np_dtype)
    except (TypeError, ValueError, OverflowError) as e:
        raise ConfigError(f"Invalid {what} value: {_short(e)}") from e


def _special_numpy(inner: Any, ctx: _Context) -> np.ndarray:
    return _array_from_config(inner, "__numpy__")


def _special_tensor(inner: Any, ctx: _Context) -> Any:
    from kcore import ops

    value = _array_from_config(inner, "__tensor__")
    return ops.convert_to_tensor(value, dtype=inner.get("dtype"))


def _special_bytes(inner: Any, ctx: _Context) -> bytes:
    if not isinstance(inner, dict) or not isinstance(inner.get("value"), str):
        raise ConfigError("A __bytes__ config must be a dict with a string 'value'.")
    return inner["value"].encode("utf-8")


def _special_slice(inner: Any, ctx: _Context) -> slice:
    if not isinstance(inner, dict):
        raise ConfigError("A __slice__ config must be a dict.")
    parts = [_deserialize(inner.get(k), ctx) for k in ("start", "stop", "step")]
    if not all(p is None or isinstance(p, int) for p in parts):
        raise ConfigError(f"Invalid __slice__ bounds {parts!r:.200}")
    return slice(*parts)


def _special_lambda(inner: Any, ctx: _Context) -> Callable:
    return deserialize_function({"class_name": "__lambda__", "config": inner}, safe_mode=ctx.safe_mode)


def _special_typespec(inner: Any, ctx: _Context) -> Any:
    raise ConfigError("TensorFlow TypeSpec configs (__typespec__) are not supported by kcore.")


_SPECIAL = {
    "__keras_tensor__": _special_keras_tensor,
    "__numpy__": _special_numpy,
    "__tensor__": _special_tensor,
    "__bytes__": _special_bytes,
    "__ellipsis__": lambda inner, ctx: Ellipsis,
    "__slice__": _special_slice,
    "__lambda__": _special_lambda,
    "__typespec__": _special_typespec,
}


# ------------------------------------------------------------ name resolution
def _models_objects() -> dict:
    from kcore.models.functional import Functional
    from kcore.models.model import Model
    from kcore.models.sequential import Sequential

    return {"Functional": Functional, "Sequential": Sequential, "Model": Model}


def _layers_objects() -> dict:
    import kcore.layers as layers_module
    from kcore.layers.layer import Layer

    out = {}
    for name in dir(layers_module):
        obj = getattr(layers_module, name)
        if inspect.isclass(obj) and issubclass(obj, Layer):
            out[name] = obj
    return out


def _family(path: str, *extra: str) -> Callable[[], dict]:
    def load() -> dict:
        module = importlib.import_module(path)
        objects = dict(getattr(module, "ALL_OBJECTS_DICT", {}))
        for name in extra:
            objects.update(getattr(module, name, {}))
        return objects

    return load


def _optimizers_objects() -> dict:
    from kcore import optimizers

    out = {}
    for cls in set(optimizers.ALL_OBJECTS_DICT.values()):
        out[cls.__name__] = cls
    out.update(optimizers.ALL_OBJECTS_DICT)
    return out


def _keras_root_objects() -> dict:
    from kcore.layers.dtype_policy import DTypePolicy

    objects = {**_layers_objects(), **_models_objects()}
    objects["DTypePolicy"] = DTypePolicy
    objects["FloatDTypePolicy"] = DTypePolicy
    return objects


def _dtype_policy_objects() -> dict:
    from kcore.layers.dtype_policy import DTypePolicy

    return {"DTypePolicy": DTypePolicy, "FloatDTypePolicy": DTypePolicy}


# Longest matching prefix wins; "keras.src.X" and "kcore.X" share X's family.
_FAMILIES: dict[str, Callable[[], dict]] = {
    "layers": _layers_objects,
    "models": lambda: {**_models_objects(), **_layers_objects()},
    "initializers": _family("kcore.initializers"),
    "regularizers": _family("kcore.regularizers"),
    "constraints": _family("kcore.constraints"),
    "losses": _family("kcore.losses"),
    "metrics": _family("kcore.metrics", "FUNCTIONS_DICT"),
    "optimizers": _optimizers_objects,
    "optimizers.schedules": _family("kcore.optimizers.schedules"),
    "activations": _family("kcore.activations"),
    "dtype_policies": _dtype_policy_objects,
    "mixed_precision": _dtype_policy_objects,
    "trainers": lambda: {},
}
_MODULE_ALIASES = {"engine": "models", "saving": "models"}


def _family_for_module(module: str | None) -> Callable[[], dict] | None:
    if not isinstance(module, str):
        return None
    parts = module.split(".")
    if parts[0] not in _KERAS_PACKAGES:
        return None
    rest = parts[1:]
    if rest and rest[0] == "src":
        rest = rest[1:]
    if not rest:
        return _keras_root_objects
    for length in (2, 1):
        key = ".".join(rest[:length])
        if len(rest) >= length and key in _FAMILIES:
            return _FAMILIES[key]
    key = _MODULE_ALIASES.get(rest[0])
    if key is not None:
        return _FAMILIES[key]
    # Backend-specific Keras modules ("keras.src.backend.torch.optimizers.torch_sgd"): the family named in the path,
    # else every family (names inside the keras/kcore packages are safe to look up; nothing is imported).
    for part in rest:
        if part in _FAMILIES:
            return _FAMILIES[part]
    return _all_families


def _all_families() -> dict:
    objects: dict = {}
    for key in ("activations", "constraints", "regularizers", "initializers", "optimizers.schedules", "metrics",
                "losses", "optimizers", "models", "layers"):
        objects.update(_FAMILIES[key]())
    objects.update(_dtype_policy_objects())
    return objects


def _search_all(name: str, kinds: tuple[str, ...]) -> Any:
    for kind in kinds:
        obj = _FAMILIES[kind]().get(name)
        if obj is not None:
            return obj
    return None


def resolve_class(class_name: str, module: str | None, registered_name: str | None, ctx: _Context) -> Any:
    """The class a config names: custom/registered objects, then kcore by Keras module, then (unsafe) import."""
    for key in (registered_name, class_name):
        custom = _lookup_custom(key, ctx)
        if custom is not None:
            return custom
    family = _family_for_module(module)
    if family is not None:
        objects = family()
        obj = objects.get(class_name)
        if obj is None and isinstance(module, str) and "optimizers" in module and "schedules" not in module:
            obj = objects.get(class_name.lower())
        if obj is None:
            raise ConfigError(
                f"Unknown class {class_name!r} (module {module!r}): kcore has no such object. Known names in that "
                f"module: {', '.join(sorted(k for k in objects if k[:1].isupper())[:60])}"
            )
        if not inspect.isclass(obj) and not callable(obj):
            raise ConfigError(f"{module}.{class_name} is not a class.")
        return obj
    if module is None:
        obj = _search_all(class_name, ("layers", "models", "losses", "metrics", "optimizers", "initializers",
                                       "regularizers", "constraints", "optimizers.schedules"))
        if obj is None and class_name in ("DTypePolicy", "FloatDTypePolicy"):
            obj = _dtype_policy_objects()[class_name]
        if obj is not None:
            return obj
        raise ConfigError(
            f"Could not locate class {class_name!r}: it is neither a kcore built-in nor registered. "
            "Decorate custom classes with @kcore.saving.register_keras_serializable() (and import them before "
            f"loading), or pass custom_objects={{{class_name!r}: {class_name}}}."
        )
    return _import_unsafe(module, class_name, registered_name, ctx, kind="class")


def resolve_function(name: str, module: str | None, registered_name: str | None, ctx: _Context) -> Callable:
    """The function a ``{"class_name": "function"}`` config names."""
    custom = _lookup_custom(name, ctx)
    if custom is None and registered_name not in (None, _FUNCTION):
        custom = _lookup_custom(registered_name, ctx)
    if custom is not None:
        return custom
    family = _family_for_module(module)
    if family is not None:
        obj = family().get(name)
        if obj is not None:
            return obj
    if module in (None, "builtins") or family is not None:
        obj = _search_all(name, ("activations", "losses", "metrics"))
        if callable(obj) and not inspect.isclass(obj):
            return obj
        if ">" not in name:  # functions saved by bare name before registered names were written
            suffix = f">{name}"
            for objects in (ctx.custom_objects, registration.scoped_custom_objects(), registration.GLOBAL_CUSTOM_OBJECTS):
                for key, value in objects.items():
                    if key.endswith(suffix):
                        return value
        raise ConfigError(
            f"Could not locate function {name!r}. Decorate it with @kcore.saving.register_keras_serializable() "
            f"(and import it before loading), or pass custom_objects={{{name!r}: fn}}."
        )
    return _import_unsafe(module, name, registered_name, ctx, kind="function")


def _import_unsafe(module: str, name: str, registered_name: str | None, ctx: _Context, kind: str) -> Any:
    shown = f"{name!r}" + (f" (registered as {registered_name!r})" if registered_name and registered_name != name else "")
    if ctx.safe_mode:
        raise UnsafeDeserializationError(
            f"The config names {kind} {shown} from module {module!r}, which is neither part of kcore/keras nor a "
            "registered or custom object. Register it with @kcore.saving.register_keras_serializable() (and import "
            f"it before loading) or pass custom_objects={{{(registered_name or name)!r}: ...}}. Importing module "
            f"{module!r} instead is refused in safe mode. {_SAFE_MODE_HELP}"
        )
    try:
        mod = importlib.import_module(module)
    except Exception as e:
        raise ConfigError(f"Could not import module {module!r} for {kind} {shown}: {_short(e)}") from e
    obj = getattr(mod, name, None)
    if obj is None:
        raise ConfigError(f"Module {module!r} has no {kind} {name!r}.")
    return obj


# ---------------------------------------------------------------- functions
def dump_function(fn: types.FunctionType) -> tuple[str, Any, Any]:
    """``(base64 bytecode, defaults, closure values)`` of a Python function (Keras' ``__lambda__`` layout)."""
    code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
    closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
    return code, fn.__defaults__, closure


def _lambda_globals() -> dict:
    import kcore
    from kcore import ops

    return {"__builtins__": builtins, "kcore": kcore, "keras": kcore, "ops": ops, "np": np}


def _load_function(code: Any, defaults: Any = None, closure: Any = None) -> types.FunctionType:
    if isinstance(code, (list, tuple)):
        if len(code) != 3:
            raise ConfigError("A __lambda__ 'value' must be [code, defaults, closure].")
        code, defaults, closure = code
    if not isinstance(code, str):
        raise ConfigError("A __lambda__ config must hold base64 bytecode as a string.")
    try:
        raw = base64.b64decode(code.encode("ascii"))
        code_obj = marshal.loads(raw)
    except Exception as e:
        raise ConfigError(
            f"Could not decode the Lambda bytecode ({_short(e)}); bytecode only loads on the Python version "
            "that wrote it."
        ) from e
    if not isinstance(code_obj, types.CodeType):
        raise ConfigError("The Lambda bytecode does not hold a code object.")
    cells = None
    if closure is not None:
        if not isinstance(closure, (list, tuple)):
            raise ConfigError("The Lambda closure must be a list.")
        cells = tuple(types.CellType(v) for v in closure)
    if (cells is None and code_obj.co_freevars) or (cells is not None and len(cells) != len(code_obj.co_freevars)):
        raise ConfigError("The Lambda closure does not match its bytecode.")
    if defaults is not None and not isinstance(defaults, (list, tuple)):
        raise ConfigError("The Lambda defaults must be a list.")
    return types.FunctionType(code_obj, _lambda_globals(), code_obj.co_name,
                              tuple(defaults) if defaults is not None else None, cells)


def deserialize_function(config: Any, custom_objects: Mapping[str, Any] | None = None,
                         safe_mode: bool | None = None) -> Callable:
    """A function from its config: ``__lambda__`` bytecode (refused in safe mode), a registered or built-in
    function config, or a function name.

    ``safe_mode=None`` uses the enclosing ``SafeModeScope``, and is safe outside any scope.
    """
    if safe_mode is None:
        ambient = registration.in_safe_mode()
        safe_mode = True if ambient is None else ambient
    if callable(config):
        return config
    ctx = _Context(custom_objects, bool(safe_mode), compile=False)
    if isinstance(config, dict) and config.get("class_name") == "__lambda__":
        if safe_mode:
            raise UnsafeDeserializationError(
                "The config holds a Python lambda (Lambda layer) stored as bytecode; deserializing it would execute "
                f"code from the file and is disallowed by default. {_SAFE_MODE_HELP}"
            )
        inner = config.get("config")
        if not isinstance(inner, dict):
            raise ConfigError("A __lambda__ config must be a dict.")
        if "value" in inner:
            return _load_function(inner["value"])
        return _load_function(inner.get("code"), inner.get("defaults"), inner.get("closure"))
    if isinstance(config, str):
        fn = _with_context(ctx, lambda: _lookup_custom(config, ctx)) or _search_all(config, ("activations", "losses", "metrics"))
        if fn is None:
            raise ConfigError(f"Unknown function {config!r}: register it or pass it in custom_objects.")
        return fn
    fn = _with_context(ctx, lambda: _deserialize(config, ctx))
    if not callable(fn):
        raise ConfigError(f"The config {config!r:.200} does not describe a function.")
    return fn


__all__ = [
    "serialize_keras_object", "deserialize_keras_object", "deserialize_function", "class_identity",
    "resolve_class", "resolve_function", "dump_function", "accepted_init_keys",
]
