"""Model state in the Keras 3 weights layout (``model.weights.h5``, ``.weights.h5``, ``model.weights.npz``).

Groups follow object attributes, as Keras 3 walks them: a Functional or
Sequential model stores its layers under ``layers/<snake_case_class>[_N]``,
other objects under their attribute names (``optimizer``, ``cell``,
``forward_layer``...), lists and dicts under ``<attr>/<snake_case_class>[_N]``
(nested containers as ``container[_N]``), private attributes last, each object
once (first path wins). Every saveable (layer, optimizer) writes a ``vars``
group with attribute ``name`` and datasets ``0``, ``1``... holding its own
variables (a layer: trainable then non-trainable; an optimizer: iterations,
learning rate, then slots).

Reading checks every stored dataset (no links, external or virtual storage,
numeric dtype, shape equal to the variable's) before reading its data.
"""

from __future__ import annotations

import io
import math
import pickle
import warnings
from typing import Any, Iterator, Mapping

import numpy as np

from kcore.saving.errors import KerasFileError, WeightsMismatchError

# ------------------------------------------------------------------ walking
_SKIPSETS: dict[str, frozenset] = {}


def _is_saveable(obj: Any) -> bool:
    from kcore.layers.layer import Layer
    from kcore.optimizers.optimizer import Optimizer

    return isinstance(obj, (Layer, Optimizer))


def _obj_type(obj: Any) -> str:
    from kcore.models.functional import Functional
    from kcore.models.sequential import Sequential
    from kcore.optimizers.optimizer import Optimizer

    if isinstance(obj, Functional):
        return "Functional"
    if isinstance(obj, Sequential):
        return "Sequential"
    if isinstance(obj, Optimizer):
        return "Optimizer"
    return "Layer"


def _skipset(obj_type: str) -> frozenset:
    """Attributes of the base class (not walked): what a bare Layer/Optimizer has."""
    skip = _SKIPSETS.get(obj_type)
    if skip is not None:
        return skip
    if obj_type == "Optimizer":
        from kcore.optimizers.sgd import SGD

        names = set(dir(SGD(learning_rate=1.0, name="__kcore_saving_reference__")))
    else:
        from kcore.layers.layer import Layer

        names = set(dir(Layer(name="__kcore_saving_reference__")))
        if obj_type == "Functional":
            names |= {"operations", "_operations"}
        elif obj_type == "Sequential":
            names |= {"_functional", "_input_layer"}
    skip = frozenset(names)
    _SKIPSETS[obj_type] = skip
    return skip


def _name_key(name: str) -> str:
    return f"~{name}" if name.startswith("_") else name


def _children(obj: Any) -> Iterator[tuple[str, Any]]:
    obj_type = _obj_type(obj)
    if obj_type in ("Functional", "Sequential"):
        yield "layers", obj.layers
    skip = _skipset(obj_type)
    for attr in sorted(dir(obj), key=_name_key):
        if attr.startswith("__") or attr in skip:
            continue
        try:
            child = getattr(obj, attr)
        except Exception:  # properties that cannot be evaluated hold no state
            continue
        yield attr, child


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def _snake(obj: Any) -> str:
    from kcore.graph.naming import to_snake_case

    return to_snake_case(type(obj).__name__)


def walk(root: Any) -> list[tuple[str, Any]]:
    """``(path, saveable)`` for every layer/optimizer reachable from ``root``, in Keras' order."""
    out: list[tuple[str, Any]] = []
    visited: set[int] = set()

    def visit(obj: Any, path: str) -> None:
        if id(obj) in visited:
            return
        visited.add(id(obj))
        out.append((path, obj))
        for attr, child in _children(obj):
            if _is_saveable(child):
                visit(child, _join(path, attr))
            elif isinstance(child, (list, tuple, dict)):
                visit_container(child, _join(path, attr), set())

    def visit_container(container: Any, path: str, seen: set[int]) -> None:
        if id(container) in seen:
            return
        seen.add(id(container))
        items = list(container.values()) if isinstance(container, dict) else list(container)
        used: dict[str, int] = {}
        for item in items:
            if _is_saveable(item):
                visit(item, _join(path, _unique(_snake(item), used)))
            elif isinstance(item, (list, tuple, dict)):
                visit_container(item, _join(path, _unique("container", used)), seen)

    visit(root, "")
    return out


