// @ts-check
/**
 * Settings: the day rules (time zone, day start, week start, grace days), personal
 * access tokens, export and import, changes that need attention, and sign out.
 */

import { ApiError, NetworkError, createToken, importData, listTokens, me, revokeToken, updateMe } from '../api.js';
import { allOps } from '../db.js';
import { field, h, renderList, replace } from '../dom.js';
import { notify, on } from '../events.js';
import { discardHeld, retryHeld, sync } from '../outbox.js';
import { deleteAccountForm, passwordForm } from './account.js';
import { ensureTimeZoneList } from './entryform.js';
import { count } from '../words.js';

const SCOPES = ['entries:read', 'entries:write', 'goals:read', 'goals:write', 'summary:read', 'export'];

/** @typedef {import('../types.js').AppContext} AppContext */
/** @typedef {import('../types.js').Op} Op */

/** @param {unknown} error */
function explain(error) {
  if (error instanceof NetworkError) return 'This needs a connection; you are offline.';
  const first = error instanceof ApiError && error.problem.errors?.[0];
  return `${error instanceof Error ? error.message : error}${first ? ` ${first.msg || first.message || ''}` : ''}`;
}

/** @param {string[]} values @param {(value: string) => string} [label] */
const options = (values, label = (v) => v) => values.map((value) => h('option', { value }, label(value)));

/** @param {string} title @param {...any} children */
const card = (title, ...children) => {
  const id = `${title.toLowerCase().replace(/\W+/g, '-')}-title`;
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
};

/**
 * @param {HTMLElement} section
 * @param {AppContext} ctx
 */
export function mount(section, ctx) {
  ensureTimeZoneList();
  const title = h('h1', { id: 'settings-title', tabindex: '-1' }, 'Settings');
  const held = heldCard();
  const profile = profileForm(ctx);
  const tokens = tokensCard();
  const account = accountCard(ctx);
  replace(section, title, h('div', { class: 'settings-grid' }, held.element, profile.element, tokens.element, exchangeCard(ctx), account.element));

  on('outbox', () => !section.hidden && held.render());
  on('user', () => !section.hidden && fill());

  function fill() {
    const user = ctx.user();
    if (!user) return;
    profile.fill(user);
    account.fill(user);
  }

  return {
    /** @param {boolean} focus */
    async show(focus) {
      fill();
      await held.render();
      if (focus) title.focus();
      await tokens.render();
    },
  };
}

/** Ops the server refused (validation and other client errors), kept until the person decides. */
function heldCard() {
  const list = h('ul', { class: 'held-list' });
  const element = card('Changes that need attention', list);
  element.id = 'needs-attention';
  /** @type {import('../types.js').Keyed<Op>} */
  const rows = {
    key: (op) => String(op.seq),
    version: (op) => JSON.stringify(op),
    create(op) {
      const seq = /** @type {number} */ (op.seq);
      const actions = h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', onclick: () => retryHeld(seq) }, 'Try again'),
        h('button', { type: 'button', class: 'danger', onclick: () => discardHeld(seq) }, 'Discard change'),
      );
      return h('li', null, h('p'), actions);
    },
    update(item, op) {
      /** @type {Element} */ (item.firstElementChild).textContent = heldText(op);
    },
  };
  return {
    element,
    async render() {
      const ops = (await allOps()).filter((op) => op.state === 'held');
      element.hidden = !ops.length;
      renderList(list, ops, rows);
    },
  };
}

/** "Changing a entry failed: …" with the server's problem and its field errors. @param {Op} op */
function heldText(op) {
  const problem = op.error || {};
  const details = (problem.errors || []).map((/** @type {any} */ e) => `${(e.loc || []).join('.')}: ${e.msg || e.message || ''}`).join('; ');
  const verb = { PUT: 'Saving', PATCH: 'Changing', DELETE: 'Deleting' }[op.method];
  return `${verb} a ${op.type} failed: ${problem.detail || problem.title || 'refused by the server'}${details ? ` (${details})` : ''}`;
}

