// @ts-check
/**
 * Change notifications: screens re-read IndexedDB when told that data, the outbox or
 * the signed-in user changed, in this tab or (through BroadcastChannel) in another.
 */

/** @typedef {'data' | 'outbox' | 'user' | 'notice' | 'sync'} Topic */

const local = new EventTarget();
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('synclog') : null;

if (channel) {
  channel.onmessage = (event) => {
    const { topic, detail } = event.data || {};
    // Notices belong to the tab that produced them; the rest is shared state.
    if (topic && topic !== 'notice') local.dispatchEvent(new CustomEvent(topic, { detail }));
  };
}

/** @param {Topic} topic @param {any} [detail] */
export function emit(topic, detail) {
  local.dispatchEvent(new CustomEvent(topic, { detail }));
  if (channel && topic !== 'notice') channel.postMessage({ topic, detail: detail ?? null });
}

/** @param {Topic} topic @param {(detail: any) => void} listener */
export function on(topic, listener) {
  local.addEventListener(topic, (event) => listener(/** @type {CustomEvent} */ (event).detail));
}

/**
 * Tells the user something without covering the screen (an aria-live region).
 * @param {string} message @param {'info' | 'warning' | 'error'} [level]
 */
export function notify(message, level = 'info') {
  emit('notice', { message, level });
}
