"""Fixtures (a pytest plugin named in tests/conftest.py): the platform mock in a thread of this
process, or as a ``python -m signing`` process.

Not a conftest.py: tests import ``conftest`` by name, and a second one would shadow the first.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.signing.mockclient import MockProcess, ThreadServer


@pytest.fixture
def mock(tmp_path: Path) -> Iterator[ThreadServer]:
    server = ThreadServer(base="", db=tmp_path / "esf.db")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mock_process(tmp_path: Path) -> Iterator[MockProcess]:
    server = MockProcess(base="", db=tmp_path / "esf.db", port=free_port())
    server.start()
    yield server
    server.stop()
