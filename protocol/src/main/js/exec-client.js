// exec-broker wire protocol v1, browser client (see protocol/PROTOCOL.md).
//
// An ES module with no dependencies. The single source is protocol/src/main/js/exec-client.js; the build
// copies it into the protocol jar as META-INF/resources/exec-broker/exec-client.js, so a web app that serves
// classpath META-INF/resources (servlet containers do; Vert.x: StaticHandler on "META-INF/resources")
// serves it as /exec-broker/exec-client.js.
//
//   import { connect } from '/exec-broker/exec-client.js';
//   const client = connect('wss://broker.example/exec', { token, tty: true });
//   client.onStdout = (bytes) => term.write(bytes);
//   client.onExit = (code) => term.write(`[process exited with code ${code}]`);
//   client.onClose = ({ code, message, exitCode }) => console.log(code, message, exitCode);
//   term.onData((text) => client.write(text));
//
// The token travels in the subprotocol `base64url.bearer.exec-broker.<base64url(token)>`, offered together
// with `exec-broker.v1`; it is never put in the URL.

/** Message type codes (byte 0 of every binary message). */
export const MessageType = Object.freeze({
  STDIN: 0,
  STDOUT: 1,
  STDERR: 2,
  RESIZE: 50,
  RESUME: 100,
  PAUSE: 101,
  END: 102,
  STOPPED: 200,
  SHUTDOWN: 201,
  ERROR: 202,
});

export const SUBPROTOCOL_V1 = 'exec-broker.v1';
export const TOKEN_SUBPROTOCOL_PREFIX = 'base64url.bearer.exec-broker.';

/** Close codes of v1 (PROTOCOL.md, "Close codes"), plus 1005/1006 which only a client sees. */
export const CloseCode = Object.freeze({
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  UNSUPPORTED_DATA: 1003,
  NO_STATUS: 1005,
  ABNORMAL: 1006,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  IDLE_TIMEOUT: 4000,
  MAX_DURATION: 4001,
  OPERATOR: 4002,
});

/** Default bound of stdin kept while the broker has not said resume (or said pause). */
export const DEFAULT_MAX_QUEUED_BYTES = 1024 * 1024;
/** Largest stdin payload per message (the broker accepts 1 MiB messages by default). */
export const MAX_STDIN_CHUNK = 64 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** Returns `base64url(UTF-8 bytes)` without padding. */
export function base64url(text) {
  const bytes = encoder.encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i++) {
    binary += String.fromCharCode(bytes[i]);
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Returns the subprotocol that carries the token. */
export function tokenSubprotocol(token) {
  return TOKEN_SUBPROTOCOL_PREFIX + base64url(token);
}

/** Returns the subprotocols to offer: the token's (if any), then exec-broker.v1. */
export function subprotocols(token) {
  return token ? [tokenSubprotocol(token), SUBPROTOCOL_V1] : [SUBPROTOCOL_V1];
}

/**
 * Returns the URL with the requested command (one `command` parameter per argv element) and tty. They are a
 * request: the controller or the JWT decides what runs.
 */
export function buildUrl(url, { command, tty } = {}) {
  const parts = [];
  const argv = command == null ? [] : Array.isArray(command) ? command : [command];
  for (const arg of argv) {
    parts.push('command=' + encodeURIComponent(String(arg)));
  }
  if (tty === true || tty === false) {
    parts.push('tty=' + tty);
  }
  if (parts.length === 0) {
    return String(url);
  }
  const base = String(url);
  const hash = base.indexOf('#');
  const head = hash >= 0 ? base.slice(0, hash) : base;
  const tail = hash >= 0 ? base.slice(hash) : '';
  return head + (head.includes('?') ? '&' : '?') + parts.join('&') + tail;
}

/** Encodes a message: the type byte, then the payload. */
export function encodeMessage(type, payload) {
  const length = payload ? payload.length : 0;
  const message = new Uint8Array(1 + length);
  message[0] = type;
  if (length) {
    message.set(payload, 1);
  }
  return message;
}

/** Encodes stdin; a string is sent as UTF-8. */
export function encodeStdin(data) {
  return encodeMessage(MessageType.STDIN, toBytes(data));
}

/** Encodes resize: uint16 LE rows, then uint16 LE cols. */
export function encodeResize(rows, cols) {
  checkUint16('rows', rows);
  checkUint16('cols', cols);
  return encodeMessage(MessageType.RESIZE, Uint8Array.of(rows & 0xff, rows >>> 8, cols & 0xff, cols >>> 8));
}

export function encodeResume() {
  return encodeMessage(MessageType.RESUME);
}

export function encodePause() {
  return encodeMessage(MessageType.PAUSE);
}

export function encodeEnd() {
  return encodeMessage(MessageType.END);
}

/** A message from the broker that breaks v1 (empty, or a known type with a bad payload). */
export class ProtocolError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ProtocolError';
  }
}

