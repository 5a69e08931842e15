// @ts-check
/** Sign in or create an account (the browser's time zone goes with a new account). */

import { ApiError, NetworkError, register, signIn } from '../api.js';
import { h, replace } from '../dom.js';
import { allOps, readMeta } from '../db.js';
import { browserTimeZone } from '../time.js';

/**
 * @param {HTMLElement} section
 * @param {import('../types.js').AppContext} ctx
 * @param {() => Promise<void>} onSignedIn
 */
export function mountSignIn(section, ctx, onSignedIn) {
  const email = /** @type {HTMLInputElement} */ (h('input', { id: 'signin-email', name: 'email', type: 'email', autocomplete: 'username', required: true }));
  const password = /** @type {HTMLInputElement} */ (
    h('input', { id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true })
  );
  const message = h('p', { class: 'form-message', id: 'signin-message', role: 'alert' });
  const intro = h('p', { class: 'lede' }, 'Catch meaningful coincidences in one tap, online or not.');
  const signInButton = h('button', { type: 'submit', class: 'primary', value: 'signin' }, 'Sign in');
  const createButton = h('button', { type: 'submit', class: 'secondary', value: 'register' }, 'Create account');
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'card signin-form', novalidate: true, 'aria-describedby': 'signin-message' },
      h('div', { class: 'field' }, h('label', { for: 'signin-email' }, 'Email'), email),
      h('div', { class: 'field' }, h('label', { for: 'signin-password' }, 'Password'), password, h('p', { class: 'hint', id: 'password-hint' }, 'At least 8 characters for a new account.')),
      message,
      h('div', { class: 'actions' }, signInButton, createButton),
    )
  );
  password.setAttribute('aria-describedby', 'password-hint');
  replace(section, h('h1', { id: 'signin-title', tabindex: '-1' }, 'Welcome to Synclog'), intro, form);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const submitter = /** @type {HTMLButtonElement | null} */ (/** @type {SubmitEvent} */ (event).submitter);
    const creating = submitter === createButton;
    message.textContent = '';
    if (!email.value || !email.validity.valid) {
      message.textContent = 'Enter your email address.';
      email.focus();
      return;
    }
    if (password.value.length < (creating ? 8 : 1)) {
      message.textContent = creating ? 'Choose a password of at least 8 characters.' : 'Enter your password.';
      password.focus();
      return;
    }
    for (const button of [signInButton, createButton]) button.setAttribute('aria-disabled', 'true');
    try {
      const user = creating
        ? await register(email.value.trim(), password.value, browserTimeZone())
        : await signIn(email.value.trim(), password.value);
      await ctx.setUser(user);
      password.value = '';
      await onSignedIn();
    } catch (error) {
      message.textContent = explain(error, creating);
    } finally {
      for (const button of [signInButton, createButton]) button.removeAttribute('aria-disabled');
    }
  });

  return {
    /** @param {boolean} _focus @param {boolean} [sessionExpired] */
    async show(_focus, sessionExpired = false) {
      if (sessionExpired) {
        const waiting = (await allOps()).length;
        intro.textContent =
          waiting > 0
            ? `Your session ended. Sign in again to send ${waiting === 1 ? 'the 1 change' : `the ${waiting} changes`} waiting on this device.`
            : 'Your session ended. Sign in again.';
        const user = ctx.user() || (await readMeta('owner'));
        if (user && user.email && !email.value) email.value = user.email;
      } else {
        intro.textContent = 'Catch meaningful coincidences in one tap, online or not.';
      }
      if (!navigator.onLine) message.textContent = 'You are offline. Signing in needs a connection.';
      email.focus();
    },
  };
}

/** @param {unknown} error @param {boolean} creating */
function explain(error, creating) {
  if (error instanceof NetworkError) return 'No connection to the server. Try again when you are online.';
  if (error instanceof ApiError) {
    if (error.status === 401) return 'Email or password is not right.';
    if (error.status === 409) return 'There is already an account with this email. Sign in instead.';
    if (error.status === 403 && creating) return 'This server does not accept new accounts.';
    if (error.status === 429) return 'Too many attempts. Wait a few minutes and try again.';
    if (error.status === 422) {
      const first = error.problem.errors && error.problem.errors[0];
      return `Please check your entry: ${(first && (first.msg || first.message)) || error.message}`;
    }
    return error.message;
  }
  return 'Something went wrong.';
}
