'use strict';
/**
 * Runs every example in examples/ as a child process, talks to it over
 * loopback (our client, the `ws` client, or the example's own client against
 * a test server), stops it with a signal and checks what it printed.
 */
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const WsWebSocket = require('ws');
const WebSocketClient = require('websocket-rs').client;

const T = { timeout: 30000 };
const EXAMPLES = path.join(__dirname, '..', 'examples');
const WAIT_MS = 10000;

/** Children still running; killed in `after` so nothing outlives the tests. */
const children = new Set();

test.after(() => {
  for (const child of children) child.kill('SIGKILL');
});

/**
 * Spawns `node examples/<file> ...args` and collects its output.
 * @param {string} file
 * @param {string[]} args
 * @returns {{child: import('child_process').ChildProcess, out: () => string, exited: Promise<{code: number, signal: string}>}}
 */
function spawnExample(file, args) {
  const child = spawn(process.execPath, [path.join(EXAMPLES, file), ...args], {
    cwd: EXAMPLES,
    env: { ...process.env, PORT: '', HOST: '' },
    stdio: ['pipe', 'pipe', 'pipe']
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  return { child, out: () => stdout + stderr, stdout: () => stdout, exited };
}

/**
 * Resolves once `pattern` appears in the example's output.
 * @returns {Promise<RegExpMatchArray>}
 */
function waitForOutput(example, pattern, what) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = example.out().match(pattern);
      if (m) {
        cleanup();
        resolve(m);
      }
    };
    const onExit = () => {
      // Output may still be in the pipe: look once more after it drains.
      setImmediate(() => {
        check();
        cleanup();
        reject(new Error(what + ': the process exited first. Output:\n' + example.out()));
      });
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(what + ': not seen within ' + WAIT_MS + ' ms. Output:\n' + example.out()));
    }, WAIT_MS);
    const cleanup = () => {
      clearTimeout(timer);
      example.child.stdout.removeListener('data', check);
      example.child.stderr.removeListener('data', check);
      example.child.removeListener('exit', onExit);
    };
    example.child.stdout.on('data', check);
    example.child.stderr.on('data', check);
    example.child.once('exit', onExit);
    check();
  });
}

/** Starts a server example on port 0 and resolves with it and its port. */
async function startServer(file, args = []) {
  const example = spawnExample(file, ['0', ...args]);
  const m = await waitForOutput(example, /listening on (\d+)/, file);
  example.port = Number(m[1]);
  return example;
}

/** Waits (bounded) for a child to exit. */
async function exitOf(example) {
  let timer;
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error('did not exit. Output:\n' + example.out())), WAIT_MS);
  });
  try {
    return await Promise.race([example.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sends `signal` and checks the example shut down by itself with status 0. */
async function stopServer(example, signal = 'SIGTERM') {
  example.child.kill(signal);
  const { code, signal: killedBy } = await exitOf(example);
  assert.strictEqual(killedBy, null, 'ended by its own exit, not by the signal. Output:\n' + example.out());
  assert.strictEqual(code, 0, example.out());
  assert.match(example.stdout(), /stopped/);
}

/**
 * Collects messages from an event source so tests can await them in order.
 * @returns {{push: Function, next: (what: string) => Promise<*>}}
 */
function inbox() {
  const items = [];
  const waiters = [];
  return {
    push(item) {
      const waiter = waiters.shift();
      if (waiter) waiter(item);
      else items.push(item);
    },
    next(what) {
      if (items.length > 0) return Promise.resolve(items.shift());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no message: ' + what)), WAIT_MS);
        waiters.push((item) => {
          clearTimeout(timer);
          resolve(item);
        });
      });
    }
  };
}

/**
 * Connects our WebSocketClient; resolves with the connection and an inbox of its messages.
 * @returns {Promise<{connection: object, messages: ReturnType<typeof inbox>}>}
 */
function connectOurs(url, protocols, config) {
  return new Promise((resolve, reject) => {
    const client = new WebSocketClient(config);
    const timer = setTimeout(() => reject(new Error('connect timed out: ' + url)), WAIT_MS);
    client.on('connectFailed', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    client.on('connect', (connection) => {
      clearTimeout(timer);
      const messages = inbox();
      connection.on('message', (m) => messages.push(m));
      connection.on('close', (code, description) => messages.push({ type: 'close', code, description }));
      resolve({ connection, messages });
    });
    client.connect(url, protocols);
  });
}

/** Connects a `ws` client; resolves with it and an inbox of `{data, isBinary}`. */
function connectWs(url, options) {
  return new Promise((resolve, reject) => {
    const socket = new WsWebSocket(url, options);
    const messages = inbox();
    const timer = setTimeout(() => reject(new Error('ws connect timed out: ' + url)), WAIT_MS);
    socket.on('message', (data, isBinary) => messages.push({ data, isBinary }));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('open', () => {
      clearTimeout(timer);
      resolve({ socket, messages });
    });
  });
}

/** Closes a connection of ours and waits for its `close` event (bounded). */
function closeOurs(connection) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('close timed out')), WAIT_MS);
    connection.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    connection.close();
  });
}

