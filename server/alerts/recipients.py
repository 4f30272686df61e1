"""Writing whom an alert goes to: one recipient row per person (to hold their answer) and one
delivery row per phone of theirs, for the push worker to send."""

from __future__ import annotations

from datetime import datetime

from server.alerts.models import Alert, AlertRecipient
from server.channels.queue import for_alert
from server.events.bulk import insert_many
from server.push.service import queue_deliveries


async def add_recipients(alert: Alert, people: list[int], due_at: datetime) -> None:
    """``people`` become recipients of ``alert``, their phones alerted from ``due_at``."""
    await insert_many(
        AlertRecipient,
        [
            {
                "alert_id": alert.id,
                "user_id": person,
                "response": None,
                "responded_at": None,
                "first_responded_at": None,
                "position": None,
                "note": "",
            }
            for person in people
        ],
    )
    await queue_deliveries(alert, people, due_at=due_at)
    await for_alert(alert, people, due_at=due_at)  # an emergency: SMS where push can't reach
