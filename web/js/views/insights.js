// @ts-check
/**
 * Insights (SPEC §6 "Insights"): the person's own patterns over a range, from
 * `GET /insights` — people, motifs with their base rates, tags, goals, kinds over the
 * months, weekday and hour, bursts — as SVG charts with tables; and the people and tags
 * list, where a name is renamed or merged. `#/insights/print` is the printable summary
 * (printsummary.js). Needs a connection; nothing here loads at start-up.
 */

import { ApiError, NetworkError } from '../api.js';
import { field, h, replace, svg } from '../dom.js';
import { notify } from '../events.js';
import { kindLabel } from '../kinds.js';
import { insightsOf, listNames, rename } from '../noticing.js';
import { sync } from '../outbox.js';
import { addDays, today } from '../time.js';
import { count, longDate, number } from '../words.js';

/** @typedef {import('../types.js').AppContext} AppContext */

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Loads the screen's stylesheet (with its print rules) once. */
export function ensureStyles() {
  if (document.querySelector('link[href="/css/insights.css"]')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: '/css/insights.css' }));
}

/** @param {unknown} error */
export function explain(error) {
  if (error instanceof NetworkError) return 'Insights are worked out on the server: connect to see them.';
  if (error instanceof ApiError) return error.message;
  return String(error);
}

/**
 * @param {HTMLElement} section
 * @param {AppContext} ctx
 */
export function mount(section, ctx) {
  ensureStyles();
  section.setAttribute('aria-labelledby', 'insights-title');
  const title = h('h1', { id: 'insights-title', tabindex: '-1' }, 'Insights');
  const range = rangeForm(() => void draw());
  const body = h('div', { class: 'insights', 'aria-live': 'polite', 'aria-busy': 'false' });
  const names = namesCard(() => void draw());
  const main = h(
    'div',
    null,
    h('p', { class: 'lede' }, 'Patterns in your own log: who and what keeps coming back, and when. They describe what you noticed; what they mean is yours to say.'),
    range.element,
    body,
    names.element,
  );
  const printSlot = h('div');
  replace(section, title, main, printSlot);

  async function draw() {
    const user = ctx.user();
    if (!user) return;
    const { from, to } = range.read(user);
    body.setAttribute('aria-busy', 'true');
    try {
      replace(body, insightSections(await insightsOf(from, to)));
    } catch (error) {
      replace(body, h('p', { class: 'empty' }, explain(error)));
    }
    body.setAttribute('aria-busy', 'false');
  }

  return {
    /** @param {boolean} focus */
    async show(focus) {
      document.title = 'Insights · Synclog';
      const printing = location.hash.startsWith('#/insights/print');
      main.hidden = printing;
      printSlot.hidden = !printing;
      if (printing) {
        const { printSummary } = await import('./printsummary.js');
        replace(printSlot, printSummary(ctx));
        title.textContent = 'Printable summary';
      } else {
        title.textContent = 'Insights';
        await Promise.all([draw(), names.draw()]);
      }
      if (focus) title.focus();
    },
  };
}

/** From and to (local dates), default the 365 days ending today. @param {() => void} changed */
function rangeForm(changed) {
  const from = /** @type {HTMLInputElement} */ (h('input', { type: 'date' }));
  const to = /** @type {HTMLInputElement} */ (h('input', { type: 'date' }));
  const element = h(
    'form',
    { class: 'card range-form', 'aria-label': 'Range' },
    h('div', { class: 'form-grid' }, field('insights-from', 'From', from), field('insights-to', 'To', to)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show'), h('a', { class: 'button', href: '#/insights/print' }, 'Printable summary')),
  );
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    changed();
  });
  return {
    element,
    /** @param {import('../types.js').User} user */
    read(user) {
      if (!to.value) to.value = today(user);
      if (!from.value) from.value = addDays(to.value, -364);
      return { from: from.value, to: to.value };
    },
  };
}

/** @param {string} heading @param {...any} children */
function part(heading, ...children) {
  const id = `insights-${heading.toLowerCase().replace(/\W+/g, '-')}`;
  return h('section', { class: 'card insight', 'aria-labelledby': id }, h('h2', { id }, heading), ...children);
}

