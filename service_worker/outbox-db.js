// The outbox's IndexedDB schema and its upgrades, in one place.
//
// Rules: an upgrade step only ever adds or reshapes; it never deletes the entries store or drops
// entries, so reports queued under an older version of the app survive every upgrade.

export const DB_NAME = 'nearmiss-outbox';
export const DB_VERSION = 2;
export const ENTRIES = 'entries';
export const META = 'meta';

// UPGRADES[n] takes the database from version n to n + 1.
const UPGRADES = [
  // 0 -> 1: queued reports in order of queueing.
  (db) => {
    const entries = db.createObjectStore(ENTRIES, { keyPath: 'seq', autoIncrement: true });
    entries.createIndex('client_uuid', 'client_uuid', { unique: true });
  },
  // 1 -> 2: per-user ownership, delivery state, and a small key-value store (last sync time).
  // Version 1 never recorded who queued an entry, so its entries get owner null: "written before an
  // update". The sender never sends those under whoever is signed in; the page shows them, and the
  // signed-in person either claims one (outbox.js `claim`: it becomes theirs and is sent) or deletes it.
  (db, tx) => {
    const entries = tx.objectStore(ENTRIES);
    entries.createIndex('owner', 'owner');
    db.createObjectStore(META);
    entries.openCursor().onsuccess = (event) => {
      const cursor = event.target.result;
      if (!cursor) return;
      const entry = cursor.value;
      entry.state = entry.state || 'waiting';
      entry.attempts = entry.attempts || 0;
      entry.next_attempt_at = entry.next_attempt_at || 0;
      entry.owner = entry.owner ?? null;
      entry.last_error = entry.last_error ?? null;
      cursor.update(entry);
      cursor.continue();
    };
  },
];

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function finished(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error('transaction aborted'));
  });
}

/** Open (and if needed upgrade) the outbox. `version` is for tests of older schemas. */
export function openOutbox(idb = globalThis.indexedDB, version = DB_VERSION) {
  return new Promise((resolve, reject) => {
    const request = idb.open(DB_NAME, version);
    request.onupgradeneeded = (event) => {
      const db = request.result;
      for (let from = event.oldVersion; from < event.newVersion; from += 1) {
        UPGRADES[from](db, request.transaction);
      }
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab with a newer app wants to upgrade: step aside rather than block it.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error('outbox upgrade blocked by another open tab'));
  });
}

export async function addEntry(db, entry) {
  const tx = db.transaction(ENTRIES, 'readwrite');
  const seq = await promised(tx.objectStore(ENTRIES).add(entry));
  await finished(tx);
  return seq;
}

export async function putEntry(db, entry) {
  const tx = db.transaction(ENTRIES, 'readwrite');
  tx.objectStore(ENTRIES).put(entry);
  await finished(tx);
}

/** Several entries in one transaction (a batch marked sending, or settled by one answer). */
export async function putEntries(db, entries) {
  const tx = db.transaction(ENTRIES, 'readwrite');
  const store = tx.objectStore(ENTRIES);
  for (const entry of entries) store.put(entry);
  await finished(tx);
}

export async function getEntry(db, seq) {
  return promised(db.transaction(ENTRIES).objectStore(ENTRIES).get(seq));
}

export async function deleteEntry(db, seq) {
  const tx = db.transaction(ENTRIES, 'readwrite');
  tx.objectStore(ENTRIES).delete(seq);
  await finished(tx);
}

/** Every entry, oldest first (keys are assigned in queueing order). */
export async function allEntries(db) {
  return promised(db.transaction(ENTRIES).objectStore(ENTRIES).getAll());
}

export async function getMeta(db, key) {
  return promised(db.transaction(META).objectStore(META).get(key));
}

export async function setMeta(db, key, value) {
  const tx = db.transaction(META, 'readwrite');
  tx.objectStore(META).put(value, key);
  await finished(tx);
}
