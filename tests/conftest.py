"""Shared test setup: the active backend, the keras oracle and the shared data sets.

Tests run against the backend named by KCORE_BACKEND (tox runs one env per
backend). A skipped test fails the run: kcore's suite never passes with
parts of it skipped for a missing install.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("KCORE_SHARED_DATA", REPO.parent / "shared" / "data"))


def pytest_report_header(config):
    from kcore import backend

    return f"kcore backend: {backend.backend()} ({backend.current().framework_version()}); " \
           f"keras oracle backend: {os.environ.get('KERAS_BACKEND', 'unset')}"


@pytest.fixture(scope="session")
def backend_name() -> str:
    from kcore import backend

    return backend.backend()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared data folder not found at {SHARED_DATA}; set KCORE_SHARED_DATA")
    return SHARED_DATA


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    skipped = reporter.stats.get("skipped", [])
    xfailed = reporter.stats.get("xfailed", [])
    if (skipped or xfailed) and exitstatus == 0:
        reporter.write_line(
            f"kcore: {len(skipped)} skipped and {len(xfailed)} xfailed tests count as failures", red=True
        )
        session.exitstatus = 1
