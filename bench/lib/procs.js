'use strict';
/**
 * Child processes of the benchmark: servers pinned to core 0, the load
 * generator (or a client under test) pinned to core 1, each started through
 * bash so the open-file limit can be raised first. Everything is bounded in
 * time and killed by pid.
 */
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');
const LOADGEN = path.join(ROOT, 'target', 'release', 'loadgen');

/** Raise the soft open-file limit (to 65536, or to the hard limit if lower), then exec the command pinned to a core. */
const PINNED =
  'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; core="$1"; shift; exec taskset -c "$core" "$@"';

/**
 * Starts `argv` pinned to `core`. `exec` keeps the pid, so the pid we get is the
 * pid of the program itself (what /proc is read for).
 * @param {number} core
 * @param {string[]} argv
 * @returns {import('child_process').ChildProcess}
 */
function startPinned(core, argv) {
  return spawn('bash', ['-c', PINNED, 'bash', String(core), ...argv], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe']
  });
}

/**
 * Collects a child's output; resolves with its first stdout line or rejects on exit/timeout.
 * @param {import('child_process').ChildProcess} child
 * @param {number} timeoutMs
 * @returns {Promise<string>}
 */
function firstLine(child, timeoutMs) {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => done(new Error('no answer within ' + timeoutMs + ' ms' + tail(err))), timeoutMs);
    const onData = (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) done(null, out.slice(0, nl));
    };
    const onErr = (d) => (err += d);
    const onExit = (code, signal) => done(new Error('exited (' + (signal || code) + ') before answering' + tail(err)));
    function done(e, line) {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onErr);
      child.off('exit', onExit);
      if (e) reject(e);
      else resolve(line);
    }
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.stderr.on('data', onErr);
    child.on('exit', onExit);
  });
}

/**
 * The last lines of a stderr text, for error messages.
 * @param {string} text
 * @returns {string}
 */
function tail(text) {
  const lines = text.trim().split('\n').filter(Boolean);
  return lines.length ? ': ' + lines.slice(-3).join(' | ') : '';
}

/**
 * The command line of a server target.
 * @param {string} target one of websocket-rs, websocket, ws, native, net
 * @returns {string[]}
 */
function serverArgv(target) {
  if (target === 'native') return [LOADGEN, 'serve', '--port', '0', '--lifetime', '3600'];
  if (target === 'net') return [process.execPath, path.join(__dirname, '..', 'servers', 'net-echo.js'), '0'];
  return [process.execPath, path.join(__dirname, '..', 'servers', 'echo.js'), target, '0'];
}

/**
 * Starts a server target on core `core` and waits for its port.
 * @param {string} target
 * @param {number} [core]
 * @returns {Promise<{pid: number, port: number, stop: () => Promise<void>}>}
 */
async function startServer(target, core = 0) {
  const child = startPinned(core, serverArgv(target));
  const stop = () => kill(child);
  try {
    const line = await firstLine(child, 15000);
    const { port } = JSON.parse(line);
    child.stdout.resume();
    child.stderr.resume();
    return { pid: child.pid, port, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * Ends a child: SIGTERM, then SIGKILL after a second; resolves once it exited.
 * @param {import('child_process').ChildProcess} child
 * @returns {Promise<void>}
 */
function kill(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 1000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.stdin.end();
    child.kill('SIGTERM');
  });
}

/**
 * Runs a program pinned to `core` to completion and parses the JSON object it prints.
 * @param {number} core
 * @param {string[]} argv
 * @param {number} timeoutMs
 * @returns {Promise<object>}
 */
function runJson(core, argv, timeoutMs) {
  const child = startPinned(core, argv);
  child.stdin.end();
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('timed out after ' + timeoutMs + ' ms' + tail(err)));
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() || '';
      let result;
      try {
        result = JSON.parse(line);
      } catch {
        reject(new Error('no JSON result (exit ' + (signal || code) + ')' + tail(err || out)));
        return;
      }
      if (result.error) reject(new Error(result.error + tail(err)));
      else resolve(result);
    });
  });
}

/**
 * CPU time of all threads of `pid` in microseconds (utime + stime from /proc/<pid>/stat).
 * @param {number} pid
 * @returns {number | null}
 */
function cpuUs(pid) {
  try {
    const text = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // Field 3 (state) is fields[0], so utime (14) and stime (15) are fields[11] and fields[12].
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return null;
  }
}

/**
 * Nanoseconds the threads of `pid` have sat runnable but not running: the sum
 * of run_delay (second field) of /proc/<pid>/task/<tid>/schedstat.
 * @param {number} pid
 * @returns {number | null} null when unreadable (no such process, no schedstats)
 */
function schedWaitNs(pid) {
  let tasks;
  try {
    tasks = fs.readdirSync('/proc/' + pid + '/task');
  } catch {
    return null;
  }
  let total = 0;
  let any = false;
  for (const tid of tasks) {
    try {
      const wait = Number(fs.readFileSync('/proc/' + pid + '/task/' + tid + '/schedstat', 'utf8').split(' ')[1]);
      if (Number.isFinite(wait)) {
        total += wait;
        any = true;
      }
    } catch {
      // The thread exited between the listing and the read.
    }
  }
  return any ? total : null;
}

/**
 * VmRSS of `pid` in KiB.
 * @param {number} pid
 * @returns {number | null}
 */
function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync('/proc/' + pid + '/status', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

module.exports = { LOADGEN, ROOT, startServer, runJson, cpuUs, schedWaitNs, rssKb };
