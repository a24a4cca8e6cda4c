"""Backend discovery, selection (env var > config file > default) and its error messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import kcore
from kcore.backend import BackendInfo, BackendNotInstalledError, UnknownBackendError, hookimpl, selection

HERE = Path(__file__).resolve().parent
FRAMEWORKS = {"jax": "jax", "torch": "torch", "tensorflow": "tensorflow", "numpy": "autograd"}


def run_python(code: str, env_updates: dict, drop: tuple = ()) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_updates)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=240)


def test_active_backend_is_the_requested_one(backend_name):
    assert kcore.backend.backend() == os.environ.get("KCORE_BACKEND", "numpy")
    assert backend_name in kcore.backend.list_backends()


def test_every_in_tree_backend_is_registered_through_entry_points():
    names = kcore.backend.list_backends()
    for name in ("numpy", "jax", "torch", "tensorflow"):
        assert name in names
    infos = {i.name: i for i in kcore.backend.registry()}
    assert infos["jax"].backend_class == "kcore_jax.backend:JaxBackend"


def test_default_is_numpy(tmp_path):
    out = run_python("from kcore.backend import selection; print(selection.requested_name())",
                     {"KCORE_HOME": str(tmp_path)}, drop=("KCORE_BACKEND",))
    assert out.returncode == 0, out.stderr
    assert "('numpy', 'default')" in out.stdout


def test_config_file_selects_backend(tmp_path, backend_name):
    (tmp_path / "kcore.json").write_text(json.dumps({"backend": backend_name}))
    out = run_python("import kcore; print(kcore.backend.backend())", {"KCORE_HOME": str(tmp_path)},
                     drop=("KCORE_BACKEND",))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == backend_name


def test_env_var_beats_config_file(tmp_path, backend_name):
    (tmp_path / "kcore.json").write_text(json.dumps({"backend": "nosuch"}))
    out = run_python("import kcore; print(kcore.backend.backend())",
                     {"KCORE_HOME": str(tmp_path), "KCORE_BACKEND": backend_name})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == backend_name


def test_unknown_backend_fails_with_one_clear_line():
    out = run_python("import kcore, numpy; kcore.ops.add(numpy.ones(2), 1)", {"KCORE_BACKEND": "nosuch"})
    assert out.returncode != 0
    lines = [l for l in out.stderr.strip().splitlines() if l.strip()]
    assert len(lines) == 1, out.stderr
    assert "nosuch" in lines[0]
    for name in ("numpy", "jax", "torch", "tensorflow"):
        assert name in lines[0]


def test_unknown_backend_error_type():
    with pytest.raises(UnknownBackendError, match="nosuch"):
        selection.load("nosuch")


def test_missing_framework_names_the_pip_extra():
    class Missing:
        @hookimpl
        def kcore_register_backends(self, registry):
            registry.add(BackendInfo(name="ghost", backend_class="ghost_backend:Ghost",
                                     framework="kcore_no_such_framework_xyz", install_hint="kcore[ghost]"))

    plugin = Missing()
    kcore.backend.register_plugin(plugin, name="ghost-plugin")
    try:
        assert "ghost" in kcore.backend.list_backends()
        with pytest.raises(BackendNotInstalledError, match=r"pip install kcore\[ghost\]"):
            selection.load("ghost")
    finally:
        kcore.backend.unregister_plugin(name="ghost-plugin")
    assert "ghost" not in kcore.backend.list_backends()


def test_import_kcore_does_not_import_other_frameworks(backend_name):
    others = [fw for name, fw in FRAMEWORKS.items() if name != backend_name and fw != FRAMEWORKS[backend_name]]
    code = (
        "import sys, kcore, numpy\n"
        "kcore.ops.add(numpy.ones(2), 1)\n"
        "layer = kcore.layers.Dense(2); layer(numpy.ones((1, 3), 'float32'))\n"
        f"print([m for m in {others!r} if m in sys.modules])"
    )
    out = run_python(code, {"KCORE_BACKEND": backend_name})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_plain_import_imports_no_framework():
    code = "import sys, kcore\nprint([m for m in ('jax', 'torch', 'tensorflow', 'autograd') if m in sys.modules])"
    out = run_python(code, {"KCORE_BACKEND": "jax"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_runtime_registered_third_party_backend_is_selected_and_runs_ops(backend_name):
    code = (
        "import kcore, numpy, runtime_plugin\n"
        "kcore.backend.register_plugin(runtime_plugin.Plugin(), name='tiny')\n"
        "x = kcore.ops.add(numpy.ones(2, 'float32'), 1.0)\n"
        "print(kcore.backend.backend(), kcore.ops.convert_to_numpy(x).tolist())"
    )
    out = run_python(code, {"KCORE_BACKEND": "tinybackend", "TINY_BASE": backend_name})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "tinybackend [2.0, 2.0]"


def test_info_command_shows_active_backend_and_version(backend_name):
    out = subprocess.run([sys.executable, "-m", "kcore", "info"], capture_output=True, text=True, timeout=240,
                         env={**os.environ, "KCORE_BACKEND": backend_name})
    assert out.returncode == 0, out.stderr
    active_line = next(l for l in out.stdout.splitlines() if l.startswith("active backend:"))
    assert active_line.startswith(f"active backend: {backend_name} (")
    assert kcore.backend.current().framework_version() in active_line
    for name in ("numpy", "jax", "torch", "tensorflow"):
        assert any(name in l for l in out.stdout.splitlines() if l.startswith("  ["))


def test_contract_lists_required_methods_and_backend_implements_them():
    from kcore.backend import contract

    required = contract.required_methods()
    assert "conv" in required and "value_and_grad" in required
    b = kcore.backend.current()
    for name in required:
        assert getattr(type(b), name) is not getattr(contract.Backend, name), name
