"""Behavioural threat assessment cases (issue 17): intake, the four stages, need-to-know access,
narratives sealed at rest. No phone events: case work is done at a desk, online, and records
about children are not kept on phones."""
