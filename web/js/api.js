// @ts-check
/**
 * The Synclog JSON API (/api/v1) as seen from the PWA: session-cookie requests that
 * turn problem+json answers into ApiError and lost connections into NetworkError.
 */

export const API = '/api/v1';

/**
 * @typedef {{type?: string, title?: string, status?: number, detail?: string, code?: string,
 *   errors?: any[], current?: any}} Problem
 */

/** The server answered with an error status. */
export class ApiError extends Error {
  /** @param {number} status @param {Problem} problem @param {Headers} headers */
  constructor(status, problem, headers) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.headers = headers;
  }
}

/** The request never got an answer (offline, dropped connection). */
export class NetworkError extends Error {
  /** @param {unknown} cause */
  constructor(cause) {
    super('No connection to the server');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

/**
 * @typedef {{method?: string, body?: any, headers?: Record<string, string>,
 *   raw?: BodyInit, contentType?: string, signal?: AbortSignal}} RequestOptions
 */

/**
 * Sends one request; resolves with {status, body, headers} on 2xx/304.
 * @param {string} path
 * @param {RequestOptions} [options]
 * @returns {Promise<{status: number, body: any, headers: Headers}>}
 */
export async function request(path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  /** @type {BodyInit | undefined} */
  let body = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] = options.contentType || 'application/json';
  } else if (options.raw !== undefined && options.contentType) {
    headers['Content-Type'] = options.contentType;
  }
  /** @type {Response} */
  let response;
  try {
    response = await fetch(API + path, {
      method: options.method || 'GET',
      headers,
      body,
      credentials: 'same-origin',
      cache: 'no-store',
      signal: options.signal,
    });
  } catch (error) {
    throw new NetworkError(error);
  }
  const type = response.headers.get('Content-Type') || '';
  /** @type {any} */
  let parsed = null;
  if (response.status !== 204 && response.status !== 304) {
    try {
      parsed = type.includes('json') ? await response.json() : await response.text();
    } catch (error) {
      // The body was cut off on the way: treat it like a lost response.
      throw new NetworkError(error);
    }
  }
  if (!response.ok && response.status !== 304) {
    const problem = parsed && typeof parsed === 'object' ? parsed : { status: response.status, title: response.statusText };
    throw new ApiError(response.status, problem, response.headers);
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** @param {string} email @param {string} password */
export function signIn(email, password) {
  return request('/auth/login', { method: 'POST', body: { email, password } }).then((r) => r.body);
}

/** @param {string} email @param {string} password @param {string} timezone */
export function register(email, password, timezone) {
  return request('/auth/register', { method: 'POST', body: { email, password, timezone } }).then((r) => r.body);
}

export function signOut() {
  return request('/auth/logout', { method: 'POST' });
}

export function me() {
  return request('/me').then((r) => r.body);
}

/** @param {Record<string, any>} changes */
export function updateMe(changes) {
  return request('/me', { method: 'PATCH', body: changes }).then((r) => r.body);
}

/** @param {string} [cursor] @param {number} [limit] */
export function changes(cursor, limit = 500) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor) query.set('cursor', cursor);
  return request(`/changes?${query}`).then((r) => r.body);
}

/** Every other session ends and every token is revoked (204). @param {string} current @param {string} next */
export function changePassword(current, next) {
  return request('/me/password', { method: 'POST', body: { current_password: current, new_password: next } });
}

/** The account and all its data, for good (204). @param {string} password */
export function deleteAccount(password) {
  return request('/me', { method: 'DELETE', body: { password } });
}

export function listTokens() {
  return request('/tokens').then((r) => r.body);
}

/** @param {string} name @param {string[]} scopes @param {number | null} expiresInDays */
export function createToken(name, scopes, expiresInDays) {
  /** @type {Record<string, any>} */
  const body = { name, scopes };
  if (expiresInDays) body.expires_in_days = expiresInDays;
  return request('/tokens', { method: 'POST', body }).then((r) => r.body);
}

/** @param {string} id */
export function revokeToken(id) {
  return request(`/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** @param {string} text @param {string} contentType */
export function importData(text, contentType) {
  return request('/import', { method: 'POST', raw: text, contentType }).then((r) => r.body);
}

/** @param {{type: string}} object */
export function collection(object) {
  return object.type === 'goal' ? '/goals' : '/entries';
}
