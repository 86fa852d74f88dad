'use strict';
/**
 * Debug logging under `DEBUG=websocket:*`, as `websocket` 1.0.35 does it
 * through the `debug` package (version 2.x, which its `^2.2.0` range
 * installs), without depending on that package (this package has no runtime
 * dependencies). It behaves as `debug` 2.6 does in Node:
 * - `DEBUG` selects namespaces: names separated by commas or spaces, `*`
 *   matching any run of characters, a leading `-` excluding;
 * - `DEBUG_COLORS`, `DEBUG_DEPTH`, `DEBUG_SHOW_HIDDEN` and other
 *   `DEBUG_<option>` variables are util.inspect options for `%o`/`%O`, with
 *   `yes`/`on`/`true`/`enabled` and `no`/`off`/`false`/`disabled` read as
 *   booleans; `DEBUG_FD=1` writes to stdout instead of stderr;
 * - a line is `<date as toUTCString()> <namespace> <message>`, or on a
 *   terminal (or with DEBUG_COLORS=1) `  <namespace> <message> +<time since
 *   the namespace's last line>` with the namespace in one of six colours;
 * - messages are util.format strings, with `%o` (inspect on one line) and `%O`.
 *
 * The environment is read once, when this module loads. A disabled logger is
 * a shared empty function; call sites check a module-level `enabled` flag
 * first, so when logging is off no message is built and nothing is called.
 */
const tty = require('tty');
const util = require('util');

/** The ANSI colours `debug` picks from for a namespace on a basic terminal. */
const COLORS = [6, 2, 3, 4, 5, 1];

/** Entries a connection keeps for `_debug.printOutput()` (websocket keeps all of them, without bound). */
const MAX_BUFFERED = 100;

/**
 * `DEBUG_<NAME>` variables as util.inspect options (`DEBUG_SHOW_HIDDEN` -> `showHidden`).
 * @param {NodeJS.ProcessEnv} env
 * @returns {Record<string, boolean|number|null>}
 */
function readInspectOptions(env) {
  const options = {};
  for (const key of Object.keys(env)) {
    if (!/^debug_/i.test(key)) continue;
    const name = key
      .slice(6)
      .toLowerCase()
      .replace(/_([a-z])/g, (_, letter) => letter.toUpperCase());
    const text = env[key];
    let value;
    if (/^(yes|on|true|enabled)$/i.test(text)) value = true;
    else if (/^(no|off|false|disabled)$/i.test(text)) value = false;
    else if (text === 'null') value = null;
    else value = Number(text);
    options[name] = value;
  }
  return options;
}

/** @param {string} pattern a namespace with `*` wildcards */
function patternToRegExp(pattern) {
  const parts = pattern.split('*').map((part) => part.replace(/[\\^$.+?()[\]{}|/]/g, '\\$&'));
  return new RegExp('^' + parts.join('.*') + '$');
}

/**
 * The namespaces `DEBUG` turns on and off.
 * @param {string|undefined} spec
 * @returns {{on: RegExp[], off: RegExp[]}}
 */
function parseSelection(spec) {
  const on = [];
  const off = [];
  for (const name of String(spec || '')
    .trim()
    .split(/[\s,]+/)) {
    if (name === '') continue;
    if (name[0] === '-') off.push(patternToRegExp(name.slice(1)));
    else on.push(patternToRegExp(name));
  }
  return { on, off };
}

const inspectOptions = readInspectOptions(process.env);
/** Where lines go: stderr, or stdout with DEBUG_FD=1 (debug 2's other descriptors are deprecated there). */
const output = parseInt(process.env.DEBUG_FD, 10) === 1 ? process.stdout : process.stderr;
const selection = parseSelection(process.env.DEBUG);

/**
 * Whether `DEBUG` selects `namespace` (exclusions win).
 * @param {string} namespace
 */
function isEnabled(namespace) {
  if (selection.off.some((re) => re.test(namespace))) return false;
  return selection.on.some((re) => re.test(namespace));
}

/** A namespace's colour: the same string hash as `debug`'s, so each namespace keeps its colour. */
function colorOf(namespace) {
  let hash = 0;
  for (let i = 0; i < namespace.length; i++) {
    hash = (hash << 5) - hash + namespace.charCodeAt(i);
    hash |= 0;
  }
  return COLORS[Math.abs(hash) % COLORS.length];
}

