// @ts-check
/** Goals: the values and intentions entries speak to; created and edited offline too. */

import { allGoals } from '../db.js';
import { field, h, renderList, replace } from '../dom.js';
import { notify, on } from '../events.js';
import { createGoal, edit, remove } from '../store.js';
import { count } from '../words.js';

const COLORS = ['#0f766e', '#7c3aed', '#c2410c', '#2563eb', '#be185d', '#4d7c0f'];

/** @typedef {import('../types.js').AppContext} AppContext */

/**
 * @param {HTMLElement} section
 * @param {AppContext} ctx
 */
export function mount(section, ctx) {
  const title = h('h1', { id: 'goals-title', tabindex: '-1' }, 'Goals');
  const intro = h('p', { class: 'lede' }, 'The values, priorities and intentions your synchronicities speak to.');
  const activeList = h('ul', { class: 'goal-list', 'aria-label': 'Active goals' });
  const archivedList = h('ul', { class: 'goal-list', 'aria-label': 'Archived goals' });
  const archived = h('details', null, h('summary', null, 'Archived goals'), archivedList);
  const form = goalForm(ctx);
  const rows = goalRows(ctx, form.startEditing);
  replace(section, title, intro, h('div', { class: 'goals-layout' }, h('div', null, activeList, archived), form.element));

  async function render() {
    const goals = (await allGoals()).sort((a, b) => a.title.localeCompare(b.title));
    renderList(activeList, goals.filter((g) => g.status !== 'archived'), rows, h('li', { class: 'empty' }, 'No goals yet. Add one with the form.'));
    renderList(archivedList, goals.filter((g) => g.status === 'archived'), rows, h('li', { class: 'empty' }, 'None.'));
  }

  on('data', () => {
    if (!section.hidden) void render();
  });

  return {
    /** @param {boolean} focus */
    async show(focus) {
      await render();
      if (focus) title.focus();
    },
  };
}

/**
 * The form that adds a goal, or saves the one being edited.
 * @param {AppContext} ctx
 */
function goalForm(ctx) {
  /** @type {string | null} */
  let editingId = null;
  const formTitle = h('h2', { id: 'goal-form-title' }, 'New goal');
  const controls = goalControls();
  const message = h('p', { class: 'form-message', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Add goal');
  const cancel = h('button', { type: 'button', hidden: true }, 'Cancel');
  const element = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'card goal-form', 'aria-labelledby': 'goal-form-title', novalidate: true },
      formTitle,
      field('goal-title', 'Title', controls.title),
      field('goal-description', 'Description', controls.description),
      h(
        'div',
        { class: 'form-grid' },
        field('goal-cadence', 'Cadence', controls.cadence),
        field('goal-target', 'Target', controls.target, 'Entries per day or week that count as met.'),
        field('goal-color', 'Color', controls.color),
      ),
      message,
      h('div', { class: 'actions' }, submit, cancel),
    )
  );

  /** @param {any} [goal] the goal to edit; none for a new one */
  function start(goal) {
    editingId = goal ? goal.id : null;
    if (goal) fillGoal(controls, goal);
    else resetGoal(element, controls);
    formTitle.textContent = goal ? `Edit “${goal.title}”` : 'New goal';
    submit.textContent = goal ? 'Save goal' : 'Add goal';
    cancel.hidden = !goal;
    if (!goal) message.textContent = '';
  }

  cancel.addEventListener('click', () => {
    start();
    controls.title.focus();
  });
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    const user = ctx.user();
    const fields = user && readGoal(controls, message);
    if (!user || !fields) return;
    const editing = editingId;
    if (editing) await edit('goal', editing, fields, user);
    else await createGoal(user, fields);
    notify(`Goal “${fields.title}” ${editing ? 'saved' : 'added'}.`);
    start();
  });

  return {
    element,
    /** @param {any} goal */
    startEditing(goal) {
      start(goal);
      controls.title.focus();
    },
  };
}

function goalControls() {
  return {
    title: /** @type {HTMLInputElement} */ (h('input', { type: 'text', required: true, maxLength: 120, autocomplete: 'off' })),
    description: /** @type {HTMLTextAreaElement} */ (h('textarea', { rows: 3, maxLength: 2000 })),
    color: /** @type {HTMLInputElement} */ (h('input', { type: 'color', value: COLORS[0] })),
    cadence: /** @type {HTMLSelectElement} */ (h('select', { value: 'weekly' }, h('option', { value: 'weekly' }, 'Weekly'), h('option', { value: 'daily' }, 'Daily'))),
    target: /** @type {HTMLInputElement} */ (h('input', { type: 'number', min: '1', max: '50', value: '1', inputMode: 'numeric' })),
  };
}