test('echo-server echoes text and binary to the ws client and to ours, and stops on SIGTERM', T, async () => {
  const server = await startServer('echo-server.js');
  try {
    const url = 'ws://127.0.0.1:' + server.port + '/';

    const viaWs = await connectWs(url);
    viaWs.socket.send('héllo ✓');
    viaWs.socket.send(Buffer.from([0, 1, 2, 255]));
    const text = await viaWs.messages.next('ws text echo');
    assert.strictEqual(text.isBinary, false);
    assert.strictEqual(text.data.toString(), 'héllo ✓');
    const binary = await viaWs.messages.next('ws binary echo');
    assert.strictEqual(binary.isBinary, true);
    assert.deepStrictEqual([...binary.data], [0, 1, 2, 255]);
    const wsClosed = new Promise((resolve) => viaWs.socket.once('close', resolve));
    viaWs.socket.close(1000);
    assert.strictEqual(await wsClosed, 1000);

    const ours = await connectOurs(url, ['chat']);
    assert.strictEqual(ours.connection.protocol, 'chat', 'the requested subprotocol is accepted');
    ours.connection.sendUTF('x'.repeat(70000));
    const big = await ours.messages.next('long text echo');
    assert.strictEqual(big.type, 'utf8');
    assert.strictEqual(big.utf8Data.length, 70000);
    assert.strictEqual(await closeOurs(ours.connection), 1000);

    await waitForOutput(server, /connection closed: 1000[^\n]*\n[\s\S]*connection closed: 1000/, 'two closes logged');
    assert.match(server.out(), /connection from 127\.0\.0\.1/);
  } finally {
    await stopServer(server);
  }
});

test('echo-server closes open connections with 1001 when stopped', T, async () => {
  const server = await startServer('echo-server.js');
  const ours = await connectOurs('ws://127.0.0.1:' + server.port + '/');
  await stopServer(server, 'SIGINT');
  const close = await ours.messages.next('close from the server');
  assert.deepStrictEqual(close, { type: 'close', code: 1001, description: 'Server shutting down' });
});

test('client.js talks to the echo-server example and exits 0', T, async () => {
  const server = await startServer('echo-server.js');
  try {
    const client = spawnExample('client.js', ['ws://127.0.0.1:' + server.port + '/', 'hi there']);
    const { code } = await exitOf(client);
    assert.strictEqual(code, 0, client.out());
    const out = client.stdout();
    assert.match(out, /^connected to ws:\/\/127\.0\.0\.1:\d+\/$/m);
    assert.match(out, /^received text: hi there$/m);
    assert.match(out, /^received binary: 4 bytes deadbeef$/m);
    assert.match(out, /^closed: 1000 done$/m);
  } finally {
    await stopServer(server);
  }
});

