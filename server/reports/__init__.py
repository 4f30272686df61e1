"""Suspicious person, vehicle and item reports from the field: filed offline as ``report.filed``
events, placed against the district's sites, linked to reports probably about the same thing."""
