'use strict';
/**
 * Echo server for `wstest -m fuzzingclient`: every text message goes back as text, every binary message as binary.
 *
 * Usage: `AUTOBAHN_IMPL=websocket-rs|websocket|ws node autobahn/echo-server.js [port]`
 *
 * Listens on 127.0.0.1 (port 0 unless one is given) and prints one line `listening <port>` once it is ready, which
 * `run.sh` waits for. It runs until it gets SIGTERM or SIGINT.
 */
const http = require('http');
const impl = require('./impl');

const name = impl.selected();
const port = Number(process.argv[2] || 0);

const httpServer = http.createServer((req, res) => {
  res.writeHead(404);
  res.end();
});
impl.mountEcho(name, httpServer);

httpServer.listen(port, '127.0.0.1', () => {
  process.stdout.write('listening ' + httpServer.address().port + '\n');
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