def _unique(name: str, used: dict[str, int]) -> str:
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


# ------------------------------------------------------------- own variables
def _has_custom_hook(obj: Any, method: str) -> bool:
    for klass in type(obj).__mro__:
        if method in klass.__dict__:
            return not klass.__module__.startswith("kcore.")
    return False


def own_variables(obj: Any) -> list:
    from kcore.optimizers.optimizer import Optimizer

    if isinstance(obj, Optimizer):
        return list(obj.variables)
    seen: set[int] = set()
    out = []
    for v in list(obj._trainable_variables) + list(obj._non_trainable_variables):
        if id(v) not in seen:
            seen.add(id(v))
            out.append(v)
    return out


def _to_numpy(value: Any) -> np.ndarray:
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()
    return np.asarray(value)


# ------------------------------------------------------------------- writing
def write_state(root: Any, h5file) -> None:
    """Write the state of ``root`` and everything it holds into an open, writable ``h5py.File``."""
    for path, obj in walk(root):
        if _has_custom_hook(obj, "save_own_variables"):
            store: dict = {}
            obj.save_own_variables(store)
            arrays = [(str(k), _to_numpy(v)) for k, v in store.items()]
        else:
            arrays = [(str(i), _to_numpy(v)) for i, v in enumerate(own_variables(obj))]
        group = h5file.create_group(_join(path, "vars")) if path else h5file.create_group("vars")
        name = getattr(obj, "name", None)
        if isinstance(name, str):
            group.attrs["name"] = name
        for key, array in arrays:
            _write_dataset(group, key, array)


def _write_dataset(group, key: str, array: np.ndarray) -> None:
    if array.dtype.name == "bfloat16":
        dataset = group.create_dataset(key, data=array.view(np.uint16))
        dataset.attrs["dtype"] = "bfloat16"
    else:
        group.create_dataset(key, data=array)


# ------------------------------------------------------------------- reading
class StoredArray:
    """A stored variable: ``shape`` and ``dtype`` known before ``read()`` touches the data."""

    __slots__ = ("shape", "dtype", "_read", "where")

    def __init__(self, shape: tuple, dtype: np.dtype, read, where: str) -> None:
        self.shape = shape
        self.dtype = dtype
        self._read = read
        self.where = where

    def read(self) -> np.ndarray:
        return self._read()


