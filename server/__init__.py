"""Muster: the offline-first school-safety field app (server package)."""
