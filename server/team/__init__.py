"""The crisis team directory: who fills each function, per school and district-wide (issue 16)."""
