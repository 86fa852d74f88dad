'use strict';
/**
 * Prints a TCP port that is free on 127.0.0.1 right now, for `wstest -m fuzzingserver`, which needs its port in its
 * config file before it starts (it cannot report a port the kernel chose).
 */
const net = require('net');

const server = net.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  server.close(() => process.stdout.write(port + '\n'));
});
