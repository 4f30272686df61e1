"""The one write path: every write from the field is an event, applied exactly once.

``registry`` knows each event type (its payload schema and its handler); ``ingest`` applies a
batch; ``models`` keeps every event received, by the id the device gave it.
"""
