// @ts-check
/**
 * The fields of an entry as a form (kind chips, goal chips, note, intensity, people,
 * tags, place, and on edit: time, zone, meaning), shared by quick log and timeline.
 */

import { h, splitList } from '../dom.js';
import { KINDS } from '../kinds.js';
import { edit } from '../store.js';
import { fromDatetimeLocal, rfc3339, toDatetimeLocal } from '../time.js';

let counter = 0;

/**
 * @param {any} entry
 * @param {any[]} goals active goals, plus any archived one the entry already names
 * @param {{full: boolean}} options full adds time, zone and meaning
 * @returns {{element: HTMLElement, read: () => Record<string, any>}}
 */
export function entryFields(entry, goals, options) {
  const prefix = `ef${++counter}`;
  /** @param {string} name @param {string} label @param {HTMLElement} control @param {string} [hint] */
  const field = (name, label, control, hint) => {
    control.id = `${prefix}-${name}`;
    const children = [h('label', { for: control.id }, label), control];
    if (hint) {
      control.setAttribute('aria-describedby', `${control.id}-hint`);
      children.push(h('p', { class: 'hint', id: `${control.id}-hint` }, hint));
    }
    return h('div', { class: `field field-${name}` }, children);
  };
  const controls = {
    note: h('textarea', { rows: 3, maxLength: 10000, value: entry.note || '' }),
    meaning: h('textarea', { rows: 3, maxLength: 10000, value: entry.meaning || '' }),
    people: h('input', { type: 'text', autocomplete: 'off', value: (entry.people || []).join(', ') }),
    tags: h('input', { type: 'text', autocomplete: 'off', value: (entry.tags || []).join(', ') }),
    place: h('input', { type: 'text', autocomplete: 'off', maxLength: 200, value: entry.place || '' }),
    when: h('input', { type: 'datetime-local', required: true, value: entry.occurred_at ? toDatetimeLocal(entry.occurred_at, entry.timezone) : '' }),
    zone: h('input', { type: 'text', autocomplete: 'off', list: 'timezones', value: entry.timezone || '' }),
  };
  const element = h(
    'div',
    { class: 'entry-fields' },
    h('fieldset', { class: 'chips' }, h('legend', null, 'Kind'), kindChips(prefix, entry)),
    goals.length
      ? h('fieldset', { class: 'chips' }, h('legend', null, 'Goals it speaks to'), goalChips(prefix, entry, goals))
      : h('p', { class: 'hint' }, 'Add goals on the Goals screen to tie moments to them.'),
    field('note', 'Note', controls.note),
    options.full && field('meaning', 'Meaning', controls.meaning, 'What it says to you, now or later.'),
    h('fieldset', { class: 'chips' }, h('legend', null, 'Intensity'), intensityChips(prefix, entry)),
    field('people', 'People', controls.people, 'Separate names with commas.'),
    field('tags', 'Tags', controls.tags, 'Separate tags with commas.'),
    field('place', 'Place', controls.place),
    options.full && field('when', 'When', controls.when),
    options.full && field('zone', 'Time zone', controls.zone),
  );
  return { element, read: () => readFields(element, prefix, controls, entry, goals, options.full) };
}

/** @param {string} prefix @param {any} entry */
function kindChips(prefix, entry) {
  return KINDS.map(([value, label]) =>
    h('label', { class: 'chip' }, h('input', { type: 'radio', name: `${prefix}-kind`, value, checked: entry.kind === value }), h('span', null, label)),
  );
}

/** @param {string} prefix @param {any} entry @param {any[]} goals */
function goalChips(prefix, entry, goals) {
  return [...goals]
    .sort((a, b) => a.title.localeCompare(b.title))
    .map((goal) => {
      const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.backgroundColor = goal.color || '#0f766e';
      const box = h('input', { type: 'checkbox', name: `${prefix}-goal`, value: goal.id, checked: (entry.goal_ids || []).includes(goal.id) });
      return h('label', { class: 'chip' }, box, swatch, h('span', null, goal.title));
    });
}

