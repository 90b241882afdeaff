// This browser's push subscription, shared by the account page (push-alerts.js) and sign-out
// (signout-guard.js): signing out turns alerts off on this device, here and on the server.

const FORGET_TIMEOUT_MS = 3000;

/** The browser's current push subscription, or null (no worker, no push, or none yet). */
export async function currentSubscription() {
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) return null;
  const registration = await navigator.serviceWorker.getRegistration();
  return (await registration?.pushManager.getSubscription()) || null;
}

/**
 * Stop alerts on this device: the server forgets the subscription, then the browser drops it (so a
 * push still on its way is refused by the push service, and the server forgets it then). Never
 * holds up a sign-out for more than a few seconds.
 */
export async function forgetThisDevice(forgetUrl, csrfToken) {
  const subscription = await currentSubscription().catch(() => null);
  if (!subscription) return;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), FORGET_TIMEOUT_MS);
  try {
    await fetch(forgetUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken },
      body: JSON.stringify({ endpoint: subscription.endpoint }),
      signal: controller.signal,
    });
  } catch {
    // Offline or slow: the browser still unsubscribes below, and the server's copy goes at sign-out.
  } finally {
    clearTimeout(timer);
  }
  await subscription.unsubscribe().catch(() => {});
}
