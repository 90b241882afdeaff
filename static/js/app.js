// Every page: wires the page scripts together. Each concern is its own module: the top bar's row of
// links (topbar.js), menus (menus.js), tables that scroll sideways (scroll-regions.js), the sign-out
// guard (signout-guard.js), the outbox badge and panel (outbox-panel.js), its delivery (outbox-delivery.js), and the service worker's updates
// (worker-updates.js); a cue guide's "I have read this version" and the report form's prompt (guide-read.js). No framework; the page works without these scripts too.

import { LANGUAGE } from '/sw/messages.js';
import { watchGuideReads } from './guide-read.js';
import { closeMenusOutside } from './menus.js';
import { deliverOnTriggers, redrawWith, sync } from './outbox-delivery.js';
import { refreshStatus, watchOutbox } from './outbox-panel.js';
import { markScrollRegions } from './scroll-regions.js';
import { guardSignOut } from './signout-guard.js';
import { fitNav, trackBarHeight } from './topbar.js';
import { registerServiceWorker } from './worker-updates.js';

// Delivery from the console and the browser tests: `(await import('/static/js/app.js')).sync()`.
export { sync };

guardSignOut();
fitNav();
trackBarHeight();
closeMenusOutside();
markScrollRegions();
redrawWith(refreshStatus);
watchOutbox();
watchGuideReads();
deliverOnTriggers();
registerServiceWorker().catch(() => {});
// The worker answers offline in the language this page is in (its offline page is kept per language).
navigator.serviceWorker?.controller?.postMessage({ type: LANGUAGE, language: document.documentElement.lang });
sync();