class H5Reader:
    """Validated, read-only access to a Keras weights HDF5 file."""

    MAX_EXPANSION = 1000

    def __init__(self, source: Any) -> None:
        import h5py

        self._h5py = h5py
        try:
            self.file = h5py.File(source, "r")
            self._legacy = "_layer_checkpoint_dependencies" in self.file
            keras2 = "model_weights" in self.file
        except Exception as e:
            raise KerasFileError(f"The weights file is not a readable HDF5 file: {type(e).__name__}: {e}") from e
        if keras2:
            self.close()
            raise KerasFileError(
                "This HDF5 file uses the legacy Keras 2 model layout (model_weights); kcore reads the Keras 3 "
                "weights layout written by `model.save_weights('x.weights.h5')`."
            )

    def close(self) -> None:
        try:
            self.file.close()
        except Exception:
            pass

    def _child(self, parent, name: str, kind: str):
        h5py = self._h5py
        if name not in parent:
            return None
        link = parent.get(name, getlink=True)
        if isinstance(link, (h5py.SoftLink, h5py.ExternalLink)):
            raise KerasFileError(f"The weights file holds a {type(link).__name__} at '{parent.name}/{name}'; links are not allowed.")
        obj = parent[name]
        expected = h5py.Group if kind == "group" else h5py.Dataset
        if not isinstance(obj, expected):
            raise KerasFileError(f"The weights file has a {type(obj).__name__} where a {kind} was expected: '{obj.name}'.")
        return obj

    def group(self, path: str) -> dict[str, StoredArray] | None:
        """The ``vars`` of the object at ``path`` (``""``: the root), or ``None`` when absent."""
        try:
            group = self._find(path)
            if group is None and self._legacy and path:
                group = self._find(path.replace("layers", "_layer_checkpoint_dependencies"))
            if group is None:
                return None
            out = {}
            for key in group.keys():
                out[key] = self._stored(group, key)
            return out
        except KerasFileError:
            raise
        except Exception as e:
            raise KerasFileError(f"Corrupt weights file at '{path or '/'}': {type(e).__name__}: {e}") from e

    def _find(self, path: str):
        node = self.file
        for part in [p for p in path.split("/") if p] + ["vars"]:
            node = self._child(node, part, "group")
            if node is None:
                return None
        return node

    def _stored(self, group, key: str) -> StoredArray:
        dataset = self._child(group, key, "dataset")
        where = f"{group.name}/{key}"
        if dataset.external:
            raise KerasFileError(f"Dataset '{where}' uses external storage, which is not allowed.")
        if dataset.is_virtual:
            raise KerasFileError(f"Dataset '{where}' is virtual, which is not allowed.")
        shape = tuple(int(d) for d in dataset.shape) if dataset.shape is not None else ()
        dtype = dataset.dtype
        # Attributes are only read where Keras marks bfloat16 data (stored as 16-bit integers); libhdf5 can loop
        # forever on some corrupted attribute tables, so no other attribute is ever read.
        bfloat16 = dtype.kind == "u" and dtype.itemsize == 2 and dataset.attrs.get("dtype") in ("bfloat16", b"bfloat16")
        if dtype.kind not in "biuf" and not bfloat16:
            raise KerasFileError(f"Dataset '{where}' has non-numeric dtype {dtype}.")
        declared = math.prod(shape) * dtype.itemsize
        stored = dataset.id.get_storage_size()
        if declared > (1 << 26) and declared > self.MAX_EXPANSION * max(stored, 1):
            raise KerasFileError(
                f"Dataset '{where}' declares shape {shape} ({declared} bytes) but stores only {stored} bytes."
            )

        def read() -> np.ndarray:
            try:
                value = dataset[()]
            except Exception as e:
                raise KerasFileError(f"Could not read dataset '{where}': {type(e).__name__}: {e}") from e
            value = np.asarray(value)
            if bfloat16:
                import ml_dtypes

                value = value.view(ml_dtypes.bfloat16)
            if value.shape != shape:
                raise KerasFileError(f"Dataset '{where}' returned shape {value.shape}, expected {shape}.")
            return value

        return StoredArray(shape, np.dtype("float32") if bfloat16 else dtype, read, where)


class NpzReader:
    """Keras' ``model.weights.npz``: one pickled dict per object, read with an unpickler that only rebuilds arrays."""

    def __init__(self, data: bytes) -> None:
        import zipfile

        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            self._names = {}
            for info in self._zip.infolist():
                if not info.filename.endswith(".npy"):
                    raise KerasFileError(f"Unexpected member {info.filename!r} in model.weights.npz.")
                if info.file_size > 16 * max(info.compress_size, 1) + (1 << 20):
                    raise KerasFileError(f"Member {info.filename!r} of model.weights.npz expands too much.")
                self._names[info.filename[:-4]] = info
        except KerasFileError:
            raise
        except Exception as e:
            raise KerasFileError(f"model.weights.npz is not a valid npz archive: {type(e).__name__}: {e}") from e

    def close(self) -> None:
        self._zip.close()

    def group(self, path: str) -> dict[str, StoredArray] | None:
        key = path or "__root__"
        info = self._names.get(key)
        if info is None:
            return None
        try:
            with self._zip.open(info) as f:
                raw = f.read(info.file_size + 1)
            contents = _load_npy_dict(raw, key)
        except KerasFileError:
            raise
        except Exception as e:
            raise KerasFileError(f"Corrupt entry {key!r} in model.weights.npz: {type(e).__name__}: {e}") from e
        out = {}
        for name, value in contents.items():
            array = value

            def read(array=array) -> np.ndarray:
                return array

            out[str(name)] = StoredArray(array.shape, array.dtype, read, f"{key}/{name}")
        return out


