// Sign-out on a shared phone: warn first while reports (or guide confirmations) still wait (they stay and are sent at the
// next sign-in), then drop the cached pages, which hold the user's data, and turn off alerts on this
// device (push-device.js); the outbox stays.

import { deletePageCaches } from '/sw/cache.js';
import { CLEAR_USER_DATA } from '/sw/messages.js';
import { readOutbox, unsentOf, waitingKinds } from './outbox-store.js';
import { signOutWarning } from './outbox-words.js';
import { forgetThisDevice } from './push-device.js';
import { el, userId } from './page.js';
import { t } from './i18n.js';

/** Cached pages go, here and in the worker; the outbox stays until it is delivered. */
export async function clearUserCaches() {
  await deletePageCaches();
  navigator.serviceWorker?.controller?.postMessage({ type: CLEAR_USER_DATA });
}

function warn(form, kinds) {
  form.dataset.confirmed = 'yes';
  // The menu holding the button would cover the warning: close it, and offer the button again.
  const menu = form.closest('details');
  if (menu) menu.open = false;
  const warning = document.getElementById('signout-warning');
  warning.hidden = false;
  warning.replaceChildren(
    `${signOutWarning(kinds)} `,
    el('button', { type: 'button', class: 'link', onclick: () => form.requestSubmit() }, t('Sign out anyway')),
  );
  warning.tabIndex = -1;
  warning.focus();
  warning.scrollIntoView({ block: 'center' });
}

export function guardSignOut() {
  for (const form of document.querySelectorAll('form[data-signout]')) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const unsent = unsentOf((await readOutbox(userId)).entries);
      if (unsent.length > 0 && form.dataset.confirmed !== 'yes') {
        warn(form, waitingKinds(unsent));
        return;
      }
      await clearUserCaches();
      await forgetThisDevice(form.dataset.pushForget, form.querySelector('[name=csrf_token]')?.value);
      form.submit();
    });
  }
}