const CONTROL_NAMES = {
  [MessageType.RESUME]: 'resume',
  [MessageType.PAUSE]: 'pause',
  [MessageType.SHUTDOWN]: 'shutdown',
};

/**
 * Decodes one server message (an ArrayBuffer or a Uint8Array) into
 * `{type: 'stdout'|'stderr', data}`, `{type: 'resume'|'pause'|'shutdown'}`, `{type: 'stopped', exitCode}`
 * (unsigned, 0-255), `{type: 'error', text}` or `{type: 'unknown', code, data}` (unknown or client-only types,
 * which v1 says are not fatal). Throws a ProtocolError for a malformed message.
 */
export function decodeServerMessage(message) {
  const bytes = message instanceof Uint8Array ? message : new Uint8Array(message);
  if (bytes.length === 0) {
    throw new ProtocolError('empty message (expected: a type byte)');
  }
  const code = bytes[0];
  const payload = bytes.subarray(1);
  switch (code) {
    case MessageType.STDOUT:
      return { type: 'stdout', data: payload };
    case MessageType.STDERR:
      return { type: 'stderr', data: payload };
    case MessageType.RESUME:
    case MessageType.PAUSE:
    case MessageType.SHUTDOWN:
      if (payload.length !== 0) {
        throw new ProtocolError(`${CONTROL_NAMES[code]} with ${payload.length} payload bytes (expected: 0)`);
      }
      return { type: CONTROL_NAMES[code] };
    case MessageType.STOPPED:
      if (payload.length !== 1) {
        throw new ProtocolError(`stopped with ${payload.length} payload bytes (expected: 1)`);
      }
      return { type: 'stopped', exitCode: payload[0] }; // Uint8Array: unsigned, 200 stays 200
    case MessageType.ERROR:
      return { type: 'error', text: decoder.decode(payload) };
    default:
      return { type: 'unknown', code, data: payload };
  }
}

/**
 * Returns a human message for a close code. `opened` tells whether the upgrade succeeded: browsers report a
 * refused handshake (any HTTP status) as 1006 without the status.
 */
export function describeClose(code, { opened = true, exitCode = null, closedByClient = false } = {}) {
  if (closedByClient && (exitCode === null || exitCode === undefined)
      && (code === CloseCode.NORMAL || code === CloseCode.NO_STATUS || code === CloseCode.ABNORMAL)) {
    return 'the session was closed by this page';
  }
  switch (code) {
    case CloseCode.NORMAL:
      if (exitCode !== null && exitCode !== undefined) {
        return `the process exited with code ${exitCode}`;
      }
      return 'the session ended';
    case CloseCode.GOING_AWAY:
      return 'the broker is stopping; the process was stopped';
    case CloseCode.PROTOCOL_ERROR:
      return 'protocol error: the broker received a malformed message';
    case CloseCode.UNSUPPORTED_DATA:
      return 'protocol error: the broker received a text message';
    case CloseCode.MESSAGE_TOO_BIG:
      return "a message was larger than the broker's limit";
    case CloseCode.INTERNAL_ERROR:
      return 'internal error in the broker, or the exit code could not be known';
    case CloseCode.IDLE_TIMEOUT:
      return 'the session was idle for too long';
    case CloseCode.MAX_DURATION:
      return 'the session reached its maximum duration';
    case CloseCode.OPERATOR:
      return 'the session was ended by an operator';
    case CloseCode.NO_STATUS:
      return 'the connection was closed without a status';
    case CloseCode.ABNORMAL:
      return opened
        ? 'the connection to the broker was lost'
        // A browser reports a failed TLS handshake (an untrusted certificate) as it reports a refusal.
        : 'the broker refused the connection (check the token/permissions; over wss://, that its certificate is trusted)';
    default:
      return `the connection was closed with code ${code}`;
  }
}

