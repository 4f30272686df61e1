// When the outbox tries the server again (the sync loop in sync-status.js runs it). No DOM and no
// storage, so it is tested on its own (tests/js/backoff.test.mjs).

export const BASE_MS = 2000;
export const CAP_MS = 5 * 60 * 1000; // a phone offline all day still tries every 5 minutes
export const RETRY_MS = 30 * 1000; // the server answered but kept some events for later

/** Milliseconds until the next try, or null when there is nothing to try for: signed out (the
 *  person must sign in first), or the server is there and nothing is waiting. Unreachable with
 *  nothing waiting is still tried, so "Offline" doesn't outlive the outage. ``random()``, in [0, 1),
 *  spreads the phones of a whole school coming back at once. */
export function nextTry({ reachable, signIn, failures, waiting }, random = Math.random) {
  if (signIn || (reachable && !waiting)) return null;
  if (reachable) return RETRY_MS;
  const backoff = Math.min(CAP_MS, BASE_MS * 2 ** Math.min(failures, 10));
  return backoff * (0.75 + random() * 0.5);
}
