// Tests of webroot/terminal.js against fakes of the DOM, xterm.js, fetch and WebSocket (node --test).
// The real browser test (Chromium, the app and the broker) is the end-to-end test of issue 5.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { register } from 'node:module';

register('./webroot-hooks.mjs', import.meta.url);

const PAGE = new URL('../../main/resources/webroot/terminal.js', import.meta.url).href;
let loads = 0;

let page; // what the fakes saw

class FakeTerminal {
  constructor(options) {
    this.options = options;
    this.rows = 24;
    this.cols = 80;
    page.term = this;
  }
  loadAddon(addon) { addon.activate(this); }
  open(element) { this.element = element; }
  focus() { page.focused = true; }
  write(data, callback) {
    page.written.push(typeof data === 'string' ? data : Buffer.from(data).toString('latin1'));
    if (callback) page.writeCallbacks.push(callback);
  }
  onData(f) { this.dataListener = f; }
  onBinary(f) { this.binaryListener = f; }
  onResize(f) { this.resizeListener = f; }
}

class FakeFitAddon {
  activate(term) { this.term = term; }
  fit() {
    const { rows, cols } = page.windowSize;
    if (rows !== this.term.rows || cols !== this.term.cols) {
      this.term.rows = rows;
      this.term.cols = cols;
      this.term.resizeListener?.({ rows, cols });
    }
  }
}

class FakeWebSocket {
  constructor(url, protocols) {
    this.url = url;
    this.protocols = protocols;
    this.readyState = 0;
    this.sent = [];
    page.ws = this;
  }
  send(data) {
    if (this.readyState !== 1) throw new Error('InvalidStateError');
    this.sent.push(Buffer.from(data).toString('hex'));
  }
  close(code) { this.closeCode = code; this.readyState = 2; }
  // the broker's side
  open() { this.readyState = 1; this.protocol = 'exec-broker.v1'; this.onopen({}); }
  receive(hex) {
    const b = Buffer.from(hex, 'hex');
    const ab = new ArrayBuffer(b.length);
    new Uint8Array(ab).set(b);
    this.onmessage({ data: ab });
  }
  serverClose(code, reason = '') { this.readyState = 3; this.onclose({ code, reason, wasClean: code !== 1006 }); }
}

function element(id) {
  return {
    id, dataset: {}, textContent: '', disabled: true, children: [], listeners: {},
    append(child) { this.children.push(child); },
    addEventListener(type, f) { this.listeners[type] = f; },
  };
}

const json = (status, body) => ({ ok: status >= 200 && status < 300, status, statusText: '', json: async () => body });

const ME = {
  user: 'alice',
  csrfToken: 'csrf-1',
  grants: [
    { container: 'servertest', command: ['ps', 'aux'], tty: false },
    { container: 'servertest', command: ['/bin/sh'], tty: true },
  ],
};

beforeEach(() => {
  page = {
    elements: {}, written: [], writeCallbacks: [], requests: [], windowListeners: {},
    windowSize: { rows: 24, cols: 80 },
    me: json(200, ME),
    tokens: json(200, { token: 'T0k', brokerUrl: 'http://broker.test:8866/exec' }),
  };
  globalThis.window = globalThis;
  globalThis.document = {
    getElementById: (id) => (page.elements[id] ??= element(id)),
    createElement: (tag) => ({ tag }),
  };
  globalThis.location = { search: '?grant=1', href: 'http://app.test/terminal.html?grant=1' };
  globalThis.requestAnimationFrame = (f) => f();
  globalThis.addEventListener = (type, f) => { page.windowListeners[type] = f; };
  globalThis.Terminal = FakeTerminal;
  globalThis.FitAddon = { FitAddon: FakeFitAddon };
  globalThis.WebSocket = FakeWebSocket;
  globalThis.fetch = async (url, init = {}) => {
    page.requests.push({ url, init });
    return url === '/api/me' ? page.me : page.tokens;
  };
});

