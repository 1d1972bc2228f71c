// session.js — who is logged in (GET /api/v1/session, public: 200 whether or not a session is open).
import { api } from './api.js';

export const session = { me: null };

export async function loadMe() {
  try {
    const s = await api('GET', '/session');
    session.me = s && s.authenticated ? s.user : null;
  } catch (e) {
    console.warn('session:', e.message);
    session.me = null;
  }
  return session.me;
}

export async function logout() {
  try { await api('DELETE', '/session'); } catch { /* already logged out */ }
  session.me = null;
}

export function hasRole(...roles) { return !!session.me && roles.includes(session.me.role); }
