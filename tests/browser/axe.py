"""Accessibility checks with axe-core (installed by npm, injected into the page under test)."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[dict]:
    """Every WCAG 2.x A/AA violation axe finds on the page as it is now."""
    # Evaluated through the DevTools protocol, so our CSP (no inline script) stays untouched.
    page.evaluate(AXE.read_text() + "\n;true")
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]