function toBytes(data) {
  if (typeof data === 'string') {
    return encoder.encode(data);
  }
  if (data instanceof Uint8Array) {
    return data;
  }
  if (data instanceof ArrayBuffer) {
    return new Uint8Array(data);
  }
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  throw new TypeError('stdin must be a string, a Uint8Array or an ArrayBuffer');
}

function checkUint16(name, value) {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new RangeError(`${name}: ${value} (expected: 0-65535)`);
  }
}

const noop = () => {};
const END_MARK = Symbol('end');
const OPEN = 1;

/**
 * One v1 session. Set the callbacks as properties or pass them in the options:
 *
 * - `onStarted()`: the first `resume`, the process runs.
 * - `onStdout(Uint8Array)`, `onStderr(Uint8Array)`: output (the array is a view; copy it to keep it).
 * - `onExit(code)`: `stopped`, the exit code 0-255 (unsigned).
 * - `onError(text)`: an `error` message from the broker (or a local problem with what the broker sent).
 * - `onShutdown()`: the broker is stopping.
 * - `onClose({code, reason, exitCode, message, opened, wasClean})`: the end; `exitCode` is null unless
 *   `stopped` arrived; `message` says what the close code means.
 *
 * Stdin written before the first `resume`, or while the broker said `pause`, is queued (up to
 * `maxQueuedBytes`, 1 MiB by default) and sent in order once it says `resume`; past the bound `write`
 * returns false and drops the data.
 */
export class ExecClient {
  /**
   * @param {string} url the broker's WebSocket URL, e.g. wss://host/exec
   * @param {object} [options] `{token, command, tty, maxQueuedBytes, WebSocket}` and the callbacks;
   *   `WebSocket` replaces globalThis.WebSocket (for tests).
   */
  constructor(url, options = {}) {
    const { token, command, tty, maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES } = options;
    const WebSocketImpl = options.WebSocket || globalThis.WebSocket;
    if (!WebSocketImpl) {
      throw new Error('no WebSocket implementation');
    }
    for (const name of ['onStarted', 'onStdout', 'onStderr', 'onExit', 'onError', 'onShutdown', 'onClose']) {
      this[name] = typeof options[name] === 'function' ? options[name] : noop;
    }
    this.maxQueuedBytes = maxQueuedBytes;
    this.started = false;
    this.exitCode = null;
    this.shutdownReceived = false;
    this.closed = false;
    this._opened = false;
    this._remotePaused = true; // until the first resume
    this._localPaused = false; // what we asked of the broker
    this._localPauseSent = false;
    this._queue = [];
    this._queuedBytes = 0;
    this._ended = false;
    this._pendingResize = null;
    this._closedByClient = false;

    this.url = buildUrl(url, { command, tty });
    const ws = new WebSocketImpl(this.url, subprotocols(token));
    ws.binaryType = 'arraybuffer';
    this._ws = ws;
    ws.onopen = () => this._handleOpen();
    ws.onmessage = (event) => this._handleMessage(event.data);
    ws.onclose = (event) => this._handleClose(event);
    ws.onerror = noop; // always followed by close, which says more
  }

  /** The subprotocol the broker chose ('exec-broker.v1', or '' from an older server). */
  get protocol() {
    return this._ws.protocol;
  }

  /** Bytes of stdin waiting for the broker's resume. */
  get queuedBytes() {
    return this._queuedBytes;
  }

  /** True once end() was called: later writes are dropped. */
  get stdinEnded() {
    return this._ended;
  }

  /** True while the broker said pause (or has not said its first resume). */
  get remotePaused() {
    return this._remotePaused;
  }

  /**
   * Sends stdin (a string is sent as UTF-8). Returns true if it was sent or queued, false if it was dropped:
   * the queue is full, stdin was ended, or the session is closed.
   */
  write(data) {
    const bytes = toBytes(data);
    if (this.closed || this._ended) {
      return false;
    }
    if (bytes.length === 0) {
      return true;
    }
    if (this._canSendData() && this._queue.length === 0) {
      this._sendStdin(bytes);
      return true;
    }
    if (this._queuedBytes + bytes.length > this.maxQueuedBytes) {
      return false;
    }
    this._queue.push(bytes.slice()); // a copy: the caller may reuse its buffer
    this._queuedBytes += bytes.length;
    return true;
  }