/** Every section of one GET /insights answer, or the reason there is none yet. @param {any} found */
function insightSections(found) {
  const span = `${longDate(found.from)} – ${longDate(found.to)}`;
  const total = h('p', { class: 'insights-total' }, `${count(found.entries, 'entry', 'entries')} from ${span}.`);
  if (!found.enough_data) {
    return [
      total,
      h('p', { class: 'empty', 'data-testid': 'not-enough' }, 'Not enough entries yet: patterns show from 10 entries in the range. Keep logging, or choose a longer range.'),
    ];
  }
  return [
    total,
    peoplePart(found.people),
    motifsPart(found.motifs),
    found.tags.length ? part('Tags', barChart('Entries per tag', found.tags.map(nameBar), ['Tag', 'Entries'])) : null,
    found.goals.length ? part('Goals', barChart('Entries per goal', found.goals.map((/** @type {any} */ g) => ({ label: g.title, value: g.count })), ['Goal', 'Entries'])) : null,
    kindsPart(found.kinds_by_month),
    whenPart(found.by_weekday, found.by_hour),
    burstsPart(found.bursts),
  ];
}

/** @param {{name: string, count: number}} use */
const nameBar = (use) => ({ label: use.name, value: use.count });

/** @param {any[]} people */
function peoplePart(people) {
  if (!people.length) return part('People', h('p', { class: 'empty' }, 'No people named in this range.'));
  const rows = people.map((person) => {
    const kinds = Object.entries(person.kinds)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, n]) => `${kindLabel(kind)} ${number(n)}`)
      .join(', ');
    return h('li', null, h('strong', null, person.name), ` · ${count(person.count, 'entry', 'entries')}, last ${longDate(person.last)}`, h('br'), h('span', { class: 'hint' }, kinds));
  });
  return part('People', barChart('Entries per person', people.map(nameBar), ['Person', 'Entries']), h('ul', { class: 'insight-list' }, rows));
}

/** "1111" → "11:11" for clock-time motifs. @param {{name: string, base_rate: number | null}} motif */
export function motifLabel(motif) {
  if (motif.base_rate === null) return motif.name;
  return `${motif.name.slice(0, -2)}:${motif.name.slice(-2)}`;
}

/** How often chance alone shows a motif, in words. @param {{base_rate: number | null}} motif */
export function baseRateWords(motif) {
  if (motif.base_rate === null) return 'a number pattern you noticed';
  const perDay = Math.round(motif.base_rate * 720 * 2);
  return `a 12-hour clock shows it ${count(perDay, 'time', 'times')} a day`;
}

/** @param {any[]} motifs */
function motifsPart(motifs) {
  if (!motifs.length) return part('Numbers you noticed', h('p', { class: 'empty' }, 'No repeating numbers (such as 11:11 or 333) in this range.'));
  const rows = motifs.map((motif) =>
    h(
      'li',
      { 'data-testid': 'motif' },
      h('strong', null, motifLabel(motif)),
      ` · ${count(motif.count, 'entry', 'entries')}, last ${longDate(motif.last)} — `,
      h('span', { class: 'base-rate' }, baseRateWords(motif)),
    ),
  );
  return part(
    'Numbers you noticed',
    h('p', { class: 'hint' }, 'Beside each, how often it turns up by chance, so you can weigh it.'),
    h('ul', { class: 'insight-list' }, rows),
  );
}

/** Entries per month, and each month's kinds in the table. @param {{month: string, kinds: Record<string, number>}[]} months */
function kindsPart(months) {
  const columns = months.map((month) => {
    const kinds = Object.entries(month.kinds).sort((a, b) => b[1] - a[1]);
    const value = kinds.reduce((sum, [, n]) => sum + n, 0);
    const axis = new Date(`${month.month}-15T12:00:00Z`).toLocaleString('en', { month: 'short', timeZone: 'UTC' });
    return { label: month.month, axis, value, note: kinds.map(([kind, n]) => `${kindLabel(kind)} ${number(n)}`).join(', ') };
  });
  return part('Kinds over the months', columnChart('Entries per month', columns, ['Month', 'Kinds']));
}

/** @param {number[]} weekdays Monday first @param {number[]} hours */
function whenPart(weekdays, hours) {
  return part(
    'Weekday and hour',
    columnChart('Entries by weekday', weekdays.map((value, i) => ({ label: WEEKDAYS[i], value })), ['Weekday', 'Entries']),
    columnChart('Entries by hour of the day', hours.map((value, i) => ({ label: String(i).padStart(2, '0'), value })), ['Hour', 'Entries']),
  );
}

/** @param {{start: string, end: string, count: number, usual: number}[]} bursts */
function burstsPart(bursts) {
  const rows = bursts.map((burst) =>
    h('li', null, h('strong', null, `${longDate(burst.start)} – ${longDate(burst.end)}`), ` · ${count(burst.count, 'entry', 'entries')}, where a usual week has ${number(burst.usual)}`),
  );
  return part(
    'Busy weeks',
    h('p', { class: 'hint' }, 'Weeks with at least 3 entries and twice your usual count: often a time of change.'),
    rows.length ? h('ul', { class: 'insight-list' }, rows) : h('p', { class: 'empty' }, 'No week stands out in this range.'),
  );
}

