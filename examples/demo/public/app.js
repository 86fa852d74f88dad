'use strict';
/**
 * The demo page: connects to /ws with the browser's WebSocket, sends text and
 * bytes, shows what the server relays and the stats it pushes.
 */
(() => {
  const $ = (id) => document.getElementById(id);
  const status = $('status');
  const messages = $('messages');
  /** Show at most this many bytes of a binary message as hex. */
  const MAX_HEX_BYTES = 64;
  /** @type {WebSocket|null} */
  let ws = null;

  /**
   * Appends a line to the message list (as text: nothing received is parsed as HTML).
   * @param {string} kind css class: chat, binary, system, closed, error
   * @param {string} text
   * @param {string} [from] shown in bold before the text
   */
  function show(kind, text, from) {
    const li = document.createElement('li');
    li.className = kind;
    if (from !== undefined) {
      const b = document.createElement('span');
      b.className = 'from';
      b.textContent = from + ': ';
      li.append(b);
    }
    li.append(text);
    messages.append(li);
    li.scrollIntoView({ block: 'nearest' });
  }

  /**
   * @param {'open'|'closed'|'connecting'} state
   * @param {string} text
   */
  function setStatus(state, text) {
    status.className = 'status ' + state;
    status.textContent = text;
    const open = state === 'open';
    $('connect').disabled = state !== 'closed';
    $('name').disabled = state !== 'closed';
    $('disconnect').disabled = !open;
    for (const id of ['text', 'send', 'bytes', 'send-bytes']) $(id).disabled = !open;
  }

  /** @param {Uint8Array} bytes */
  function hex(bytes) {
    const shown = Array.from(bytes.subarray(0, MAX_HEX_BYTES), (b) => b.toString(16).padStart(2, '0'));
    return shown.join(' ') + (bytes.length > MAX_HEX_BYTES ? ' …' : '');
  }

  /** @param {{connections: number, messagesPerSecond: number, totalMessages: number, uptimeSeconds: number}} s */
  function showStats(s) {
    $('stats-connections').textContent = String(s.connections);
    $('stats-rate').textContent = s.messagesPerSecond.toFixed(1);
    $('stats-total').textContent = String(s.totalMessages);
    $('stats-uptime').textContent = s.uptimeSeconds + ' s';
  }

  /** @param {string} data a JSON text message from the server */
  function onText(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      show('error', 'not JSON: ' + data);
      return;
    }
    if (message.type === 'stats') showStats(message);
    else if (message.type === 'chat') show('chat', message.text, message.from);
    else if (message.type === 'system') show('system', message.text);
    else if (message.type === 'welcome') setStatus('open', 'connected as ' + message.name);
  }

  function connect() {
    const name = $('name').value.trim();
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(scheme + '//' + location.host + '/ws?name=' + encodeURIComponent(name));
    socket.binaryType = 'arraybuffer';
    ws = socket;
    setStatus('connecting', 'connecting…');

    socket.addEventListener('message', (event) => {
      if (typeof event.data === 'string') onText(event.data);
      else {
        const bytes = new Uint8Array(event.data);
        show('binary', 'binary ' + bytes.length + ' bytes: ' + hex(bytes));
      }
    });
    socket.addEventListener('open', () => {
      // What the browser and the server agreed on (permessage-deflate), for the page's test.
      document.body.dataset.extensions = socket.extensions;
    });
    socket.addEventListener('error', () => show('error', 'WebSocket error'));
    socket.addEventListener('close', (event) => {
      const text = 'closed: code ' + event.code + ' reason ' + JSON.stringify(event.reason);
      const clean = event.wasClean ? 'clean' : 'not clean';
      setStatus('closed', text + ' (' + clean + ')');
      status.dataset.code = String(event.code);
      status.dataset.reason = event.reason;
      status.dataset.wasClean = String(event.wasClean);
      show('closed', text + ', wasClean ' + event.wasClean);
      if (ws === socket) ws = null;
    });
  }

  /** @param {string} text e.g. "de ad be ef" or "deadbeef" @returns {Uint8Array|null} */
  function parseHex(text) {
    const digits = text.replace(/\s+/g, '');
    if (!/^([0-9a-f]{2})*$/i.test(digits)) return null;
    const bytes = new Uint8Array(digits.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
    return bytes;
  }

  $('join').addEventListener('submit', (event) => {
    event.preventDefault();
    if (!ws) connect();
  });
  $('disconnect').addEventListener('click', () => {
    if (ws) ws.close(1000, 'bye from page');
  });
  $('chat').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('text');
    if (!ws || ws.readyState !== WebSocket.OPEN || input.value === '') return;
    ws.send(input.value);
    input.value = '';
  });
  $('bytes-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const bytes = parseHex($('bytes').value);
    if (!bytes) show('error', 'type bytes as hex pairs, e.g. "de ad be ef"');
    else if (ws && ws.readyState === WebSocket.OPEN) ws.send(bytes);
  });

  setStatus('closed', 'not connected');
})();
