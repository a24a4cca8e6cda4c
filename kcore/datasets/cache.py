"""Local dataset cache: locating files, verifying their digests, clear errors.

kcore never downloads anything: data sets are read from ``$KCORE_HOME/datasets/``
(``KCORE_HOME`` defaults to ``~/.kcore``) or from an explicit ``path=``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterable

from kcore.backend.selection import kcore_home

_DIGEST_MEMO: dict[tuple[str, str, int, int], str] = {}


def datasets_dir() -> Path:
    """``$KCORE_HOME/datasets`` (not created)."""
    return kcore_home() / "datasets"


def resolve(path: str | os.PathLike | None, default_name: str) -> tuple[Path, bool]:
    """The file or folder to read, and whether it is the cache's canonical entry.

    ``path=None`` gives ``datasets_dir()/default_name``; an absolute path (``~`` is
    expanded) is used as is; a relative one is taken inside ``datasets_dir()``.
    """
    cache = datasets_dir()
    canonical = cache / default_name
    if path is None:
        return canonical, True
    p = Path(os.fspath(path)).expanduser()
    if not p.is_absolute():
        p = Path(os.path.normpath(cache / p))
    try:
        is_canonical = p.resolve() == canonical.resolve()
    except OSError:
        is_canonical = False
    return p, is_canonical


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    """Hex digest of a file (memoized per path, size and modification time)."""
    st = path.stat()
    key = (str(path.resolve()), algorithm, st.st_size, st.st_mtime_ns)
    digest = _DIGEST_MEMO.get(key)
    if digest is None:
        h = hashlib.new(algorithm)
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        digest = h.hexdigest()
        _DIGEST_MEMO[key] = digest
    return digest


def verify_digest(dataset: str, path: Path, algorithm: str, known: dict[str, str], url: str) -> None:
    """Raises ``ValueError`` unless the file's digest is one of ``known`` (digest -> what it is)."""
    digest = file_digest(path, algorithm)
    if digest in known:
        return
    expected = " or ".join(f"{d} ({what})" for d, what in known.items())
    raise ValueError(
        f"kcore.datasets.{dataset}: {path} has {algorithm} {digest}, expected {expected}. "
        f"The file is incomplete, corrupted or not the original release. Delete it and download "
        f"it again from {url}, or load a file of the same layout without this check by passing "
        f"load_data(path=...) with a path outside the cache's canonical name."
    )


def missing_error(dataset: str, what: str, needed: Iterable[tuple[Path, str]], alternative: str = "") -> FileNotFoundError:
    """A ``FileNotFoundError`` naming each file to put where (full path) and its source URL."""
    lines = "".join(f"\n  {file}  (download: {url})" for file, url in needed)
    return FileNotFoundError(
        f"kcore.datasets.{dataset}: {what} not found; kcore does not download data sets. "
        f"Put {'these files' if lines.count(chr(10)) > 1 else 'this file'} in place:{lines}"
        + (f"\n{alternative}" if alternative else "")
        + f"\nOr set KCORE_HOME to a folder whose datasets/ holds the data, or call load_data(path=...) "
        f"with an absolute path (relative paths are resolved in {datasets_dir()})."
    )


def check_array(dataset: str, source: Path | str, name: str, array, ndim: int,
                trailing: tuple[int, ...] = (), dtype: str = "uint8") -> None:
    """Raises ``ValueError`` when ``array`` lacks the expected rank, trailing dims or dtype."""
    shape = tuple(array.shape)
    expected = "(N" + "".join(f", {d}" for d in trailing) + (",)" if ndim == 1 else ")")
    if len(shape) != ndim or (trailing and shape[1:] != trailing):
        raise ValueError(
            f"kcore.datasets.{dataset}: {source}: `{name}` has shape {shape}, expected {expected}"
        )
    if str(array.dtype) != dtype:
        raise ValueError(
            f"kcore.datasets.{dataset}: {source}: `{name}` has dtype {array.dtype}, expected {dtype}"
        )


def check_same_length(dataset: str, source: Path | str, x_name: str, x, y_name: str, y) -> None:
    if len(x) != len(y):
        raise ValueError(
            f"kcore.datasets.{dataset}: {source}: `{x_name}` has {len(x)} samples but "
            f"`{y_name}` has {len(y)}"
        )
