// The start page: the login form when signed out, the user's grants and the events of their containers when
// signed in (events.js).
import { EventsPanel } from '/events.js';

function cookie(name) {
  const match = document.cookie.split('; ').find((c) => c.startsWith(name + '='));
  return match ? decodeURIComponent(match.slice(name.length + 1)) : '';
}

function setCsrf(token) {
  for (const input of document.querySelectorAll('input[name="_csrf"]')) {
    input.value = token;
  }
}

function cell(row, text) {
  const td = document.createElement('td');
  td.textContent = text;
  row.append(td);
  return td;
}

function showGrants(grants) {
  const table = document.getElementById('grants');
  const body = table.querySelector('tbody');
  grants.forEach((grant, index) => {
    const row = document.createElement('tr');
    cell(row, grant.container ?? grant.containerName ?? '');
    cell(row, Array.isArray(grant.command) ? grant.command.join(' ') : (grant.command ?? ''));
    cell(row, grant.tty === undefined ? '' : grant.tty ? 'yes' : 'no');
    const link = document.createElement('a');
    link.href = '/terminal.html?grant=' + index;
    link.textContent = 'Open terminal';
    cell(row, '').append(link);
    body.append(row);
  });
  table.hidden = grants.length === 0;
  document.getElementById('no-grants').hidden = grants.length !== 0;
}

async function main() {
  const message = document.getElementById('message');
  const params = new URLSearchParams(location.search);
  if (params.has('error')) {
    message.textContent = 'Sign-in failed: wrong username or password.';
  }
  let me = null;
  let status = 0;
  try {
    const response = await fetch('/api/me', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    status = response.status;
    me = await response.json().catch(() => null);
  } catch (e) {
    message.textContent = 'The app cannot be reached: ' + e.message;
    return;
  }
  setCsrf(me?.csrfToken || cookie('XSRF-TOKEN'));
  if (status === 200 && me && me.user) {
    document.getElementById('username').textContent = me.user;
    showGrants(Array.isArray(me.grants) ? me.grants : []);
    document.getElementById('account').hidden = false;
    // A fleet: one watch per broker of the user's containers (each broker sees its own engine's events), each
    // with a status line of its own, all into the one list.
    const brokers = Array.isArray(me.brokers) && me.brokers.length > 1 ? me.brokers : [undefined];
    let statusEl = document.getElementById('events-status');
    const panels = brokers.map((broker, i) => {
      if (i > 0) {
        const next = statusEl.cloneNode(false);
        next.id = 'events-status-' + i;
        statusEl.after(next);
        statusEl = next;
      }
      return new EventsPanel({ statusEl, listEl: document.getElementById('events'), csrfToken: me.csrfToken, broker });
    });
    window.eventsPanel = panels[0]; // for the console
    window.eventsPanels = panels;
    window.addEventListener('pagehide', () => panels.forEach((p) => p.stop()));
    window.addEventListener('pageshow', (event) => event.persisted && panels.forEach((p) => p.resume()));
    panels.forEach((p) => p.start());
  } else if (status === 401 || (status === 200 && me && !me.user)) {
    document.getElementById('login').hidden = false;
  } else {
    message.textContent = 'Could not read your account (HTTP ' + status + ').';
  }
}

/** Posts a form with fetch (the app answers JSON), then shows the outcome on this page. */
function postForm(form, onOk) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const response = await fetch(form.action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      body: new URLSearchParams(new FormData(form)),
    });
    if (response.ok) {
      onOk();
      return;
    }
    const retryAfter = response.headers.get('Retry-After');
    const error = (await response.json().catch(() => null))?.error;
    document.getElementById('message').textContent = response.status === 401
      ? 'Sign-in failed: wrong username or password.'
      : retryAfter && error
        ? 'Sign-in refused: ' + error + '. Try again in ' + retryAfter + ' s.'
        : 'The request failed (HTTP ' + response.status + ').';
  });
}

for (const form of document.querySelectorAll('form[method="post"]')) {
  postForm(form, () => location.replace('/index.html'));
}

main();
