// @ts-check
/**
 * An entry's detail (`#/entry/{id}`): its inner and outer halves, meaning, people, tags and
 * place from this device, and its echoes from `GET /entries/{id}/echoes` — earlier and later
 * entries that share a person, a tag, a number or a kind, each with the reasons in words.
 * Opening an echo opens that entry here.
 */

import { request } from '../api.js';
import { readEntry } from '../db-pages.js';
import { h, replace } from '../dom.js';
import { kindLabel } from '../kinds.js';
import { echoesOf } from '../noticing.js';
import { clockTime } from '../time.js';
import { longDate } from '../words.js';
import { ensureStyles, explain } from './insights.js';

/** @typedef {{type: string, name: string}} Reason */

/**
 * @param {HTMLElement} section
 * @param {import('../types.js').AppContext} _ctx
 */
export function mount(section, _ctx) {
  ensureStyles();
  section.setAttribute('aria-labelledby', 'entry-title');
  const title = h('h1', { id: 'entry-title', tabindex: '-1' }, 'Entry');
  const body = h('div', { class: 'entry-detail' });
  const echoes = h('div', { 'aria-live': 'polite' });
  replace(
    section,
    h('p', { class: 'view-back' }, h('a', { href: '#/timeline' }, 'Back to the timeline')),
    title,
    body,
    h('section', { class: 'card', 'aria-labelledby': 'echoes-title' }, h('h2', { id: 'echoes-title' }, 'Echoes'), echoes),
  );

  return {
    /** @param {boolean} focus */
    async show(focus) {
      document.title = 'Entry · Synclog';
      const id = decodeURIComponent(location.hash.split('/')[2] || '');
      const entry = await entryById(id);
      if (!entry) {
        title.textContent = 'Entry not found';
        replace(body, h('p', { class: 'empty' }, 'It is not on this device; it may have been deleted.'));
        echoes.replaceChildren();
      } else {
        title.textContent = `${kindLabel(entry.kind)}, ${longDate(entry.local_date)} at ${clockTime(entry.occurred_at, entry.timezone)}`;
        replace(body, entryBody(entry));
        replace(echoes, h('p', { class: 'hint' }, 'Looking for echoes…'));
        replace(echoes, await echoList(id));
      }
      if (focus) title.focus();
    },
  };
}

/** From this device, else from the server. @param {string} id */
async function entryById(id) {
  if (!id) return undefined;
  const stored = await readEntry(id);
  if (stored) return stored;
  try {
    return (await request(`/entries/${encodeURIComponent(id)}`)).body;
  } catch {
    return undefined;
  }
}

/** @param {any} entry */
function entryBody(entry) {
  /** @param {string} label @param {string | null | undefined} text */
  const row = (label, text) => (text ? [h('dt', null, label), h('dd', null, text)] : []);
  return h(
    'dl',
    { class: 'card entry-fields-read' },
    row('On my mind before', entry.inner),
    row('Note', entry.note),
    row('Meaning', entry.meaning),
    row('People', (entry.people || []).join(', ')),
    row('Tags', (entry.tags || []).map((/** @type {string} */ t) => `#${t}`).join(' ')),
    row('Place', entry.place),
    row('Intensity', `${entry.intensity ?? 3} of 5`),
  );
}

/** @param {string} id */
async function echoList(id) {
  try {
    const found = await echoesOf(id);
    if (!found.length) return h('p', { class: 'empty' }, 'No other entry shares a person, a tag, a number or its kind yet.');
    return h(
      'ul',
      { class: 'echoes' },
      found.map(({ entry, reasons }) =>
        h(
          'li',
          { 'data-testid': 'echo' },
          h('a', { href: `#/entry/${encodeURIComponent(entry.id)}` }, `${longDate(entry.local_date)}: ${entry.note || entry.inner || kindLabel(entry.kind)}`),
          h('p', { class: 'hint' }, reasonWords(reasons)),
        ),
      ),
    );
  } catch (error) {
    return h('p', { class: 'empty' }, explain(error).replace('Insights are', 'Echoes are'));
  }
}

/** "Both with Anna; both tagged #sea; both show the number 1111." @param {Reason[]} reasons */
export function reasonWords(reasons) {
  const words = reasons.map((reason) => {
    if (reason.type === 'person') return `with ${reason.name}`;
    if (reason.type === 'tag') return `tagged #${reason.name}`;
    if (reason.type === 'motif') return `show the number ${reason.name}`;
    return `of the kind ${kindLabel(reason.name)}`;
  });
  return `Both ${words.join('; both ')}.`;
}
