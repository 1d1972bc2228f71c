// pages/users.js — admin: list, create, edit role/scope, disable/enable and reset the password of users
// (/api/v1/users); an auditor sees the same list read-only. Lists are paged by the API's cursor.
import { api, qs } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { hasRole } from '../session.js';
import { errorText, fmtTime, pager, table } from '../ui.js';

const ROLES = ['enterprise', 'city_official', 'provincial_official', 'bank_officer', 'auditor', 'admin'];

function roleSelect(id, value) {
  return h('select', { id, name: 'role' }, ROLES.map((r) => h('option', { value: r, selected: r === value }, t(`role.${r}`))));
}

function status(msg, ok, text) {
  msg.className = ok ? 'ok' : 'error';
  msg.textContent = text;
}

function createForm(onCreated) {
  const name = h('input', { id: 'new-username', name: 'username', autocomplete: 'off', required: true, pattern: '[a-z0-9._@\\-]{3,64}', 'aria-describedby': 'new-username-hint' });
  const role = roleSelect('new-role', 'enterprise');
  const scope = h('input', { id: 'new-scope', name: 'scope', autocomplete: 'off', 'aria-describedby': 'new-scope-hint' });
  const pass = h('input', { id: 'new-password', name: 'password', type: 'password', autocomplete: 'new-password', minlength: '10', required: true });
  const msg = h('p', { role: 'status', 'aria-live': 'polite' });
  const form = h('form', { class: 'stack', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      const u = await api('POST', '/users', { username: name.value, role: role.value, scope: scope.value, password: pass.value });
      status(msg, true, t('users.created', { name: u.username }));
      form.reset();
      onCreated();
    } catch (e) {
      status(msg, false, errorText(e));
    }
  } },
  h('h2', {}, t('users.create')),
  h('label', { for: 'new-username' }, t('login.username')), name,
  h('p', { id: 'new-username-hint', class: 'hint' }, t('users.username_hint')),
  h('label', { for: 'new-role' }, t('me.role')), role,
  h('label', { for: 'new-scope' }, t('me.scope')), scope,
  h('p', { id: 'new-scope-hint', class: 'hint' }, t('users.scope_hint')),
  h('label', { for: 'new-password' }, t('login.password')), pass,
  h('button', { type: 'submit' }, t('users.create')), msg);
  return form;
}

// The edit panel of one user: role and scope (PATCH), and a password reset (PUT .../password).
function editPanel(u, onChanged, close) {
  const role = roleSelect('edit-role', u.role);
  const scope = h('input', { id: 'edit-scope', name: 'scope', value: u.scope || '', autocomplete: 'off' });
  const pass = h('input', { id: 'edit-password', name: 'password', type: 'password', autocomplete: 'new-password', minlength: '10', required: true });
  const msg = h('p', { role: 'status', 'aria-live': 'polite' });
  const roleForm = h('form', { class: 'stack', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      await api('PATCH', `/users/${u.id}`, { role: role.value, scope: scope.value });
      status(msg, true, t('users.saved', { name: u.username }));
      onChanged();
    } catch (e) { status(msg, false, errorText(e)); }
  } },
  h('label', { for: 'edit-role' }, t('me.role')), role,
  h('label', { for: 'edit-scope' }, t('me.scope')), scope,
  h('button', { type: 'submit' }, t('users.save_role')));
  const passForm = h('form', { class: 'stack', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      await api('PUT', `/users/${u.id}/password`, { password: pass.value });
      pass.value = '';
      status(msg, true, t('users.password_reset', { name: u.username }));
    } catch (e) { status(msg, false, errorText(e)); }
  } },
  h('label', { for: 'edit-password' }, t('users.new_password')), pass,
  h('button', { type: 'submit' }, t('users.reset_password')));
  return h('section', { class: 'panel', id: 'user-edit', 'aria-labelledby': 'user-edit-title' },
    h('h2', { id: 'user-edit-title' }, t('users.edit_title', { name: u.username })),
    h('div', { class: 'cols' }, roleForm, passForm), msg,
    h('button', { type: 'button', class: 'secondary', onclick: close }, t('common.close')));
}

export default {
  path: '#/users',
  nav: 'nav.users',
  roles: ['admin', 'auditor'],
  render({ signal }) {
    const admin = hasRole('admin');
    const editSlot = h('div');
    const rowMsg = h('p', { role: 'status', 'aria-live': 'polite' });
    let list;
    const closeEdit = () => editSlot.replaceChildren();
    const edit = (u) => {
      editSlot.replaceChildren(editPanel(u, () => list.reload(), closeEdit));
      editSlot.querySelector('select').focus();
    };
    const toggle = async (u) => {
      try {
        await api('PATCH', `/users/${u.id}`, { disabled: !u.disabled });
        status(rowMsg, true, t(u.disabled ? 'users.enabled_msg' : 'users.disabled_msg', { name: u.username }));
        list.reload();
      } catch (e) { status(rowMsg, false, errorText(e)); }
    };
    const cols = [
      { key: 'id', label: t('users.id') },
      { key: 'username', label: t('login.username') },
      { key: 'role', label: t('me.role'), cell: (u) => t(`role.${u.role}`) },
      { key: 'scope', label: t('me.scope') },
      { key: 'disabled', label: t('users.status'), cell: (u) => h('span', { class: u.disabled ? 'bad' : 'ok' }, t(u.disabled ? 'users.disabled' : 'users.active')) },
      { key: 'created_at', label: t('users.created_at'), cell: (u) => fmtTime(u.created_at) },
    ];
    if (admin) {
      cols.push({ key: 'actions', label: t('users.actions'), cell: (u) => h('div', { class: 'row' },
        h('button', { type: 'button', class: 'secondary', 'aria-label': t('users.edit_named', { name: u.username }), onclick: () => edit(u) }, t('users.edit')),
        h('button', { type: 'button', class: 'secondary', 'aria-label': t(u.disabled ? 'users.enable_named' : 'users.disable_named', { name: u.username }), onclick: () => toggle(u) },
          t(u.disabled ? 'users.enable' : 'users.disable'))) });
    }
    list = pager({
      label: t('users.title'),
      signal,
      load: (cursor, sig) => api('GET', `/users${qs({ limit: 50, cursor, sort: 'id' })}`, undefined, { signal: sig }),
      render: (items) => table(t('users.title'), cols, items, { id: 'users-table' }),
    });
    return h('section', {}, h('h1', {}, t('users.title')),
      admin ? null : h('p', { class: 'muted' }, t('users.readonly')),
      list.el, rowMsg, editSlot, admin ? createForm(() => list.reload()) : null);
  },
};
