// Tests of the browser client, run by `node --test` in the protocol module's test phase.
// The vectors are those of protocol/src/test/java/io/execbroker/protocol/codec/FrameCodecTest.java.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import {
  ExecClient,
  connect,
  MessageType,
  SUBPROTOCOL_V1,
  buildUrl,
  decodeServerMessage,
  describeClose,
  encodeEnd,
  encodePause,
  encodeResize,
  encodeResume,
  encodeStdin,
  subprotocols,
  tokenSubprotocol,
  ProtocolError,
  MAX_STDIN_CHUNK,
} from '../../main/js/exec-client.js';

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const unhex = (text) => {
  const buf = Buffer.from(text, 'hex');
  const ab = new ArrayBuffer(buf.length);
  new Uint8Array(ab).set(buf);
  return ab;
};

/** A fake browser WebSocket: records what the client sends, lets the test play the broker. */
class FakeWebSocket {
  static instances = [];

  constructor(url, protocols) {
    this.url = url;
    this.protocols = protocols;
    this.readyState = 0;
    this.binaryType = 'blob';
    this.protocol = '';
    this.sent = [];
    this.closeCalls = [];
    FakeWebSocket.instances.push(this);
  }

  send(data) {
    if (this.readyState !== 1) {
      throw new Error('InvalidStateError: send while readyState ' + this.readyState);
    }
    assert.ok(data instanceof Uint8Array || data instanceof ArrayBuffer, 'binary messages only');
    this.sent.push(hex(new Uint8Array(data instanceof ArrayBuffer ? data : data.slice())));
  }

  close(code, reason) {
    if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) {
      throw new Error('InvalidAccessError: browsers only close with 1000 or 3000-4999');
    }
    this.closeCalls.push(code);
    this.readyState = 2;
  }

  // test side
  open(protocol = SUBPROTOCOL_V1) {
    this.readyState = 1;
    this.protocol = protocol;
    this.onopen?.({});
  }

  receive(hexMessage) {
    this.onmessage({ data: unhex(hexMessage) });
  }

  serverClose(code, reason = '', wasClean = true) {
    this.readyState = 3;
    this.onclose({ code, reason, wasClean });
  }
}

function session(options = {}) {
  const events = [];
  const client = connect('ws://broker.test/exec', {
    WebSocket: FakeWebSocket,
    token: 'tok',
    onStarted: () => events.push(['started']),
    onStdout: (d) => events.push(['stdout', hex(d)]),
    onStderr: (d) => events.push(['stderr', hex(d)]),
    onExit: (c) => events.push(['exit', c]),
    onError: (t) => events.push(['error', t]),
    onShutdown: () => events.push(['shutdown']),
    onClose: (c) => events.push(['close', c]),
    ...options,
  });
  const ws = FakeWebSocket.instances.at(-1);
  return { client, ws, events };
}

function started(options) {
  const s = session(options);
  s.ws.open();
  s.ws.receive('64');
  s.events.length = 0;
  return s;
}

describe('encoding (client to server vectors)', () => {
  test('stdin "hi\\n" as bytes and as a UTF-8 string', () => {
    assert.equal(hex(encodeStdin(new Uint8Array([0x68, 0x69, 0x0a]))), '0068690a');
    assert.equal(hex(encodeStdin('hi\n')), '0068690a');
    assert.equal(hex(encodeStdin('é€')), '00c3a9e282ac');
  });
  test('empty stdin is the type alone', () => {
    assert.equal(hex(encodeStdin(new Uint8Array(0))), '00');
  });
  test('every byte value passes untouched', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const message = encodeStdin(all);
    assert.equal(message[0], 0);
    assert.deepEqual(message.subarray(1), all);
  });
  test('resize is uint16 LE rows then cols', () => {
    assert.equal(hex(encodeResize(24, 80)), '3218005000');
    assert.equal(hex(encodeResize(300, 65535)), '322c01ffff');
    assert.throws(() => encodeResize(65536, 1), RangeError);
    assert.throws(() => encodeResize(-1, 1), RangeError);
    assert.throws(() => encodeResize(1.5, 1), RangeError);
  });
  test('resume, pause, end: the type alone', () => {
    assert.equal(hex(encodeResume()), '64');
    assert.equal(hex(encodePause()), '65');
    assert.equal(hex(encodeEnd()), '66');
  });
  test('type codes', () => {
    assert.deepEqual({ ...MessageType }, {
      STDIN: 0, STDOUT: 1, STDERR: 2, RESIZE: 50, RESUME: 100, PAUSE: 101, END: 102,
      STOPPED: 200, SHUTDOWN: 201, ERROR: 202,
    });
  });
});

