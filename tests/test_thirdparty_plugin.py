"""The backend-author kit: an out-of-tree plugin registered like a third party's, the conformance
runner on it, the results report and the generated backend author's guide.

The plugin (tests/thirdparty_backend) is registered at run time with
``kcore.backend.register_plugin``, as a plugin author does before packaging; the
tox ``conformance-thirdparty`` environment covers the pip-installed entry point.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PLUGIN_DIR = REPO / "tests" / "thirdparty_backend"


@pytest.fixture
def testbackend_plugin(monkeypatch):
    """The ``kcore_testbackend`` module, registered for the duration of a test."""
    from kcore.backend import plugin_manager

    monkeypatch.syspath_prepend(str(PLUGIN_DIR))
    module = importlib.import_module("kcore_testbackend")
    registered_here = not plugin_manager.manager().is_registered(module)
    if registered_here:
        plugin_manager.register_plugin(module, name="kcore_testbackend")
    yield module
    if registered_here:
        plugin_manager.unregister_plugin(module)


def test_plugin_registration_imports_no_backend_class(testbackend_plugin, monkeypatch):
    from kcore.backend import plugin_manager, registry

    monkeypatch.delitem(sys.modules, "kcore_testbackend.backend", raising=False)
    plugin_manager.unregister_plugin(testbackend_plugin)
    plugin_manager.register_plugin(testbackend_plugin, name="kcore_testbackend")
    info = registry().get("testbackend")
    assert info is not None, f"testbackend not registered; backends: {registry().names()}"
    assert info.backend_class == "kcore_testbackend.backend:TestBackend"
    assert info.framework == "autograd"
    assert "kcore_testbackend.backend" not in sys.modules, "registration imported the backend class"


def _autograd_installed() -> bool:
    """The test backend computes with kcore's numpy backend, which needs autograd (kcore[numpy])."""
    from kcore.backend import registry, selection

    return selection.framework_available(registry().get("testbackend"))


def test_selection_by_name_loads_the_plugin_backend(testbackend_plugin, monkeypatch):
    from kcore.backend import contract, errors, selection

    monkeypatch.setenv("KCORE_BACKEND", "testbackend")
    name, source = selection.requested_name()
    assert (name, source) == ("testbackend", "$KCORE_BACKEND")
    if not _autograd_installed():  # a tox env with another backend's extra only
        with pytest.raises(errors.BackendNotInstalledError, match=r"pip install kcore\[numpy\] kcore-testbackend"):
            selection.load(name)
        return
    backend = selection.load(name)
    assert isinstance(backend, contract.Backend)
    assert backend.name == "testbackend"
    assert type(backend).__module__ == "kcore_testbackend.backend"
    x = backend.convert_to_tensor([[1.0, 2.0], [3.0, 4.0]])
    y = backend.matmul(x, x)
    assert backend.convert_to_numpy(y).tolist() == [[7.0, 10.0], [15.0, 22.0]]


def test_unregistered_plugin_is_an_unknown_backend(testbackend_plugin):
    from kcore.backend import errors, plugin_manager, selection

    plugin_manager.unregister_plugin(testbackend_plugin)
    try:
        with pytest.raises(errors.UnknownBackendError, match="unknown backend 'testbackend'"):
            selection.load("testbackend")
    finally:
        plugin_manager.register_plugin(testbackend_plugin, name="kcore_testbackend")


def test_conformance_kit_runs_on_the_plugin_backend(tmp_path, testbackend_plugin):
    """``python -m kcore.conformance --backend testbackend --plugin kcore_testbackend`` (one check)."""
    results = tmp_path / "testbackend.json"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(PLUGIN_DIR), os.environ.get("PYTHONPATH", "")]))
    env.pop("KCORE_BACKEND", None)
    proc = subprocess.run(
        [sys.executable, "-m", "kcore.conformance", "--backend", "testbackend", "--plugin", "kcore_testbackend",
         "-k", "introduction", "--json", str(results)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    if not _autograd_installed():
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "needs 'autograd', which is not installed" in proc.stderr
        return
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"^introduction\s+PASS", proc.stdout, re.M), proc.stdout
    data = json.loads(results.read_text())
    assert data["backend"] == "testbackend"
    assert [(r["name"], r["passed"]) for r in data["results"]] == [("introduction", True)]


def test_conformance_kit_rejects_an_unknown_backend(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "KCORE_BACKEND"}
    proc = subprocess.run([sys.executable, "-m", "kcore.conformance", "--backend", "no_such_backend"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "unknown backend 'no_such_backend'" in proc.stderr


def _write_results(folder: Path, backend: str, outcomes: dict[str, bool]) -> None:
    results = [{"name": n, "section": n, "passed": ok, "seconds": 0.5, "cpu_seconds": 0.5,
                "error": None if ok else "CheckFailure: differs"} for n, ok in outcomes.items()]
    payload = {"backend": backend, "framework_version": "1.0", "kcore_version": "0.1.0",
               "command": f"python -m kcore conformance --backend {backend}", "results": results}
    (folder / f"{backend}.json").write_text(json.dumps(payload))


def _report(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "conformance" / "report.py"), *args],
                          capture_output=True, text=True, timeout=60)


def test_report_merges_backends_into_a_table(tmp_path):
    _write_results(tmp_path, "numpy", {"introduction": True, "toy_resnet": True})
    _write_results(tmp_path, "jax", {"introduction": True, "toy_resnet": True})
    out = tmp_path / "conformance.md"
    proc = _report(str(tmp_path), str(out), "--expect", "numpy,jax")
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert "| example | numpy | jax |" in text
    assert "| toy_resnet | pass 0.5 s | pass 0.5 s |" in text
    assert "kcore version: 0.1.0" in text


def test_report_fails_on_a_failed_cell_or_a_missing_backend(tmp_path):
    _write_results(tmp_path, "numpy", {"introduction": True, "toy_resnet": False})
    out = tmp_path / "conformance.md"
    proc = _report(str(tmp_path), str(out), "--expect", "numpy,torch")
    assert proc.returncode == 1
    text = out.read_text()  # written before failing
    assert "**FAIL**" in text and "**missing**" in text
    assert "numpy: toy_resnet failed" in proc.stderr
    assert "no results for backend 'torch'" in proc.stderr


def test_backends_doc_matches_the_contract():
    proc = subprocess.run([sys.executable, str(REPO / "conformance" / "gen_backends_doc.py"), "--check"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
