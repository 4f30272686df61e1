"""Settings are read in one module, and every one of them is documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

from server.settings import DOCUMENTED

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for name in DOCUMENTED:
        assert f"`{name}`" in readme, f"{name} is not documented in README.md"


def test_only_the_settings_module_reads_the_environment():
    readers = [
        p
        for p in (ROOT / "server").rglob("*.py")
        if re.search(r"os\.environ|getenv", p.read_text()) and p.name != "settings.py"
    ]
    # The CLI reads the admin password from the environment instead of a prompt, by design.
    assert [p.name for p in readers] == ["__main__.py"]


def test_settings_module_reads_only_documented_variables():
    source = (ROOT / "server" / "settings.py").read_text()
    read = set(re.findall(r'_env\("([A-Z_]+)"', source)) | set(
        re.findall(r'environ\.get\("([A-Z_]+)"', source)
    )
    assert read <= set(DOCUMENTED), read - set(DOCUMENTED)


def test_workers_starting_together_agree_on_one_secret_key(tmp_path, monkeypatch):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from server.settings import _secret_key

    monkeypatch.delenv("MUSTER_SECRET_KEY", raising=False)
    with ProcessPoolExecutor(4, mp_context=multiprocessing.get_context("spawn")) as pool:
        keys = set(pool.map(_secret_key, [tmp_path] * 16))
    assert len(keys) == 1
    assert (tmp_path / "secret_key").read_text() == keys.pop()
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]
