"""Checklists are content: YAML files in ``checklists/``, validated against one pydantic schema."""
