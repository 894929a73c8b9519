// Service worker: shows what the platform pushes. The payload is the JSON the web channel sends:
// { title, body, url?, icon?, data: { notificationId } } (already decrypted by the browser).
self.addEventListener('push', (event) => {
  let msg = { title: 'Notification', body: '' };
  try {
    msg = event.data ? event.data.json() : msg;
  } catch {
    msg = { title: 'Notification', body: event.data ? event.data.text() : '' };
  }
  event.waitUntil(
    self.registration.showNotification(msg.title, {
      body: msg.body,
      icon: msg.icon,
      data: { url: msg.url, notificationId: msg.data && msg.data.notificationId },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = event.notification.data && event.notification.data.url;
  if (url) event.waitUntil(self.clients.openWindow(url));
});
