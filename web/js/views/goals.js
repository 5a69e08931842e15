// @ts-check
/** Goals: the values and intentions entries speak to; created and edited offline too. */

import { synclogDB } from '../db.js';
import { h, replace } from '../dom.js';
import { notify, on } from '../events.js';
import { createGoal, edit, remove } from '../store.js';

const COLORS = ['#0f766e', '#7c3aed', '#c2410c', '#2563eb', '#be185d', '#4d7c0f'];

/**
 * @param {HTMLElement} section
 * @param {import('../app.js').AppContext} ctx
 */
export function mount(section, ctx) {
  const title = h('h1', { id: 'goals-title', tabindex: '-1' }, 'Goals');
  const intro = h('p', { class: 'lede' }, 'The values, priorities and intentions your synchronicities speak to.');
  const activeList = h('ul', { class: 'goal-list', 'aria-label': 'Active goals' });
  const archivedList = h('ul', { class: 'goal-list', 'aria-label': 'Archived goals' });
  const archived = h('details', null, h('summary', null, 'Archived goals'), archivedList);

  /** @type {string | null} */
  let editingId = null;
  const formTitle = h('h2', { id: 'goal-form-title' }, 'New goal');
  const goalTitle = /** @type {HTMLInputElement} */ (h('input', { type: 'text', id: 'goal-title', required: true, maxLength: 120, autocomplete: 'off' }));
  const description = /** @type {HTMLTextAreaElement} */ (h('textarea', { id: 'goal-description', rows: 3, maxLength: 2000 }));
  const color = /** @type {HTMLInputElement} */ (h('input', { type: 'color', id: 'goal-color', value: COLORS[0] }));
  const cadence = /** @type {HTMLSelectElement} */ (
    h('select', { id: 'goal-cadence', value: 'weekly' }, h('option', { value: 'weekly' }, 'Weekly'), h('option', { value: 'daily' }, 'Daily'))
  );
  const target = /** @type {HTMLInputElement} */ (h('input', { type: 'number', id: 'goal-target', min: '1', max: '50', value: '1', inputMode: 'numeric' }));
  const message = h('p', { class: 'form-message', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Add goal');
  const cancel = h('button', { type: 'button', hidden: true }, 'Cancel');
  /** @param {string} id @param {string} label @param {HTMLElement} control @param {string} [hint] */
  const field = (id, label, control, hint) => {
    if (hint) control.setAttribute('aria-describedby', `${id}-hint`);
    return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null);
  };
  const form = /** @type {HTMLFormElement} */ (
    h(
      'form',
      { class: 'card goal-form', 'aria-labelledby': 'goal-form-title', novalidate: true },
      formTitle,
      field('goal-title', 'Title', goalTitle),
      field('goal-description', 'Description', description),
      h(
        'div',
        { class: 'form-grid' },
        field('goal-cadence', 'Cadence', cadence),
        field('goal-target', 'Target', target, 'Entries per day or week that count as met.'),
        field('goal-color', 'Color', color),
      ),
      message,
      h('div', { class: 'actions' }, submit, cancel),
    )
  );
  replace(section, title, intro, h('div', { class: 'goals-layout' }, h('div', null, activeList, archived), form));

  function resetForm() {
    editingId = null;
    form.reset();
    color.value = COLORS[Math.floor(Math.random() * COLORS.length)];
    cadence.value = 'weekly';
    target.value = '1';
    formTitle.textContent = 'New goal';
    submit.textContent = 'Add goal';
    cancel.hidden = true;
    message.textContent = '';
  }

  cancel.addEventListener('click', () => {
    resetForm();
    goalTitle.focus();
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const user = ctx.user();
    if (!user) return;
    const fields = {
      title: goalTitle.value.trim(),
      description: description.value.trim(),
      color: color.value.toLowerCase(),
      cadence: cadence.value,
      target: Number(target.value),
    };
    if (!fields.title) {
      message.textContent = 'Give the goal a title.';
      goalTitle.focus();
      return;
    }
    if (!Number.isInteger(fields.target) || fields.target < 1 || fields.target > 50) {
      message.textContent = 'The target is a whole number from 1 to 50.';
      target.focus();
      return;
    }
    if (editingId) {
      await edit('goal', editingId, fields, user);
      notify(`Goal “${fields.title}” saved.`);
    } else {
      await createGoal(user, fields);
      notify(`Goal “${fields.title}” added.`);
    }
    resetForm();
  });

  async function render() {
    const db = await synclogDB();
    const goals = (await db.getAll('goals')).sort((a, b) => a.title.localeCompare(b.title));
    const active = goals.filter((g) => g.status !== 'archived');
    const old = goals.filter((g) => g.status === 'archived');
    replace(activeList, active.length ? active.map(goalItem) : h('li', { class: 'empty' }, 'No goals yet. Add one with the form.'));
    replace(archivedList, old.length ? old.map(goalItem) : h('li', { class: 'empty' }, 'None.'));
  }

  /** @param {any} goal */
  function goalItem(goal) {
    const headingId = `goal-${goal.id}`;
    const every = goal.cadence === 'daily' ? 'a day' : 'a week';
    const editButton = h('button', { type: 'button', 'aria-describedby': headingId }, 'Edit');
    const archiveButton = h('button', { type: 'button', 'aria-describedby': headingId }, goal.status === 'archived' ? 'Restore' : 'Archive');
    const deleteButton = h('button', { type: 'button', class: 'danger', 'aria-describedby': headingId }, 'Delete');
    const actions = h('div', { class: 'entry-actions' }, editButton, archiveButton, deleteButton);
    editButton.addEventListener('click', () => {
      editingId = goal.id;
      goalTitle.value = goal.title;
      description.value = goal.description || '';
      color.value = goal.color;
      cadence.value = goal.cadence;
      target.value = String(goal.target);
      formTitle.textContent = `Edit “${goal.title}”`;
      submit.textContent = 'Save goal';
      cancel.hidden = false;
      goalTitle.focus();
    });
    archiveButton.addEventListener('click', async () => {
      const user = ctx.user();
      if (user) await edit('goal', goal.id, { status: goal.status === 'archived' ? 'active' : 'archived' }, user);
    });
    deleteButton.addEventListener('click', () => {
      const confirm = h('button', { type: 'button', class: 'danger' }, 'Delete, and untie its entries');
      const keep = h('button', { type: 'button' }, 'Keep it');
      confirm.addEventListener('click', async () => {
        const user = ctx.user();
        if (user) await remove('goal', goal.id, user);
      });
      keep.addEventListener('click', () => {
        replace(actions, editButton, archiveButton, deleteButton);
        deleteButton.focus();
      });
      replace(actions, confirm, keep);
      confirm.focus();
    });
    const item = h(
      'li',
      { class: 'goal' },
      h('h3', { id: headingId }, goal.title),
      goal.description ? h('p', null, goal.description) : null,
      h('p', { class: 'goal-meta' }, `${goal.target} ${goal.target === 1 ? 'entry' : 'entries'} ${every}`),
      actions,
    );
    item.style.borderLeftColor = goal.color;
    return item;
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
