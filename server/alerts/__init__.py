"""Alerts: the kinds people can tell apart (kinds), the records (models), every decision
(service), what pages read (queries, facts), who may raise what from the field (rules) and the
event types phones send (events)."""
