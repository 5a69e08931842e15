// @ts-check
/** Element construction without innerHTML, so user text is never parsed as markup. */

/**
 * @typedef {string | number | Node | null | undefined | false} Child
 */

/**
 * h('button', {type: 'button', onclick: f}, 'Save') — attributes, `on*` listeners,
 * `dataset` and boolean properties in one object.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...children) {
  const element = document.createElement(tag);
  let initialValue;
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === 'value') initialValue = value;
    if (value === undefined || value === null || value === false || name === 'value') continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name === 'class') element.className = value;
    else if (name in element && typeof value !== 'string') /** @type {any} */ (element)[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  // After the children, so a <select> has its options and a <textarea> its text.
  if (initialValue !== undefined && initialValue !== null) /** @type {any} */ (element).value = String(initialValue);
  return element;
}

/**
 * A labelled form control with an optional hint, the same on every screen.
 * @param {string} id @param {string} label @param {HTMLElement} control @param {string} [hint]
 */
export function field(id, label, control, hint) {
  control.id = id;
  if (hint) control.setAttribute('aria-describedby', `${id}-hint`);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint && h('p', { class: 'hint', id: `${id}-hint` }, hint));
}

/** SVG elements (the heatmap). @param {string} tag @param {Record<string, string | number>} [attrs] @param {...Node} children */
export function svg(tag, attrs = {}, ...children) {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child);
  return element;
}

/** @param {Element} parent @param {(Child | Child[])[]} children */
export function append(parent, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'object' ? child : String(child));
  }
}

/** @param {Element} parent @param {...(Child | Child[])} children */
export function replace(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
}

/** @template {Element} [T=HTMLElement] @param {string} selector @param {ParentNode} [root] @returns {T} */
export function $(selector, root = document) {
  const found = root.querySelector(selector);
  if (!found) throw new Error(`Missing element ${selector}`);
  return /** @type {T} */ (found);
}

/** Comma-separated text to a clean list. @param {string} text */
export function splitList(text) {
  const seen = new Set();
  const values = [];
  for (const part of text.split(',')) {
    const value = part.trim();
    if (value && !seen.has(value.toLowerCase())) {
      seen.add(value.toLowerCase());
      values.push(value);
    }
  }
  return values;
}

/** @type {WeakMap<Element, Map<string, {element: Element, version: string | undefined}>>} */
const rendered = new WeakMap();

/**
 * Keeps `parent`'s children in step with `items`, one element per key: elements of
 * items still there stay (with their focus and state) and are updated when they changed,
 * new ones are made and filled, the others removed; `empty` is shown when there are no items.
 * @template T
 * @param {Element} parent @param {T[]} items @param {import('./types.js').Keyed<T>} how @param {Element} [empty]
 */
export function renderList(parent, items, how, empty) {
  const before = rendered.get(parent) || new Map();
  /** @type {Map<string, {element: Element, version: string | undefined}>} */
  const now = new Map();
  for (const item of items) {
    const key = how.key(item);
    const version = how.version?.(item);
    const kept = before.get(key);
    const element = kept ? kept.element : how.create(item);
    if (!kept || version === undefined || version !== kept.version) how.update(element, item);
    now.set(key, { element, version });
  }
  const keep = new Set([...now.values()].map((row) => row.element));
  for (const child of [...parent.children]) if (!keep.has(child)) child.remove();
  let position = parent.firstElementChild;
  for (const { element } of now.values()) {
    if (element === position) position = position.nextElementSibling;
    else parent.insertBefore(element, position);
  }
  rendered.set(parent, now);
  if (!items.length && empty) parent.append(empty);
}
