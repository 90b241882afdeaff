// Sign-out on a shared phone: warn first while reports still wait (they stay and are sent at the
// next sign-in), then drop the cached pages, which hold the user's data, and turn off alerts on this
// device (push-device.js); the outbox stays.

import { deletePageCaches } from '/sw/cache.js';
import { CLEAR_USER_DATA } from '/sw/messages.js';
import { readOutbox, unsentOf } from './outbox-store.js';
import { forgetThisDevice } from './push-device.js';
import { el, userId } from './page.js';
import { t, tn } from './i18n.js';

/** Cached pages go, here and in the worker; the outbox stays until it is delivered. */
export async function clearUserCaches() {
  await deletePageCaches();
  navigator.serviceWorker?.controller?.postMessage({ type: CLEAR_USER_DATA });
}

function warn(form, unsent) {
  form.dataset.confirmed = 'yes';
  // The menu holding the button would cover the warning: close it, and offer the button again.
  const menu = form.closest('details');
  if (menu) menu.open = false;
  const warning = document.getElementById('signout-warning');
  warning.hidden = false;
  warning.replaceChildren(
    `${tn('%(num)s report is still waiting on this phone. They stay here and are sent when you sign in again.',
      '%(num)s reports are still waiting on this phone. They stay here and are sent when you sign in again.', unsent)} `,
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
      const unsent = unsentOf((await readOutbox(userId)).entries).length;
      if (unsent > 0 && form.dataset.confirmed !== 'yes') {
        warn(form, unsent);
        return;
      }
      await clearUserCaches();
      await forgetThisDevice(form.dataset.pushForget, form.querySelector('[name=csrf_token]')?.value);
      form.submit();
    });
  }
}