/** The people and tags list (all time) with rename and merge. @param {() => void} changed */
function namesCard(changed) {
  const people = h('ul', { class: 'names', 'aria-label': 'People' });
  const tags = h('ul', { class: 'names', 'aria-label': 'Tags' });
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'names-title' },
    h('h2', { id: 'names-title' }, 'People and tags'),
    h('p', { class: 'hint' }, 'Rename one in every entry; renaming it to a name already used merges the two.'),
    h('div', { class: 'names-grid' }, h('div', null, h('h3', null, 'People'), people), h('div', null, h('h3', null, 'Tags'), tags)),
  );
  const draw = async () => {
    try {
      const [p, t] = await Promise.all([listNames('people'), listNames('tags')]);
      replace(people, p.length ? p.map((use) => nameRow('people', use, p, done)) : h('li', { class: 'empty' }, 'No people yet.'));
      replace(tags, t.length ? t.map((use) => nameRow('tags', use, t, done)) : h('li', { class: 'empty' }, 'No tags yet.'));
    } catch (error) {
      replace(people, h('li', { class: 'empty' }, explain(error)));
      tags.replaceChildren();
    }
  };
  const done = () => {
    void draw();
    changed();
  };
  return { element, draw };
}

/**
 * One name with its count and a Rename control that opens a small form in place.
 * @param {import('../noticing.js').NameKind} kind @param {import('../noticing.js').NameUse} use
 * @param {import('../noticing.js').NameUse[]} all @param {() => void} done
 */
function nameRow(kind, use, all, done) {
  const open = h('button', { type: 'button', 'aria-label': `Rename or merge ${use.name}` }, 'Rename');
  const row = h('li', { class: 'name-row' }, h('span', null, h('strong', null, use.name), ` · ${count(use.count, 'entry', 'entries')}`), open);
  open.addEventListener('click', () => {
    const input = /** @type {HTMLInputElement} */ (h('input', { type: 'text', value: use.name, maxLength: 60, required: true, list: `${kind}-known` }));
    const known = h('datalist', { id: `${kind}-known` }, all.filter((other) => other.name !== use.name).map((other) => h('option', { value: other.name })));
    const form = h(
      'form',
      { class: 'rename-form', 'aria-label': `Rename ${use.name}` },
      field(`rename-${kind}`, `New name for ${use.name}`, input, 'A name already used merges the two.'),
      known,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save name'), h('button', { type: 'button', onclick: () => done() }, 'Cancel')),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void renameTo(kind, use.name, input.value.trim(), done);
    });
    row.replaceChildren(form);
    input.select();
  });
  return row;
}

/**
 * Sends what is queued first (so no unsent edit brings the old name back), renames, then pulls.
 * @param {import('../noticing.js').NameKind} kind @param {string} from @param {string} to @param {() => void} done
 */
async function renameTo(kind, from, to, done) {
  if (!to || to === from) return done();
  try {
    await sync();
    const { changed } = await rename(kind, from, to);
    notify(`${from} is now ${to} in ${count(changed, 'entry', 'entries')}.`);
    await sync();
  } catch (error) {
    notify(explain(error), 'error');
  }
  done();
}

// Plain SVG charts (here and in the printable summary): each an image with a title and a
// description in words, followed by the same numbers as a table (SPEC §7).
/** @typedef {{label: string, value: number, note?: string, axis?: string}} Bar label in the table (and on the axis unless `axis` is given) */

let charts = 0;

/** @param {string} text */
const words = (text) => document.createTextNode(text);

/**
 * Horizontal bars, one per row, longest first as given.
 * @param {string} title what the chart shows @param {Bar[]} rows @param {[string, string]} headings the table's column headings
 */
