"""The phone's pure JavaScript modules, unit-tested with Node's own runner (tests/js/), as part of
the one test command. Node comes with npm, which set-up already needs."""

from __future__ import annotations

import shutil
import subprocess

from server.settings import ROOT


def test_the_javascript_unit_tests_pass():
    node = shutil.which("node")
    assert node, "node is needed (it comes with npm, which set-up runs)"
    result = subprocess.run(
        [node, "--test", "tests/js/"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    summary = [line for line in result.stdout.splitlines() if line.startswith(("# pass", "# fail"))]
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert summary and summary[0] != "# pass 0", summary  # tests ran


def test_a_failing_javascript_test_fails_the_run(tmp_path):
    planted = tmp_path / "planted.test.mjs"
    backoff = (ROOT / "web" / "static" / "js" / "backoff.js").as_uri()
    planted.write_text(
        "import test from 'node:test';\nimport assert from 'node:assert/strict';\n"
        f"import * as backoff from '{backoff}';\n"
        "test('planted', () => assert.equal(typeof backoff.nextTry, 'string'));\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [shutil.which("node") or "node", "--test", str(planted)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0, result.stdout
    assert "# fail 1" in result.stdout