  /** Resizes the terminal (tty sessions); sent at once, or as soon as the socket opens (the latest size). */
  resize(rows, cols) {
    const message = encodeResize(rows, cols);
    if (this.closed) {
      return;
    }
    if (this._isOpen()) {
      this._ws.send(message);
    } else {
      this._pendingResize = message;
    }
  }

  /** Stdin EOF, sent after any queued stdin. */
  end() {
    if (this.closed || this._ended) {
      return;
    }
    this._ended = true;
    if (this._canSendData() && this._queue.length === 0) {
      this._ws.send(encodeEnd());
    } else {
      this._queue.push(END_MARK);
    }
  }

  /** Asks the broker to stop sending output until resume() (for a consumer that lags). */
  pause() {
    this._localPaused = true;
    this._syncLocalPause();
  }

  /** Lets the broker send output again after pause(). */
  resume() {
    this._localPaused = false;
    this._syncLocalPause();
  }

  /** Closes the session (1000); the broker then stops the process if it still runs. */
  close() {
    if (this.closed) {
      return;
    }
    this._closedByClient = true;
    this._ws.close(CloseCode.NORMAL);
  }

  _isOpen() {
    return this._opened && !this.closed && this._ws.readyState === OPEN;
  }

  _canSendData() {
    return this._isOpen() && !this._remotePaused;
  }

  _sendStdin(bytes) {
    for (let pos = 0; pos < bytes.length; pos += MAX_STDIN_CHUNK) {
      this._ws.send(encodeStdin(bytes.subarray(pos, Math.min(bytes.length, pos + MAX_STDIN_CHUNK))));
    }
  }

  _syncLocalPause() {
    if (this._isOpen() && this._localPaused !== this._localPauseSent) {
      this._localPauseSent = this._localPaused;
      this._ws.send(this._localPaused ? encodePause() : encodeResume());
    }
  }

  _flush() {
    while (this._canSendData() && this._queue.length > 0) {
      const item = this._queue.shift();
      if (item === END_MARK) {
        this._ws.send(encodeEnd());
      } else {
        this._queuedBytes -= item.length;
        this._sendStdin(item);
      }
    }
  }

  _handleOpen() {
    this._opened = true;
    if (this._pendingResize) {
      this._ws.send(this._pendingResize);
      this._pendingResize = null;
    }
    this._syncLocalPause();
  }

  _handleMessage(data) {
    if (typeof data === 'string') {
      this._report('unexpected text message from the broker');
      return;
    }
    let message;
    try {
      message = decodeServerMessage(data);
    } catch (e) {
      if (e instanceof ProtocolError) {
        this._report('malformed message from the broker: ' + e.message);
        this.close();
        return;
      }
      throw e;
    }
    switch (message.type) {
      case 'stdout':
        this.onStdout(message.data);
        break;
      case 'stderr':
        this.onStderr(message.data);
        break;
      case 'resume':
        this._remotePaused = false;
        if (!this.started) {
          this.started = true;
          this.onStarted();
        }
        this._flush();
        break;
      case 'pause':
        this._remotePaused = true;
        break;
      case 'stopped':
        this.exitCode = message.exitCode;
        this.onExit(message.exitCode);
        break;
      case 'shutdown':
        this.shutdownReceived = true;
        this.onShutdown();
        break;
      case 'error':
        this.onError(message.text);
        break;
      default:
        this._report('unknown message type from the broker: ' + message.code);
    }
  }

  _report(text) {
    this.onError(text);
  }

  _handleClose(event) {
    if (this.closed) {
      return;
    }
    this.closed = true;
    const code = event && typeof event.code === 'number' ? event.code : CloseCode.ABNORMAL;
    const reason = (event && event.reason) || '';
    this._queue = [];
    this._queuedBytes = 0;
    this.onClose({
      code,
      reason,
      exitCode: this.exitCode,
      opened: this._opened,
      wasClean: Boolean(event && event.wasClean),
      message: describeClose(code, {
        opened: this._opened,
        exitCode: this.exitCode,
        closedByClient: this._closedByClient,
      }),
    });
  }
}

/** Opens a session: `new ExecClient(url, options)`. */
export function connect(url, options = {}) {
  return new ExecClient(url, options);
}
