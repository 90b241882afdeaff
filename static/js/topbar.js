// The top bar's main links on one row: the ones that do not fit move, in order, into "More".
// Without this script the row scrolls sideways instead.

let layout = () => {};

/** Lay the row out again, e.g. when the outbox badge beside it comes or goes. */
export function layoutNav() {
  layout();
}

/** Fit the links now and again whenever the window's width changes. */
export function fitNav() {
  const nav = document.querySelector('[data-fit-nav]');
  if (!nav) return;
  const more = nav.querySelector('[data-nav-more]');
  const panel = more.querySelector('.menu-panel');
  const links = [...nav.querySelectorAll(':scope > a')];
  layout = () => {
    more.open = false;
    for (const link of links) nav.insertBefore(link, more);
    more.hidden = true;
    if (nav.scrollWidth > nav.clientWidth) {
      more.hidden = false;
      for (let i = links.length - 1; i > 0 && nav.scrollWidth > nav.clientWidth; i -= 1) {
        panel.prepend(links[i]);
      }
    }
    // The page you are on may be one of them: then "More" shows it is where you are.
    more.classList.toggle('holds-current', Boolean(panel.querySelector('[aria-current=page]')));
  };
  nav.classList.add('fitted');
  layout();
  // Only a change of width matters (a phone's address bar hiding changes the height alone).
  let width = window.innerWidth;
  let pending = false;
  window.addEventListener('resize', () => {
    if (pending || window.innerWidth === width) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      width = window.innerWidth;
      layout();
    });
  });
}

/** Keep the bar's height in --topbar-height: the page scrolls what it shows to below the bar. */
export function trackBarHeight() {
  const bar = document.querySelector('.topbar');
  if (!bar) return;
  const root = document.documentElement;
  new ResizeObserver(() => root.style.setProperty('--topbar-height', `${bar.offsetHeight}px`)).observe(bar);
}
