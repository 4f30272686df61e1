"""The one write path: every write from the field is an event, applied exactly once.

``registry`` knows each event type (its payload schema and its handler); each area keeps its own
types in its ``events.py`` (``notes`` holds the note, ``payloads`` the parts several share), listed
in ``ingest.EVENT_MODULES``; ``ingest`` applies a batch; ``models`` keeps every event received, by
the id the device gave it.
"""
