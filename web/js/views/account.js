// @ts-check
/**
 * The account's own safety in Settings: change the password, delete the account (with the
 * password; the data on this device goes too). Loaded with the settings screen.
 */

import { ApiError, NetworkError, changePassword, deleteAccount } from '../api.js';
import { field, h, replace } from '../dom.js';

/** @typedef {import('../types.js').AppContext} AppContext */

/** @param {unknown} error */
function reason(error) {
  if (error instanceof NetworkError) return 'You are offline; this needs the server. Try again when online.';
  if (error instanceof ApiError && error.status === 403) return 'That password is not right.';
  if (error instanceof ApiError && error.status === 429) return 'Too many attempts; wait a few minutes.';
  return error instanceof Error ? error.message : String(error);
}

/** @param {string} id @param {string} label @param {string} autocomplete */
function passwordField(id, label, autocomplete) {
  const input = /** @type {HTMLInputElement} */ (h('input', { type: 'password', autocomplete, required: true }));
  return { input, element: field(id, label, input) };
}

/** Change the password: the current one, then the new one (at least 8 characters). */
export function passwordForm() {
  const current = passwordField('password-current', 'Current password', 'current-password');
  const next = passwordField('password-new', 'New password', 'new-password');
  next.input.minLength = 8;
  const message = h('p', { role: 'status' });
  const form = h(
    'form',
    { 'aria-labelledby': 'password-title' },
    h('h3', { id: 'password-title' }, 'Change password'),
    current.element,
    next.element,
    h('p', { class: 'hint' }, 'Your other devices and every token are signed out.'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Change password')),
    message,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      if (next.input.value.length < 8) throw new Error('The new password needs at least 8 characters.');
      await changePassword(current.input.value, next.input.value);
      form.reset();
      message.textContent = 'Password changed.';
    } catch (error) {
      message.textContent = reason(error);
    }
  });
  return form;
}

/** Delete the account: asked for the password, then everything goes, here and on the server. @param {AppContext} ctx */
export function deleteAccountForm(ctx) {
  const password = passwordField('delete-password', 'Your password, to confirm', 'current-password');
  const message = h('p', { role: 'status' });
  const form = h(
    'form',
    { 'aria-labelledby': 'delete-title' },
    h('h3', { id: 'delete-title' }, 'Delete account'),
    h('p', { class: 'hint' }, 'Every entry, goal and token goes for good. Export first if you want to keep them.'),
    password.element,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'danger' }, 'Delete account and all data')),
    message,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await deleteAccount(password.input.value);
      replace(form, h('p', { role: 'status' }, 'Your account and its data are deleted.'));
      await ctx.signOut();
    } catch (error) {
      message.textContent = reason(error);
    }
  });
  return form;
}
