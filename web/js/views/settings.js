// @ts-check
/**
 * Settings: the day rules (time zone, day start, week start, grace days), personal
 * access tokens, export and import, changes that need attention, and sign out.
 */

import { ApiError, NetworkError, createToken, importData, listTokens, revokeToken, updateMe } from '../api.js';
import { h, replace } from '../dom.js';
import { notify, on } from '../events.js';
import { allOps, discardHeld, retryHeld, sync } from '../outbox.js';
import { kindLabel } from '../store.js';
import { ensureTimeZoneList } from './entryform.js';

const SCOPES = [
  ['entries:read', 'Read entries'],
  ['entries:write', 'Write entries'],
  ['goals:read', 'Read goals'],
  ['goals:write', 'Write goals'],
  ['summary:read', 'Read currents'],
  ['export', 'Export'],
];

/** @param {unknown} error */
function explain(error) {
  if (error instanceof NetworkError) return 'This needs a connection; you are offline.';
  if (error instanceof ApiError) {
    const first = error.problem.errors && error.problem.errors[0];
    return first ? `${error.message} ${first.msg || first.message || ''}`.trim() : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** @param {string} id @param {string} label @param {HTMLElement} control @param {string} [hint] */
function field(id, label, control, hint) {
  control.id = id;
  if (hint) control.setAttribute('aria-describedby', `${id}-hint`);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null);
}

/**
 * @param {HTMLElement} section
 * @param {import('../app.js').AppContext} ctx
 */
export function mount(section, ctx) {
  ensureTimeZoneList();
  const title = h('h1', { id: 'settings-title', tabindex: '-1' }, 'Settings');

  // Changes that need attention (kept aside after a validation or other client error).
  const heldList = h('ul', { class: 'held-list' });
  const heldCard = h('section', { class: 'card', id: 'needs-attention', 'aria-labelledby': 'held-title' }, h('h2', { id: 'held-title' }, 'Changes that need attention'), heldList);

  // Profile and day rules.
  const displayName = /** @type {HTMLInputElement} */ (h('input', { type: 'text', autocomplete: 'nickname', maxLength: 120 }));
  const timezone = /** @type {HTMLInputElement} */ (h('input', { type: 'text', list: 'timezones', autocomplete: 'off' }));
  const dayStart = /** @type {HTMLSelectElement} */ (
    h('select', null, Array.from({ length: 24 }, (_, hour) => h('option', { value: String(hour) }, `${String(hour).padStart(2, '0')}:00`)))
  );
  const weekStart = /** @type {HTMLSelectElement} */ (h('select', null, h('option', { value: 'monday' }, 'Monday'), h('option', { value: 'sunday' }, 'Sunday')));
  const grace = /** @type {HTMLSelectElement} */ (h('select', null, [0, 1, 2, 3].map((n) => h('option', { value: String(n) }, String(n)))));
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
      const user = await updateMe({
        display_name: displayName.value.trim(),
        timezone: timezone.value.trim(),
        day_start_hour: Number(dayStart.value),
        week_start: weekStart.value,
        grace_days: Number(grace.value),
      });
      await ctx.setUser(user);
      profileMessage.textContent = 'Saved.';
    } catch (error) {
      profileMessage.textContent = explain(error);
    }
  });

  // Personal access tokens.
  const tokenList = h('ul', { class: 'held-list' });
  const tokenName = /** @type {HTMLInputElement} */ (h('input', { type: 'text', autocomplete: 'off', maxLength: 100 }));
  const tokenExpiry = /** @type {HTMLSelectElement} */ (
    h('select', null, h('option', { value: '' }, 'Never'), h('option', { value: '30' }, '30 days'), h('option', { value: '90' }, '90 days'), h('option', { value: '365' }, '1 year'))
  );
  const scopeBoxes = SCOPES.map(([scope, label]) =>
    h('div', { class: 'field-check' }, h('input', { type: 'checkbox', id: `scope-${scope}`, value: scope, checked: scope.endsWith(':read') }), h('label', { for: `scope-${scope}` }, `${label} (${scope})`)),
  );
  const tokenMessage = h('div', { role: 'status' });
  const tokenForm = h(
    'form',
    { 'aria-labelledby': 'token-form-title' },
    h('h3', { id: 'token-form-title' }, 'New token'),
    field('token-name', 'Name', tokenName, 'The app or script that will use it; entries it creates show this name.'),
    h('fieldset', null, h('legend', null, 'Scopes'), scopeBoxes),
    field('token-expiry', 'Expires', tokenExpiry),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Create token')),
    tokenMessage,
  );
  tokenForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const scopes = scopeBoxes.map((box) => /** @type {HTMLInputElement} */ (box.querySelector('input'))).filter((input) => input.checked).map((input) => input.value);
    if (!tokenName.value.trim() || !scopes.length) {
      replace(tokenMessage, h('p', { class: 'form-message' }, 'Give the token a name and at least one scope.'));
      return;
    }
    try {
      const created = await createToken(tokenName.value.trim(), scopes, tokenExpiry.value ? Number(tokenExpiry.value) : null);
      replace(
        tokenMessage,
        h('p', null, 'Copy the token now; it is shown only once:'),
        h('code', { class: 'token-secret' }, created.token),
      );
      tokenName.value = '';
      await renderTokens();
    } catch (error) {
      replace(tokenMessage, h('p', { class: 'form-message' }, explain(error)));
    }
  });
  const tokensCard = h(
    'section',
    { class: 'card', 'aria-labelledby': 'tokens-title' },
    h('h2', { id: 'tokens-title' }, 'Personal access tokens'),
    h('p', { class: 'hint' }, 'Let other apps use your data through the API.'),
    tokenList,
    tokenForm,
  );

  // Export and import.
  const importFile = /** @type {HTMLInputElement} */ (h('input', { type: 'file', accept: '.json,.csv,application/json,text/csv' }));
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
    const file = importFile.files && importFile.files[0];
    if (!file) {
      importMessage.textContent = 'Choose a file first.';
      return;
    }
    importMessage.textContent = 'Importing…';
    try {
      const text = await file.text();
      const isCsv = file.name.toLowerCase().endsWith('.csv') || file.type === 'text/csv';
      const result = await importData(text, isCsv ? 'text/csv' : 'application/json');
      const counts = result && typeof result === 'object' ? Object.entries(result).filter(([, v]) => typeof v === 'number').map(([k, v]) => `${v} ${k}`).join(', ') : '';
      importMessage.textContent = counts ? `Imported: ${counts}.` : 'Imported.';
      void sync();
    } catch (error) {
      importMessage.textContent = explain(error);
    }
  });
  const exportCard = h(
    'section',
    { class: 'card', 'aria-labelledby': 'export-title' },
    h('h2', { id: 'export-title' }, 'Export and import'),
    h('p', null, 'Your data is yours: take all of it with you at any time.'),
    h(
      'ul',
      null,
      h('li', null, h('a', { href: '/api/v1/export?format=json', download: 'synclog-export.json' }, 'Export as JSON'), ' (complete, can be imported again)'),
      h('li', null, h('a', { href: '/api/v1/export?format=csv', download: 'synclog-entries.csv' }, 'Export entries as CSV')),
      h('li', null, h('a', { href: '/api/v1/export?format=markdown', download: 'synclog-journal.md' }, 'Export as Markdown journal')),
    ),
    importForm,
  );

  // Account.
  const accountText = h('p');
  const signOutArea = h('div', { class: 'actions' });
  const signOutButton = h('button', { type: 'button' }, 'Sign out');
  signOutButton.addEventListener('click', async () => {
    const waiting = (await allOps()).length;
    if (!waiting) {
      await ctx.signOut();
      return;
    }
    const sure = h('button', { type: 'button', class: 'danger' }, `Sign out and lose ${waiting} unsent ${waiting === 1 ? 'change' : 'changes'}`);
    const stay = h('button', { type: 'button' }, 'Stay signed in');
    sure.addEventListener('click', () => void ctx.signOut());
    stay.addEventListener('click', () => {
      replace(signOutArea, signOutButton);
      signOutButton.focus();
    });
    replace(signOutArea, sure, stay);
    sure.focus();
  });
  replace(signOutArea, signOutButton);
  const accountCard = h('section', { class: 'card', 'aria-labelledby': 'account-title' }, h('h2', { id: 'account-title' }, 'Account'), accountText, signOutArea);

  replace(section, title, h('div', { class: 'settings-grid' }, heldCard, profileForm, tokensCard, exportCard, accountCard));

  function fillProfile() {
    const user = ctx.user();
    if (!user) return;
    displayName.value = user.display_name || '';
    timezone.value = user.timezone || 'UTC';
    dayStart.value = String(user.day_start_hour ?? 0);
    weekStart.value = user.week_start || 'monday';
    grace.value = String(user.grace_days ?? 0);
    accountText.textContent = user.email ? `Signed in as ${user.email}.` : 'Signed in.';
  }

  async function renderHeld() {
    const ops = await allOps();
    const held = ops.filter((op) => op.state === 'held');
    heldCard.hidden = held.length === 0;
    replace(
      heldList,
      held.map((op) => {
        const what = op.type === 'goal' ? 'goal' : `entry${op.data && op.data.kind ? ` (${kindLabel(op.data.kind)})` : ''}`;
        const verb = { PUT: 'Creating', PATCH: 'Changing', DELETE: 'Deleting' }[op.method];
        const problem = op.error || {};
        const details = (problem.errors || []).map((/** @type {any} */ e) => `${(e.loc || []).join('.')}: ${e.msg || e.message || ''}`).join('; ');
        const retry = h('button', { type: 'button' }, 'Try again');
        const discard = h('button', { type: 'button', class: 'danger' }, 'Discard change');
        retry.addEventListener('click', () => void retryHeld(/** @type {number} */ (op.seq)));
        discard.addEventListener('click', () => void discardHeld(/** @type {number} */ (op.seq)));
        return h('li', null, h('p', null, `${verb} an ${what} failed: ${problem.detail || problem.title || 'rejected by the server'}${details ? ` (${details})` : ''}`), h('div', { class: 'actions' }, retry, discard));
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
              const revoke = h('button', { type: 'button', class: 'danger' }, `Revoke ${token.name}`);
              revoke.addEventListener('click', async () => {
                try {
                  await revokeToken(token.id);
                  notify(`Token “${token.name}” revoked.`);
                  await renderTokens();
                } catch (error) {
                  notify(explain(error), 'error');
                }
              });
              const expires = token.expires_at ? `expires ${new Date(token.expires_at).toLocaleDateString()}` : 'never expires';
              return h('li', null, h('p', null, h('strong', null, token.name), ` · ${(token.scopes || []).join(', ')} · ${expires}`), revoke);
            })
          : h('li', { class: 'empty' }, 'No tokens.'),
      );
    } catch (error) {
      replace(tokenList, h('li', { class: 'empty' }, explain(error)));
    }
  }

  on('outbox', () => {
    if (!section.hidden) void renderHeld();
  });
  on('user', () => {
    if (!section.hidden) fillProfile();
  });

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
