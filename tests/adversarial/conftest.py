"""Fixtures of the adversarial suite: the canary, the loopback listener, a FIFO, an evil DTD."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .cases import Env
from .harness import Canary, Listener


@pytest.fixture(scope="session")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.fixture(scope="session")
def env(tmp_path_factory: pytest.TempPathFactory, listener: Listener) -> Env:
    directory = tmp_path_factory.mktemp("adversarial")
    canary = Canary(directory)
    fifo = directory / "fifo"
    os.mkfifo(fifo)
    evil = directory / "evil.dtd"
    evil.write_text(f'<!ENTITY ee SYSTEM "{canary.url}">\n', encoding="ascii")
    return Env(directory=directory, canary=canary, listener=listener, fifo=fifo, evil_dtd=evil)


@pytest.fixture
def scratch(env: Env) -> Path:
    return env.directory
