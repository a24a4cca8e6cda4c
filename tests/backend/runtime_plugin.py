"""A third-party backend plugin defined in the tests and registered at run time.

``tinybackend`` reuses the class of the backend named by ``TINY_BASE`` under a
new name: enough to prove registration, selection and dispatch go through the
plugin seam and not through any hard-coded list.
"""

from __future__ import annotations

import os

from kcore.backend.contract import BackendInfo, hookimpl


class Plugin:
    @hookimpl
    def kcore_register_backends(self, registry):
        registry.add(BackendInfo(
            name="tinybackend",
            backend_class="runtime_plugin:make_backend_class",
            framework="numpy",
            install_hint="nothing (defined in kcore's tests)",
            description="test-only backend registered at run time",
        ))


def _base_class():
    import importlib

    from kcore.backend.plugin_manager import registry

    info = registry().get(os.environ["TINY_BASE"])
    module, _, name = info.backend_class.partition(":")
    return getattr(importlib.import_module(module), name)


def __getattr__(name):
    if name == "make_backend_class":
        base = _base_class()
        return type("TinyBackend", (base,), {"name": "tinybackend"})
    raise AttributeError(name)
