"""Incidents: one record of an emergency, its command roles and its timeline (issue 16)."""
