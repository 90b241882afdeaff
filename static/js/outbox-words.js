// What is waiting in the outbox, in words: reports and cue guide confirmations each counted as what
// they are ("2 reports and 1 guide confirmation"), for the badge, the sign-in note and the sign-out
// warning. The counts come from outbox-store.js `waitingKinds`.

import { t, tn } from './i18n.js';

/** "2 reports", "1 guide confirmation", "2 reports and 1 guide confirmation". */
export function waitingWhat({ reports = 0, guides = 0 }) {
  const reportWords = tn('%(num)s report', '%(num)s reports', reports);
  const guideWords = tn('%(num)s guide confirmation', '%(num)s guide confirmations', guides);
  if (reports && guides) return t('%(reports)s and %(guides)s', { reports: reportWords, guides: guideWords });
  return guides ? guideWords : reportWords;
}

/** The badge's spoken label: what waits, and how many of them need attention. */
export function badgeLabel(kinds, attention) {
  const what = waitingWhat(kinds);
  return attention
    ? t('%(what)s waiting to send, %(attention)s need attention', { what, attention })
    : t('%(what)s waiting to send', { what });
}

/** The sign-in page's note: what waits on this phone is sent once the person signs in. */
export function signInNote(kinds) {
  return tn('%(what)s is waiting on this phone. Sign in and it is sent straight away.',
    '%(what)s are waiting on this phone. Sign in and they are sent straight away.',
    kinds.reports + kinds.guides, { what: waitingWhat(kinds) });
}

/** The sign-out warning: what waits stays on the phone and is sent at the next sign-in. */
export function signOutWarning(kinds) {
  return tn('%(what)s is still waiting on this phone. It stays here and is sent when you sign in again.',
    '%(what)s are still waiting on this phone. They stay here and are sent when you sign in again.',
    kinds.reports + kinds.guides, { what: waitingWhat(kinds) });
}
