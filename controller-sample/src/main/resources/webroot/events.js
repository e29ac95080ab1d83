// The events panel of the start page: a live list of the Docker events of the containers the signed-in user may
// use, newest first. It asks the app for a one-time watch token (POST /api/tokens {"purpose": "events"}), opens a
// WebSocket to the broker's events URL with the token in the subprotocol (as the terminal does), and after a drop
// gets a new token and reconnects with since=<last timeNano>, so nothing Docker still holds is missed.
// Event data only ever reaches the page as textContent and dataset values, never as HTML.
import { subprotocols } from '/exec-broker/exec-client.js';
import {
  MAX_LINES, actionFilter, describeEvent, nextDelay, timeNanoOf, toWebSocketUrl,
} from '/events-format.js';

/** Thrown when the app refuses a watch token; `retry` says whether asking again may help (429, 5xx). */
class TokenRefused extends Error {
  constructor(message, retry) {
    super(message);
    this.retry = retry;
  }
}

export class EventsPanel {
  /**
   * @param {object} options `{statusEl, listEl, csrfToken}`, and `broker` (an id of GET /api/me's `brokers`) to
   *     watch that broker of a fleet, named in the status; `fetch`, `WebSocket`, `setTimeout`, `baseUrl` for tests
   */
  constructor(options) {
    this.statusEl = options.statusEl;
    this.listEl = options.listEl;
    this.csrfToken = options.csrfToken ?? '';
    this.broker = typeof options.broker === 'string' ? options.broker : null;
    this.fetch = options.fetch ?? ((...args) => window.fetch(...args));
    this.WebSocket = options.WebSocket ?? window.WebSocket;
    this.setTimeout = options.setTimeout ?? ((f, ms) => window.setTimeout(f, ms));
    this.baseUrl = options.baseUrl ?? location.href;
    this.lastTimeNano = null; // of the last event received, exactly
    this.firstConnect = null; // Unix seconds of the first attempt, the since of a reconnect before any event
    this.delay = 0;
    this.ws = null;
    this.stopped = false;
  }

  start() {
    this.connect();
  }

  /** Closes the watch (the page is going away); {@link resume} opens a new one, since the last event. */
  stop() {
    this.stopped = true;
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close(1000);
    }
  }

  /** Watches again after {@link stop} (the page came back from the back-forward cache). */
  resume() {
    if (this.stopped) {
      this.stopped = false;
      this.delay = 0;
      this.connect();
    }
  }

  /** Shows a status; `state` is also set as data-state (connecting, connected, reconnecting, refused, closed). */
  setStatus(state, text) {
    this.statusEl.dataset.state = state;
    this.statusEl.textContent = this.broker ? `${this.broker}: ${text}` : text;
  }

  async connect() {
    if (this.stopped) {
      return;
    }
    this.setStatus('connecting', 'Connecting…');
    let issued;
    try {
      issued = await this.requestToken();
    } catch (error) {
      if (error instanceof TokenRefused && !error.retry) {
        this.setStatus('refused', 'Refused: ' + error.message);
      } else {
        this.reconnect('no watch token: ' + error.message);
      }
      return;
    }
    if (this.stopped) {
      return; // stopped while the token was on its way: it expires unused
    }
    const url = toWebSocketUrl(issued.eventsUrl, this.baseUrl);
    url.searchParams.append('filter', actionFilter());
    if (this.firstConnect === null) {
      this.firstConnect = (Date.now() / 1000).toFixed(3);
    } else {
      url.searchParams.set('since', this.lastTimeNano ?? this.firstConnect);
    }
    const ws = new this.WebSocket(url.href, subprotocols(issued.token));
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.delay = 0;
      this.setStatus('connected', 'Connected');
    };
    ws.onmessage = (message) => this.receive(message.data);
    ws.onclose = (event) => {
      if (this.stopped || this.ws !== ws) {
        return;
      }
      this.ws = null;
      if (event.code === 1000) {
        this.setStatus('closed', 'Closed by the broker' + (event.reason ? ': ' + event.reason : ''));
        return;
      }
      this.reconnect(opened
        ? `the watch was lost (${event.code}${event.reason ? ': ' + event.reason : ''})`
        : 'the broker refused the watch or cannot be reached');
    };
  }

  reconnect(why) {
    this.delay = nextDelay(this.delay);
    const seconds = (this.delay / 1000).toLocaleString('en', { maximumFractionDigits: 1 });
    this.setStatus('reconnecting', `Reconnecting in ${seconds} s: ${why}`);
    this.setTimeout(() => {
      if (!this.stopped) {
        this.connect();
      }
    }, this.delay);
  }

  receive(data) {
    if (typeof data !== 'string') {
      return;
    }
    let event;
    try {
      event = JSON.parse(data);
    } catch (e) {
      return; // not an event: nothing to show
    }
    const timeNano = timeNanoOf(data);
    if (timeNano) {
      this.lastTimeNano = timeNano;
    }
    this.show(describeEvent(event, timeNano));
  }

  /** Adds one line at the top and drops the oldest past MAX_LINES. */
  show(line) {
    const doc = this.listEl.ownerDocument;
    const item = doc.createElement('li');
    item.dataset.container = line.container;
    item.dataset.action = line.action;
    for (const part of ['time', 'container', 'action', 'detail']) {
      if (line[part]) {
        const span = doc.createElement('span');
        span.className = part;
        span.textContent = line[part];
        item.append(span, ' ');
      }
    }
    this.listEl.prepend(item);
    while (this.listEl.children.length > MAX_LINES) {
      this.listEl.lastElementChild.remove();
    }
  }

  /** POST /api/tokens {"purpose": "events"} (with "broker" when set); returns {token, eventsUrl}. */
  async requestToken() {
    const response = await this.fetch('/api/tokens', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': this.csrfToken },
      body: JSON.stringify(this.broker ? { purpose: 'events', broker: this.broker } : { purpose: 'events' }),
    });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const error = typeof body?.error === 'string' ? body.error : 'HTTP ' + response.status;
      throw new TokenRefused(error, response.status === 429 || response.status >= 500);
    }
    if (!body || typeof body.token !== 'string' || typeof body.eventsUrl !== 'string') {
      throw new TokenRefused('the app answered without a token or events URL', false);
    }
    return body;
  }
}
