'use strict';
/**
 * The `browser` entry (lib/browser.js, lib/browser.mjs): a real bundler
 * (esbuild, platform "browser") resolves `require('websocket-rs')` and
 * `import ... from 'websocket-rs'` through package.json's `browser` field and
 * the exports map's `browser` condition, and pulls in no native code; the
 * bundle's `w3cwebsocket` is the environment's own WebSocket; and in headless
 * Chromium (Debian's /usr/bin/chromium driven by playwright-core, as in
 * demo.test.js) a bundled client talks to our server, both ways.
 */
/* global window -- only inside functions that page.waitForFunction runs in the browser */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const vm = require('vm');
const esbuild = require('esbuild');

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.join(__dirname, '..');
const T = { timeout: 30000 };
/** Bound for every single wait in the browser, well inside T. */
const WAIT_MS = 10000;
const VERSION = require('../package.json').version;

/**
 * The files a browser bundle of the package may contain, relative to the repo root: the entry and the version
 * (read from package.json, as websocket's lib/version.js does). Nothing else, so nothing native.
 */
const BROWSER_FILES = ['lib/browser.js', 'lib/version.js', 'package.json'];

/** A client program for the browser, written as a user would, once with `require` and once with `import`. */
const PROGRAMS = {
  'cjs.js': `
    const { w3cwebsocket: W3CWebSocket, version } = require('websocket-rs');
    window.reports = window.reports || {};
    run('cjs', W3CWebSocket, version, require('websocket-rs').w3cwebsocket === W3CWebSocket);
    ${runSource()}`,
  'esm.mjs': `
    import websocket, { w3cwebsocket as W3CWebSocket, version } from 'websocket-rs';
    window.reports = window.reports || {};
    run('esm', W3CWebSocket, version, websocket.w3cwebsocket === W3CWebSocket);
    ${runSource()}`
};

/**
 * The part both programs share: connect with the `echo-protocol` subprotocol,
 * send one message, close with 1000 "done" after the answer, and record all of
 * it in `window.reports[name]`.
 */
function runSource() {
  return `
    function run(name, W3CWebSocket, version, sameExport) {
      const report = (window.reports[name] = { version, sameExport, events: [] });
      report.constants = [W3CWebSocket.CONNECTING, W3CWebSocket.OPEN, W3CWebSocket.CLOSING, W3CWebSocket.CLOSED];
      const ws = new W3CWebSocket('ws://' + location.host + '/' + name, 'echo-protocol');
      report.isBrowserWebSocket = ws instanceof WebSocket && ws instanceof W3CWebSocket;
      ws.onopen = () => {
        report.events.push('open ' + ws.protocol);
        ws.send('hello from the ' + name + ' bundle');
      };
      ws.onmessage = (event) => {
        report.events.push('message ' + event.data);
        ws.close(1000, 'done');
      };
      ws.onerror = () => report.events.push('error');
      ws.onclose = (event) => {
        // The server's reply carries the code only (as websocket's does): no reason here.
        report.events.push('close ' + event.code + ' "' + event.reason + '" ' + event.wasClean);
        report.done = true;
      };
    }`;
}

/** A scratch project whose node_modules/websocket-rs is this repository, with the two programs in it. */
function scratchProject() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'websocket-rs-browser-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'websocket-rs'), 'dir');
  for (const [file, source] of Object.entries(PROGRAMS)) fs.writeFileSync(path.join(dir, file), source);
  return dir;
}

/**
 * Bundles `entry` (a file in `dir`) for `platform` into one IIFE script.
 * @returns {Promise<{code: string, inputs: string[]}>} the script, and every input file relative to the repo root
 *   (files of the scratch project as `<scratch>/name`)
 */
async function bundle(dir, entry, platform) {
  const result = await esbuild.build({
    absWorkingDir: dir,
    entryPoints: [path.join(dir, entry)],
    bundle: true,
    platform,
    format: 'iife',
    write: false,
    metafile: true,
    logLevel: 'silent'
  });
  const realDir = fs.realpathSync(dir);
  const inputs = Object.keys(result.metafile.inputs).map((input) => {
    const file = path.resolve(realDir, input);
    if (file.startsWith(realDir + path.sep)) return '<scratch>/' + path.relative(realDir, file);
    return path.relative(ROOT, file).split(path.sep).join('/');
  });
  return { code: result.outputFiles[0].text, inputs: inputs.sort() };
}

