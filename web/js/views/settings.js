// @ts-check
/**
 * Settings: the day rules (time zone, day start, week start, grace days), personal
 * access tokens, export and import, changes that need attention, and sign out.
 */

import { ApiError, NetworkError, createToken, importData, listTokens, revokeToken, updateMe } from '../api.js';
import { field, h, replace } from '../dom.js';
import { notify, on } from '../events.js';
import { allOps, discardHeld, retryHeld, sync } from '../outbox.js';
import { ensureTimeZoneList } from './entryform.js';

const SCOPES = ['entries:read', 'entries:write', 'goals:read', 'goals:write', 'summary:read', 'export'];

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
 * @param {import('../app.js').AppContext} ctx
 */
export function mount(section, ctx) {
  ensureTimeZoneList();
  const title = h('h1', { id: 'settings-title', tabindex: '-1' }, 'Settings');

  // Ops the server refused (validation and other client errors), kept until the user decides.
  const heldList = h('ul', { class: 'held-list' });
  const heldCard = card('Changes that need attention', heldList);
  heldCard.id = 'needs-attention';

  const displayName = h('input', { type: 'text', autocomplete: 'nickname', maxLength: 120 });
  const timezone = h('input', { type: 'text', list: 'timezones', autocomplete: 'off' });
  const hours = Array.from({ length: 24 }, (_, hour) => String(hour));
  const dayStart = h('select', null, options(hours, (hour) => `${hour.padStart(2, '0')}:00`));
  const weekStart = h('select', null, options(['monday', 'sunday'], (day) => day[0].toUpperCase() + day.slice(1)));
  const grace = h('select', null, options(['0', '1', '2', '3']));
  const profileMessage = h('p', { class: 'form-message', role: 'status' });
  const profileForm = h(
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
    profileMessage,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save settings')),
  );
  profileForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    profileMessage.textContent = '';
    try {
      await ctx.setUser(
        await updateMe({
          display_name: displayName.value.trim(),
          timezone: timezone.value.trim(),
          day_start_hour: Number(dayStart.value),
          week_start: weekStart.value,
          grace_days: Number(grace.value),
        }),
      );
      profileMessage.textContent = 'Saved.';
    } catch (error) {
      profileMessage.textContent = explain(error);
    }
  });

  const tokenList = h('ul', { class: 'held-list' });
  const tokenName = h('input', { type: 'text', autocomplete: 'off', maxLength: 100 });
  const expiry = h('select', null, options(['', '30', '90', '365'], (days) => (days ? `${days} days` : 'Never')));
  const scopeBoxes = SCOPES.map((scope) => h('input', { type: 'checkbox', id: `scope-${scope}`, value: scope, checked: scope.endsWith(':read') }));
  const tokenMessage = h('div', { role: 'status' });
  const tokenForm = h(
    'form',
    { 'aria-labelledby': 'token-form-title' },
    h('h3', { id: 'token-form-title' }, 'New token'),
    field('token-name', 'Name', tokenName, 'The app or script that will use it; entries it creates show this name.'),
    h('fieldset', null, h('legend', null, 'Scopes'), scopeBoxes.map((box) => h('div', { class: 'field-check' }, box, h('label', { for: box.id }, box.value)))),
    field('token-expiry', 'Expires', expiry),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Create token')),
    tokenMessage,
  );
  tokenForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const scopes = scopeBoxes.filter((box) => box.checked).map((box) => box.value);
    try {
      if (!tokenName.value.trim() || !scopes.length) throw new Error('Give the token a name and at least one scope.');
      const created = await createToken(tokenName.value.trim(), scopes, Number(expiry.value) || null);
      replace(tokenMessage, h('p', null, 'Copy the token now; it is shown only once:'), h('code', { class: 'token-secret' }, created.token));
      tokenName.value = '';
      await renderTokens();
    } catch (error) {
      replace(tokenMessage, h('p', { class: 'form-message' }, explain(error)));
    }
  });

  const importFile = h('input', { type: 'file', accept: '.json,.csv,application/json,text/csv' });
  const importMessage = h('p', { role: 'status' });
  const importForm = h(
    'form',
    null,
    field('import-file', 'File to import', importFile, 'A Synclog JSON export or CSV. Importing the same file twice changes nothing.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Import')),
    importMessage,
  );
  importForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const file = importFile.files?.[0];
    importMessage.textContent = file ? 'Importing…' : 'Choose a file first.';
    if (!file) return;
    try {
      const csv = file.name.toLowerCase().endsWith('.csv') || file.type === 'text/csv';
      const result = await importData(await file.text(), csv ? 'text/csv' : 'application/json');
      // The report counts per type: {entries: {created, updated, skipped}, goals: {…}}.
      const counts = ['entries', 'goals']
        .filter((type) => result && typeof result[type] === 'object')
        .map((type) => `${type}: ${Object.entries(result[type]).map(([what, n]) => `${n} ${what}`).join(', ')}`);
      importMessage.textContent = counts.length ? `Imported. ${counts.join('; ')}.` : 'Imported.';
      void sync();
    } catch (error) {
      importMessage.textContent = explain(error);
    }
  });
  /** @param {string} format @param {string} file @param {string} label */
  const exportLink = (format, file, label) => h('li', null, h('a', { href: `/api/v1/export?format=${format}`, download: file }, label));

  const accountText = h('p');
  const signOutButton = h('button', { type: 'button' }, 'Sign out');
  const signOutArea = h('div', { class: 'actions' }, signOutButton);
  signOutButton.addEventListener('click', async () => {
    const waiting = (await allOps()).length;
    if (!waiting) return ctx.signOut();
    const sure = h('button', { type: 'button', class: 'danger', onclick: () => ctx.signOut() }, `Sign out and lose ${waiting} unsent change${waiting === 1 ? '' : 's'}`);
    const stay = h('button', { type: 'button', onclick: () => replace(signOutArea, signOutButton) }, 'Stay signed in');
    replace(signOutArea, sure, stay);
    sure.focus();
  });

  replace(
    section,
    title,
    h(
      'div',
      { class: 'settings-grid' },
      heldCard,
      profileForm,
      card('Personal access tokens', h('p', { class: 'hint' }, 'Let other apps use your data through the API.'), tokenList, tokenForm),
      card(
        'Export and import',
        h('p', null, 'Your data is yours: take all of it with you at any time.'),
        h(
          'ul',
          null,
          exportLink('json', 'synclog-export.json', 'Export as JSON'),
          exportLink('csv', 'synclog-entries.csv', 'Export entries as CSV'),
          exportLink('markdown', 'synclog-journal.md', 'Export as Markdown journal'),
        ),
        importForm,
      ),
      card('Account', accountText, signOutArea),
    ),
  );

  function fillProfile() {
    const user = ctx.user();
    if (!user) return;
    displayName.value = user.display_name || '';
    timezone.value = user.timezone || 'UTC';
    dayStart.value = String(user.day_start_hour ?? 0);
    weekStart.value = user.week_start || 'monday';
    grace.value = String(user.grace_days ?? 0);
    accountText.textContent = `Signed in as ${user.email || user.display_name || 'you'}.`;
  }

  async function renderHeld() {
    const held = (await allOps()).filter((op) => op.state === 'held');
    heldCard.hidden = !held.length;
    replace(
      heldList,
      held.map((op) => {
        const problem = op.error || {};
        const details = (problem.errors || []).map((/** @type {any} */ e) => `${(e.loc || []).join('.')}: ${e.msg || e.message || ''}`).join('; ');
        const verb = { PUT: 'Saving', PATCH: 'Changing', DELETE: 'Deleting' }[op.method];
        const seq = /** @type {number} */ (op.seq);
        return h(
          'li',
          null,
          h('p', null, `${verb} a ${op.type} failed: ${problem.detail || problem.title || 'refused by the server'}${details ? ` (${details})` : ''}`),
          h(
            'div',
            { class: 'actions' },
            h('button', { type: 'button', onclick: () => retryHeld(seq) }, 'Try again'),
            h('button', { type: 'button', class: 'danger', onclick: () => discardHeld(seq) }, 'Discard change'),
          ),
        );
      }),
    );
  }

  async function renderTokens() {
    try {
      const answer = await listTokens();
      const tokens = Array.isArray(answer) ? answer : answer.data || [];
      replace(
        tokenList,
        tokens.length
          ? tokens.map((/** @type {any} */ token) => {
              const revoke = async () => {
                try {
                  await revokeToken(token.id);
                  notify(`Token “${token.name}” revoked.`);
                  await renderTokens();
                } catch (error) {
                  notify(explain(error), 'error');
                }
              };
              const expires = token.expires_at ? `expires ${new Date(token.expires_at).toLocaleDateString()}` : 'never expires';
              return h(
                'li',
                null,
                h('p', null, h('strong', null, token.name), ` · ${(token.scopes || []).join(', ')} · ${expires}`),
                h('button', { type: 'button', class: 'danger', onclick: revoke }, `Revoke ${token.name}`),
              );
            })
          : h('li', { class: 'empty' }, 'No tokens.'),
      );
    } catch (error) {
      replace(tokenList, h('li', { class: 'empty' }, explain(error)));
    }
  }

  on('outbox', () => !section.hidden && renderHeld());
  on('user', () => !section.hidden && fillProfile());

  return {
    /** @param {boolean} focus */
    async show(focus) {
      fillProfile();
      await renderHeld();
      if (focus) title.focus();
      await renderTokens();
    },
  };
}
