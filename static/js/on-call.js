// Who to phone when a report says someone is still at risk but cannot reach anyone yet: the form
// carries the next two weeks of the rota of the DSP's regions (read from the page, so it works
// offline from the cached form), and this picks the shift covering the moment.

/** The shift of `regionId` covering `when` (the one that started last if two overlap), or null. */
export function onCallAt(rota, regionId, when) {
  const at = when.getTime();
  const covering = rota.filter((shift) => shift.region_id === regionId
    && Date.parse(shift.starts_at) <= at && at < Date.parse(shift.ends_at));
  covering.sort((a, b) => Date.parse(b.starts_at) - Date.parse(a.starts_at));
  return covering[0] ?? null;
}

/** The number as a `tel:` address: digits and a leading +, nothing else. */
export function telHref(phone) {
  const trimmed = phone.trim();
  return `tel:${trimmed.startsWith('+') ? '+' : ''}${trimmed.replace(/[^0-9]/g, '')}`;
}

/** The rota the page carries (an empty list when there is none or it cannot be read). */
export function rotaFromPage(doc) {
  try {
    const rota = JSON.parse(doc.getElementById('on-call-rota')?.textContent || '[]');
    return Array.isArray(rota) ? rota : [];
  } catch {
    return [];
  }
}