/** The day rules and display name. @param {AppContext} ctx */
function profileForm(ctx) {
  const displayName = h('input', { type: 'text', autocomplete: 'nickname', maxLength: 120 });
  const timezone = h('input', { type: 'text', list: 'timezones', autocomplete: 'off' });
  const hours = Array.from({ length: 24 }, (_, hour) => String(hour));
  const dayStart = h('select', null, options(hours, (hour) => `${hour.padStart(2, '0')}:00`));
  const weekStart = h('select', null, options(['monday', 'sunday'], (day) => day[0].toUpperCase() + day.slice(1)));
  const grace = h('select', null, options(['0', '1', '2', '3']));
  const message = h('p', { class: 'form-message', role: 'status' });
  const element = h(
    'form',
    { class: 'card', 'aria-labelledby': 'profile-title' },
    h('h2', { id: 'profile-title' }, 'You and your day'),
    field('settings-name', 'Display name', displayName),
    field('settings-timezone', 'Time zone', timezone, 'New entries use it; entries already logged keep their own.'),
    h(
      'div',
      { class: 'form-grid' },
      field('settings-day-start', 'Day starts at', dayStart, 'Moments before this hour count for the day before.'),
      field('settings-week-start', 'Week starts on', weekStart),
      field('settings-grace', 'Grace days', grace, 'Days a daily streak may skip.'),
    ),
    message,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save settings')),
  );
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.textContent = '';
    try {
      const changes = {
        display_name: displayName.value.trim(),
        timezone: timezone.value.trim(),
        day_start_hour: Number(dayStart.value),
        week_start: weekStart.value,
        grace_days: Number(grace.value),
      };
      await ctx.setUser(await updateMe(changes));
      message.textContent = 'Saved.';
    } catch (error) {
      message.textContent = explain(error);
    }
  });
  return {
    element,
    /** @param {import('../types.js').User} user */
    fill(user) {
      displayName.value = user.display_name || '';
      timezone.value = user.timezone || 'UTC';
      dayStart.value = String(user.day_start_hour ?? 0);
      weekStart.value = user.week_start || 'monday';
      grace.value = String(user.grace_days ?? 0);
    },
  };
}

/** Personal access tokens: the list (each with Revoke) and the form for a new one. */
function tokensCard() {
  const list = h('ul', { class: 'held-list' });
  const form = tokenForm(() => render());
  const element = card('Personal access tokens', h('p', { class: 'hint' }, 'Let other apps use your data through the API.'), list, form);
  /** @type {import('../types.js').Keyed<any>} */
  const rows = {
    key: (token) => token.id,
    version: (token) => JSON.stringify(token),
    create: () => h('li'),
    update(item, token) {
      const expires = token.expires_at ? `expires ${new Date(token.expires_at).toLocaleDateString()}` : 'never expires';
      replace(
        item,
        h('p', null, h('strong', null, token.name), ` · ${(token.scopes || []).join(', ')} · ${expires}`),
        h('button', { type: 'button', class: 'danger', onclick: () => revoke(token) }, `Revoke ${token.name}`),
      );
    },
  };

  async function render() {
    try {
      const answer = await listTokens();
      renderList(list, Array.isArray(answer) ? answer : answer.data || [], rows, h('li', { class: 'empty' }, 'No tokens.'));
    } catch (error) {
      renderList(list, [], rows, h('li', { class: 'empty' }, explain(error)));
    }
  }

  /** @param {any} token */
  async function revoke(token) {
    try {
      await revokeToken(token.id);
      notify(`Token “${token.name}” revoked.`);
      await render();
    } catch (error) {
      notify(explain(error), 'error');
    }
  }

  return { element, render };
}

/** A button that puts `secret` on the clipboard and says so. @param {string} secret */
function copyButton(secret) {
  const said = h('span', { role: 'status' });
  const button = h('button', { type: 'button' }, 'Copy token');
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(secret);
      said.textContent = 'Copied.';
    } catch {
      said.textContent = 'Copying is not allowed here; select the token and copy it.';
    }
  });
  return h('div', { class: 'actions' }, button, said);
}