/** Milliseconds the way `debug` prints them: `12ms`, `3s`, `2m`, `1h`, `1d` (rounded). */
function humanize(ms) {
  const abs = Math.abs(ms);
  if (abs >= 86400000) return Math.round(ms / 86400000) + 'd';
  if (abs >= 3600000) return Math.round(ms / 3600000) + 'h';
  if (abs >= 60000) return Math.round(ms / 60000) + 'm';
  if (abs >= 1000) return Math.round(ms / 1000) + 's';
  return ms + 'ms';
}

/** The logger of a namespace that is off: shared, does nothing. */
function disabledLogger(namespace) {
  const log = function () {};
  log.enabled = false;
  log.namespace = namespace;
  return log;
}

/**
 * A logger for `namespace`: `log(format, ...args)` writes one line to stderr
 * when `DEBUG` selects the namespace. `log.enabled` says whether it does.
 * @param {string} namespace e.g. `'websocket:server'`
 * @returns {((...args: any[]) => void) & {enabled: boolean, namespace: string}}
 */
function createLogger(namespace) {
  if (!isEnabled(namespace)) return disabledLogger(namespace);
  const useColors = 'colors' in inspectOptions ? Boolean(inspectOptions.colors) : tty.isatty(output.fd);
  const color = colorOf(namespace);
  const options = { ...inspectOptions, colors: useColors };
  let previous = 0;

  const log = function (...args) {
    const now = Date.now();
    const diff = previous === 0 ? 0 : now - previous;
    previous = now;

    if (args[0] instanceof Error) args[0] = args[0].stack || args[0].message;
    if (typeof args[0] !== 'string') args.unshift('%O');
    // %o and %O are inspected here with the DEBUG_* options (%o on one line);
    // the other directives are util.format's.
    let index = 0;
    args[0] = args[0].replace(/%([a-zA-Z%])/g, (directive, letter) => {
      if (directive === '%%') return '%';
      index++;
      if (letter !== 'o' && letter !== 'O') return directive;
      const text = util.inspect(args[index], options);
      args.splice(index, 1);
      index--;
      return letter === 'O'
        ? text
        : text
            .split('\n')
            .map((line) => line.trim())
            .join(' ');
    });

    if (useColors) {
      const code = '\u001b[3' + color;
      const prefix = '  ' + code + ';1m' + namespace + ' \u001b[0m';
      args[0] = prefix + args[0].split('\n').join('\n' + prefix);
      args.push(code + 'm+' + humanize(diff) + '\u001b[0m');
    } else {
      args[0] = new Date().toUTCString() + ' ' + namespace + ' ' + args[0];
    }
    output.write(util.format(...args) + '\n');
  };
  log.enabled = true;
  log.namespace = namespace;
  return log;
}

/**
 * `connection._debug` when `websocket:connection` is on: each call logs at
 * once as `<id> - <message>` and is also kept (the last 100), so that
 * `printOutput(logFunction = the namespace's logger)` can replay them in
 * websocket's buffering-logger format, `<date> - <id> - <message>`.
 * @param {ReturnType<typeof createLogger>} log the `websocket:connection` logger
 * @param {number} id this connection's number (1, 2, ... in creation order)
 */
function bufferingLogger(log, id) {
  const entries = [];
  const debug = function (format, ...args) {
    if (entries.length === MAX_BUFFERED) entries.shift();
    entries.push([new Date(), format, args]);
    if (typeof format === 'string') log('%d - ' + format, id, ...args);
    else log('%d - %O', id, format, ...args);
  };
  debug.enabled = true;
  debug.namespace = log.namespace;
  /** @param {(...args: any[]) => void} [logFunction] */
  debug.printOutput = function (logFunction) {
    const print = typeof logFunction === 'function' ? logFunction : log;
    for (const [date, format, args] of entries) {
      if (format === undefined || format === null) continue;
      print('%s - %s - ' + String(format), date.toLocaleString(), id, ...args);
    }
  };
  /** Forgets the kept entries. */
  debug.clear = function () {
    entries.length = 0;
    return debug;
  };
  return debug;
}

/** The `_debug` of every connection while `websocket:connection` is off. */
const disabledConnectionLogger = disabledLogger('websocket:connection');
disabledConnectionLogger.printOutput = function () {};
disabledConnectionLogger.clear = function () {
  return disabledConnectionLogger;
};

module.exports = { createLogger, bufferingLogger, disabledConnectionLogger, isEnabled, humanize };