test('client.js works against a ws server chosen by URL (path, subprotocol-free)', T, async () => {
  const wss = new WsWebSocket.Server({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  const seen = [];
  wss.on('connection', (socket, req) => {
    seen.push(req.url);
    socket.on('message', (data, isBinary) => {
      // Answer text in upper case, so the reply is visibly the test server's.
      socket.send(isBinary ? data : data.toString().toUpperCase(), { binary: isBinary });
    });
  });
  try {
    const client = spawnExample('client.js', ['ws://127.0.0.1:' + wss.address().port + '/some/path?x=1', 'quiet']);
    const { code } = await exitOf(client);
    assert.strictEqual(code, 0, client.out());
    assert.match(client.stdout(), /^received text: QUIET$/m);
    assert.match(client.stdout(), /^received binary: 4 bytes deadbeef$/m);
    assert.match(client.stdout(), /^closed: 1000 done$/m);
    assert.deepStrictEqual(seen, ['/some/path?x=1']);
  } finally {
    for (const socket of wss.clients) socket.terminate();
    await new Promise((resolve) => wss.close(resolve));
  }
});

test('client.js reports a refused connection and exits 1', T, async () => {
  // A port that was free a moment ago: listen, note it, close.
  const probe = new WsWebSocket.Server({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => probe.once('listening', resolve));
  const port = probe.address().port;
  await new Promise((resolve) => probe.close(resolve));

  const client = spawnExample('client.js', ['ws://127.0.0.1:' + port + '/']);
  const { code } = await exitOf(client);
  assert.strictEqual(code, 1, client.out());
  assert.match(client.out(), /^connect failed: .*ECONNREFUSED/m);
});

test('w3c-client.js sends text and an ArrayBuffer view through the echo-server example', T, async () => {
  const server = await startServer('echo-server.js');
  try {
    const client = spawnExample('w3c-client.js', ['ws://127.0.0.1:' + server.port + '/', 'w3c says hi']);
    const { code } = await exitOf(client);
    assert.strictEqual(code, 0, client.out());
    const out = client.stdout();
    assert.match(out, /^open, readyState 1$/m);
    assert.match(out, /^received text: w3c says hi$/m);
    assert.match(out, /^received binary: 5 bytes 0102030405$/m);
    assert.match(out, /^closed: 1000 done \(clean\)$/m);
  } finally {
    await stopServer(server);
  }
});

test('router.js routes by path and subprotocol and rejects other combinations with 404', T, async () => {
  const server = await startServer('router.js');
  try {
    const base = 'ws://127.0.0.1:' + server.port;

    const echo = await connectOurs(base + '/echo', ['echo-protocol']);
    assert.strictEqual(echo.connection.protocol, 'echo-protocol');
    echo.connection.sendUTF('Quiet please');
    assert.strictEqual((await echo.messages.next('echo')).utf8Data, 'Quiet please');
    echo.connection.sendBytes(Buffer.from('bin'));
    assert.strictEqual((await echo.messages.next('binary echo')).binaryData.toString(), 'bin');
    await closeOurs(echo.connection);

    const shout = await connectOurs(base + '/shout', ['shout-protocol']);
    shout.connection.sendUTF('Quiet please');
    assert.strictEqual((await shout.messages.next('shout')).utf8Data, 'QUIET PLEASE');
    await closeOurs(shout.connection);

    for (const [pathname, protocol] of [
      ['/echo', 'shout-protocol'],
      ['/shout', null],
      ['/nowhere', 'echo-protocol']
    ]) {
      await assert.rejects(
        connectOurs(base + pathname, protocol ? [protocol] : []),
        /non-101 status: 404[\s\S]*x-websocket-reject-reason: No handler is available for the given request\./,
        pathname + ' ' + protocol
      );
    }
    assert.match(server.out(), /echo: connection from 127\.0\.0\.1/);
    assert.match(server.out(), /shout: connection from 127\.0\.0\.1/);
  } finally {
    await stopServer(server, 'SIGINT');
  }
});

test('chat: the terminal client and a test client see each other through the broadcast server', T, async () => {
  const server = await startServer('chat/server.js');
  try {
    const url = 'ws://127.0.0.1:' + server.port + '/';
    const bob = await connectOurs(url + '?name=bob');
    assert.strictEqual((await bob.messages.next('own join')).utf8Data, '* bob joined (1 online)');

    const alice = spawnExample('chat/client.js', [url, 'alice']);
    assert.strictEqual((await bob.messages.next('alice joins')).utf8Data, '* alice joined (2 online)');

    alice.child.stdin.write('hello from alice\n');
    assert.strictEqual((await bob.messages.next('alice speaks')).utf8Data, 'alice: hello from alice');
    await waitForOutput(alice, /^alice: hello from alice$/m, 'alice sees her own line');

    bob.connection.sendUTF('hi alice');
    assert.strictEqual((await bob.messages.next('own line back')).utf8Data, 'bob: hi alice');
    await waitForOutput(alice, /^bob: hi alice$/m, 'alice sees bob');

    alice.child.stdin.end();
    const { code } = await exitOf(alice);
    assert.strictEqual(code, 0, alice.out());
    assert.match(alice.stdout(), /^\* disconnected: 1000 bye$/m);
    assert.strictEqual((await bob.messages.next('alice leaves')).utf8Data, '* alice left (1 online)');

    await assert.rejects(connectOurs(url + 'elsewhere'), /non-101 status: 404/);
    await closeOurs(bob.connection);
  } finally {
    await stopServer(server);
  }
});

test('wss.js serves TLS with a fresh self-signed certificate and removes it on exit', T, async () => {
  const server = await startServer('wss.js');
  const certPath = server.out().match(/^certificate (.+)$/m)[1];
  const ca = fs.readFileSync(certPath);
  try {
    const url = 'wss://127.0.0.1:' + server.port + '/';

    const ours = await connectOurs(url, [], { tlsOptions: { ca } });
    ours.connection.sendUTF('over tls');
    assert.strictEqual((await ours.messages.next('tls echo')).utf8Data, 'over tls');
    ours.connection.sendBytes(Buffer.alloc(100000, 7));
    const echoed = await ours.messages.next('tls binary echo');
    assert.strictEqual(echoed.binaryData.length, 100000);
    assert.ok(echoed.binaryData.every((b) => b === 7));
    await closeOurs(ours.connection);

    const viaWs = await connectWs(url, { ca });
    viaWs.socket.send('ws over tls');
    assert.strictEqual((await viaWs.messages.next('ws tls echo')).data.toString(), 'ws over tls');
    viaWs.socket.close();

    // Without trusting the certificate the TLS handshake must fail.
    await assert.rejects(connectOurs(url), /self-signed|self signed/);
  } finally {
    await stopServer(server);
  }
  assert.strictEqual(fs.existsSync(certPath), false, 'the temporary certificate is removed');
});