/** @param {() => Promise<void>} created runs after a token was made */
function tokenForm(created) {
  const tokenName = h('input', { type: 'text', autocomplete: 'off', maxLength: 100 });
  const expiry = h('select', null, options(['', '30', '90', '365'], (days) => (days ? `${days} days` : 'Never')));
  const scopeBoxes = SCOPES.map((scope) => h('input', { type: 'checkbox', id: `scope-${scope}`, value: scope, checked: scope.endsWith(':read') }));
  const message = h('div', { role: 'status' });
  const form = h(
    'form',
    { 'aria-labelledby': 'token-form-title' },
    h('h3', { id: 'token-form-title' }, 'New token'),
    field('token-name', 'Name', tokenName, 'The app or script that will use it; entries it creates show this name.'),
    h('fieldset', null, h('legend', null, 'Scopes'), scopeBoxes.map((box) => h('label', { class: 'field-check' }, box, box.value))),
    field('token-expiry', 'Expires', expiry),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Create token')),
    message,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const scopes = scopeBoxes.filter((box) => box.checked).map((box) => box.value);
    try {
      if (!tokenName.value.trim() || !scopes.length) throw new Error('Give the token a name and at least one scope.');
      const token = await createToken(tokenName.value.trim(), scopes, Number(expiry.value) || null);
      replace(message, h('p', null, 'Copy the token now; it is shown only once:'), h('code', { class: 'token-secret' }, token.token), copyButton(token.token));
      tokenName.value = '';
      await created();
    } catch (error) {
      replace(message, h('p', { class: 'form-message' }, explain(error)));
    }
  });
  return form;
}

/** Export links and the import form. @param {AppContext} ctx */
function exchangeCard(ctx) {
  /** @param {string} format @param {string} file @param {string} label */
  const exportLink = (format, file, label) => h('li', null, h('a', { class: 'target', href: `/api/v1/export?format=${format}`, download: file }, label));
  return card(
    'Export and import',
    h('p', null, 'Your data is yours: take all of it with you at any time.'),
    h(
      'ul',
      null,
      exportLink('json', 'synclog-export.json', 'Export as JSON'),
      exportLink('csv', 'synclog-entries.csv', 'Export entries as CSV'),
      exportLink('markdown', 'synclog-journal.md', 'Export as Markdown journal'),
    ),
    importForm(ctx),
  );
}

/** An import; the settings it brings show at once, so saving the form never undoes them. @param {AppContext} ctx */
function importForm(ctx) {
  const file = h('input', { type: 'file', accept: '.json,.csv,application/json,text/csv' });
  const message = h('p', { role: 'status' });
  const form = h(
    'form',
    null,
    field('import-file', 'File to import', file, 'A Synclog JSON export or CSV. Importing the same file twice changes nothing.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Import')),
    message,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    message.textContent = chosen ? 'Importing…' : 'Choose a file first.';
    if (!chosen) return;
    try {
      const csv = chosen.name.toLowerCase().endsWith('.csv') || chosen.type === 'text/csv';
      message.textContent = importReport(await importData(await chosen.text(), csv ? 'text/csv' : 'application/json'));
      void sync();
      await ctx.setUser(await me());
    } catch (error) {
      message.textContent = explain(error);
    }
  });
  return form;
}

/** The report counts per type: {entries: {created, updated, skipped}, goals: {…}}. @param {any} result */
function importReport(result) {
  const counts = ['entries', 'goals']
    .filter((type) => result && typeof result[type] === 'object')
    .map((type) => `${type}: ${Object.entries(result[type]).map(([what, n]) => `${n} ${what}`).join(', ')}`);
  return counts.length ? `Imported. ${counts.join('; ')}.` : 'Imported.';
}

/** Who is signed in, and Sign out (which first says how many changes would be lost). @param {AppContext} ctx */
function accountCard(ctx) {
  const text = h('p');
  const signOutButton = h('button', { type: 'button' }, 'Sign out');
  const area = h('div', { class: 'actions' }, signOutButton);
  signOutButton.addEventListener('click', async () => {
    const waiting = (await allOps()).length;
    if (!waiting) return ctx.signOut();
    const sure = h('button', { type: 'button', class: 'danger', onclick: () => ctx.signOut() }, `Sign out and lose ${count(waiting, 'unsent change', 'unsent changes')}`);
    const stay = h('button', { type: 'button', onclick: () => replace(area, signOutButton) }, 'Stay signed in');
    replace(area, sure, stay);
    sure.focus();
  });
  return {
    element: card('Account', text, area, passwordForm(), deleteAccountForm(ctx)),
    /** @param {import('../types.js').User} user */
    fill(user) {
      text.textContent = `Signed in as ${user.email || user.display_name || 'you'}.`;
    },
  };
}