/** Runs a bundle in a fresh context whose global scope (also `window`) has `globals`; returns that scope. */
function runInContext(code, globals) {
  const context = vm.createContext({ ...globals });
  context.window = context;
  vm.runInContext(code, context, { timeout: 5000 });
  return context;
}

describe('the browser entry, bundled by esbuild', () => {
  let dir;
  before(() => {
    dir = scratchProject();
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('require() bundles lib/browser.js and nothing native', T, async () => {
    const { inputs } = await bundle(dir, 'cjs.js', 'browser');
    assert.deepStrictEqual(inputs, ['<scratch>/cjs.js', ...BROWSER_FILES].sort());
  });

  test('import bundles lib/browser.mjs over lib/browser.js, and nothing native', T, async () => {
    const { inputs } = await bundle(dir, 'esm.mjs', 'browser');
    assert.deepStrictEqual(inputs, ['<scratch>/esm.mjs', 'lib/browser.mjs', ...BROWSER_FILES].sort());
  });

  test('the same program bundled for Node gets the Node entry (the check above can fail)', T, async () => {
    const { inputs } = await bundle(dir, 'cjs.js', 'node');
    assert.ok(inputs.includes('index.js'), inputs.join('\n'));
    assert.ok(inputs.includes('lib/native.js'), inputs.join('\n'));
    assert.ok(!inputs.includes('lib/browser.js'), inputs.join('\n'));
  });

  test("w3cwebsocket constructs the environment's own WebSocket and has its constants", T, async () => {
    const { code } = await bundle(dir, 'cjs.js', 'browser');
    const made = [];
    class FakeWebSocket {
      constructor(...args) {
        made.push(args);
        this.readyState = 0;
      }
    }
    Object.assign(FakeWebSocket, { CONNECTING: 10, OPEN: 11, CLOSING: 12, CLOSED: 13 });
    const scope = runInContext(code, { WebSocket: FakeWebSocket, location: { host: 'example.test' } });
    // A plain copy: objects made in the context have that context's prototypes.
    const report = JSON.parse(JSON.stringify(scope.reports.cjs));
    assert.strictEqual(report.version, VERSION);
    assert.strictEqual(report.sameExport, true);
    assert.deepStrictEqual(report.constants, [10, 11, 12, 13]);
    assert.strictEqual(report.isBrowserWebSocket, true, 'instanceof holds for the class and for w3cwebsocket');
    assert.deepStrictEqual(JSON.parse(JSON.stringify(made)), [['ws://example.test/cjs', 'echo-protocol']]);
  });

  test('without protocols only the URL is passed on; MozWebSocket is used where WebSocket is missing', T, async () => {
    const made = [];
    function MozWebSocket(...args) {
      made.push(args);
    }
    MozWebSocket.OPEN = 1;
    const source = fs.readFileSync(path.join(ROOT, 'lib', 'browser.js'), 'utf8');
    const module = { exports: {} };
    const scope = vm.createContext({ MozWebSocket, module, require: () => VERSION });
    vm.runInContext('(function (module, require) {' + source + '\n})(module, require)', scope);
    const { w3cwebsocket: W, version } = module.exports;
    assert.strictEqual(version, VERSION);
    assert.strictEqual(typeof W, 'function');
    const a = new W('ws://a.test/');
    const b = new W('ws://b.test/', ['x', 'y']);
    assert.deepStrictEqual(made, [['ws://a.test/'], ['ws://b.test/', ['x', 'y']]]);
    assert.ok(a instanceof MozWebSocket && b instanceof W);
    assert.strictEqual(W.OPEN, 1);
    assert.strictEqual(W.CLOSED, undefined, 'the constants are read from the class, as they are');
  });

  test('w3cwebsocket is null where there is no WebSocket; version is still there', T, async () => {
    const { code } = await bundle(dir, 'esm.mjs', 'browser');
    // The program itself fails on `new null(...)`; what it exported before that is what we check.
    const scope = vm.createContext({});
    scope.window = scope;
    assert.throws(() => vm.runInContext(code, scope, { timeout: 5000 }), /null/);
    assert.strictEqual(scope.reports.esm.version, VERSION);
    assert.strictEqual(scope.reports.esm.sameExport, true);
    // And straight from the module, with nothing on the global scope:
    const source = fs.readFileSync(path.join(ROOT, 'lib', 'browser.js'), 'utf8');
    const module = { exports: {} };
    vm.runInContext(
      '(function (module, require) {' + source + '\n})(module, require)',
      vm.createContext({ module, require: () => VERSION })
    );
    assert.deepStrictEqual({ ...module.exports }, { w3cwebsocket: null, version: VERSION });
  });
});

if (Number(process.versions.node.split('.')[0]) < 20) {
  // The package runs on Node 18 (.ci/run runs this suite there); the test's browser driver does not.
  test('bundled client in headless Chromium', {
    skip: 'playwright-core, the browser driver, needs Node.js 20 or later'
  });
} else if (!fs.existsSync(CHROMIUM)) {
  test('bundled client in headless Chromium', T, (t) => {
    if (process.env.CI) {
      assert.fail(CHROMIUM + " is missing: install Debian's chromium package (apt-get install -y chromium)");
    }
    t.skip('no ' + CHROMIUM + ': apt-get install chromium to run this test');
  });
} else {
  describe('bundled client in headless Chromium against our server', () => {
    const WebSocketServer = require('..').server;
    let dir;
    /** @type {import('http').Server} */
    let httpServer;
    let wsServer;
    /** @type {import('playwright-core').Browser} */
    let browser;
    /** What the server saw: `<path> <protocol>` per connection, `<path>: <text>` per message, closes. */
    const seen = [];
    const pageErrors = [];

    before(async () => {
      dir = scratchProject();
      const scripts = {
        '/cjs.js': (await bundle(dir, 'cjs.js', 'browser')).code,
        '/esm.js': (await bundle(dir, 'esm.mjs', 'browser')).code
      };
      const page =
        '<!doctype html><title>bundle</title><link rel="icon" href="data:,"><script src="/cjs.js"></script><script src="/esm.js"></script>';
      httpServer = http.createServer((req, res) => {
        const body = req.url === '/' ? page : scripts[req.url];
        if (body === undefined) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': req.url === '/' ? 'text/html' : 'text/javascript' }).end(body);
      });
      await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
      wsServer = new WebSocketServer({ httpServer, autoAcceptConnections: false });
      wsServer.on('request', (request) => {
        const protocol = request.requestedProtocols.includes('echo-protocol') ? 'echo-protocol' : null;
        const connection = request.accept(protocol, request.origin);
        seen.push(request.resource + ' ' + connection.protocol);
        connection.on('message', (message) => {
          seen.push(request.resource + ': ' + message.utf8Data);
          connection.sendUTF('server got "' + message.utf8Data + '"');
        });
        connection.on('close', (code, description) =>
          seen.push(request.resource + ' closed ' + code + ' ' + description)
        );
      });

      const { chromium } = require('playwright-core');
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: WAIT_MS });
    }, T);

    after(async () => {
      if (browser) await browser.close().catch(() => {});
      if (wsServer) wsServer.shutDown();
      if (httpServer) await new Promise((resolve) => httpServer.close(resolve));
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    }, T);

    test('both bundles send a message, get the answer and close cleanly', T, async () => {
      const page = await browser.newPage();
      page.setDefaultTimeout(WAIT_MS);
      page.on('pageerror', (err) => pageErrors.push(err.message));
      page.on('console', (msg) => {
        if (msg.type() === 'error') pageErrors.push(msg.text());
      });
      await page.goto('http://127.0.0.1:' + httpServer.address().port + '/');
      await page.waitForFunction(() => window.reports && window.reports.cjs.done && window.reports.esm.done);
      const reports = await page.evaluate(() => window.reports);
      for (const name of ['cjs', 'esm']) {
        const report = reports[name];
        assert.deepStrictEqual(
          report,
          {
            version: VERSION,
            sameExport: true,
            constants: [0, 1, 2, 3],
            isBrowserWebSocket: true,
            events: [
              'open echo-protocol',
              'message server got "hello from the ' + name + ' bundle"',
              'close 1000 "" true'
            ],
            done: true
          },
          name
        );
        assert.ok(seen.includes('/' + name + ' echo-protocol'), seen.join('\n'));
        assert.ok(seen.includes('/' + name + ': hello from the ' + name + ' bundle'), seen.join('\n'));
      }
      assert.deepStrictEqual(pageErrors, []);
      await page.close();
      // The server's 'close' comes when the TCP connection ends, which may be just after the page's.
      const deadline = Date.now() + WAIT_MS;
      const closes = ['/cjs closed 1000 done', '/esm closed 1000 done'];
      while (!closes.every((line) => seen.includes(line)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      for (const line of closes) assert.ok(seen.includes(line), seen.join('\n'));
    });
  });
}
