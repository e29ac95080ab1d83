'use strict';
// Drives the unmodified npm package docker-exec-websocket-client@3.0.0 for JsClientInteropIT.
//
//   node run-client.js <ws-url> <tty:true|false> <argv0> [argv1 ...]
//   env EXEC_BROKER_TOKEN: sent as "Authorization: Bearer <token>" through the client's wsopts.headers
//   env EXEC_BROKER_CA_FILE: a PEM CA file, passed as the client's wsopts.ca (for wss:// with a test CA)
//   env RUN_CLIENT_TIMEOUT_MS: hard timeout (default 30000)
//
// Pipes its own stdin into client.stdin (its end sends the protocol's `end`), collects stdout and stderr, and
// prints exactly ONE line of JSON on its stdout:
//   on the client's `exit` event: {"exitCode": <as the client reported it>, "stdoutHex", "stderrHex", "errors"}, exit 0
//   on failure (connection refused or failed, close without `exit`, timeout):
//     {"fatal": "...", "stdoutHex", "stderrHex", "errors"}, exit 2
// "errors" holds the text of the broker's `error` frames, which the client emits as 'error' events with a Buffer.
// The package's main.js exports {DockerExecClient} (its README shows src/client.js, which exports the class).
const DockerExecWebsocketClient = require('docker-exec-websocket-client').DockerExecClient;

const [url, ttyArg, ...command] = process.argv.slice(2);
if (!url || !ttyArg || command.length === 0) {
  process.stderr.write('usage: node run-client.js <ws-url> <tty:true|false> <argv0> [argv1 ...]\n');
  process.exit(64);
}
const token = process.env.EXEC_BROKER_TOKEN;
const timeoutMs = Number(process.env.RUN_CLIENT_TIMEOUT_MS || 30000);

const stdout = [];
const stderr = [];
const errors = [];
let done = false;

function finish(status, result) {
  if (done) {
    return;
  }
  done = true;
  const line = JSON.stringify({
    ...result,
    stdoutHex: Buffer.concat(stdout).toString('hex'),
    stderrHex: Buffer.concat(stderr).toString('hex'),
    errors,
  }) + '\n';
  process.stdout.write(line, () => process.exit(status));
}

function fatal(message) {
  finish(2, {fatal: String(message)});
}

setTimeout(() => fatal('timeout: no exit after ' + timeoutMs + ' ms'), timeoutMs);

async function main() {
  const wsopts = token ? {headers: {Authorization: 'Bearer ' + token}} : {};
  if (process.env.EXEC_BROKER_CA_FILE) {
    wsopts.ca = require('fs').readFileSync(process.env.EXEC_BROKER_CA_FILE);
  }
  const client = new DockerExecWebsocketClient({url, tty: ttyArg === 'true', command, wsopts});

  let exitCode;
  let ended = 0;
  const onEnd = () => {
    // The client ends stdout and stderr in close(), right after 'exit': all data has been read by then.
    if (++ended === 2 && exitCode !== undefined) {
      finish(0, {exitCode});
    }
  };
  client.on('exit', (code) => {
    exitCode = code;
    process.stdin.unpipe(client.stdin);
  });
  client.on('error', (err) => {
    if (Buffer.isBuffer(err)) {
      errors.push(err.toString('utf8')); // an `error` frame: the session goes on
    } else {
      fatal('client error: ' + (err && (err.message || err.type) || err));
    }
  });

  // execute() creates the streams and the socket before its first await: listen before it resolves.
  const opened = client.execute();
  client.stdout.on('data', (chunk) => stdout.push(Buffer.from(chunk)));
  client.stderr.on('data', (chunk) => stderr.push(Buffer.from(chunk)));
  client.stdout.on('end', onEnd);
  client.stderr.on('end', onEnd);
  client.stdin.on('error', (err) => errors.push('stdin: ' + err.message));
  client.socket.addEventListener('close', (event) => {
    // After the macrotask, so that a refused handshake is reported by execute()'s rejection instead.
    setImmediate(() => {
      if (exitCode === undefined) {
        fatal('closed without exit: code ' + event.code + (event.reason ? ' ' + event.reason : ''));
      }
    });
  });
  await opened; // rejects on a refused handshake (ws: "Unexpected server response: 401")
  process.stdin.pipe(client.stdin);
}

main().catch((err) => fatal('execute failed: ' + (err && (err.message || err.type) || err)));
