// The terminal page: asks the app for a one-time token, then runs the session in xterm.js with the
// exec-broker v1 browser client. See the comment at the top of terminal.html for the URLs it uses.
import { connect } from '/exec-broker/exec-client.js';

// Flow control (xterm.js docs, "flow control"): count the bytes handed to term.write() that xterm has not
// processed yet; above HIGH ask the broker to pause, below LOW let it resume.
const HIGH_WATER = 256 * 1024;
const LOW_WATER = 32 * 1024;

const statusEl = document.getElementById('status');
const titleEl = document.getElementById('title');
const eofButton = document.getElementById('eof');
const disconnectButton = document.getElementById('disconnect');

/** Shows a status; `state` is also set as data-state (loading, connecting, running, exited, closed, refused, error). */
function setStatus(state, text) {
  statusEl.dataset.state = state;
  statusEl.textContent = text;
}

/** Reads `{error}` from a JSON error body, if there is one. */
async function errorText(response) {
  try {
    const body = await response.json();
    if (body && typeof body.error === 'string') {
      return body.error;
    }
  } catch (e) {
    // not JSON
  }
  return response.statusText || 'HTTP ' + response.status;
}

function grantIndexFromQuery() {
  const raw = new URLSearchParams(location.search).get('grant') ?? '0';
  const index = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(index)) {
    throw new Error(`bad grant index "${raw}" in the address (expected ?grant=0, 1, ...)`);
  }
  return index;
}

function describeGrant(grant) {
  if (!grant) {
    return 'Terminal';
  }
  const command = Array.isArray(grant.command) ? grant.command.join(' ') : grant.command;
  const container = grant.container ?? grant.containerName;
  return [container, command].filter(Boolean).join(': ') || 'Terminal';
}

/** GET /api/me, then POST /api/tokens. Returns {grant, token, brokerUrl, command, tty}. */
async function fetchSession(grantIndex) {
  const meResponse = await fetch('/api/me', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (meResponse.status === 401) {
    throw new PageError('refused', 'You are not signed in.', true);
  }
  if (!meResponse.ok) {
    throw new PageError('error', 'Could not read your account: ' + (await errorText(meResponse)));
  }
  const me = await meResponse.json();
  if (!me.user) {
    throw new PageError('refused', 'You are not signed in.', true);
  }
  const grant = Array.isArray(me.grants) ? me.grants[grantIndex] : undefined;
  const tokenResponse = await fetch('/api/tokens', {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'X-CSRF-Token': me.csrfToken ?? '',
    },
    body: JSON.stringify({ grantIndex }),
  });
  if (tokenResponse.status === 401) {
    throw new PageError('refused', 'You are not signed in.', true);
  }
  if (tokenResponse.status === 403) {
    throw new PageError('refused', 'Not allowed: ' + (await errorText(tokenResponse)));
  }
  if (!tokenResponse.ok) {
    throw new PageError('error', 'Could not get a token: ' + (await errorText(tokenResponse)));
  }
  const issued = await tokenResponse.json();
  if (!issued.token || !issued.brokerUrl) {
    throw new PageError('error', 'The app answered without a token or broker URL.');
  }
  return {
    grant,
    token: issued.token,
    brokerUrl: toWebSocketUrl(issued.brokerUrl),
    command: issued.command,
    tty: typeof issued.tty === 'boolean' ? issued.tty : grant?.tty,
  };
}

/** Accepts ws:, wss:, http:, https: or a path on this host. */
function toWebSocketUrl(url) {
  const absolute = new URL(url, location.href);
  if (absolute.protocol === 'http:') {
    absolute.protocol = 'ws:';
  } else if (absolute.protocol === 'https:') {
    absolute.protocol = 'wss:';
  }
  return absolute.href;
}

class PageError extends Error {
  constructor(state, message, signIn = false) {
    super(message);
    this.state = state;
    this.signIn = signIn;
  }
}

