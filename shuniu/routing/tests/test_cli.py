"""`python -m shuniu.routing …` from a clean clone: standard library only (run with -S: no site-packages)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-S", "-m", "shuniu.routing", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("routing") / "month.json"
    result = run("generate", "--seed", "4", "--days", "5")
    assert result.returncode == 0, result.stderr
    path.write_text(result.stdout, encoding="utf-8")
    return path


def test_generate_simulate_check(month: Path, tmp_path: Path) -> None:
    data = json.loads(month.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert len(data["leaders"]) == 12
    assert data["documents"]
    for policy in ("planner", "B0", "B1"):
        result = run("simulate", str(month), "--policy", policy)
        assert result.returncode == 0, result.stderr
        plan = tmp_path / f"{policy}.json"
        plan.write_text(result.stdout, encoding="utf-8")
        checked = run("check", str(month), str(plan))
        assert checked.returncode == 0, checked.stdout
        report = json.loads(checked.stdout)
        assert report["feasible"]
        assert report["metrics"]["documents"] == len(data["documents"])


def test_check_names_every_violation(month: Path, tmp_path: Path) -> None:
    plan = json.loads(run("simulate", str(month)).stdout)
    first = plan["documents"][0]
    first["copies"][0][0]["start"] = first["copies"][0][0]["end"]  # a visit too short
    plan["documents"].pop()  # a document left out
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(plan), encoding="utf-8")
    result = run("check", str(month), str(broken))
    report = json.loads(result.stdout)
    assert result.returncode == 1
    assert not report["feasible"]
    assert any("lasts 0 min" in v for v in report["violations"])
    assert any("missing from the plan" in v for v in report["violations"])


def scenario_with(**changes: object) -> str:
    """The smallest valid scenario, with `changes` at dotted paths ("documents.0.readers")."""
    base: dict[str, Any] = {
        "version": 1,
        "start": "2026-03-02T00:00:00+08:00",
        "handoff_minutes": 10,
        "copy_minutes": 5,
        "leaders": [
            {
                "id": "L01",
                "name": "书记",
                "rank": 1,
                "available": [["2026-03-02T08:30:00+08:00", "2026-03-02T12:00:00+08:00"]],
            },
            {
                "id": "L02",
                "name": "县长",
                "rank": 2,
                "available": [["2026-03-02T08:30:00+08:00", "2026-03-02T12:00:00+08:00"]],
            },
        ],
        "documents": [
            {
                "id": "D00001",
                "arrival": "2026-03-02T09:00:00+08:00",
                "urgency": "加急",
                "due": "2026-03-03T09:00:00+08:00",
                "readers": ["L01", "L02"],
                "read_minutes": {"L01": 8, "L02": 6},
                "before": [["L01", "L02"]],
                "max_copies": 2,
            }
        ],
    }
    for path, value in changes.items():
        target: Any = base
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        target[keys[-1] if not keys[-1].isdigit() else int(keys[-1])] = value
    return json.dumps(base, ensure_ascii=False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "malformed JSON"),
        (scenario_with(**{"documents.0.readers": ["L01", "L09"]}), "unknown leader 'L09'"),
        (scenario_with(**{"documents.0.before": [["L01", "L02"], ["L02", "L01"]]}), "cycle"),
        (
            scenario_with(
                **{
                    "leaders.0.available": [
                        ["2026-03-02T08:30:00+08:00", "2026-03-02T12:00:00+08:00"],
                        ["2026-03-02T11:00:00+08:00", "2026-03-02T13:00:00+08:00"],
                    ]
                }
            ),
            "leader L01 window #1",
        ),
        (
            scenario_with(
                **{
                    "leaders.0.available": [
                        ["2026-03-02T14:30:00+08:00", "2026-03-02T18:00:00+08:00"],
                        ["2026-03-02T08:30:00+08:00", "2026-03-02T12:00:00+08:00"],
                    ]
                }
            ),
            "sorted",
        ),
        (scenario_with(**{"documents.0.arrival": "2026-03-02T09:00:00"}), "document D00001 arrival"),
        (scenario_with(**{"documents.0.read_minutes": {"L01": 0, "L02": 6}}), "reading time of L01"),
        (scenario_with(**{"documents.0.urgency": "很急"}), "urgency"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    result = run("simulate", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_a_missing_file_exits_2() -> None:
    result = run("simulate", "/nonexistent/month.json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "cannot read" in result.stderr