async function loadPage() {
  await import(`${PAGE}?${++loads}`);
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

const status = () => page.elements.status;

test('asks for a token with the CSRF header and connects with it in the subprotocol', async () => {
  await loadPage();
  const [me, tokens] = page.requests;
  assert.equal(me.url, '/api/me');
  assert.equal(tokens.url, '/api/tokens');
  assert.equal(tokens.init.method, 'POST');
  assert.equal(tokens.init.headers['X-CSRF-Token'], 'csrf-1');
  assert.equal(tokens.init.headers['Content-Type'], 'application/json');
  assert.deepEqual(JSON.parse(tokens.init.body), { grantIndex: 1 });
  assert.equal(page.ws.url, 'ws://broker.test:8866/exec?tty=true');
  assert.deepEqual(page.ws.protocols, ['base64url.bearer.exec-broker.VDBr', 'exec-broker.v1']);
  assert.equal(page.elements.title.textContent, 'servertest: /bin/sh');
  assert.equal(status().dataset.state, 'connecting');
});

test('a session: size on open, input, resize on window change, exit status shown', async () => {
  await loadPage();
  page.ws.open();
  assert.deepEqual(page.ws.sent, ['3218005000']);
  page.ws.receive('64');
  assert.equal(status().dataset.state, 'running');
  assert.equal(page.elements.eof.disabled, false);
  page.term.dataListener('echo hi\r');
  assert.equal(page.ws.sent.at(-1), '00' + Buffer.from('echo hi\r').toString('hex'));
  page.windowSize = { rows: 30, cols: 100 };
  page.windowListeners.resize();
  assert.equal(page.ws.sent.at(-1), '321e006400');
  page.ws.receive('01' + Buffer.from('hi\r\n').toString('hex'));
  assert.ok(page.written.includes('hi\r\n'));
  page.ws.receive('c807');
  page.ws.serverClose(1000);
  assert.ok(page.written.some((w) => w.includes('[process exited with code 7]')));
  assert.equal(status().dataset.state, 'exited');
  assert.equal(status().textContent, 'Process exited with code 7');
  assert.equal(page.elements.eof.disabled, true);
});

test('exit codes above 127 are shown unsigned', async () => {
  await loadPage();
  page.ws.open();
  page.ws.receive('64');
  page.ws.receive('c8c8');
  assert.ok(page.written.some((w) => w.includes('[process exited with code 200]')));
});

test('flow control: pause above the high water mark, resume once xterm caught up', async () => {
  await loadPage();
  page.ws.open();
  page.ws.receive('64');
  page.ws.receive('01' + '61'.repeat(200 * 1024));
  assert.notEqual(page.ws.sent.at(-1), '65');
  page.ws.receive('01' + '61'.repeat(100 * 1024));
  assert.equal(page.ws.sent.at(-1), '65');
  page.writeCallbacks.shift()();
  assert.equal(page.ws.sent.at(-1), '65', 'still 100 KiB behind');
  page.writeCallbacks.shift()();
  assert.equal(page.ws.sent.at(-1), '64');
  assert.equal(page.ws.sent.filter((m) => m === '65').length, 1);
});

test('Send EOF sends end, Disconnect closes', async () => {
  await loadPage();
  page.ws.open();
  page.ws.receive('64');
  page.elements.eof.listeners.click();
  assert.equal(page.ws.sent.at(-1), '66');
  page.elements.disconnect.listeners.click();
  assert.equal(page.ws.closeCode, 1000);
});

test('without a tty, line ends are converted and stderr is shown', async () => {
  location.search = '?grant=0';
  await loadPage();
  assert.equal(page.ws.url, 'ws://broker.test:8866/exec?tty=false');
  assert.equal(page.term.options.convertEol, true);
  page.ws.open();
  page.ws.receive('64');
  page.ws.receive('026f6f7073');
  assert.ok(page.written.includes('oops'));
});

test('a refused handshake says so', async () => {
  await loadPage();
  page.ws.serverClose(1006);
  assert.equal(status().dataset.state, 'refused');
  assert.match(status().textContent, /the broker refused the connection \(check the token\/permissions; over wss:\/\/, that its certificate is trusted\)/i);
  assert.ok(page.written.some((w) => w.includes('refused the connection')));
});

test('a lost connection and the broker\'s close codes are explained', async () => {
  await loadPage();
  page.ws.open();
  page.ws.receive('64');
  page.ws.receive('c9');
  page.ws.serverClose(1001, 'stopping');
  assert.equal(status().dataset.state, 'closed');
  assert.match(status().textContent, /broker is stopping.*1001: stopping/);
  assert.ok(page.written.some((w) => w.includes('the broker is stopping')));
});

test('errors from the broker are shown in the terminal', async () => {
  await loadPage();
  page.ws.open();
  page.ws.receive('64');
  page.ws.receive('ca' + Buffer.from('cannot resize, not a tty instance').toString('hex'));
  assert.ok(page.written.some((w) => w.includes('[broker: cannot resize, not a tty instance]')));
});

test('signed out: no token asked, a sign-in link', async () => {
  page.me = json(401, { error: 'not signed in' });
  await loadPage();
  assert.equal(page.requests.length, 1);
  assert.equal(page.ws, undefined);
  assert.equal(status().dataset.state, 'refused');
  assert.equal(status().children[0].href, '/index.html');
});

test('a grant the app refuses: its message, no connection', async () => {
  page.tokens = json(403, { error: 'no such grant' });
  await loadPage();
  assert.equal(page.ws, undefined);
  assert.equal(status().textContent, 'Not allowed: no such grant');
});

test('a bad grant index in the address', async () => {
  location.search = '?grant=abc';
  await loadPage();
  assert.equal(page.requests.length, 0);
  assert.equal(status().dataset.state, 'error');
  assert.match(status().textContent, /bad grant index/);
});
