"""Malformed and hostile files end in KerasFileError (a ValueError), never another exception or executed code."""

from __future__ import annotations

import copy
import io
import json
import time
import warnings
import zipfile

import h5py
import numpy as np
import pytest

import kcore
from kcore.saving import KerasFileError, UnsafeDeserializationError

MEMBERS = ("metadata.json", "config.json", "model.weights.h5")


def _base_model():
    inputs = kcore.Input((4,), name="x")
    ids = kcore.Input((2,), dtype="int32", name="ids")
    hidden = kcore.layers.Dense(3, activation="relu")(inputs)
    embedded = kcore.layers.Flatten()(kcore.layers.Embedding(5, 2)(ids))
    merged = kcore.layers.concatenate([hidden, embedded])
    model = kcore.Model([inputs, ids], kcore.layers.Dense(2)(merged), name="base")
    model.compile(optimizer=kcore.optimizers.Adam(), loss=kcore.losses.MeanSquaredError())
    x = [np.ones((4, 4), dtype="float32"), np.ones((4, 2), dtype="int32")]
    model.fit(x, np.ones((4, 2), dtype="float32"), verbose=0)
    return model


@pytest.fixture(scope="module")
def base():
    buffer = io.BytesIO()
    kcore.saving.save_model(_base_model(), buffer)
    raw = buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    return raw, members


def _zip(members: list[tuple[str, bytes]], compression=zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name), data)
    return buffer.getvalue()


def _archive(members: dict, config=None, metadata_edit=None, weights=None, checksum=True) -> bytes:
    import hashlib

    config_bytes = members["config.json"] if config is None else json.dumps(config).encode()
    weights = members["model.weights.h5"] if weights is None else weights
    metadata = json.loads(members["metadata.json"])
    if checksum:
        metadata["weights_sha256"] = hashlib.sha256(weights).hexdigest()
    else:
        metadata.pop("weights_sha256", None)
    if metadata_edit:
        metadata_edit(metadata)
    return _zip([("metadata.json", json.dumps(metadata).encode()), ("config.json", config_bytes),
                 ("model.weights.h5", weights)])


def _load(data: bytes, **kwargs):
    return kcore.models.load_model(io.BytesIO(data), **kwargs)


def _expect_error(data: bytes, match: str | None = None, **kwargs):
    with pytest.raises(KerasFileError, match=match):
        _load(data, **kwargs)


# ---------------------------------------------------------------- targeted cases
def test_base_archive_loads(base):
    raw, members = base
    assert set(members) == set(MEMBERS)
    assert isinstance(_load(raw), kcore.Model)