describe('decoding (server to client vectors)', () => {
  test('stdout with NUL, 0xfa, 0xff', () => {
    const m = decodeServerMessage(unhex('0100faff'));
    assert.equal(m.type, 'stdout');
    assert.equal(hex(m.data), '00faff');
  });
  test('stderr "e"', () => {
    const m = decodeServerMessage(unhex('0265'));
    assert.equal(m.type, 'stderr');
    assert.equal(hex(m.data), '65');
  });
  test('resume, pause, shutdown', () => {
    assert.deepEqual(decodeServerMessage(unhex('64')), { type: 'resume' });
    assert.deepEqual(decodeServerMessage(unhex('65')), { type: 'pause' });
    assert.deepEqual(decodeServerMessage(unhex('c9')), { type: 'shutdown' });
  });
  test('stopped reads the exit code unsigned: 200 is 200, not -56', () => {
    assert.deepEqual(decodeServerMessage(unhex('c800')), { type: 'stopped', exitCode: 0 });
    assert.deepEqual(decodeServerMessage(unhex('c803')), { type: 'stopped', exitCode: 3 });
    assert.deepEqual(decodeServerMessage(unhex('c8c8')), { type: 'stopped', exitCode: 200 });
    assert.deepEqual(decodeServerMessage(unhex('c8ff')), { type: 'stopped', exitCode: 255 });
  });
  test('error is UTF-8 text', () => {
    assert.deepEqual(decodeServerMessage(unhex('ca6e6f')), { type: 'error', text: 'no' });
    assert.deepEqual(decodeServerMessage(unhex('cac3a9')), { type: 'error', text: 'é' });
  });
  test('a Uint8Array works as well as an ArrayBuffer', () => {
    assert.deepEqual(decodeServerMessage(new Uint8Array([0xc8, 0x07])), { type: 'stopped', exitCode: 7 });
  });
  test('unknown and client-only types are not fatal', () => {
    assert.equal(decodeServerMessage(unhex('03')).type, 'unknown');
    assert.equal(decodeServerMessage(unhex('07aabb')).code, 7);
    assert.equal(decodeServerMessage(unhex('0068')).code, 0);
  });
  test('malformed messages are protocol errors', () => {
    assert.throws(() => decodeServerMessage(unhex('')), ProtocolError);
    assert.throws(() => decodeServerMessage(unhex('c8')), /stopped with 0 payload bytes \(expected: 1\)/);
    assert.throws(() => decodeServerMessage(unhex('c80102')), /stopped with 2 payload bytes/);
    assert.throws(() => decodeServerMessage(unhex('6400')), /resume with 1 payload bytes \(expected: 0\)/);
  });
});

