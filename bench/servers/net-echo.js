'use strict';
/**
 * Raw TCP echo in Node (`net`, no WebSocket framing): the ceiling for any
 * JavaScript server on this machine.
 *
 *   node bench/servers/net-echo.js [port]
 *
 * Prints `{"port":N}` once listening; exits on SIGTERM, SIGINT, or when its
 * parent closes stdin.
 */
const net = require('net');

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => {});
  socket.pipe(socket);
});

server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
