// Pure helpers of the events panel (events.js): what one line of the list says, the exact timeNano to resume
// from, and the reconnect back-off. No DOM, so node --test runs them as they are.

/** Most lines the list keeps; older ones are dropped. */
export const MAX_LINES = 100;
/** The first reconnect waits this long, each next one twice as long, up to MAX_DELAY_MS. */
export const FIRST_DELAY_MS = 500;
export const MAX_DELAY_MS = 10_000;
/** The events the panel asks the broker for; its filter takes values of one key as alternatives. */
export const ACTIONS = ['start', 'stop', 'die', 'exec_start'];

/** Returns the broker's filter parameter for ACTIONS: `event=start,event=stop,...`. */
export function actionFilter() {
  return ACTIONS.map((action) => 'event=' + action).join(',');
}

/**
 * Returns the event's Action up to its first ':', like `exec_start` for `exec_start: sh -c ...`: the broker may
 * redact what follows, so the panel never shows it.
 */
export function actionOf(event) {
  const raw = typeof event?.Action === 'string' ? event.Action : typeof event?.status === 'string' ? event.status : '';
  const colon = raw.indexOf(':');
  return (colon < 0 ? raw : raw.slice(0, colon)).trim();
}

/**
 * Returns the top-level `timeNano` of an event's JSON text exactly, as a string of digits, or null. JSON.parse
 * would round it (it is above 2^53), and `since=` must name the very event. Docker writes it last; an attribute
 * (a label) can hold the text only as a quoted string, which never matches.
 */
export function timeNanoOf(text) {
  const matches = [...String(text).matchAll(/"timeNano"\s*:\s*(\d{1,25})\s*[,}]/g)];
  return matches.length ? matches[matches.length - 1][1] : null;
}

/** Returns {time, container, action, detail} for one event: the strings of its line, all plain text. */
export function describeEvent(event, timeNano) {
  const attributes = event?.Actor?.Attributes && typeof event.Actor.Attributes === 'object' ? event.Actor.Attributes : {};
  const action = actionOf(event);
  const exitCode = attributes.exitCode;
  return {
    time: timeText(timeNano, event?.time),
    container: typeof attributes.name === 'string' ? attributes.name : '',
    action,
    detail: action === 'die' && (typeof exitCode === 'string' || typeof exitCode === 'number')
      ? 'exit code ' + exitCode : '',
  };
}

/** Returns the event's time of day, like `13:04:05.123`, from its timeNano (or else its time in seconds). */
function timeText(timeNano, seconds) {
  const millis = timeNano && timeNano.length > 6 ? Number(timeNano.slice(0, -6))
    : typeof seconds === 'number' ? seconds * 1000 : NaN;
  if (!Number.isFinite(millis)) {
    return '';
  }
  const date = new Date(millis);
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** Returns the wait before the next reconnect: FIRST_DELAY_MS after none, then doubling up to MAX_DELAY_MS. */
export function nextDelay(previousMs) {
  return previousMs > 0 ? Math.min(previousMs * 2, MAX_DELAY_MS) : FIRST_DELAY_MS;
}

/** Accepts ws:, wss:, http:, https: or a path on this host; returns the ws: or wss: URL. */
export function toWebSocketUrl(url, base) {
  const absolute = new URL(url, base);
  if (absolute.protocol === 'http:') {
    absolute.protocol = 'ws:';
  } else if (absolute.protocol === 'https:') {
    absolute.protocol = 'wss:';
  }
  return absolute;
}
