"""The public API is typed, stable and packaged: ``recordparse.__all__`` is exactly the public
namespace, options are keyword-only, every exception has one base, ``--version`` works, and the
wheel ships ``py.typed`` and installs into a clean environment."""

from __future__ import annotations
import __future__

import importlib.metadata
import importlib.util
import inspect
import shutil
import subprocess
import sys
import types
import venv
import zipfile
from pathlib import Path

import pytest

import recordparse
import recordparse.errors

ROOT = Path(__file__).resolve().parent.parent

#: Options that may stay positional: the format is the natural second word of read/parse
#: (``recordparse.read(path, "oai-pmh")``), documented and kept for compatibility.
POSITIONAL_OPTIONS = {("read", "format"), ("parse", "format")}


def _ruff_isort_key(name: str) -> tuple[int, str]:
    """How ruff's RUF022 orders ``__all__``: CONSTANTS, then Classes, then everything else."""
    if name.isupper() and len(name) > 1:
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)


def test_all_is_sorted() -> None:
    assert recordparse.__all__ == sorted(recordparse.__all__, key=_ruff_isort_key)
    assert len(set(recordparse.__all__)) == len(recordparse.__all__)


def test_all_is_the_public_namespace() -> None:
    public = {
        name
        for name, value in vars(recordparse).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and not isinstance(value, __future__._Feature)
    }
    assert public | {"__version__"} == set(recordparse.__all__)


def _public_functions() -> list[tuple[str, object]]:
    return [(n, getattr(recordparse, n)) for n in recordparse.__all__ if inspect.isfunction(getattr(recordparse, n))]


def test_options_are_keyword_only() -> None:
    functions = _public_functions()
    assert {"read", "parse", "detect", "check", "write_records", "to_dataframe"} <= {n for n, _ in functions}
    offenders = []
    for name, func in functions:
        for param in inspect.signature(func).parameters.values():  # type: ignore[arg-type]
            has_default = param.default is not inspect.Parameter.empty
            if has_default and param.kind is not param.KEYWORD_ONLY and (name, param.name) not in POSITIONAL_OPTIONS:
                offenders.append(f"{name}({param.name}=...)")
    assert not offenders, f"options that should be keyword-only: {offenders}"


def test_public_functions_are_annotated() -> None:
    for name, func in _public_functions():
        signature = inspect.signature(func)  # type: ignore[arg-type]
        assert signature.return_annotation is not inspect.Signature.empty, name
        for param in signature.parameters.values():
            assert param.annotation is not inspect.Parameter.empty, f"{name}({param.name})"


def test_every_exception_derives_from_the_base() -> None:
    exceptions = [
        value
        for value in vars(recordparse.errors).values()
        if isinstance(value, type) and issubclass(value, BaseException)
    ]
    assert len(exceptions) >= 9
    for exc in exceptions:
        assert issubclass(exc, recordparse.RecordParseError), exc
    for name in recordparse.errors.__all__:
        value = getattr(recordparse.errors, name)
        if isinstance(value, type) and issubclass(value, BaseException):
            assert name in recordparse.__all__, f"{name} is not re-exported"


def test_version_option() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "recordparse", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"recordparse {recordparse.__version__}"


def test_py_typed_ships() -> None:
    package = Path(recordparse.__file__).parent
    assert (package / "py.typed").is_file()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"py.typed"' in pyproject  # declared as package data, so wheels carry it


# --------------------------------------------------------------------------------------------
# Building and installing


def _can_build_wheels() -> str | None:
    """Why wheels cannot be built here without downloads, or None when they can."""
    if importlib.util.find_spec("build") is None:
        return "the 'build' package is not installed (it is in the 'dev' extra)"
    version = importlib.metadata.version("setuptools")
    major, minor = (int(p) for p in version.split(".")[:2])
    if (major, minor) < (70, 1) and importlib.util.find_spec("wheel") is None:
        return (
            f"setuptools {version} needs the 'wheel' package to build wheels without "
            "isolation; install wheel or setuptools>=70.1"
        )
    return None


def _copy_project(target: Path) -> Path:
    """The files a build needs, copied so that no build output lands in the checkout."""
    target.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, target / name)
    for extra in ROOT.glob("LICENSE*"):
        shutil.copy2(extra, target / extra.name)
    shutil.copytree(ROOT / "recordparse", target / "recordparse", ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_wheel_builds_and_installs(tmp_path: Path) -> None:
    reason = _can_build_wheels()
    if reason:
        pytest.skip(reason)
    source = _copy_project(tmp_path / "src")
    dist = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--skip-dependency-check", "--outdir", str(dist), str(source)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    wheel = next(dist.glob("recordparse-*.whl"))
    assert next(dist.glob("recordparse-*.tar.gz"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "recordparse/py.typed" in names
    assert "recordparse/exports/report.py" in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "recordparse = recordparse.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True).create(env_dir)
    python = env_dir / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python), "--disable-pip-version-check"]
    installed = subprocess.run(
        [*pip, "install", "--no-deps", "--no-index", "-q", str(wheel)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    where = subprocess.run(
        [str(python), "-c", "import recordparse; print(recordparse.__file__)"],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert where.stdout.strip().startswith(str(env_dir)), where.stdout + where.stderr
    formats = subprocess.run(
        [str(env_dir / "bin" / "recordparse"), "formats", "--no-plugins"],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert formats.returncode == 0, formats.stderr
    listed = {line.split()[0] for line in formats.stdout.splitlines()}
    assert listed == set(recordparse.registry.BUILTIN_PARSERS)