export function barChart(title, rows, headings) {
  const id = `chart-${++charts}`;
  const max = Math.max(1, ...rows.map((row) => row.value));
  const line = 28;
  const width = 400;
  const label = 130;
  const bars = rows.flatMap((row, index) => {
    const y = index * line;
    const length = Math.max(1, ((width - label - 40) * row.value) / max);
    return [
      svg('text', { x: 0, y: y + 18, class: 'chart-label' }, words(row.label.length > 18 ? `${row.label.slice(0, 17)}…` : row.label)),
      svg('rect', { x: label, y: y + 6, width: length.toFixed(1), height: 16, rx: 3, class: 'chart-bar' }),
      svg('text', { x: label + length + 6, y: y + 18, class: 'chart-value' }, words(number(row.value))),
    ];
  });
  const description = rows.map((row) => `${row.label}: ${number(row.value)}`).join('; ') || 'Nothing yet.';
  const figure = svg(
    'svg',
    { class: 'bar-chart', viewBox: `0 0 ${width} ${Math.max(1, rows.length) * line}`, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc` },
    svg('title', { id: `${id}-title` }, words(title)),
    svg('desc', { id: `${id}-desc` }, words(description)),
    ...bars,
  );
  return h('figure', { class: 'chart' }, figure, dataTable(title, rows, headings));
}

/**
 * Columns over an ordered axis (weekdays, hours, months).
 * @param {string} title @param {Bar[]} columns @param {[string, string]} headings
 */
export function columnChart(title, columns, headings) {
  const id = `chart-${++charts}`;
  const max = Math.max(1, ...columns.map((column) => column.value));
  const width = 400;
  const height = 140;
  const step = width / Math.max(1, columns.length);
  const every = Math.ceil(columns.length / 12);
  const parts = columns.flatMap((column, index) => {
    const tall = ((height - 24) * column.value) / max;
    const x = index * step;
    return [
      svg('rect', { x: (x + step * 0.15).toFixed(1), y: (height - 20 - tall).toFixed(1), width: (step * 0.7).toFixed(1), height: tall.toFixed(1), class: 'chart-bar' }),
      index % every ? null : svg('text', { x: (x + step / 2).toFixed(1), y: height - 4, class: 'chart-axis', 'text-anchor': 'middle' }, words(column.axis ?? column.label)),
    ].filter((part) => part !== null);
  });
  const peak = columns.reduce((best, column) => (column.value > best.value ? column : best), columns[0] || { label: '', value: 0 });
  const description = peak.value ? `Most: ${peak.label} (${number(peak.value)}).` : 'Nothing yet.';
  const figure = svg(
    'svg',
    { class: 'column-chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc` },
    svg('title', { id: `${id}-title` }, words(title)),
    svg('desc', { id: `${id}-desc` }, words(description)),
    ...parts,
  );
  return h('figure', { class: 'chart' }, figure, h('figcaption', { class: 'hint' }, description), dataTable(title, columns, headings));
}

/**
 * A line over 0–100 % (momentum), with its points as a table.
 * @param {string} title @param {Bar[]} points values 0..1
 */
export function lineChart(title, points) {
  const id = `chart-${++charts}`;
  const width = 400;
  const height = 150;
  const left = 34;
  const step = (width - left) / Math.max(1, points.length - 1);
  const y = (/** @type {number} */ value) => 8 + (1 - value) * (height - 16);
  const line = points.map((point, index) => `${(left + index * step).toFixed(1)},${y(point.value).toFixed(1)}`).join(' ');
  const grid = [0, 0.5, 1].flatMap((value) => [
    svg('line', { class: 'chart-grid', x1: left, x2: width, y1: y(value), y2: y(value) }),
    svg('text', { x: 0, y: y(value) + 4, class: 'chart-axis' }, words(`${value * 100}%`)),
  ]);
  const percent = (/** @type {number} */ value) => `${Math.round(value * 100)}%`;
  const last = points[points.length - 1];
  const description = last ? `From ${percent(points[0].value)} (${points[0].label}) to ${percent(last.value)} (${last.label}).` : 'No momentum yet.';
  const figure = svg(
    'svg',
    { class: 'line-chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc` },
    svg('title', { id: `${id}-title` }, words(title)),
    svg('desc', { id: `${id}-desc` }, words(description)),
    ...grid,
    svg('polyline', { class: 'chart-line', points: line }),
  );
  const rows = points.map((point) => ({ label: point.label, value: point.value, note: percent(point.value) }));
  return h('figure', { class: 'chart' }, figure, h('figcaption', { class: 'hint' }, description), dataTable(title, rows, ['Period', 'Momentum']));
}

/** The chart's numbers as a table behind a disclosure. @param {string} title @param {Bar[]} rows @param {[string, string]} headings */
function dataTable(title, rows, headings) {
  const body = rows.map((row) => h('tr', null, h('th', { scope: 'row' }, row.label), h('td', null, row.note ?? number(row.value))));
  const table = h('table', null, h('thead', null, h('tr', null, h('th', { scope: 'col' }, headings[0]), h('th', { scope: 'col' }, headings[1]))), h('tbody', null, body));
  return h('details', { class: 'chart-table' }, h('summary', null, `${title}, as a table`), h('div', { class: 'table-wrap' }, table));
}
