"""scripts/mutation-scores: a mutant no test reaches ("no tests") counts against the score."""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "mutation-scores"
KILLED, NO_TESTS, SURVIVED, INTERRUPTED, SUSPICIOUS = 1, 33, 0, 2, 35


def scores(tmp_path, codes):
    meta = tmp_path / "mutants" / "rules" / "module.py.meta"
    meta.parent.mkdir(parents=True)
    meta.write_text(json.dumps({"exit_code_by_key": {f"m{i}": code for i, code in enumerate(codes)}}))
    return subprocess.run([sys.executable, str(SCRIPT)], cwd=tmp_path, capture_output=True, text=True)


def test_mutants_no_test_reaches_count_against_the_score(tmp_path):
    result = scores(tmp_path, [KILLED] * 9 + [NO_TESTS] * 2)
    assert "9 of   11 caught ( 81.8%), 0 survived, 2 reached by no test, 0 not checked" in result.stdout
    assert result.returncode == 1


def test_a_module_at_the_bar_passes(tmp_path):
    result = scores(tmp_path, [KILLED] * 9 + [SURVIVED])
    assert "9 of   10 caught ( 90.0%), 1 survived, 0 reached by no test, 0 not checked" in result.stdout
    assert result.returncode == 0


def test_an_interrupted_check_is_still_to_do_and_other_statuses_are_named(tmp_path):
    result = scores(tmp_path, [KILLED] * 9 + [INTERRUPTED, SUSPICIOUS])
    assert "9 of    9 caught (100.0%), 0 survived, 0 reached by no test, 1 not checked" in result.stdout
    assert ", 1 suspicious (left out)" in result.stdout
    assert result.returncode == 1
