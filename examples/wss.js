'use strict';
/**
 * Secure echo server (wss://) on an https server.
 *
 *   node examples/wss.js [port]              (or PORT=... ; default 8443, 0 = any free port)
 *   TLS_CERT=cert.pem TLS_KEY=key.pem node examples/wss.js
 *
 * Without TLS_CERT/TLS_KEY it makes a throw-away self-signed certificate for
 * 127.0.0.1/localhost with `openssl` in a temporary directory (removed on
 * exit) and prints its path, so a client can trust exactly that certificate:
 *
 *   const client = new (require('websocket-rs').client)({ tlsOptions: { ca: fs.readFileSync(path) } });
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const https = require('https');
const { execFileSync } = require('child_process');
const WebSocketServer = require('websocket-rs').server;

const port = Number(process.argv[2] || process.env.PORT || 8443);
const host = process.env.HOST || '127.0.0.1';

/**
 * A self-signed certificate valid for one day.
 * @returns {{cert: string, key: string, dir: string}} file paths and their directory
 */
function makeSelfSignedCertificate() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'websocket-rs-wss-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert
    ],
    { stdio: 'ignore' }
  );
  return { cert, key, dir };
}

let tempDir = null;
let certPath = process.env.TLS_CERT;
let keyPath = process.env.TLS_KEY;
if (!certPath || !keyPath) {
  const made = makeSelfSignedCertificate();
  certPath = made.cert;
  keyPath = made.key;
  tempDir = made.dir;
}
console.log('certificate ' + certPath);

const httpsServer = https.createServer(
  { cert: fs.readFileSync(certPath), key: fs.readFileSync(keyPath) },
  (req, res) => {
    res.writeHead(426);
    res.end('This is a secure WebSocket echo server.\n');
  }
);
const wsServer = new WebSocketServer({ httpServer: httpsServer });

wsServer.on('request', (request) => {
  const connection = request.accept(request.requestedProtocols[0], request.origin);
  console.log('secure connection from ' + connection.remoteAddress);
  connection.on('message', (message) => {
    if (message.type === 'utf8') connection.sendUTF(message.utf8Data);
    else connection.sendBytes(message.binaryData);
  });
});

httpsServer.listen(port, host, () => {
  console.log('listening on ' + httpsServer.address().port);
});

function removeTempDir() {
  if (tempDir !== null) {
    fs.rmSync(tempDir, { recursive: true, force: true });
    tempDir = null;
  }
}
process.on('exit', removeTempDir);

let stopping = false;
function stop(signal) {
  if (stopping) process.exit(1);
  stopping = true;
  console.log('received ' + signal + ', shutting down');
  wsServer.shutDown();
  httpsServer.close(() => console.log('stopped'));
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
