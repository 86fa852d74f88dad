'use strict';
/**
 * One timer for the keepalive, grace-period and close-timeout deadlines of
 * every connection (issue 14): a binary min-heap of connections ordered by
 * their earliest deadline, and a single `setTimeout` armed for the root.
 *
 * A connection in the heap carries two numbers (`_dlAt`, its deadline in
 * `Date.now()` milliseconds, and `_dlIndex`, its place in the heap) instead
 * of a Timeout object and a bound function per timer. Scheduling a deadline
 * later than the armed one (the usual case: every new keepalive deadline is
 * `now + interval`) costs a heap insertion and no timer call.
 *
 * When the timer fires, every connection whose deadline has passed is taken
 * out of the heap in deadline order and its `_onDeadline(now)` is called; that
 * method may schedule the connection again.
 */

/** @type {Array<{_dlAt: number, _dlIndex: number, _onDeadline: (now: number) => void}>} */
const heap = [];
/** @type {NodeJS.Timeout | null} */
let timer = null;
/** The deadline `timer` is armed for (Infinity when unarmed). */
let timerAt = Infinity;

function swap(i, j) {
  const a = heap[i];
  const b = heap[j];
  heap[i] = b;
  heap[j] = a;
  a._dlIndex = j;
  b._dlIndex = i;
}

function up(i) {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]._dlAt <= heap[i]._dlAt) break;
    swap(i, parent);
    i = parent;
  }
}

function down(i) {
  const n = heap.length;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    const c = r < n && heap[r]._dlAt < heap[l]._dlAt ? r : l;
    if (heap[i]._dlAt <= heap[c]._dlAt) break;
    swap(i, c);
    i = c;
  }
}

function removeAt(i) {
  const item = heap[i];
  const last = heap.pop();
  item._dlIndex = -1;
  if (last !== item) {
    heap[i] = last;
    last._dlIndex = i;
    up(i);
    down(last._dlIndex);
  }
}

/** Arms the timer for the root if it is earlier than what is armed; stops it when nothing is left. */
function arm() {
  if (heap.length === 0) {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
      timerAt = Infinity;
    }
    return;
  }
  const at = heap[0]._dlAt;
  if (timer !== null && timerAt <= at) return;
  if (timer !== null) clearTimeout(timer);
  timerAt = at;
  timer = setTimeout(fire, Math.max(1, at - Date.now()));
}

function fire() {
  timer = null;
  timerAt = Infinity;
  const now = Date.now();
  try {
    while (heap.length > 0 && heap[0]._dlAt <= now) {
      const item = heap[0];
      removeAt(0);
      item._onDeadline(now);
    }
  } finally {
    // Also when a handler threw (an application 'close' listener): the
    // deadlines still due run on the next turn instead of never.
    arm();
  }
}

/**
 * Sets (or moves) the deadline of `item` to `at`.
 * @param {{_dlAt: number, _dlIndex: number}} item
 * @param {number} at
 */
function schedule(item, at) {
  if (item._dlIndex !== -1 && item._dlIndex !== undefined) {
    const old = item._dlAt;
    item._dlAt = at;
    if (at < old) up(item._dlIndex);
    else down(item._dlIndex);
  } else {
    item._dlAt = at;
    item._dlIndex = heap.length;
    heap.push(item);
    up(item._dlIndex);
  }
  arm();
}

/**
 * Takes `item` out of the heap, if it is there.
 * @param {{_dlIndex: number}} item
 */
function cancel(item) {
  if (item._dlIndex === -1 || item._dlIndex === undefined) return;
  removeAt(item._dlIndex);
  // The armed timer may now be early; it fires, finds nothing due and re-arms.
  if (heap.length === 0) arm();
}

/** Connections with a pending deadline (for tests and the memory breakdown). */
function size() {
  return heap.length;
}

module.exports = { schedule, cancel, size };
