// Tests of webroot/events.js and events-format.js (the start page's events panel) against fakes of fetch,
// WebSocket, timers and the few DOM calls it makes (node --test). BrowserEventsIT is the real browser test.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { register } from 'node:module';

register('./webroot-hooks.mjs', import.meta.url);

const { EventsPanel } = await import('../../main/resources/webroot/events.js');
const format = await import('../../main/resources/webroot/events-format.js');

const NANO = '1700000000123456789'; // above 2^53: JSON.parse would round it
const event = (action, attributes, timeNano = NANO) =>
  `{"status":"${action}","id":"c0ffee","Type":"container","Action":"${action}",`
  + `"Actor":{"ID":"c0ffee","Attributes":${JSON.stringify(attributes)}},"scope":"local",`
  + `"time":1700000000,"timeNano":${timeNano}}`;

class FakeWebSocket {
  constructor(url, protocols) {
    this.url = url;
    this.protocols = protocols;
    run.sockets.push(this);
  }
  close(code) { this.closedWith = code; }
  open() { this.onopen({}); }
  receive(text) { this.onmessage({ data: text }); }
  serverClose(code, reason = '') { this.onclose({ code, reason }); }
}

function element() {
  return {
    dataset: {}, textContent: '', children: [], className: '',
    ownerDocument: { createElement: () => element() },
    append(...nodes) { this.children.push(...nodes); },
    prepend(node) { this.children.unshift(node); },
    get lastElementChild() { const list = this; return { remove() { list.children.pop(); } }; },
  };
}

const json = (status, body) => ({ ok: status >= 200 && status < 300, status, json: async () => body });

let run;

beforeEach(() => {
  run = { sockets: [], requests: [], timers: [], answers: [] };
});

function panel(extra = {}) {
  const p = new EventsPanel({
    ...extra,
    statusEl: element(),
    listEl: element(),
    csrfToken: 'csrf-1',
    baseUrl: 'http://app.test/index.html',
    WebSocket: FakeWebSocket,
    setTimeout: (f, ms) => run.timers.push({ f, ms }),
    fetch: async (url, init) => {
      run.requests.push({ url, init });
      return run.answers.shift() ?? json(200, { token: 'T0k', eventsUrl: 'ws://broker.test:8866/events' });
    },
  });
  p.start();
  return p;
}

const settle = async () => { for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r)); };
const lineText = (item) => item.children.filter((c) => typeof c === 'object').map((c) => c.textContent).join(' ');

test('asks for a watch token with the CSRF header and connects with it in the subprotocol', async () => {
  const p = panel();
  await settle();
  const [request] = run.requests;
  assert.equal(request.url, '/api/tokens');
  assert.equal(request.init.method, 'POST');
  assert.equal(request.init.headers['X-CSRF-Token'], 'csrf-1');
  assert.deepEqual(JSON.parse(request.init.body), { purpose: 'events' });
  const [ws] = run.sockets;
  assert.equal(ws.url, 'ws://broker.test:8866/events?filter=event%3Dstart%2Cevent%3Dstop%2Cevent%3Ddie%2Cevent%3Dexec_start');
  assert.deepEqual(ws.protocols, ['base64url.bearer.exec-broker.VDBr', 'exec-broker.v1']);
  assert.equal(p.statusEl.dataset.state, 'connecting');
  ws.open();
  assert.equal(p.statusEl.dataset.state, 'connected');
  assert.equal(p.statusEl.textContent, 'Connected');
});

test('a panel for one broker of a fleet asks for that broker\'s watch and names it in its status', async () => {
  const p = panel({ broker: 'host-b' });
  await settle();
  assert.deepEqual(JSON.parse(run.requests[0].init.body), { purpose: 'events', broker: 'host-b' });
  run.sockets[0].open();
  assert.equal(p.statusEl.dataset.state, 'connected');
  assert.equal(p.statusEl.textContent, 'host-b: Connected');
});

test('shows events newest first, as text, with the exit code of a die and exec_start without its command', async () => {
  const p = panel();
  await settle();
  const [ws] = run.sockets;
  ws.open();
  ws.receive(event('exec_start: sh -c secret', { name: 'servertest', execID: 'e1' }));
  ws.receive(event('die', { name: '<img src=x onerror=alert(1)>', exitCode: '137' }));
  const [newest, older] = p.listEl.children;
  assert.equal(newest.dataset.action, 'die');
  assert.match(lineText(newest), /^\d\d:\d\d:\d\d\.123 <img src=x onerror=alert\(1\)> die exit code 137$/);
  assert.equal(older.dataset.container, 'servertest');
  assert.equal(older.dataset.action, 'exec_start');
  assert.doesNotMatch(lineText(older), /secret|sh -c/);
});

