"""Saving and loading entry points: ``.keras`` models, ``.weights.h5`` weights, JSON configs, cloning.

Files are written as Keras 3 writes them, so Keras loads kcore files and kcore
loads Keras files. Writes are atomic: the file is written to a temporary file
beside the target and moved into place with ``os.replace``, so a failure leaves
any previous file untouched. Every problem with a file being read raises
:class:`~kcore.saving.errors.KerasFileError`.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from typing import Any, BinaryIO, Callable, Iterator, Mapping

from kcore.saving import keras_archive, weights_store
from kcore.saving.allocation_guard import allocation_budget
from kcore.saving.errors import KerasFileError
from kcore.saving.serialization import deserialize_keras_object, serialize_keras_object

# Weights a loaded config may create beyond what the file itself stores (biases of unbuilt layers...).
_ALLOCATION_SLACK = 64 << 20


# ------------------------------------------------------------------ helpers
def _path_or_file(filepath: Any) -> tuple[str | None, Any]:
    if isinstance(filepath, (str, os.PathLike)):
        return os.fspath(filepath), None
    if hasattr(filepath, "write") or hasattr(filepath, "read"):
        return None, filepath
    raise TypeError(f"Expected a file path or a binary file object; received {type(filepath).__name__}")


@contextlib.contextmanager
def atomic_write(path: str, overwrite: bool = True) -> Iterator[str]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``, on failure it is removed."""
    path = os.path.abspath(path)
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{path} already exists; pass overwrite=True to replace it.")
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def weights_h5_bytes(model: Any) -> bytes:
    """The ``model.weights.h5`` member for ``model``, built in memory."""
    import h5py

    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        weights_store.write_state(model, f)
    return buffer.getvalue()


def _check_model(model: Any, what: str) -> None:
    from kcore.layers.layer import Layer

    if not isinstance(model, Layer):
        raise TypeError(f"{what} expects a kcore Model; received {type(model).__name__}")


# -------------------------------------------------------------------- models
def save_model(model: Any, filepath: str | os.PathLike | BinaryIO, overwrite: bool = True, **kwargs: Any) -> None:
    """Save architecture, weights, compile config and optimizer state as a Keras 3 ``.keras`` file."""
    _check_model(model, "save_model")
    zipped = kwargs.pop("zipped", True)
    if kwargs:
        raise TypeError(f"save_model() got unexpected arguments {sorted(kwargs)}")
    if zipped is not True:
        raise ValueError("kcore saves models only as zipped `.keras` files (zipped=True).")
    path, fileobj = _path_or_file(filepath)
    if path is not None and not path.endswith(".keras"):
        raise ValueError(
            f"Invalid filepath {path!r}: a model is saved to a `.keras` file. To save only the weights, use "
            "`model.save_weights('name.weights.h5')`."
        )
    config = serialize_keras_object(model)
    if fileobj is not None:
        keras_archive.write_archive(fileobj, config, weights_h5_bytes(model))
        return
    with atomic_write(path, overwrite) as tmp:
        weights = weights_h5_bytes(model)
        with open(tmp, "wb") as f:
            keras_archive.write_archive(f, config, weights)


def _budget_for(weights: bytes | None) -> int:
    return _ALLOCATION_SLACK + 2 * len(weights or b"")


def _weights_reader(archive: keras_archive.Archive):
    if archive.weights_format == "npz":
        return weights_store.NpzReader(archive.weights)
    return weights_store.H5Reader(io.BytesIO(archive.weights))


def load_model(filepath: str | os.PathLike | BinaryIO, custom_objects: Mapping[str, Any] | None = None,
               compile: bool = True, safe_mode: bool = True) -> Any:
    """Load a ``.keras`` file written by kcore or Keras 3.

    Args:
        filepath: path or binary file object of a ``.keras`` archive.
        custom_objects: ``name -> class/function`` for custom objects not registered with
            :func:`register_keras_serializable`.
        compile: restore the compile config (optimizer, losses, metrics) and optimizer state.
        safe_mode: refuse Lambda bytecode and modules named by the file (see ``UnsafeDeserializationError``).

    Raises:
        KerasFileError: the file is not a valid ``.keras`` file, is damaged, names unknown or unsafe objects,
            declares absurd sizes, or its weights do not match its architecture.
    """
    path, fileobj = _path_or_file(filepath)
    if path is not None:
        if os.path.isdir(path):
            raise KerasFileError(f"{path} is a directory; kcore loads `.keras` files.")
        if not os.path.exists(path):
            raise FileNotFoundError(f"No such file: {path!r}")
        if path.endswith((".weights.h5", ".weights.json")):
            raise KerasFileError(f"{path} holds weights only: build the model and call `model.load_weights(path)`.")
        if path.endswith((".h5", ".hdf5")):
            raise KerasFileError(f"{path}: the legacy Keras 2 HDF5 model format is not supported; use `.keras`.")
    archive = keras_archive.read_archive(path if path is not None else fileobj)
    source = path or "the file object"
    try:
        with allocation_budget(_budget_for(archive.weights), f"the weights stored in {source}"):
            model = deserialize_keras_object(archive.config, custom_objects=custom_objects, safe_mode=safe_mode,
                                             compile=compile)
        _check_model_loaded(model, source)
        reader = _weights_reader(archive)
        try:
            weights_store.load_state(model, reader)
        finally:
            reader.close()
    except KerasFileError:
        raise
    except RecursionError as e:
        raise KerasFileError(f"Could not load {source}: the config is nested too deeply.") from e
    except Exception as e:
        raise KerasFileError(f"Could not load {source}: {type(e).__name__}: {str(e)[:800]}") from e
    return model