def test_not_a_zip_truncated_and_empty(base, tmp_path):
    raw, _ = base
    _expect_error(b"definitely not a zip file", "zip")
    _expect_error(raw[: len(raw) // 2])
    _expect_error(b"")
    path = tmp_path / "truncated.keras"
    path.write_bytes(raw[:100])
    with pytest.raises(KerasFileError):
        kcore.models.load_model(path)


@pytest.mark.parametrize("missing", ["config.json", "model.weights.h5"])
def test_missing_member(base, missing):
    _, members = base
    _expect_error(_zip([(n, d) for n, d in members.items() if n != missing]), missing)


@pytest.mark.parametrize("name", ["../evil.json", "/etc/passwd", "assets/../../x", "a\\b", "assets/..", "C:x"])
def test_member_names_with_traversal_or_absolute_paths(base, name):
    _, members = base
    _expect_error(_zip(list(members.items()) + [(name, b"x")]))


def test_duplicate_and_unexpected_members(base):
    _, members = base
    with pytest.warns(UserWarning):  # zipfile warns about the duplicate it is asked to write
        data = _zip(list(members.items()) + [("config.json", b"{}")])
    _expect_error(data, "more than once")
    _expect_error(_zip(list(members.items()) + [("payload.py", b"print(1)")]), "Unexpected member")


@pytest.mark.parametrize("config_bytes", [b"[]", b"42", b"\"x\"", b"{", b"\xff\xfe", b"[" * 100000 + b"]" * 100000])
def test_config_json_of_the_wrong_type(base, config_bytes):
    _, members = base
    _expect_error(_zip([("metadata.json", members["metadata.json"]), ("config.json", config_bytes),
                        ("model.weights.h5", members["model.weights.h5"])]))


def test_metadata_of_the_wrong_type(base):
    _, members = base
    for metadata in (b"[]", b"{\"keras_version\": 3}", b"not json"):
        _expect_error(_zip([("metadata.json", metadata), ("config.json", members["config.json"]),
                            ("model.weights.h5", members["model.weights.h5"])]))


def _layer(config, class_name):
    return next(l for l in config["config"]["layers"] if l["class_name"] == class_name)


def test_absurd_declared_sizes_are_refused_before_allocating(base):
    _, members = base
    config = json.loads(members["config.json"])
    _layer(config, "Dense")["config"]["units"] = 10 ** 12
    start = time.perf_counter()
    _expect_error(_archive(members, config), "allocate")
    assert time.perf_counter() - start < 10
    config = json.loads(members["config.json"])
    _layer(config, "Embedding")["config"]["input_dim"] = 10 ** 11
    _expect_error(_archive(members, config), "allocate")


def test_unknown_class_and_foreign_modules(base):
    _, members = base
    config = json.loads(members["config.json"])
    _layer(config, "Dense")["class_name"] = "EvilLayer"
    _expect_error(_archive(members, config), "EvilLayer")
    config = json.loads(members["config.json"])
    dense = _layer(config, "Dense")
    dense.update({"module": "os", "class_name": "system", "registered_name": None})
    with pytest.raises(UnsafeDeserializationError, match="safe_mode=False"):
        _load(_archive(members, config))


def test_lambda_bytecode_in_a_hostile_file_is_not_executed(base, tmp_path):
    import base64
    import marshal

    _, members = base
    marker = tmp_path / "executed"
    code = compile(f"lambda x: open({str(marker)!r}, 'w').write('pwned') or x", "<evil>", "eval")
    fn = eval(code)  # a lambda whose code object writes a marker file when called
    payload = {"class_name": "__lambda__", "config": {
        "code": base64.b64encode(marshal.dumps(fn.__code__)).decode(), "defaults": None, "closure": None}}
    config = json.loads(members["config.json"])
    dense = _layer(config, "Dense")
    dense.update({"module": "keras.layers", "class_name": "Lambda", "registered_name": None,
                  "config": {"name": dense["config"]["name"], "function": payload}})
    with pytest.raises(UnsafeDeserializationError, match="safe_mode=False"):
        _load(_archive(members, config))
    assert not marker.exists()


def test_weights_damage_is_detected_by_the_checksum(base):
    _, members = base
    weights = bytearray(members["model.weights.h5"])
    weights[len(weights) // 2] ^= 0xFF
    data = _zip([("metadata.json", members["metadata.json"]), ("config.json", members["config.json"]),
                 ("model.weights.h5", bytes(weights))])
    _expect_error(data, "checksum")


def _edit_h5(members, edit) -> bytes:
    buffer = io.BytesIO(members["model.weights.h5"])
    out = io.BytesIO()
    with h5py.File(buffer, "r") as src, h5py.File(out, "w") as dst:
        for key in src:
            src.copy(src[key], dst, name=key)
        edit(dst)
    return out.getvalue()


@pytest.mark.parametrize("edit,match", [
    (lambda f: f.__delitem__("layers/dense/vars/0"), "dense"),
    (lambda f: (f.__delitem__("layers/dense/vars/0"), f["layers/dense/vars"].create_dataset("0", data=np.ones((9, 9))))
     , r"\(9, 9\)"),
    (lambda f: (f.__delitem__("layers/dense/vars/0"),
                f["layers/dense/vars"].create_dataset("0", shape=(10 ** 6, 10 ** 6), dtype="f4", chunks=(1, 1),
                                                      compression="gzip")), "shape"),
    (lambda f: (f.__delitem__("layers/dense/vars/1"), f["layers/dense/vars"].create_dataset("1", data=np.array([b"x"] * 3)))
     , "non-numeric"),
    (lambda f: (f.__delitem__("layers/dense/vars/1"), f["layers/dense/vars"].__setitem__("1", h5py.SoftLink("/vars"))),
     "link"),
    (lambda f: (f.__delitem__("layers/dense/vars/1"),
                f["layers/dense/vars"].__setitem__("1", h5py.ExternalLink("/etc/passwd", "/x"))), "link"),
    (lambda f: f.__delitem__("layers"), "no weights"),
    (lambda f: (f.__delitem__("layers/dense/vars"), f["layers/dense"].create_dataset("vars", data=[1])), "Dataset"),
    (lambda f: f["layers/dense/vars"].create_dataset("2", data=[1.0]), "expects 2"),
])
def test_hdf5_with_the_wrong_structure(base, edit, match):
    _, members = base
    _expect_error(_archive(members, weights=_edit_h5(members, edit)), match)


def test_load_weights_rejects_non_hdf5_and_wrong_structure(tmp_path):
    model = _base_model()
    bad = tmp_path / "bad.weights.h5"
    bad.write_bytes(b"garbage" * 100)
    with pytest.raises(KerasFileError):
        model.load_weights(bad)
    with h5py.File(tmp_path / "other.weights.h5", "w") as f:
        f.create_group("layers/dense/vars").create_dataset("0", data=np.ones(3))
    with pytest.raises(KerasFileError):
        model.load_weights(tmp_path / "other.weights.h5")


# ---------------------------------------------------------------------- fuzzing
_HOSTILE_VALUES = [None, True, -1, 0, 10 ** 12, 10 ** 40, 1e308, -1e308, float("nan"), "", "x" * 300,
                   "../../etc/passwd", "/abs/path", [], [None], {}, {"class_name": "EvilLayer", "config": {}},
                   {"module": "os", "class_name": "system", "config": {}}, {"class_name": "__lambda__", "config": {}},
                   {"class_name": "__numpy__", "config": {"value": [1], "dtype": "object"}},
                   {"class_name": "__keras_tensor__", "config": {"shape": [-5], "dtype": 3}},
                   [[["a", 0, 0]]], ["dense", 99, 0], ["ghost", 0, 0], "Custom>Nothing"]


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, prefix + (i,))


def _set(node, path, value):
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _mutations(raw: bytes, members: dict, count: int, seed: int = 1234):
    rng = np.random.default_rng(seed)
    config = json.loads(members["config.json"])
    config_paths = [p for p in _paths(config) if p]
    names = list(members)
    kinds = ["truncate", "flip", "remove", "swap", "json_value", "json_delete", "json_class", "bad_name",
             "h5_flip_unchecked", "h5_flip", "metadata", "deflate_bomb"]
    for i in range(count):
        kind = kinds[i % len(kinds)]
        if kind == "truncate":
            yield kind, raw[: int(rng.integers(0, len(raw)))]
        elif kind == "flip":
            data = bytearray(raw)
            for _ in range(int(rng.integers(1, 9))):
                data[int(rng.integers(0, len(data)))] ^= int(rng.integers(1, 256))
            yield kind, bytes(data)
        elif kind == "remove":
            drop = names[int(rng.integers(0, len(names)))]
            yield kind, _zip([(n, d) for n, d in members.items() if n != drop])
        elif kind == "swap":
            a, b = rng.choice(len(names), size=2, replace=False)
            contents = [members[n] for n in names]
            contents[a], contents[b] = contents[b], contents[a]
            yield kind, _zip(list(zip(names, contents)))
        elif kind in ("json_value", "json_delete", "json_class"):
            edited = copy.deepcopy(config)
            for _ in range(int(rng.integers(1, 4))):
                path = config_paths[int(rng.integers(0, len(config_paths)))]
                try:
                    if kind == "json_delete" and isinstance(path[-1], str):
                        parent = edited
                        for key in path[:-1]:
                            parent = parent[key]
                        parent.pop(path[-1], None)
                    elif kind == "json_class":
                        _set(edited, path[:-1] + ("class_name",) if path[-1] != "class_name" else path,
                             str(rng.choice(["EvilLayer", "Functional", "Sequential", "Dense", "InputLayer",
                                             "__lambda__", "function", "Lambda"])))
                    else:
                        _set(edited, path, copy.deepcopy(_HOSTILE_VALUES[int(rng.integers(0, len(_HOSTILE_VALUES)))]))
                except (KeyError, IndexError, TypeError):
                    continue
            yield kind, _archive(members, edited)
        elif kind == "bad_name":
            bad = str(rng.choice(["../x", "/x", "assets/../../y", "a\\..\\b", "\x00", "assets/ok.txt", "x" * 2000]))
            yield kind, _zip(list(members.items()) + [(bad, b"data")])
        elif kind in ("h5_flip", "h5_flip_unchecked"):
            weights = bytearray(members["model.weights.h5"])
            for _ in range(int(rng.integers(1, 6))):
                weights[int(rng.integers(0, len(weights)))] ^= int(rng.integers(1, 256))
            if kind == "h5_flip":  # stale checksum: refused before the HDF5 library parses anything
                yield kind, _zip([("metadata.json", members["metadata.json"]), ("config.json", members["config.json"]),
                                  ("model.weights.h5", bytes(weights))])
            else:  # no checksum (as in Keras files): the HDF5 reader must cope
                yield kind, _archive(members, weights=bytes(weights), checksum=False)
        elif kind == "metadata":
            value = copy.deepcopy(_HOSTILE_VALUES[int(rng.integers(0, len(_HOSTILE_VALUES)))])
            key = str(rng.choice(["keras_version", "date_saved", "weights_sha256", "other"]))
            yield kind, _archive(members, metadata_edit=lambda m: m.__setitem__(key, value))
        else:
            yield kind, _zip(list(members.items()), compression=zipfile.ZIP_DEFLATED)[: int(rng.integers(50, 400))]


def test_fuzzed_archives_end_in_keras_file_error_or_load(base, tmp_path):
    raw, members = base
    outcomes: dict[str, int] = {}
    unexpected = []
    start = time.perf_counter()
    count = 1020
    for i, (kind, data) in enumerate(_mutations(raw, members, count)):
        source = io.BytesIO(data)
        if i % 50 == 0:  # some through real files
            source = tmp_path / f"fuzz_{i}.keras"
            source.write_bytes(data)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # e.g. "skipping optimizer state" after a JSON edit
                model = kcore.models.load_model(source, compile=i % 3 != 0)
            assert isinstance(model, kcore.Model)
            outcomes["loaded"] = outcomes.get("loaded", 0) + 1
        except KerasFileError:
            outcomes["KerasFileError"] = outcomes.get("KerasFileError", 0) + 1
        except Exception as e:  # noqa: BLE001 - any other exception is the failure being tested for
            unexpected.append(f"#{i} {kind}: {type(e).__name__}: {str(e)[:300]}")
    elapsed = time.perf_counter() - start
    assert not unexpected, f"{len(unexpected)} archives raised other exceptions:\n" + "\n".join(unexpected[:20])
    assert sum(outcomes.values()) == count >= 1000
    assert outcomes.get("KerasFileError", 0) > count // 2 and outcomes.get("loaded", 0) > 0, outcomes
    print(f"fuzz: {outcomes} in {elapsed:.1f}s")