test('keeps the last 100 events', async () => {
  const p = panel();
  await settle();
  run.sockets[0].open();
  for (let i = 0; i < 130; i++) {
    run.sockets[0].receive(event('start', { name: 'c' + i }, String(1700000000000000000n + BigInt(i))));
  }
  assert.equal(p.listEl.children.length, format.MAX_LINES);
  assert.equal(p.listEl.children[0].dataset.container, 'c129');
});

test('after a drop gets a new token and resumes with since=<last timeNano>, exactly, backing off', async () => {
  const p = panel();
  await settle();
  run.sockets[0].open();
  run.sockets[0].receive(event('start', { name: 'servertest' }));
  run.sockets[0].serverClose(4003, 'too slow: last timeNano ' + NANO);
  assert.equal(p.statusEl.dataset.state, 'reconnecting');
  assert.equal(p.statusEl.textContent, `Reconnecting in 0.5 s: the watch was lost (4003: too slow: last timeNano ${NANO})`);
  assert.equal(run.timers[0].ms, 500);
  run.timers[0].f();
  await settle();
  assert.equal(run.requests.length, 2);
  assert.equal(new URL(run.sockets[1].url).searchParams.get('since'), NANO);
  run.sockets[1].serverClose(1006); // refused before the upgrade: never opened
  assert.equal(run.timers[1].ms, 1000);
  assert.match(p.statusEl.textContent, /refused the watch or cannot be reached/);
});

test('the back-off doubles from 0.5 s up to 10 s', () => {
  const delays = [];
  let delay = 0;
  for (let i = 0; i < 8; i++) {
    delay = format.nextDelay(delay);
    delays.push(delay);
  }
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 10000, 10000, 10000]);
});

test('a reconnect before any event resumes from the first connection', async () => {
  const p = panel();
  await settle();
  run.sockets[0].serverClose(1011, 'Docker is unreachable');
  run.timers[0].f();
  await settle();
  const since = new URL(run.sockets[1].url).searchParams.get('since');
  assert.match(since, /^\d{10}\.\d{3}$/);
  assert.equal(p.statusEl.dataset.state, 'connecting');
});

test('a refused token stops with the app\'s message; a 503 is retried', async () => {
  run.answers.push(json(403, { error: 'nothing to watch: dave holds no grant for a container' }));
  const refused = panel();
  await settle();
  assert.equal(refused.statusEl.dataset.state, 'refused');
  assert.equal(refused.statusEl.textContent, 'Refused: nothing to watch: dave holds no grant for a container');
  assert.equal(run.timers.length, 0);

  run.answers.push(json(503, { error: 'busy' }));
  const busy = panel();
  await settle();
  assert.equal(busy.statusEl.dataset.state, 'reconnecting');
  assert.equal(run.timers.length, 1);
});

test('close 1000 (until reached) ends the watch without reconnecting; stop() closes it', async () => {
  const p = panel();
  await settle();
  run.sockets[0].open();
  run.sockets[0].serverClose(1000, 'until reached');
  assert.equal(p.statusEl.dataset.state, 'closed');
  assert.equal(run.timers.length, 0);

  const q = panel();
  await settle();
  q.stop();
  assert.equal(run.sockets[1].closedWith, 1000);
});

test('stopped while its token is on its way, it opens nothing; resume() watches again since the last event', async () => {
  const p = panel();
  p.stop();
  await settle();
  assert.equal(run.sockets.length, 0);
  p.resume();
  await settle();
  run.sockets[0].open();
  run.sockets[0].receive(event('start', { name: 'servertest' }));
  p.stop();
  assert.equal(run.sockets[0].closedWith, 1000);
  p.resume();
  await settle();
  assert.equal(new URL(run.sockets[1].url).searchParams.get('since'), NANO);
});

test('timeNanoOf reads the exact top-level timeNano, never one in a quoted attribute', () => {
  assert.equal(format.timeNanoOf(event('start', { name: 'a', label: '"timeNano":5' })), NANO);
  assert.equal(format.timeNanoOf('{"Action":"start"}'), null);
});

test('actionOf keeps only what comes before the first colon', () => {
  assert.equal(format.actionOf({ Action: 'exec_start: /bin/sh -c id' }), 'exec_start');
  assert.equal(format.actionOf({ Action: 'exec_start' }), 'exec_start');
  assert.equal(format.actionOf({ status: 'stop' }), 'stop');
  assert.equal(format.actionOf({}), '');
});