def _check_model_loaded(model: Any, source: str) -> None:
    from kcore.layers.layer import Layer

    if not isinstance(model, Layer):
        raise KerasFileError(f"{source} does not describe a model (its config rebuilds a {type(model).__name__}).")


# ------------------------------------------------------------------- weights
def save_weights(model: Any, filepath: str | os.PathLike, overwrite: bool = True) -> None:
    """Write the model's state (weights and optimizer state) to a ``.weights.h5`` file."""
    _check_model(model, "save_weights")
    path = os.fspath(filepath)
    if not path.endswith(".weights.h5"):
        raise ValueError(f"The filename must end in `.weights.h5`. Received: filepath={path!r}")
    if not model.built:
        raise ValueError(
            f"Model '{model.name}' has not been built, so it has no weights to save. Build it first by calling it "
            "on data or with `model.build(input_shape)`."
        )
    import h5py

    with atomic_write(path, overwrite) as tmp:
        with h5py.File(tmp, "w") as f:
            weights_store.write_state(model, f)


def load_weights(model: Any, filepath: str | os.PathLike, skip_mismatch: bool = False) -> None:
    """Load weights saved by ``save_weights`` (or the weights of a ``.keras`` file) into a built model.

    Variables are matched by structure (object paths), not by layer names. A layer whose stored variables
    differ in count or shape raises :class:`~kcore.saving.errors.WeightsMismatchError` naming the layer and
    both shapes; with ``skip_mismatch=True`` it is skipped with a warning.
    """
    _check_model(model, "load_weights")
    path = os.fspath(filepath)
    if not model.built:
        raise ValueError(
            f"Model '{model.name}' has not been built, so its weights cannot be loaded yet. Build it first by "
            "calling it on data or with `model.build(input_shape)`."
        )
    if not os.path.exists(path):
        raise FileNotFoundError(f"No such file: {path!r}")
    try:
        if path.endswith(".keras"):
            archive = keras_archive.read_archive(path)
            reader = _weights_reader(archive)
        elif path.endswith((".h5", ".hdf5")):
            reader = weights_store.H5Reader(path)
        else:
            raise KerasFileError(
                f"Cannot load weights from {path!r}: expected a `.weights.h5` or `.keras` file."
            )
        try:
            weights_store.load_state(model, reader, skip_mismatch=skip_mismatch)
        finally:
            reader.close()
    except KerasFileError:
        raise
    except Exception as e:
        raise KerasFileError(f"Could not load weights from {path}: {type(e).__name__}: {str(e)[:800]}") from e


# -------------------------------------------------------------------- JSON
def model_to_json(model: Any, **kwargs: Any) -> str:
    """The model's Keras config as a JSON string (``json.dumps`` keyword arguments pass through)."""
    return json.dumps(serialize_keras_object(model), **kwargs)


def model_from_json(json_string: str, custom_objects: Mapping[str, Any] | None = None) -> Any:
    """A (fresh, uncompiled-weights) model from :func:`model_to_json` output or a Keras ``to_json()`` string."""
    try:
        config = json.loads(json_string)
    except (TypeError, ValueError, RecursionError) as e:
        raise KerasFileError(f"model_from_json: not a valid JSON model config: {e}") from e
    if not isinstance(config, dict):
        raise KerasFileError(f"model_from_json: expected a JSON object, received {type(config).__name__}.")
    return deserialize_keras_object(config, custom_objects=custom_objects)


# ------------------------------------------------------------------ cloning
def _default_clone(layer: Any) -> Any:
    return type(layer).from_config(layer.get_config())


