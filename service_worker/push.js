// Push: show the alert, and turn a notification button into an outbox event.
self.addEventListener("push", (event) => {
  let alert = null;
  try {
    alert = event.data ? event.data.json() : null;
  } catch (error) {
    alert = null;
  }
  if (!alert || !alert.title) return;
  event.waitUntil(self.registration.showNotification(alert.title, {
    body: alert.body,
    tag: `alert-${alert.alert}`,
    renotify: true,
    requireInteraction: alert.severity !== "info",
    icon: alert.icon || undefined,
    badge: alert.badge || undefined,
    vibrate: alert.vibrate,
    timestamp: Date.parse(alert.at) || Date.now(),
    actions: alert.actions || [],
    data: { alert: alert.alert, user: alert.user, url: alert.url, drill: alert.drill },
  }));
});

self.addEventListener("notificationclick", (event) => {
  const work = answerNotification(event.notification, event.action);
  event.waitUntil(work);
});

// "I'm safe" / "Need help": recorded in the outbox under the person the alert was for (so on a
// shared phone it is sent only under their sign-in), then sent at once or when a signal returns.
// A tap on the notification itself, and "Need help", open the alert page.
async function answerNotification(notification, action) {
  notification.close();
  const { alert, user, url } = notification.data || {};
  if (action === "safe" || action === "help") {
    MusterOutbox.setRecorder(user);
    await MusterOutbox.record("alert.acknowledged", { alert_id: alert, response: action });
    try {
      await MusterOutbox.syncOnce();
      tell({ type: "synced" });
    } catch (error) {
      try {
        await self.registration.sync.register("muster-outbox");
      } catch (noSync) {
        // no Background Sync: the pages' sync loop sends it when one opens
      }
    }
    if (action === "safe") return;
  }
  if (!url) return;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).pathname === url);
  if (open) return open.focus();
  return self.clients.openWindow(url);
}
