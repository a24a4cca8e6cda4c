"""The ``.keras`` zip archive: ``metadata.json``, ``config.json`` and ``model.weights.h5``.

Written as Keras 3 writes it (members stored uncompressed). ``metadata.json``
holds ``keras_version`` (the Keras release whose format kcore writes),
``date_saved``, and two keys Keras ignores: ``kcore_version`` and
``weights_sha256``, a checksum of the weights member verified on reading, so a
damaged weights file is reported instead of loaded.

Reading validates the archive before anything is parsed: member names (no
absolute paths, ``..``, backslashes or duplicates), the set of members, declared
sizes against stored sizes, JSON types.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import zipfile
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from kcore.saving.errors import KerasFileError

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_H5 = "model.weights.h5"
WEIGHTS_NPZ = "model.weights.npz"
ASSETS_DIR = "assets/"
# The Keras release whose file format kcore writes (Keras reads metadata.json but checks nothing in it).
KERAS_FORMAT_VERSION = "3.15.1"

MAX_CONFIG_BYTES = 64 << 20
MAX_METADATA_BYTES = 1 << 20
MAX_MEMBERS = 10_000
MAX_EXPANSION = 200


@dataclass
class Archive:
    """The parsed content of a ``.keras`` file."""

    config: dict
    metadata: dict
    weights: bytes | None
    weights_format: str | None
    assets: list[str] = field(default_factory=list)


def metadata_for(weights: bytes | None) -> dict:
    from kcore.version import __version__

    metadata = {
        "keras_version": KERAS_FORMAT_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
        "kcore_version": __version__,
    }
    if weights is not None:
        metadata["weights_sha256"] = hashlib.sha256(weights).hexdigest()
    return metadata


def write_archive(fileobj: BinaryIO, config: dict, weights_h5: bytes) -> None:
    """Write the three members to ``fileobj`` (stored, like Keras)."""
    config_json = json.dumps(config, allow_nan=True)
    metadata_json = json.dumps(metadata_for(weights_h5))
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(METADATA_FILENAME, metadata_json)
        zf.writestr(CONFIG_FILENAME, config_json)
        zf.writestr(WEIGHTS_H5, weights_h5)


# ------------------------------------------------------------------- reading
def _check_member_name(name: str) -> None:
    if not name or len(name) > 1024 or "\x00" in name:
        raise KerasFileError(f"Invalid member name {name[:80]!r} in the archive.")
    if name.startswith(("/", "\\")) or "\\" in name or (len(name) > 1 and name[1] == ":"):
        raise KerasFileError(f"Archive member {name[:200]!r} has an absolute or non-portable path.")
    if any(part == ".." for part in name.split("/")):
        raise KerasFileError(f"Archive member {name[:200]!r} contains '..' (path traversal).")


def _open_zip(source: Any) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source, "r")
    except zipfile.BadZipFile as e:
        raise KerasFileError(f"Not a .keras file (not a valid zip archive): {e}") from e
    except (OSError, ValueError, EOFError, NotImplementedError, OverflowError) as e:
        raise KerasFileError(f"Could not open the .keras archive: {type(e).__name__}: {e}") from e


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int | None) -> bytes:
    if info.flag_bits & 0x1:
        raise KerasFileError(f"Archive member {info.filename!r} is encrypted.")
    if limit is not None and info.file_size > limit:
        raise KerasFileError(f"Archive member {info.filename!r} is too large ({info.file_size} bytes, limit {limit}).")
    if info.compress_type == zipfile.ZIP_STORED:
        if info.file_size != info.compress_size:
            raise KerasFileError(f"Archive member {info.filename!r} declares inconsistent sizes.")
    elif info.file_size > MAX_EXPANSION * max(info.compress_size, 1) + (1 << 20):
        raise KerasFileError(f"Archive member {info.filename!r} expands too much (potential zip bomb).")
    try:
        with zf.open(info, "r") as f:
            data = f.read(info.file_size + 1)
    except KerasFileError:
        raise
    except Exception as e:  # BadZipFile (CRC), zlib.error, EOFError, NotImplementedError...
        raise KerasFileError(f"Archive member {info.filename!r} is corrupt: {type(e).__name__}: {e}") from e
    if len(data) != info.file_size:
        raise KerasFileError(f"Archive member {info.filename!r} is truncated or its size is wrong.")
    return data


def _parse_json(data: bytes, what: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except RecursionError as e:
        raise KerasFileError(f"{what} is nested too deeply.") from e
    except (UnicodeDecodeError, ValueError) as e:
        raise KerasFileError(f"{what} is not valid JSON: {e}") from e


def read_archive(source: str | os.PathLike | BinaryIO) -> Archive:
    """Open and validate a ``.keras`` archive (a path or a binary file object)."""
    zf = _open_zip(source)
    with zf:
        try:
            infos = zf.infolist()
        except Exception as e:
            raise KerasFileError(f"Could not list the archive members: {e}") from e
        if len(infos) > MAX_MEMBERS:
            raise KerasFileError(f"The archive has {len(infos)} members; a .keras file has a handful.")
        by_name: dict[str, zipfile.ZipInfo] = {}
        assets = []
        for info in infos:
            name = info.filename
            _check_member_name(name)
            if name in by_name:
                raise KerasFileError(f"Archive member {name!r} appears more than once.")
            by_name[name] = info
            if name.startswith(ASSETS_DIR):
                assets.append(name)
            elif name not in (CONFIG_FILENAME, METADATA_FILENAME, WEIGHTS_H5, WEIGHTS_NPZ):
                raise KerasFileError(
                    f"Unexpected member {name!r} in the .keras archive (expected {CONFIG_FILENAME}, "
                    f"{METADATA_FILENAME}, {WEIGHTS_H5} and optional assets/)."
                )
        if CONFIG_FILENAME not in by_name:
            raise KerasFileError(f"The archive has no {CONFIG_FILENAME}; it is not a .keras model file.")
        config = _parse_json(_read_member(zf, by_name[CONFIG_FILENAME], MAX_CONFIG_BYTES), CONFIG_FILENAME)
        if not isinstance(config, dict):
            raise KerasFileError(f"{CONFIG_FILENAME} must hold a JSON object; it holds {type(config).__name__}.")
        metadata: dict = {}
        if METADATA_FILENAME in by_name:
            metadata = _parse_json(_read_member(zf, by_name[METADATA_FILENAME], MAX_METADATA_BYTES), METADATA_FILENAME)
            if not isinstance(metadata, dict):
                raise KerasFileError(f"{METADATA_FILENAME} must hold a JSON object; it holds {type(metadata).__name__}.")
            for key in ("keras_version", "date_saved", "kcore_version", "weights_sha256"):
                if key in metadata and not isinstance(metadata[key], str):
                    raise KerasFileError(f"{METADATA_FILENAME}: '{key}' must be a string.")
        weights_name = WEIGHTS_H5 if WEIGHTS_H5 in by_name else (WEIGHTS_NPZ if WEIGHTS_NPZ in by_name else None)
        if weights_name is None:
            raise KerasFileError(f"The archive has no {WEIGHTS_H5} (or {WEIGHTS_NPZ}).")
        weights = _read_member(zf, by_name[weights_name], None)
        digest = metadata.get("weights_sha256")
        if digest is not None and hashlib.sha256(weights).hexdigest() != digest.lower():
            raise KerasFileError(
                f"{weights_name} does not match the checksum recorded in {METADATA_FILENAME}: the file is damaged."
            )
        return Archive(config=config, metadata=metadata, weights=weights,
                       weights_format="h5" if weights_name == WEIGHTS_H5 else "npz", assets=assets)


def is_keras_zip(source: Any) -> bool:
    try:
        if isinstance(source, (str, os.PathLike)):
            return zipfile.is_zipfile(source)
        position = source.tell()
        try:
            return zipfile.is_zipfile(source)
        finally:
            source.seek(position)
    except Exception:
        return False


__all__ = ["Archive", "read_archive", "write_archive", "metadata_for", "KERAS_FORMAT_VERSION",
           "CONFIG_FILENAME", "METADATA_FILENAME", "WEIGHTS_H5", "WEIGHTS_NPZ"]