function showPageError(error) {
  const state = error instanceof PageError ? error.state : 'error';
  setStatus(state, error.message);
  if (error instanceof PageError && error.signIn) {
    const link = document.createElement('a');
    link.href = '/index.html';
    link.textContent = ' Sign in';
    statusEl.append(link);
  }
}

function start(session) {
  const { Terminal } = window;
  const { FitAddon } = window.FitAddon;
  const tty = session.tty !== false;
  titleEl.textContent = describeGrant(session.grant);

  // Without a tty, output has bare \n line ends: let xterm add the \r.
  const term = new Terminal({ cursorBlink: tty, convertEol: !tty, scrollback: 5000 });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(document.getElementById('terminal'));
  fit.fit();

  const notice = (text, color = '33') => term.write(`\r\n\x1b[${color}m[${text}]\x1b[0m\r\n`);

  setStatus('connecting', 'Connecting…');
  const client = connect(session.brokerUrl, { token: session.token, command: session.command, tty: session.tty });
  window.execSession = { client, term }; // for the end-to-end test and the console

  // Output into xterm with flow control.
  let unprocessed = 0;
  let pausedBroker = false;
  const output = (bytes, prefix, suffix) => {
    const copy = bytes.slice(); // the client's array is a view into the message
    unprocessed += copy.length;
    if (prefix) {
      term.write(prefix);
    }
    term.write(copy, () => {
      unprocessed -= copy.length;
      if (pausedBroker && unprocessed < LOW_WATER) {
        pausedBroker = false;
        client.resume();
      }
    });
    if (suffix) {
      term.write(suffix);
    }
    if (!pausedBroker && unprocessed > HIGH_WATER) {
      pausedBroker = true;
      client.pause();
    }
  };
  client.onStdout = (bytes) => output(bytes);
  client.onStderr = (bytes) => output(bytes, '\x1b[31m', '\x1b[0m');

  client.onStarted = () => {
    setStatus('running', 'Running');
    eofButton.disabled = false;
    disconnectButton.disabled = false;
    term.focus();
  };
  client.onExit = (code) => {
    notice(`process exited with code ${code}`, code === 0 ? '32' : '33');
    setStatus('exited', `Process exited with code ${code}`);
  };
  client.onError = (text) => notice('broker: ' + text, '31');
  client.onShutdown = () => notice('the broker is stopping', '31');
  client.onClose = ({ code, reason, exitCode, opened, message }) => {
    eofButton.disabled = true;
    disconnectButton.disabled = true;
    if (exitCode !== null) {
      return; // onExit said it all
    }
    const detail = reason ? `${message} (${code}: ${reason})` : `${message} (${code})`;
    notice(detail, '31');
    setStatus(opened ? 'closed' : 'refused', detail.charAt(0).toUpperCase() + detail.slice(1));
  };

  // Input, size.
  term.onData((text) => {
    if (!client.closed && !client.stdinEnded && !client.write(text)) {
      notice('input dropped: the process is not reading its input', '31');
    }
  });
  term.onBinary((binary) => client.write(Uint8Array.from(binary, (c) => c.charCodeAt(0) & 0xff)));
  term.onResize(({ rows, cols }) => client.resize(rows, cols));
  client.resize(term.rows, term.cols);
  let fitQueued = false;
  window.addEventListener('resize', () => {
    if (!fitQueued) {
      fitQueued = true;
      requestAnimationFrame(() => {
        fitQueued = false;
        fit.fit(); // fires term.onResize when the size changes
      });
    }
  });

  eofButton.addEventListener('click', () => {
    client.end();
    eofButton.disabled = true;
    term.focus();
  });
  disconnectButton.addEventListener('click', () => client.close());
}

async function main() {
  try {
    if (!window.Terminal || !window.FitAddon) {
      throw new PageError('error', 'xterm.js did not load (expected under /webjars/).');
    }
    start(await fetchSession(grantIndexFromQuery()));
  } catch (error) {
    showPageError(error);
  }
}

main();
