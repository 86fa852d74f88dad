'use strict';
/**
 * The `npm start` demo end to end: starts examples/demo/server.js on a free
 * port, opens its page twice in headless Chromium (Debian's /usr/bin/chromium
 * driven by playwright-core) and checks that the browser's own WebSocket talks
 * to our server: text and binary relays, pushed stats, and a close with code
 * and reason started by the server. Leaves a screenshot in tmp/demo.png.
 */
/* global document -- only inside functions that page.waitForFunction runs in the browser */
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const WsWebSocket = require('ws');

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.join(__dirname, '..');
const SERVER = path.join(ROOT, 'examples', 'demo', 'server.js');
const SCREENSHOT = path.join(ROOT, 'tmp', 'demo.png');
const T = { timeout: 30000 };
/** Bound for every single wait (page actions, output, exit), well inside T. */
const WAIT_MS = 10000;

if (Number(process.versions.node.split('.')[0]) < 20) {
  // The package runs on Node 18 (.ci/run runs this suite there); the test's browser driver does not.
  test('demo page in headless Chromium', { skip: 'playwright-core, the browser driver, needs Node.js 20 or later' });
} else if (!fs.existsSync(CHROMIUM)) {
  test('demo page in headless Chromium', T, (t) => {
    if (process.env.CI) {
      assert.fail(CHROMIUM + " is missing: install Debian's chromium package (apt-get install -y chromium)");
    }
    t.skip('no ' + CHROMIUM + ': apt-get install chromium to run this test');
  });
} else {
  describe('npm start demo in headless Chromium', () => {
    /** @type {import('child_process').ChildProcess} */
    let server;
    let output = '';
    /** @type {Promise<{code: number|null, signal: string|null}>} */
    let exited;
    let baseURL;
    /** @type {import('playwright-core').Browser} */
    let browser;
    /** @type {import('playwright-core').Page} */
    let pageA;
    /** @type {import('playwright-core').Page} */
    let pageB;
    /** Uncaught exceptions and console errors (e.g. CSP violations) from either page. */
    const pageErrors = [];

    before(async () => {
      server = spawn(process.execPath, [SERVER, '0'], {
        cwd: ROOT,
        env: { ...process.env, PORT: '', HOST: '' },
        stdio: ['ignore', 'pipe', 'pipe']
      });
      server.stdout.setEncoding('utf8').on('data', (d) => (output += d));
      server.stderr.setEncoding('utf8').on('data', (d) => (output += d));
      exited = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
      const m = await waitFor(() => output.match(/listening on (http:\/\/127\.0\.0\.1:\d+\/)/), 'the listening line');
      baseURL = m[1];

      const { chromium } = require('playwright-core');
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: WAIT_MS });
      pageA = await newPage('A');
      pageB = await newPage('B');
    }, T);

    after(async () => {
      if (browser) await browser.close().catch(() => {});
      if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    }, T);

    /**
     * Polls `check` until it returns something truthy, or fails after WAIT_MS.
     * @template R
     * @param {() => R} check
     * @param {string} what
     * @returns {Promise<R>}
     */
    async function waitFor(check, what) {
      const deadline = Date.now() + WAIT_MS;
      for (;;) {
        const result = check();
        if (result) return result;
        if (Date.now() > deadline) throw new Error(what + ' not seen within ' + WAIT_MS + ' ms. Output:\n' + output);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    /** @param {string} label names the page in error messages */
    async function newPage(label) {
      const page = await browser.newPage();
      page.setDefaultTimeout(WAIT_MS);
      page.on('pageerror', (err) => pageErrors.push(label + ': ' + err.message));
      page.on('console', (msg) => {
        if (msg.type() === 'error') pageErrors.push(label + ': ' + msg.text());
      });
      await page.goto(baseURL);
      return page;
    }

    /** Resolves once `selector`'s text equals `expected` (string) or matches it (RegExp). */
    async function waitForText(page, selector, expected) {
      const isRegExp = expected instanceof RegExp;
      const pattern = isRegExp ? [expected.source, expected.flags] : null;
      await page.waitForFunction(
        ([sel, text, re]) => {
          const el = document.querySelector(sel);
          if (!el) return false;
          return re ? new RegExp(re[0], re[1]).test(el.textContent) : el.textContent === text;
        },
        [selector, isRegExp ? null : expected, pattern]
      );
      return page.textContent(selector);
    }

    /** Texts of the message list entries with css class `kind`. */
    function listed(page, kind) {
      return page.$$eval('#messages li.' + kind, (items) => items.map((li) => li.textContent));
    }

    async function join(page, name) {
      await page.fill('#name', name);
      await page.click('#connect');
      await waitForText(page, '#status', 'connected as ' + name);
    }

    test('serves the page, its script and style, and refuses other origins and paths', T, async () => {
      const page = await fetch(baseURL);
      assert.strictEqual(page.status, 200);
      assert.match(page.headers.get('content-type'), /^text\/html/);
      assert.match(page.headers.get('content-security-policy'), /default-src 'self'/);
      assert.match(await page.text(), /<script src="\/app\.js"/);
      assert.match((await fetch(baseURL + 'app.js')).headers.get('content-type'), /^text\/javascript/);
      assert.match((await fetch(baseURL + 'style.css')).headers.get('content-type'), /^text\/css/);
      assert.strictEqual((await fetch(baseURL + '../package.json')).status, 404);
      assert.strictEqual((await fetch(baseURL + 'server.js')).status, 404);

      const wsURL = baseURL.replace('http:', 'ws:') + 'ws';
      const refused = await new Promise((resolve, reject) => {
        const ws = new WsWebSocket(wsURL, { origin: 'http://evil.example' });
        ws.on('unexpected-response', (req, res) => {
          res.resume();
          req.destroy();
          resolve(res.statusCode);
        });
        ws.on('open', () => reject(new Error('a foreign origin was accepted')));
        ws.on('error', reject);
      });
      assert.strictEqual(refused, 403, 'a page from another origin may not connect');
    });

    test('two pages connect and both are told there are 2 connections', T, async () => {
      await join(pageA, 'alice');
      await join(pageB, 'bob');
      // The browser offered permessage-deflate and our server agreed (the later messages are compressed).
      for (const page of [pageA, pageB]) {
        assert.strictEqual(
          await page.$eval('body', (el) => el.dataset.extensions),
          'permessage-deflate; server_no_context_takeover; client_no_context_takeover'
        );
      }
      assert.strictEqual(await waitForText(pageA, '#stats-connections', '2'), '2');
      assert.strictEqual(await waitForText(pageB, '#stats-connections', '2'), '2');
      assert.match(await pageA.textContent('#stats-rate'), /^\d+\.\d$/, 'messages/s is shown');
      assert.ok((await listed(pageA, 'system')).includes('bob joined'), 'A is told that bob joined');
    });

    test('a text message typed in page A appears in page B and in A', T, async () => {
      await pageA.fill('#text', 'hello from A ✓ <b>not bold</b>');
      await pageA.press('#text', 'Enter');
      const line = 'alice: hello from A ✓ <b>not bold</b>';
      await waitForText(pageB, '#messages li.chat:last-child', line);
      await waitForText(pageA, '#messages li.chat:last-child', line);
      assert.deepStrictEqual(await listed(pageB, 'chat'), [line], 'B got it once, as text (not as HTML)');
      assert.strictEqual(await pageA.inputValue('#text'), '', 'the input is cleared after sending');
    });

    test('bytes sent from page B arrive in page A as a binary message with the same bytes', T, async () => {
      await pageB.fill('#bytes', '00 01 7f 80 ff');
      await pageB.click('#send-bytes');
      const line = 'binary 5 bytes: 00 01 7f 80 ff';
      await waitForText(pageA, '#messages li.binary:last-child', line);
      await waitForText(pageB, '#messages li.binary:last-child', line);
      assert.deepStrictEqual(await listed(pageA, 'binary'), [line]);
      // Both messages so far are counted in the stats the server pushes.
      await waitForText(pageA, '#stats-total', /^[2-9]$/);
    });

    test('/kick closes the other page with code 4001 and a reason, cleanly', T, async () => {
      await pageA.fill('#text', '/kick bob');
      await pageA.press('#text', 'Enter');
      const status = await waitForText(pageB, '#status', /^closed:/);
      assert.strictEqual(status, 'closed: code 4001 reason "kicked by alice" (clean)');
      const data = await pageB.$eval('#status', (el) => ({ ...el.dataset }));
      assert.deepStrictEqual(data, { code: '4001', reason: 'kicked by alice', wasClean: 'true' });
      assert.ok(await pageB.isEnabled('#connect'), 'B can connect again');

      await waitForText(pageA, '#stats-connections', '1');
      const system = await listed(pageA, 'system');
      assert.ok(system.includes('alice kicked bob'), system.join('\n'));
      await waitForText(pageA, '#messages li.system:last-child', 'bob left (4001 kicked by alice)');

      fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await pageA.screenshot({ path: SCREENSHOT, fullPage: true });
    });

    test('/close makes the server close the sender with code 4001 and reason "bye from server"', T, async () => {
      await pageA.fill('#text', '/close');
      await pageA.press('#text', 'Enter');
      const status = await waitForText(pageA, '#status', /^closed:/);
      assert.strictEqual(status, 'closed: code 4001 reason "bye from server" (clean)');
      const data = await pageA.$eval('#status', (el) => ({ ...el.dataset }));
      assert.deepStrictEqual(data, { code: '4001', reason: 'bye from server', wasClean: 'true' });
      const closed = await listed(pageA, 'closed');
      assert.deepStrictEqual(closed, ['closed: code 4001 reason "bye from server", wasClean true']);
    });

    test('the pages logged no errors, and the server stops on SIGTERM with status 0', T, async () => {
      assert.deepStrictEqual(pageErrors, []);
      server.kill('SIGTERM');
      let timer;
      const timeout = new Promise((resolve, reject) => {
        timer = setTimeout(() => reject(new Error('server did not exit. Output:\n' + output)), WAIT_MS);
      });
      const { code, signal } = await Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
      assert.deepStrictEqual({ code, signal }, { code: 0, signal: null }, output);
      assert.match(output, /received SIGTERM, shutting down\n[^]*stopped/);
    });
  });
}
