// The account page's "Alerts on this device": ask the browser's permission, subscribe with the
// server's VAPID key, and give the subscription to the server; or turn alerts off here. The push
// handlers themselves live in the service worker (service_worker/push.js).

import { applicationServerKey } from '/sw/push.js';
import { currentSubscription, forgetThisDevice } from './push-device.js';
import { t } from './i18n.js';

const controls = document.getElementById('push-controls');
const status = document.getElementById('push-status');
const turnOn = document.getElementById('push-turn-on');
const turnOff = document.getElementById('push-turn-off');
const nameInput = document.getElementById('push-device-name');

function say(message, isError = false) {
  status.textContent = message;
  status.className = isError ? 'error-box' : 'hint';
}

function showSubscribed(subscribed) {
  turnOn.hidden = subscribed;
  document.getElementById('push-name-field').hidden = subscribed;
  turnOff.hidden = !subscribed;
}

function markThisDevice(id) {
  for (const item of document.querySelectorAll('[data-push-device]')) {
    const name = item.querySelector('.push-device-name');
    if (Number(item.dataset.pushDevice) === id && !name.querySelector('.push-this-device')) {
      name.append(' ', Object.assign(document.createElement('strong'), {
        className: 'push-this-device', textContent: '(this device)',
      }));
    }
  }
}

/** Give the server this browser's subscription (new, or again under this sign-in). */
async function register(subscription, deviceName) {
  const response = await fetch(controls.dataset.subscribeUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': controls.dataset.csrf },
    body: JSON.stringify({ ...subscription.toJSON(), device_name: deviceName || null }),
  });
  if (response.redirected || !response.ok) {
    const body = await response.json().catch(() => null);
    const firstError = body?.errors && Object.values(body.errors)[0]?.[0];
    throw new Error(firstError || t('The server did not take it (HTTP %(status)s).', { status: response.status }));
  }
  return response.json();
}

async function subscribe() {
  if (!('Notification' in window) || !('serviceWorker' in navigator) || !('PushManager' in window)) {
    say(t('This browser cannot show alerts from a website. On an iPhone or iPad, add the app to the home screen first, then open it from there.'), true);
    return;
  }
  turnOn.disabled = true;
  try {
    const permission = await Notification.requestPermission();
    if (permission !== 'granted') {
      say(t('Alerts are blocked for this site. Allow notifications in the browser’s site settings, then try again.'), true);
      return;
    }
    say(t('Turning alerts on…'));
    const registration = await navigator.serviceWorker.ready;
    let subscription;
    try {
      subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: applicationServerKey(controls.dataset.publicKey),
      });
    } catch (error) {
      say(t('This browser could not reach its push service, so alerts cannot reach this device (%(error)s). Check the connection and try again; you still get alerts in the app and by e-mail.', { error: error.name || 'error' }), true);
      return;
    }
    await register(subscription, nameInput.value.trim());
    window.location.reload();
  } catch (error) {
    say(error.message, true);
  } finally {
    turnOn.disabled = false;
  }
}

async function unsubscribe() {
  turnOff.disabled = true;
  await forgetThisDevice(controls.dataset.forgetUrl, controls.dataset.csrf);
  turnOff.disabled = false;
  window.location.reload();
}

async function start() {
  if (!controls) return;
  turnOn.addEventListener('click', subscribe);
  turnOff.addEventListener('click', unsubscribe);
  const subscription = await currentSubscription();
  if (!subscription || Notification.permission !== 'granted') {
    showSubscribed(false);
    return;
  }
  // Already subscribed in this browser: tie it to this sign-in (and to whoever is signed in now).
  showSubscribed(true);
  try {
    const device = await register(subscription, null);
    markThisDevice(device.id);
    say(t('Alerts are on for this device (“%(name)s”).', { name: device.device_name }));
  } catch (error) {
    say(error.message, true);
  }
}

start();
