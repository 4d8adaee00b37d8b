"""Third-party plugins through the entry-point groups, end to end.

``tests/plugin_pkg`` is a small plugin distribution (``recordparse-kv-plugin``): the ``kv-export``
parser, the ``kv-open-license`` validator, and ``kv-broken``, an entry point whose module fails to
import. It is installed into a temporary directory the way a wheel installs it (its package plus a
``.dist-info`` with ``entry_points.txt``, written from its ``pyproject.toml``: no build, no
network) and put on ``PYTHONPATH`` of subprocesses, so this process's registry never sees it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from recordparse.registry import BUILTIN_PARSERS, DISABLE_ENV

tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs Python 3.11's tomllib")

ROOT = Path(__file__).resolve().parent.parent
PLUGIN_PROJECT = Path(__file__).resolve().parent / "plugin_pkg"
SAMPLE = PLUGIN_PROJECT / "samples" / "export.kv"
DAMAGED = PLUGIN_PROJECT / "samples" / "damaged.kv"
#: A record in a built-in format (Zenodo's REST API), which the built-in parser reads confidently.
ZENODO_RECORD = {
    "id": 4061544,
    "doi": "10.5281/zenodo.4061544",
    "metadata": {
        "title": "Shoreline retreat on the Danish North Sea coast, 1977-2019",
        "creators": [{"name": "Holm, Karen"}],
        "publication_date": "2020-10-01",
        "resource_type": {"type": "publication", "subtype": "article"},
        "access_right": "open",
        "license": {"id": "CC-BY-4.0"},
    },
}


# --------------------------------------------------------------------------------------------
# Installing without building (also used by tests/test_docs.py for the example plugin)


def write_dist_info(
    target: Path, name: str, version: str, entry_points: Mapping[str, Mapping[str, str]]
) -> Path:
    """Write the ``.dist-info`` that an installed wheel of ``name`` would have."""
    dist = target / f"{name.replace('-', '_')}-{version}.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8")
    lines: list[str] = []
    for group, entries in entry_points.items():
        lines.append(f"[{group}]")
        lines.extend(f"{key} = {value}" for key, value in entries.items())
        lines.append("")
    (dist / "entry_points.txt").write_text("\n".join(lines), encoding="utf-8")
    (dist / "INSTALLER").write_text("recordparse-tests\n", encoding="utf-8")
    return dist


def install_plugin(project: Path, target: Path) -> str:
    """Install the plugin project at ``project`` into ``target``; returns its distribution name.

    Copies its import packages (from ``src/`` when the project uses that layout) and writes the
    ``.dist-info`` from ``[project]`` name, version and ``entry-points`` in ``pyproject.toml``.
    """
    meta = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    root = project / "src" if (project / "src").is_dir() else project
    packages = sorted(init.parent for init in root.glob("*/__init__.py"))
    assert packages, f"no import package in {root}"
    for package in packages:
        shutil.copytree(package, target / package.name, ignore=shutil.ignore_patterns("__pycache__"))
    write_dist_info(target, meta["name"], meta["version"], meta.get("entry-points", {}))
    return str(meta["name"])


def plugin_env(*paths: Path, disable: bool = False) -> dict[str, str]:
    """The environment of a subprocess that sees the plugins installed under ``paths``."""
    env = {k: v for k, v in os.environ.items() if k not in (DISABLE_ENV, "PYTHONWARNINGS")}
    env["PYTHONPATH"] = os.pathsep.join([*(str(p) for p in paths), *filter(None, [env.get("PYTHONPATH")])])
    if disable:
        env[DISABLE_ENV] = "1"
    return env


def run(args: Sequence[str], env: Mapping[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=dict(env), cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def run_python(code: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    result = run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    return result


# --------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("plugin-site")
    assert install_plugin(PLUGIN_PROJECT, target) == "recordparse-kv-plugin"
    return target


@pytest.fixture(scope="module")
def env(site: Path) -> dict[str, str]:
    return plugin_env(site)


@pytest.fixture(scope="module")
def builtin_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("builtin") / "record.json"
    path.write_text(json.dumps(ZENODO_RECORD), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# Loading


def test_import_recordparse_imports_no_plugin(env: dict[str, str], builtin_sample: Path) -> None:
    code = (
        "import sys, recordparse\n"
        "names = recordparse.default_registry().names()\n"
        "assert 'kv-export' in names, names\n"
        "list(recordparse.read(sys.argv[1]))\n"
        "print(sorted(m for m in sys.modules if m.startswith('recordparse_kv')))\n"
    )
    result = run(["-c", code, str(builtin_sample)], env)
    assert result.returncode == 0, result.stderr
    # Listing the formats reads metadata only, and a file a built-in reads confidently never
    # makes recordparse import a plugin.
    assert result.stdout.strip() == "[]"


def test_read_with_named_format(env: dict[str, str]) -> None:
    code = (
        "import json, sys, recordparse\n"
        "records = list(recordparse.read(sys.argv[1], format='kv-export'))\n"
        "print(json.dumps([r.to_dict() for r in records]))\n"
    )
    result = run(["-c", code, str(SAMPLE)], env)
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert [r["id"] for r in records] == ["4411", "4412", "4413"]
    first, thesis, _ = records
    assert first["format"] == "kv-export"
    assert first["doi"] == "10.5281/zenodo.3547712"
    assert [a["name"] for a in first["authors"]] == ["Huber, Anna", "Keller, Tom"]
    assert first["abstract"].endswith("compare grazed and ungrazed meadows.")
    assert thesis["access"]["status"] == "embargoed"
    assert thesis["access"]["embargo_end"] == "2027-06-30"
    assert thesis["extra"]["department"] == "Earth Sciences"


def test_auto_detection_finds_the_plugin(env: dict[str, str]) -> None:
    code = (
        "import sys, warnings, recordparse\n"
        "warnings.simplefilter('ignore')\n"
        "ranked = recordparse.detect(sys.argv[1])\n"
        "print(ranked[0].name, ranked[0].plugin)\n"
        "print(len(list(recordparse.read(sys.argv[1]))))\n"
    )
    result = run(["-c", code, str(SAMPLE)], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["kv-export", "True", "3"]


def test_cli_parse_and_formats(env: dict[str, str]) -> None:
    parsed = run(["-m", "recordparse", "parse", "-q", str(SAMPLE)], env)
    assert parsed.returncode == 0, parsed.stderr
    lines = [json.loads(line) for line in parsed.stdout.splitlines()]
    assert [(r["format"], r["id"]) for r in lines] == [("kv-export", "4411"), ("kv-export", "4412"), ("kv-export", "4413")]

    formats = run(["-m", "recordparse", "formats"], env)
    assert formats.returncode == 0, formats.stderr
    rows = {line.split()[0]: line for line in formats.stdout.splitlines()}
    assert "plugin from recordparse-kv-plugin" in rows["kv-export"]
    assert "Example repository key = value export" in rows["kv-export"]
    first_builtin = sorted(BUILTIN_PARSERS)[0]
    assert "built-in" in rows[first_builtin]


def test_plugin_validator_runs_in_check(env: dict[str, str]) -> None:
    checked = run(["-m", "recordparse", "check", "--output-format", "json", "--today", "2026-11-21", str(SAMPLE)], env)
    assert checked.returncode == 3, checked.stderr  # open_without_license is a warning
    by_id = {row["id"]: {f["code"] for f in row["flags"]} for row in map(json.loads, checked.stdout.splitlines())}
    assert "open_without_license" in by_id["4413"]  # open, and no licence given
    assert "open_without_license" not in by_id["4411"]  # open under CC-BY-4.0
    assert by_id["4412"] == {"embargoed"}

    without = run(["-m", "recordparse", "check", "--no-plugins", "--json", str(SAMPLE), "-f", "kv-export"], env)
    assert without.returncode == 2  # the format is a plugin: without plugins it is unknown
    assert "no format named 'kv-export'" in without.stderr


def test_error_policy_with_the_plugin(env: dict[str, str]) -> None:
    result = run(["-m", "recordparse", "parse", str(DAMAGED)], env)
    assert result.returncode == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["5001", "5003"]
    assert "damaged.kv: record 2, line 8" in result.stderr
    assert "[kv-export]" in result.stderr
    assert "line 10 is not 'key = value'" in result.stderr


# --------------------------------------------------------------------------------------------
# Turning plugins off


def test_environment_variable_disables_plugins(site: Path) -> None:
    env = plugin_env(site, disable=True)
    formats = run(["-m", "recordparse", "formats"], env)
    assert formats.returncode == 0
    assert "kv-export" not in formats.stdout
    assert sorted(BUILTIN_PARSERS)[0] in formats.stdout

    code = (
        "import sys, recordparse\n"
        "try:\n"
        "    recordparse.parse(sys.argv[1], format='kv-export')\n"
        "except recordparse.UnknownFormatError as exc:\n"
        "    print(exc.reason)\n"
        "print(sorted(m for m in sys.modules if m.startswith('recordparse_kv')))\n"
    )
    result = run(["-c", code, str(SAMPLE)], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "no format named 'kv-export'"
    assert result.stdout.splitlines()[-1] == "[]"


def test_no_plugins_option(env: dict[str, str]) -> None:
    formats = run(["-m", "recordparse", "formats", "--no-plugins"], env)
    assert formats.returncode == 0
    assert "kv-export" not in formats.stdout
    parsed = run(["-m", "recordparse", "parse", "--no-plugins", str(SAMPLE)], env)
    assert parsed.returncode == 1
    assert parsed.stdout == ""
    assert "no format recognised this input" in parsed.stderr


# --------------------------------------------------------------------------------------------
# Misbehaving plugins


def test_broken_plugin_is_reported_and_harmless(env: dict[str, str], builtin_sample: Path) -> None:
    formats = run(["-m", "recordparse", "formats"], env)
    assert formats.returncode == 0
    broken = next(line for line in formats.stdout.splitlines() if line.startswith("kv-broken"))
    assert "broken plugin" in broken
    assert "recordparse-kv-plugin" in broken and "ModuleNotFoundError" in broken

    # Auto-detection imports the plugins: the broken one is named in a warning, the good one works.
    parsed = run(["-m", "recordparse", "parse", str(SAMPLE)], env)
    assert parsed.returncode == 0, parsed.stderr
    assert len(parsed.stdout.splitlines()) == 3
    assert "plugin 'kv-broken' (from recordparse-kv-plugin): failed to load" in parsed.stderr

    # Built-in formats are untouched.
    builtin = run(["-m", "recordparse", "parse", str(builtin_sample)], env)
    assert builtin.returncode == 0, builtin.stderr
    assert json.loads(builtin.stdout)["doi"] == "10.5281/zenodo.4061544"
    assert "kv-broken" not in builtin.stderr  # a confident built-in never loads the plugins


def test_duplicate_names_are_reported(site: Path, tmp_path: Path) -> None:
    taken = sorted(BUILTIN_PARSERS)[0]
    write_dist_info(
        tmp_path,
        "recordparse-dup-plugin",
        "0.1",
        {"recordparse.parsers": {"kv-export": "recordparse_dup:OtherKv", taken: "recordparse_dup:Impostor"}},
    )
    env = plugin_env(site, tmp_path)
    formats = run(["-m", "recordparse", "formats"], env)
    assert formats.returncode == 0
    assert (
        "plugin 'kv-export' (from recordparse-dup-plugin): name already taken by recordparse-kv-plugin; ignored"
        in formats.stderr
    )
    assert f"plugin {taken!r} (from recordparse-dup-plugin): name already taken by {BUILTIN_PARSERS[taken]}" in formats.stderr
    rows = {line.split()[0]: line for line in formats.stdout.splitlines()}
    assert "plugin from recordparse-kv-plugin" in rows["kv-export"]
    assert "built-in" in rows[taken]
    # The first registration wins: the sample still parses with the real plugin.
    parsed = run(["-m", "recordparse", "parse", "-q", "-f", "kv-export", str(SAMPLE)], env)
    assert parsed.returncode == 0, parsed.stderr
    assert len(parsed.stdout.splitlines()) == 3
