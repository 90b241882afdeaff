// Menus (account, "More") are <details data-menu>; this makes them close like menus.

/**
 * Close on a click elsewhere, on Escape (focus back on the menu's button), and when the keyboard
 * moves focus out of them.
 */
export function closeMenusOutside() {
  const menus = [...document.querySelectorAll('details[data-menu]')];
  document.addEventListener('click', (event) => {
    for (const menu of menus) if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    for (const menu of menus) {
      if (!menu.open) continue;
      menu.open = false;
      menu.querySelector('summary').focus();
    }
  });
  for (const menu of menus) {
    // Only when focus lands somewhere else (Tab): a tap on a button inside may blur with no target.
    menu.addEventListener('focusout', (event) => {
      if (event.relatedTarget && !menu.contains(event.relatedTarget)) menu.open = false;
    });
  }
}
