"""Tabletop exercises (issue 20, part 3): scenario files and the runs a facilitator keeps."""