def clone_model(model: Any, input_tensors: Any = None, clone_function: Callable | None = None,
                call_function: Callable | None = None, recursive: bool = False, **kwargs: Any) -> Any:
    """A new model with the same architecture and freshly initialized weights.

    Args:
        model: a Functional, Sequential or subclassed model (the latter is rebuilt from its config).
        input_tensors: optional ``kcore.Input`` tensors to build the clone on.
        clone_function: ``layer -> new layer`` (default: ``type(layer).from_config(layer.get_config())``).
        call_function: ``(layer, *args, **kwargs) -> outputs`` replacing each layer call of a functional model.
        recursive: also clone the layers of nested Functional/Sequential models with ``clone_function``.
    """
    from kcore.models.functional import Functional
    from kcore.models.sequential import Sequential

    if kwargs:
        raise TypeError(f"clone_model() got unexpected arguments {sorted(kwargs)}")
    clone_function = clone_function or _default_clone

    def clone_layer(layer):
        if recursive and isinstance(layer, (Functional, Sequential)):
            return clone_model(layer, clone_function=clone_function, call_function=call_function, recursive=True)
        return clone_function(layer)

    if isinstance(model, Sequential):
        return _clone_sequential(model, input_tensors, clone_layer)
    if isinstance(model, Functional):
        return _clone_functional(model, input_tensors, clone_layer, call_function)
    if input_tensors is not None or call_function is not None:
        raise ValueError("clone_model: `input_tensors` and `call_function` only apply to Functional and Sequential models.")
    if clone_function is not _default_clone:
        return clone_function(model)
    return type(model).from_config(model.get_config())


def _clone_sequential(model, input_tensors, clone_layer):
    from kcore.graph import nest
    from kcore.layers.input_layer import InputLayer
    from kcore.models.sequential import Sequential

    layers = [clone_layer(layer) for layer in model.layers]
    clone = Sequential(name=model.name, trainable=model.trainable)
    if input_tensors is not None:
        flat = nest.flatten(input_tensors)
        if len(flat) != 1:
            raise ValueError(f"clone_model: a Sequential model takes one input tensor, received {len(flat)}.")
        clone.add(flat[0], rebuild=False)
    elif model._input_layer is not None:
        clone.add(InputLayer.from_config(model._input_layer.get_config()), rebuild=False)
    for layer in layers:
        clone.add(layer, rebuild=False)
    if clone._input_layer is not None and clone._layers:
        clone._build_graph()
    return clone


def _clone_functional(model, input_tensors, clone_layer, call_function):
    from kcore.graph import nest
    from kcore.graph.keras_tensor import KerasTensor
    from kcore.layers.input_layer import InputLayer
    from kcore.models.functional import Functional
    from kcore.saving import op_serialization

    mapping: dict[int, Any] = {}
    if input_tensors is not None:
        new_inputs = nest.flatten(input_tensors)
        if len(new_inputs) != len(model.inputs):
            raise ValueError(
                f"clone_model: model '{model.name}' has {len(model.inputs)} inputs, received {len(new_inputs)} tensors."
            )
        for old, new in zip(model.inputs, new_inputs):
            if not isinstance(new, KerasTensor):
                raise ValueError(f"clone_model: `input_tensors` must be kcore.Input tensors; received {type(new).__name__}.")
            mapping[id(old)] = new
    else:
        for old in model.inputs:
            layer = old._keras_history.operation
            mapping[id(old)] = InputLayer.from_config(layer.get_config()).output
    new_layers: dict[int, Any] = {}

    def substitute(structure):
        return nest.map_structure(lambda x: mapping.get(id(x), x) if isinstance(x, KerasTensor) else x, structure)

    for node in model._nodes:
        layer = node.operation
        if node.is_input:
            continue
        args = substitute(list(node.call_args))
        kwargs = substitute(dict(node.call_kwargs))
        if op_serialization.is_op_layer(layer):
            if getattr(layer, "bound", None) is not None:
                new_layer = type(layer)(layer.op_name, layer.bound)
                outputs = new_layer(*args, **kwargs)
            else:
                outputs = layer.fn(*args, **kwargs)
        else:
            new_layer = new_layers.get(id(layer))
            if new_layer is None:
                new_layer = new_layers[id(layer)] = clone_layer(layer)
            outputs = call_function(new_layer, *args, **kwargs) if call_function else new_layer(*args, **kwargs)
        for old, new in zip(node.outputs, nest.flatten(outputs)):
            mapping[id(old)] = new
    new_inputs = substitute(model._inputs_struct)
    new_outputs = substitute(model._outputs_struct)
    return Functional(new_inputs, new_outputs, name=model.name, trainable=model.trainable)


__all__ = ["save_model", "load_model", "save_weights", "load_weights", "model_to_json", "model_from_json",
           "clone_model", "atomic_write"]
