"""Web Push: subscriptions, delivery rows, VAPID, encryption and the delivery worker."""