def _load_npy_dict(raw: bytes, key: str) -> dict[str, np.ndarray]:
    from numpy.lib import format as npy_format

    f = io.BytesIO(raw)
    version = npy_format.read_magic(f)
    if version == (1, 0):
        shape, _, dtype = npy_format.read_array_header_1_0(f)
    else:
        shape, _, dtype = npy_format.read_array_header_2_0(f)
    if dtype.kind != "O" or shape != ():
        if dtype.kind in "biuf" and math.prod(shape) * dtype.itemsize <= len(raw):
            f.seek(0)
            return {"0": np.load(f, allow_pickle=False)}
        raise KerasFileError(f"Entry {key!r} of model.weights.npz is not a dict of arrays.")
    obj = _RestrictedUnpickler(f).load()
    if isinstance(obj, np.ndarray) and obj.dtype.kind == "O" and obj.shape == ():
        obj = obj.item()
    if not isinstance(obj, dict):
        raise KerasFileError(f"Entry {key!r} of model.weights.npz does not hold a dict.")
    out = {}
    for name, value in obj.items():
        if isinstance(value, _VariableStub):
            value = value.value()
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "biuf":
            raise KerasFileError(f"Entry {key!r}/{name} of model.weights.npz is not a numeric array.")
        out[str(name)] = value
    return out


class _VariableStub:
    """Stands in for a pickled Keras Variable; keeps only its array value."""

    def __setstate__(self, state: Any) -> None:
        self._state = state if isinstance(state, dict) else {}

    def value(self) -> np.ndarray:
        value = self._state.get("_value")
        if not isinstance(value, np.ndarray):
            raise KerasFileError("A Variable in model.weights.npz holds a value kcore cannot read without pickle.")
        return value


def _reconstruct_jax_array(fun, args, arr_state, aval_state):
    """Stands in for ``jax._src.array._reconstruct_array``: the NumPy array it wraps."""
    from numpy._core.multiarray import _reconstruct

    if fun is not _reconstruct or not isinstance(args, tuple):
        raise KerasFileError("Unexpected array constructor in model.weights.npz.")
    array = fun(*args)
    array.__setstate__(arr_state)
    return array


class _RestrictedUnpickler(pickle.Unpickler):
    """Rebuilds NumPy arrays (and Keras Variables holding them); refuses every other global."""

    def find_class(self, module: str, name: str):
        if module in ("numpy._core.multiarray", "numpy.core.multiarray") and name in ("_reconstruct", "scalar"):
            from numpy._core import multiarray

            return getattr(multiarray, name)
        if module == "numpy" and name in ("ndarray", "dtype"):
            return getattr(np, name)
        if module.startswith("numpy") and name.endswith("DType"):
            from numpy import dtypes

            found = getattr(dtypes, name, None)
            if found is not None:
                return found
        if module.startswith("keras.") and name == "Variable":
            return _VariableStub
        if module == "jax._src.array" and name == "_reconstruct_array":
            return _reconstruct_jax_array
        raise KerasFileError(
            f"model.weights.npz references {module}.{name}; kcore only rebuilds NumPy arrays from npz files "
            "and never unpickles other objects."
        )

    def persistent_load(self, pid):
        raise KerasFileError("model.weights.npz uses persistent references, which kcore does not load.")


# ------------------------------------------------------------------- loading
def _describe(variables: list) -> str:
    return ", ".join(f"{getattr(v, 'name', '?')} {tuple(v.shape)}" for v in variables) or "none"


def load_state(root: Any, reader, skip_mismatch: bool = False) -> None:
    """Assign the stored state to ``root`` and everything it holds; see the module docstring for the layout.

    Raises:
        WeightsMismatchError: a layer's stored variables differ in count or shape (unless ``skip_mismatch``,
            which warns and leaves that layer unchanged).
    """
    from kcore.optimizers.optimizer import Optimizer

    for path, obj in walk(root):
        stored = reader.group(path)
        if isinstance(obj, Optimizer):
            _load_optimizer(obj, stored, path, root, skip_mismatch)
            continue
        if _has_custom_hook(obj, "load_own_variables"):
            obj.load_own_variables(_LazyStore(stored or {}))
            continue
        variables = own_variables(obj)
        try:
            _check_and_assign(obj, path, variables, stored)
        except WeightsMismatchError as e:
            if not skip_mismatch:
                raise
            warnings.warn(f"Skipping loading weights for layer '{obj.name}': {e}", stacklevel=3)


