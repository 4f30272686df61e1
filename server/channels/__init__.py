"""Email and SMS beside push: one delivery path, verified addresses, escalation (issue 21)."""
