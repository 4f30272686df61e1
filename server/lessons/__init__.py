"""Lessons: the ten short lessons a trainer reads from a phone, and their public family cards."""