class _LazyStore(Mapping):
    """The ``store`` given to user ``load_own_variables`` overrides: arrays read on access."""

    def __init__(self, stored: dict[str, StoredArray]) -> None:
        self._stored = stored

    def __getitem__(self, key: str) -> np.ndarray:
        return self._stored[key].read()

    def __iter__(self):
        return iter(self._stored)

    def __len__(self) -> int:
        return len(self._stored)


def _ordered(stored: dict[str, StoredArray], where: str) -> list[StoredArray]:
    keys = sorted(stored, key=lambda k: (len(k), k))
    if keys != [str(i) for i in range(len(keys))]:
        raise KerasFileError(f"Weights group '{where}' has unexpected dataset names {keys[:10]}.")
    return [stored[k] for k in keys]


def _check_and_assign(obj: Any, path: str, variables: list, stored: dict[str, StoredArray] | None) -> None:
    where = path or "/"
    name = getattr(obj, "name", type(obj).__name__)
    if stored is None:
        if variables:
            raise WeightsMismatchError(
                f"Layer '{name}' (path '{where}') has {len(variables)} variable(s) ({_describe(variables)}) but the "
                "file has no weights for it."
            )
        return
    arrays = _ordered(stored, where)
    if len(arrays) != len(variables):
        raise WeightsMismatchError(
            f"Layer '{name}' (path '{where}') expects {len(variables)} variable(s) ({_describe(variables)}) but the "
            f"file holds {len(arrays)} ({', '.join(str(a.shape) for a in arrays) or 'none'})."
        )
    for variable, array in zip(variables, arrays):
        if tuple(variable.shape) != array.shape:
            raise WeightsMismatchError(
                f"Layer '{name}' (path '{where}'): weight '{variable.name}' has shape {tuple(variable.shape)} in the "
                f"model but {array.shape} in the file."
            )
    for variable, array in zip(variables, arrays):
        variable.assign(array.read())


def _load_optimizer(opt: Any, stored: dict[str, StoredArray] | None, path: str, root: Any,
                    skip_mismatch: bool) -> None:
    """Restore optimizer state; an optimizer saved before it was built restores iterations and learning rate."""
    from kcore.variables import Variable

    if stored is None:
        return
    arrays = _ordered(stored, path)
    base = 1 + isinstance(getattr(opt, "_learning_rate", None), Variable)
    if len(arrays) > len(opt.variables) and not opt.built and hasattr(root, "trainable_variables"):
        opt.build(root.trainable_variables)
    variables = list(opt.variables)
    if len(arrays) == len(variables):
        targets = variables
    elif len(arrays) == base and len(variables) > base:
        targets = variables[:base]  # saved unbuilt: restore the counters, keep fresh slots
    else:
        warnings.warn(
            f"Skipping optimizer state for '{opt.name}': it has {len(variables)} variables but the file holds "
            f"{len(arrays)}.", stacklevel=3)
        return
    mismatched = [(v, a) for v, a in zip(targets, arrays) if tuple(v.shape) != a.shape]
    if mismatched:
        v, a = mismatched[0]
        message = (f"Optimizer '{opt.name}' (path '{path}'): variable '{v.name}' has shape {tuple(v.shape)} but "
                   f"{a.shape} in the file.")
        if skip_mismatch:
            warnings.warn(f"Skipping optimizer state: {message}", stacklevel=3)
            return
        raise WeightsMismatchError(message)
    for variable, array in zip(targets, arrays):
        variable.assign(array.read())


__all__ = ["walk", "write_state", "load_state", "H5Reader", "NpzReader", "own_variables", "StoredArray"]