/** @typedef {ReturnType<typeof goalControls>} GoalControls */

/** @param {HTMLFormElement} form @param {GoalControls} controls */
function resetGoal(form, controls) {
  form.reset();
  controls.color.value = COLORS[Math.floor(Math.random() * COLORS.length)];
  controls.cadence.value = 'weekly';
  controls.target.value = '1';
}

/** @param {GoalControls} controls @param {any} goal */
function fillGoal(controls, goal) {
  controls.title.value = goal.title;
  controls.description.value = goal.description || '';
  controls.color.value = goal.color;
  controls.cadence.value = goal.cadence;
  controls.target.value = String(goal.target);
}

/**
 * The goal's fields, or null after saying (and focusing) what is wrong.
 * @param {GoalControls} controls @param {HTMLElement} message
 */
function readGoal(controls, message) {
  const { title, description, color, cadence, target } = controls;
  const fields = { title: title.value.trim(), description: description.value.trim(), color: color.value.toLowerCase(), cadence: cadence.value, target: Number(target.value) };
  const wrong = !fields.title ? title : !Number.isInteger(fields.target) || fields.target < 1 || fields.target > 50 ? target : null;
  if (!wrong) return fields;
  message.textContent = wrong === title ? 'Give the goal a title.' : 'The target is a whole number from 1 to 50.';
  wrong.focus();
  return null;
}

/**
 * Goals by id: a goal's text is redrawn when it changes, its buttons stay.
 * @param {AppContext} ctx @param {(goal: any) => void} startEditing
 * @returns {import('../types.js').Keyed<any>}
 */
function goalRows(ctx, startEditing) {
  /** @type {WeakMap<Element, any>} */
  const shown = new WeakMap();
  return {
    key: (goal) => goal.id,
    version: (goal) => JSON.stringify(goal),
    create(goal) {
      const actions = goalActions(`goal-${goal.id}`, {
        edit: () => startEditing(shown.get(element)),
        toggleArchived: () => setArchived(shown.get(element), ctx),
        remove: () => deleteGoal(goal.id, ctx),
      });
      const element = h('li', { class: 'goal' }, actions);
      return element;
    },
    update(element, goal) {
      shown.set(element, goal);
      for (const child of [...element.children]) if (!child.matches('.entry-actions')) child.remove();
      element.prepend(
        h('h3', { id: `goal-${goal.id}` }, goal.title),
        ...(goal.description ? [h('p', null, goal.description)] : []),
        h('p', { class: 'goal-meta' }, `${count(goal.target, 'entry', 'entries')} ${goal.cadence === 'daily' ? 'a day' : 'a week'}`),
      );
      const archive = /** @type {HTMLElement} */ (element.querySelector('[data-action="archive"]'));
      archive.textContent = goal.status === 'archived' ? 'Restore' : 'Archive';
      /** @type {HTMLElement} */ (element).style.borderLeftColor = goal.color;
    },
  };
}

/**
 * Edit, Archive (or Restore), and Delete behind a confirmation.
 * @param {string} headingId @param {{edit: () => void, toggleArchived: () => void, remove: () => void}} actions
 */
function goalActions(headingId, actions) {
  const editButton = h('button', { type: 'button', 'aria-describedby': headingId, onclick: actions.edit }, 'Edit');
  const archiveButton = h('button', { type: 'button', 'aria-describedby': headingId, dataset: { action: 'archive' }, onclick: actions.toggleArchived });
  const deleteButton = h('button', { type: 'button', class: 'danger', 'aria-describedby': headingId }, 'Delete');
  const confirm = h('button', { type: 'button', class: 'danger', onclick: actions.remove }, 'Delete, and untie its entries');
  const keep = h('button', { type: 'button' }, 'Keep it');
  const element = h('div', { class: 'entry-actions' }, editButton, archiveButton, deleteButton);
  deleteButton.addEventListener('click', () => {
    replace(element, confirm, keep);
    confirm.focus();
  });
  keep.addEventListener('click', () => {
    replace(element, editButton, archiveButton, deleteButton);
    deleteButton.focus();
  });
  return element;
}

/** @param {any} goal @param {AppContext} ctx */
async function setArchived(goal, ctx) {
  const user = ctx.user();
  if (user) await edit('goal', goal.id, { status: goal.status === 'archived' ? 'active' : 'archived' }, user);
}

/** @param {string} id @param {AppContext} ctx */
async function deleteGoal(id, ctx) {
  const user = ctx.user();
  if (user) await remove('goal', id, user);
}