describe('connection', () => {
  test('token in the subprotocol as base64url without padding, offered with exec-broker.v1', () => {
    assert.equal(tokenSubprotocol('tok'), 'base64url.bearer.exec-broker.dG9r');
    // '>>>?' is '+' and '/' in plain base64; padding dropped
    assert.equal(tokenSubprotocol('>>>?'), 'base64url.bearer.exec-broker.Pj4-Pw');
    assert.equal(tokenSubprotocol('ü'), 'base64url.bearer.exec-broker.w7w');
    assert.deepEqual(subprotocols(''), ['exec-broker.v1']);
    const { ws } = session({ token: 'a.b-c_d' });
    assert.deepEqual(ws.protocols, ['base64url.bearer.exec-broker.YS5iLWNfZA', 'exec-broker.v1']);
    assert.equal(ws.binaryType, 'arraybuffer');
    assert.ok(!ws.url.includes('token'), 'never in the URL');
    assert.ok(!ws.url.includes('YS5i'), 'never in the URL');
  });
  test('command repeated and tty in the query', () => {
    const { ws } = session({ command: ['/bin/sh', '-c', 'echo a&b'], tty: true });
    assert.equal(ws.url, 'ws://broker.test/exec?command=%2Fbin%2Fsh&command=-c&command=echo%20a%26b&tty=true');
    assert.equal(buildUrl('ws://h/exec?x=1', { command: 'ps', tty: false }), 'ws://h/exec?x=1&command=ps&tty=false');
    assert.equal(buildUrl('ws://h/exec', {}), 'ws://h/exec');
  });
  test('the first resume starts the session; events are decoded', () => {
    const { ws, events, client } = session();
    ws.open();
    assert.equal(client.protocol, 'exec-broker.v1');
    ws.receive('64');
    ws.receive('0168690a');
    ws.receive('0265');
    ws.receive('ca6e6f');
    ws.receive('64'); // a later resume is flow control, not a second start
    ws.receive('c8c8');
    ws.serverClose(1000);
    assert.deepEqual(events, [
      ['started'],
      ['stdout', '68690a'],
      ['stderr', '65'],
      ['error', 'no'],
      ['exit', 200],
      ['close', {
        code: 1000, reason: '', exitCode: 200, opened: true, wasClean: true,
        message: 'the process exited with code 200',
      }],
    ]);
  });
  test('the example session of PROTOCOL.md', () => {
    const { ws, events, client } = session();
    ws.open();
    ws.receive('64');
    assert.equal(client.write('hi\n'), true);
    ws.receive('0168690a');
    client.end();
    ws.receive('01646f6e650a');
    ws.receive('c803');
    ws.serverClose(1000);
    assert.deepEqual(ws.sent, ['0068690a', '66']);
    assert.deepEqual(events.map((e) => e[0]), ['started', 'stdout', 'stdout', 'exit', 'close']);
    assert.equal(events.at(-1)[1].exitCode, 3);
  });
  test('stdin before the first resume is queued, then sent in order; resize is sent on open', () => {
    const { ws, client } = session();
    client.resize(24, 80);
    client.write('a');
    client.write(new Uint8Array([0x00, 0xff]));
    assert.equal(client.stdinEnded, false);
    client.end();
    assert.equal(client.stdinEnded, true);
    assert.equal(client.write('late'), false, 'stdin after end is dropped');
    assert.deepEqual(ws.sent, []);
    ws.open();
    assert.deepEqual(ws.sent, ['3218005000']);
    assert.equal(client.queuedBytes, 3);
    ws.receive('64');
    assert.deepEqual(ws.sent, ['3218005000', '0061', '0000ff', '66']);
    assert.equal(client.queuedBytes, 0);
  });
  test('the queued bytes are a copy of the caller\'s buffer', () => {
    const { ws, client } = session();
    const buf = new Uint8Array([1, 2]);
    client.write(buf);
    buf[0] = 9;
    ws.open();
    ws.receive('64');
    assert.deepEqual(ws.sent, ['000102']);
  });
  test('server pause queues stdin (bounded), resume flushes it; control frames still go', () => {
    const { ws, client } = started({ maxQueuedBytes: 4 });
    ws.receive('65');
    assert.equal(client.remotePaused, true);
    assert.equal(client.write('abc'), true);
    assert.equal(client.write('de'), false, 'past the bound');
    assert.equal(client.write('d'), true);
    client.resize(300, 65535);
    assert.deepEqual(ws.sent, ['322c01ffff']);
    ws.receive('64');
    assert.deepEqual(ws.sent, ['322c01ffff', '00616263', '0064']);
    assert.equal(client.write('e'), true);
    assert.equal(ws.sent.at(-1), '0065');
  });
  test('large stdin is split into chunks', () => {
    const { ws, client } = started();
    client.write(new Uint8Array(MAX_STDIN_CHUNK * 2 + 1));
    assert.deepEqual(ws.sent.map((m) => m.length / 2), [MAX_STDIN_CHUNK + 1, MAX_STDIN_CHUNK + 1, 2]);
  });
  test('pause and resume from the consumer, sent once each, remembered before open', () => {
    const { ws, client } = session();
    client.pause();
    ws.open();
    assert.deepEqual(ws.sent, ['65']);
    client.pause();
    client.resume();
    client.resume();
    assert.deepEqual(ws.sent, ['65', '64']);
  });
  test('shutdown then 1001', () => {
    const { ws, events, client } = started();
    ws.receive('c9');
    ws.serverClose(1001, 'broker stopping');
    assert.equal(client.shutdownReceived, true);
    assert.deepEqual(events[0], ['shutdown']);
    assert.equal(events[1][1].code, 1001);
    assert.equal(events[1][1].reason, 'broker stopping');
    assert.equal(events[1][1].exitCode, null);
    assert.match(events[1][1].message, /broker is stopping/);
  });
  test('a refused handshake (1006 before open) says so', () => {
    const { ws, events } = session();
    ws.serverClose(1006, '', false);
    assert.equal(events.length, 1);
    assert.equal(events[0][1].opened, false);
    assert.equal(events[0][1].message, 'the broker refused the connection (check the token/permissions; over wss://, that its certificate is trusted)');
  });
  test('1006 after open is a lost connection', () => {
    const { ws, events } = started();
    ws.serverClose(1006, '', false);
    assert.equal(events[0][1].message, 'the connection to the broker was lost');
  });
  test('a human message for every close code', () => {
    const expected = {
      1000: /ended/,
      1001: /broker is stopping/,
      1002: /malformed/,
      1003: /text message/,
      1009: /larger than the broker's limit/,
      1011: /internal error/,
      4000: /idle/,
      4001: /maximum duration/,
      4002: /operator/,
      1006: /lost/,
      4999: /code 4999/,
    };
    for (const [code, pattern] of Object.entries(expected)) {
      assert.match(describeClose(Number(code)), pattern);
    }
    assert.equal(describeClose(1000, { exitCode: 7 }), 'the process exited with code 7');
  });
  test('unknown types are reported and the session goes on; a malformed message closes with 1000', () => {
    const { ws, events } = started();
    ws.receive('07aabb');
    ws.receive('0168');
    assert.deepEqual(events, [['error', 'unknown message type from the broker: 7'], ['stdout', '68']]);
    ws.receive('c8');
    assert.deepEqual(ws.closeCalls, [1000]);
    assert.match(events[2][1], /malformed message from the broker: stopped with 0 payload bytes/);
  });
  test('a text message is reported', () => {
    const { ws, events } = started();
    ws.onmessage({ data: 'hello' });
    assert.deepEqual(events, [['error', 'unexpected text message from the broker']]);
  });
  test('close() closes with 1000 and later writes are dropped', () => {
    const { ws, events, client } = started();
    client.close();
    assert.deepEqual(ws.closeCalls, [1000]);
    ws.serverClose(1000);
    assert.equal(events[0][1].message, 'the session was closed by this page');
    assert.equal(client.write('x'), false);
    client.resize(1, 1);
    client.close();
    assert.deepEqual(ws.closeCalls, [1000]);
  });
  test('close() before the socket opened is not reported as a refusal', () => {
    const { ws, events, client } = session();
    client.close();
    ws.serverClose(1006, '', false);
    assert.equal(events[0][1].message, 'the session was closed by this page');
  });
  test('the class can be used directly, callbacks set as properties', () => {
    const client = new ExecClient('ws://h/exec', { WebSocket: FakeWebSocket });
    const ws = FakeWebSocket.instances.at(-1);
    assert.deepEqual(ws.protocols, ['exec-broker.v1']);
    const codes = [];
    client.onExit = (c) => codes.push(c);
    ws.open();
    ws.receive('64');
    ws.receive('c8ff');
    assert.deepEqual(codes, [255]);
  });
});