/** Ends of the intensity scale, in words. */
const SCALE_ENDS = /** @type {Record<number, string>} */ ({ 1: 'faint', 5: 'striking' });

/** Five chips between their two ends in words ("1 faint" … "5 striking"). @param {string} prefix @param {any} entry */
function intensityChips(prefix, entry) {
  const chips = [1, 2, 3, 4, 5].map((value) =>
    h(
      'label',
      { class: 'chip chip-round' },
      h('input', { type: 'radio', name: `${prefix}-intensity`, value: String(value), checked: (entry.intensity ?? 3) === value }),
      h('span', null, String(value)),
      SCALE_ENDS[value] ? h('span', { class: 'visually-hidden' }, SCALE_ENDS[value]) : null,
    ),
  );
  const end = (/** @type {number} */ value) => h('span', { class: 'scale-end', 'aria-hidden': 'true' }, SCALE_ENDS[value]);
  return [end(1), ...chips, end(5)];
}

/**
 * The values of the form as entry fields; time and zone only when they changed.
 * @param {HTMLElement} element @param {string} prefix @param {Record<string, any>} controls
 * @param {any} entry @param {any[]} goals @param {boolean} full
 */
function readFields(element, prefix, controls, entry, goals, full) {
  /** @param {string} name */
  const checked = (name) => /** @type {HTMLInputElement[]} */ ([...element.querySelectorAll(`input[name="${name}"]:checked`)]).map((input) => input.value);
  /** @type {Record<string, any>} */
  const values = {
    kind: checked(`${prefix}-kind`)[0] || entry.kind || 'other',
    goal_ids: checked(`${prefix}-goal`),
    note: controls.note.value,
    intensity: Number(checked(`${prefix}-intensity`)[0] || 3),
    people: splitList(controls.people.value),
    tags: splitList(controls.tags.value),
    place: controls.place.value.trim() || null,
  };
  // Goals not offered here (e.g. deleted since) stay as they were.
  const offered = new Set(goals.map((goal) => goal.id));
  for (const id of entry.goal_ids || []) if (!offered.has(id)) values.goal_ids.push(id);
  if (!full) return values;
  values.meaning = controls.meaning.value;
  const zone = controls.zone.value.trim() || entry.timezone;
  values.timezone = zone;
  const when = controls.when.value;
  if (when && when !== toDatetimeLocal(entry.occurred_at, entry.timezone)) {
    values.occurred_at = rfc3339(fromDatetimeLocal(when, zone), zone);
  } else if (zone !== entry.timezone) {
    values.occurred_at = rfc3339(new Date(entry.occurred_at), zone);
  }
  return values;
}

/**
 * On submit, the form's fields are saved as an edit of the entry (one more outbox op);
 * then `saved`, or `failed` with what went wrong.
 * @param {HTMLElement} form @param {string} id @param {{read: () => Record<string, any>}} fields
 * @param {import('../types.js').AppContext} ctx @param {() => void} saved @param {(message: string) => void} failed
 */
export function saveEditOnSubmit(form, id, fields, ctx, saved, failed) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const user = ctx.user();
    if (!user) return;
    try {
      await edit('entry', id, fields.read(), user);
      saved();
    } catch (error) {
      failed(error instanceof Error ? error.message : String(error));
    }
  });
}

/** A <datalist> of IANA zones for the time-zone fields, added once. */
export function ensureTimeZoneList() {
  if (document.getElementById('timezones')) return;
  /** @type {string[]} */
  let zones = [];
  try {
    // @ts-ignore: supportedValuesOf is newer than some lib.dom versions.
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = ['UTC'];
  }
  if (!zones.includes('UTC')) zones = ['UTC', ...zones];
  document.body.append(h('datalist', { id: 'timezones' }, zones.map((zone) => h('option', { value: zone }))));
}
