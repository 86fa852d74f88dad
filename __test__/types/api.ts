// Exercises every declaration of index.d.ts through the package's own name (the "types" condition of the
// exports map). Type-level only: nothing here runs. Each `@ts-expect-error` line is a negative check: the build
// fails if that line stops being an error.
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as url from 'url';
import websocketDefault = require('websocket-rs');
import {
  server,
  client,
  router,
  frame,
  request,
  connection,
  w3cwebsocket,
  deprecation,
  version,
  IStringified,
  IConfig,
  IServerConfig,
  IClientConfig,
  IServerEvents,
  IClientEvents,
  IConnectionEvents,
  IRequestEvents,
  IRouterRequestEvents,
  IW3CEvents,
  ICookie,
  IExtension,
  IAgreedExtension,
  IExtensionParameter,
  IPerMessageDeflateOptions,
  IRequestedExtension,
  IUtf8Message,
  IBinaryMessage,
  Message,
  IBufferList,
  IRouterRequest,
  IRouterConfig,
  IRouterHandler,
  ICloseEvent,
  IMessageEvent,
  IW3CEvent,
  IW3CMessageEvent,
  IW3CCloseEvent,
  IW3CErrorEvent,
  W3CErrorHandler,
  W3CBinaryType,
  NativeSocket
} from 'websocket-rs';

/** Compile-time equality: `Equal<A, B>` is `true` only when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

// ---- module shape -------------------------------------------------------------------------------------------
const sameServer: typeof server = websocketDefault.server;
const v: string = version;
assertType<Equal<typeof websocketDefault.version, string>>();
deprecation.disableWarnings = true;
deprecation.deprecationWarningMap['x'] = 'x is deprecated';
deprecation.warn('x');

// ---- configs ------------------------------------------------------------------------------------------------
const httpServer = http.createServer();
const httpsServer = https.createServer();
const baseConfig: IConfig = {
  maxReceivedFrameSize: 1,
  maxReceivedMessageSize: 2,
  fragmentOutgoingMessages: false,
  fragmentationThreshold: 3,
  assembleFragments: true,
  closeTimeout: 4,
  disableNagleAlgorithm: false
};
const serverConfig: IServerConfig = {
  ...baseConfig,
  httpServer: [httpServer, httpsServer],
  keepalive: true,
  keepaliveInterval: 20000,
  dropConnectionOnKeepaliveTimeout: true,
  keepaliveGracePeriod: 10000,
  useNativeKeepalive: false,
  autoAcceptConnections: false,
  ignoreXForwardedFor: false,
  parseCookies: true,
  parseExtensions: false
};
// @ts-expect-error httpServer is required
const noHttpServer: IServerConfig = { keepalive: true };
// @ts-expect-error keepalive is a boolean
const badKeepalive: IServerConfig = { httpServer, keepalive: 'yes' };
const clientConfig: IClientConfig = { ...baseConfig, webSocketVersion: 8, tlsOptions: { ca: 'pem', servername: 'x' } };
// @ts-expect-error keepalive is a server option
const clientKeepalive: IClientConfig = { keepalive: true };

// websocket-rs options: the fragment cap and the transport choice on both sides, the handshake timeout on the client
const rsServerConfig: IServerConfig = { httpServer, maxFragmentsPerMessage: 64, nativeTransport: false };
const rsClientConfig: IClientConfig = { maxFragmentsPerMessage: 4096, nativeTransport: true, handshakeTimeout: 5000 };
const rsBaseConfig: IConfig = { maxFragmentsPerMessage: undefined, nativeTransport: undefined };
new server(rsServerConfig);
new client(rsClientConfig);
new client({ handshakeTimeout: 1000 });
new w3cwebsocket('ws://127.0.0.1:1/', undefined, undefined, undefined, undefined, { handshakeTimeout: 1000 });
assertType<Equal<IClientConfig['handshakeTimeout'], number | undefined>>();
assertType<Equal<IConfig['maxFragmentsPerMessage'], number | undefined>>();
assertType<Equal<IConfig['nativeTransport'], boolean | undefined>>();
// @ts-expect-error handshakeTimeout is a client option
const serverHandshakeTimeout: IServerConfig = { httpServer, handshakeTimeout: 1000 };
// @ts-expect-error handshakeTimeout is a number of milliseconds
const badHandshakeTimeout: IClientConfig = { handshakeTimeout: '5s' };
// @ts-expect-error maxFragmentsPerMessage is a number
const badMaxFragments: IServerConfig = { httpServer, maxFragmentsPerMessage: '1024' };
// @ts-expect-error nativeTransport is a boolean
const badNativeTransport: IClientConfig = { nativeTransport: 'js' };

// ---- server -------------------------------------------------------------------------------------------------
const srv = new server(serverConfig);
const unmounted = new server();
unmounted.mount({ httpServer });
unmounted.unmount();
const srvConfig: IServerConfig | undefined = srv.config;
const conns: connection[] = srv.connections;
const pending: request[] = srv.pendingRequests;
srv.broadcast(Buffer.from('x'));
srv.broadcast('x');
srv.broadcast(12345);
srv.broadcastBytes(Buffer.alloc(1));
srv.broadcastUTF('x');
// @ts-expect-error broadcastBytes takes a Buffer
srv.broadcastBytes('x');
srv.closeAllConnections();
srv.shutDown();
srv.handleUpgrade(new http.IncomingMessage(new net.Socket()), new net.Socket());
srv.handleUpgrade(new http.IncomingMessage(new net.Socket()), new net.Socket(), Buffer.alloc(0));
// called from an 'upgrade' listener with what Node passes (Node's typings give the socket as a stream.Duplex)
httpServer.on('upgrade', (request, socket, head) => srv.handleUpgrade(request, socket, head));
httpsServer.on('upgrade', (request: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
  srv.handleUpgrade(request, socket, head);
});
httpServer.on('upgrade', srv.handleUpgrade.bind(srv));
// @ts-expect-error head is a Buffer
srv.handleUpgrade(new http.IncomingMessage(new net.Socket()), new net.Socket(), 'head');
srv.handleRequestAccepted(conns[0]);
srv.handleConnectionClose(conns[0], 1000, 'Normal connection closure');
srv.handleRequestResolved(pending[0]);
srv
  .on('request', (req) => assertType<Equal<typeof req, request>>())
  .on('connect', (conn) => assertType<Equal<typeof conn, connection>>())
  .on('close', (conn, reason, desc) => {
    assertType<Equal<typeof conn, connection>>();
    assertType<Equal<typeof reason, number>>();
    assertType<Equal<typeof desc, string>>();
  })
  .on('upgradeError', (err) => assertType<Equal<typeof err, Error>>())
  .on('someOtherEvent', (a: number, b: string) => {});
srv.addListener('upgradeError', (err: Error) => {});
srv.once('connect', (conn: connection) => {});
srv.prependListener('request', (req: request) => {});
srv.prependOnceListener('close', () => {});
const onConnect: IServerEvents['connect'] = (conn) => {};
srv.off('connect', onConnect);
srv.removeListener('connect', onConnect);
// @ts-expect-error a 'request' listener receives a request, not a string
srv.on('request', (req: string) => {});
// @ts-expect-error 'upgradeError' passes an Error
srv.once('upgradeError', (err: number) => {});

// ---- request ------------------------------------------------------------------------------------------------
declare const req: request;
const reqProps: [http.IncomingMessage, string, string, string, url.UrlWithParsedQuery, string, string[]] = [
  req.httpRequest,
  req.host,
  req.resource,
  req.key,
  req.resourceURL,
  req.remoteAddress,
  req.remoteAddresses
];
const q: string | string[] | undefined = req.resourceURL.query['x'];
const origin: string = req.origin;
const wsVersion: number = req.webSocketVersion;
const ext: IRequestedExtension = req.requestedExtensions[0];
const extParam: IExtensionParameter = ext.params[0];
const extParamValue: string | undefined = extParam.value;
const cookies: ICookie[] = req.cookies;
const sock: net.Socket = req.socket;
const protocols: string[] = req.requestedProtocols;
const fullCase: string = req.protocolFullCaseMap['chat'];
const reqConfig: IServerConfig = req.serverConfig;
const resolved: boolean = req._resolved && req._socketIsClosing;
const newReq = new request(new net.Socket(), new http.IncomingMessage(new net.Socket()), serverConfig);
newReq.readHandshake();
const accepted: connection = req.accept();
req.accept(null);
req.accept('chat', 'http://example.com');
req.accept('chat', 'http://example.com', [
  {
    name: 'sid',
    value: 'abc',
    path: '/',
    domain: 'example.com',
    expires: new Date(),
    maxage: 10,
    secure: true,
    httponly: true
  }
]);
// @ts-expect-error cookies are objects
req.accept('chat', 'http://example.com', ['sid=abc']);
req.reject();
req.reject(401);
req.reject(401, 'bad token', { 'X-Extra': 'v' });
const parsedExtensions: IRequestedExtension[] = req.parseExtensions('permessage-deflate; client_max_window_bits');
const parsedCookies: ICookie[] = req.parseCookies('a=1; b="two"');
req._handleSocketCloseBeforeAccept();
req._removeSocketCloseListeners();
req._verifyResolution();
req
  .on('requestAccepted', (conn) => assertType<Equal<typeof conn, connection>>())
  .on('requestRejected', (r) => assertType<Equal<typeof r, request>>())
  .on('requestResolved', (r) => assertType<Equal<typeof r, request>>());
req.addListener('requestAccepted', (conn: connection) => {});
req.once('requestResolved', (r: request) => {});
const onRejected: IRequestEvents['requestRejected'] = () => {};
req.off('requestRejected', onRejected);
req.removeListener('requestRejected', onRejected);
// @ts-expect-error 'requestAccepted' passes a connection
req.on('requestAccepted', (r: request) => {});

// ---- connection ---------------------------------------------------------------------------------------------
const codes: number[] = [
  connection.CLOSE_REASON_NORMAL,
  connection.CLOSE_REASON_GOING_AWAY,
  connection.CLOSE_REASON_PROTOCOL_ERROR,
  connection.CLOSE_REASON_UNPROCESSABLE_INPUT,
  connection.CLOSE_REASON_RESERVED,
  connection.CLOSE_REASON_NOT_PROVIDED,
  connection.CLOSE_REASON_ABNORMAL,
  connection.CLOSE_REASON_INVALID_DATA,
  connection.CLOSE_REASON_POLICY_VIOLATION,
  connection.CLOSE_REASON_MESSAGE_TOO_BIG,
  connection.CLOSE_REASON_EXTENSION_REQUIRED,
  connection.CLOSE_REASON_INTERNAL_SERVER_ERROR,
  connection.CLOSE_REASON_TLS_HANDSHAKE_FAILED
];
const description: string = connection.CLOSE_DESCRIPTIONS[1000];
const conn = new connection(new net.Socket(), [], 'chat', false, baseConfig);
const connProps = {
  closeDescription: conn.closeDescription,
  closeReasonCode: conn.closeReasonCode,
  protocol: conn.protocol,
  config: conn.config,
  socket: conn.socket,
  maskOutgoingPackets: conn.maskOutgoingPackets,
  maskBytes: conn.maskBytes,
  frameHeader: conn.frameHeader,
  bufferList: conn.bufferList,
  currentFrame: conn.currentFrame,
  fragmentationSize: conn.fragmentationSize,
  frameQueue: conn.frameQueue,
  state: conn.state,
  waitingForCloseResponse: conn.waitingForCloseResponse,
  receivedEnd: conn.receivedEnd,
  closeTimeout: conn.closeTimeout,
  assembleFragments: conn.assembleFragments,
  maxReceivedMessageSize: conn.maxReceivedMessageSize,
  outputBufferFull: conn.outputBufferFull,
  inputPaused: conn.inputPaused,
  bytesWaitingToFlush: conn.bytesWaitingToFlush,
  socketHadError: conn.socketHadError,
  closeEventEmitted: conn.closeEventEmitted,
  extensions: conn.extensions,
  remoteAddress: conn.remoteAddress,
  remoteAddresses: conn.remoteAddresses,
  webSocketVersion: conn.webSocketVersion,
  connected: conn.connected,
  _pingListenerCount: conn._pingListenerCount
};
assertType<
  Equal<
    typeof connProps,
    {
      closeDescription: string;
      closeReasonCode: number;
      protocol: string;
      config: IConfig;
      socket: net.Socket & { readonly isNative?: true | undefined };
      maskOutgoingPackets: boolean;
      maskBytes: Buffer | undefined;
      frameHeader: Buffer | undefined;
      bufferList: IBufferList | undefined;
      currentFrame: frame | undefined;
      fragmentationSize: number | undefined;
      frameQueue: frame[] | undefined;
      state: string;
      waitingForCloseResponse: boolean;
      receivedEnd: boolean;
      closeTimeout: number;
      assembleFragments: boolean;
      maxReceivedMessageSize: number;
      outputBufferFull: boolean;
      inputPaused: boolean;
      bytesWaitingToFlush: number;
      socketHadError: boolean;
      closeEventEmitted: boolean;
      extensions: IAgreedExtension[];
      remoteAddress: string;
      remoteAddresses: string[] | undefined;
      webSocketVersion: number;
      connected: boolean;
      _pingListenerCount: number;
    }
  >
>();
conn.assembleFragments = false;
conn.assembleFragments = 0; // @types/websocket declares a number
conn.close();
conn.close(1000);
conn.close(4000, 'bye');
conn.drop();
conn.drop(1002, 'bad', true);
conn.sendUTF('x');
conn.sendUTF(42, (err) => assertType<Equal<typeof err, Error | undefined>>());
conn.sendBytes(Buffer.from('x'), (err?: Error) => {});
// @ts-expect-error sendBytes takes a Buffer
conn.sendBytes('x');
conn.send(Buffer.from('x'));
conn.send('x', () => {});
conn.ping();
conn.ping('x');
conn.ping(Buffer.alloc(1));
conn.pong(Buffer.alloc(1));
conn.pong();
conn.pong('x');
const written: boolean = conn.sendFrame(new frame(Buffer.alloc(4), Buffer.alloc(10), {}), (err) => {});
conn.setKeepaliveTimer();
conn.clearKeepaliveTimer();
conn.handleKeepaliveTimer();
conn.setGracePeriodTimer();
conn.clearGracePeriodTimer();
conn.handleGracePeriodTimer();
conn.handleSocketData(Buffer.alloc(1));
// websocket's parser methods do not exist at runtime: they are optional
conn.processReceivedData?.();
// @ts-expect-error processReceivedData may be undefined
conn.processReceivedData();
conn.handleSocketError(new Error('x'));
conn.handleSocketEnd();
conn.handleSocketClose(false);
conn.handleSocketDrain();
conn.handleSocketPause();
conn.handleSocketResume();
conn.pause();
conn.resume();
conn.setCloseTimer();
conn.clearCloseTimer();
conn.handleCloseTimer();
declare const someFrame: frame;
// @ts-expect-error processFrame may be undefined
conn.processFrame(someFrame);
conn.fragmentAndSend(someFrame, (err: Error) => {});
conn.sendCloseFrame(1000, 'bye', () => {});
conn._addSocketEventListeners();
// @ts-expect-error state is a read-only getter
conn.state = 'closed';
// @ts-expect-error bytesWaitingToFlush is a read-only getter
conn.bytesWaitingToFlush = 0;

// connection.socket: typed as a net.Socket, so code written for @types/websocket compiles on either transport
const nodeSocket: net.Socket = conn.socket;
const peer: [string | undefined, number | undefined] = [conn.socket.remoteAddress, conn.socket.remotePort];
conn.socket.setKeepAlive(true, 30000).setNoDelay(true);
conn.socket.on('close', (hadError: boolean) => {});
function takesSocket(s: net.Socket): void {}
takesSocket(conn.socket);
const isNative: true | undefined = conn.socket.isNative;
if (conn.socket.isNative) {
  // the stand-in on the native transport
  const ns = conn.socket as NativeSocket;
  const nsProps: [
    true,
    string | undefined,
    number | undefined,
    string | undefined,
    string | undefined,
    number | undefined,
    false | undefined,
    boolean,
    boolean,
    boolean,
    boolean,
    'open' | 'readOnly' | 'writeOnly' | 'closed',
    number,
    number
  ] = [
    ns.isNative,
    ns.remoteAddress,
    ns.remotePort,
    ns.remoteFamily,
    ns.localAddress,
    ns.localPort,
    ns.encrypted,
    ns.connecting,
    ns.destroyed,
    ns.writableEnded,
    ns.readableEnded,
    ns.readyState,
    ns.writableLength,
    ns.bufferSize
  ];
  const local: net.AddressInfo = ns.address();
  ns.setNoDelay()
    .setNoDelay(false)
    .setKeepAlive(true)
    .setKeepAlive(true, 1000)
    .setTimeout(0, () => {});
  ns.pause().resume().ref().unref();
  const paused: boolean = ns.isPaused();
  ns.on('close', (hadError: boolean) => {}).once('error', (err: Error) => {});
  ns.end().destroy();
  ns.destroySoon();
  // @ts-expect-error a NativeSocket has no write()
  ns.write('x');
  // @ts-expect-error isNative is read-only
  ns.isNative = true;
}
// a NativeSocket is not a net.Socket
// @ts-expect-error no write(), no Duplex members
const notANodeSocket: net.Socket = null as unknown as NativeSocket;

conn.on('message', (m) => {
  assertType<Equal<typeof m, Message>>();
  if (m.type === 'utf8') {
    assertType<Equal<typeof m, IUtf8Message>>();
    const text: string = m.utf8Data;
    // @ts-expect-error a text message has no binaryData
    m.binaryData;
  } else {
    assertType<Equal<typeof m, IBinaryMessage>>();
    const bytes: Buffer = m.binaryData;
    // @ts-expect-error a binary message has no utf8Data
    m.utf8Data;
  }
});
conn
  .on('frame', (f) => assertType<Equal<typeof f, frame>>())
  .on('close', (code, desc) => assertType<Equal<[typeof code, typeof desc], [number, string]>>())
  .on('error', (err) => assertType<Equal<typeof err, Error>>())
  .on('drain', () => {})
  .on('pause', () => {})
  .on('resume', () => {})
  .on('ping', (cancel, data) => {
    assertType<Equal<typeof cancel, () => void>>();
    assertType<Equal<typeof data, Buffer>>();
    cancel();
  })
  .on('pong', (data) => assertType<Equal<typeof data, Buffer>>())
  .on('custom', (...args: any[]) => {});
conn.addListener('message', (m: Message) => {});
conn.once('close', (code: number) => {});
conn.prependListener('ping', (cancel: () => void) => {});
conn.prependOnceListener('pong', () => {});
const onMessage: IConnectionEvents['message'] = () => {};
conn.off('message', onMessage);
conn.removeListener('message', onMessage);
// @ts-expect-error 'message' passes a Message, not a string
conn.on('message', (m: string) => {});
// @ts-expect-error 'close' passes a number code first
conn.on('close', (desc: string) => {});
// @ts-expect-error 'ping' passes cancel first
conn.once('ping', (data: Buffer) => {});

// ---- frame --------------------------------------------------------------------------------------------------
const f = new frame(Buffer.alloc(4), Buffer.alloc(10), { maxReceivedFrameSize: 100 });
const bare = new frame();
f.fin = true;
f.rsv1 = f.rsv2 = f.rsv3 = false;
f.mask = true;
f.mask = 1; // @types/websocket declares a number
const masked: boolean = f.mask;
f.opcode = 0x1;
f.length = 2;
f.binaryPayload = Buffer.from('hi');
const frameInternals: [Buffer, Buffer, IConfig, number, boolean, string, boolean, boolean, number, number] = [
  f.maskBytes,
  f.frameHeader,
  f.config,
  f.maxReceivedFrameSize,
  f.protocolError,
  f.dropReason,
  f.frameTooLarge,
  f.invalidCloseFrameLength,
  f.parseState,
  f.closeStatus
];
const wire: Buffer = f.toBuffer();
f.toBuffer(true);
const described: string = f.toString();
// a websocket-style buffer list (connection.bufferList is never set by websocket-rs)
declare const bl: IBufferList;
const complete: boolean = f.addData(bl) || f.throwAwayPayload(bl);
bl.write(Buffer.alloc(1));
bl.end(Buffer.alloc(1));
bl.push();
bl.forEach((b) => b.length > 0);
bl.join(0, 1);
bl.joinInto(Buffer.alloc(1), 0, 0, 1);
bl.advance(1).take(1);
bl.take('utf8');
bl.on('advance', (n: number) => {}).addListener('write', (b: Buffer) => {});
const blInfo: [string, number, string] = [bl.encoding, bl.length, bl.toString()];
// @ts-expect-error opcode is a number
f.opcode = 'text';

// ---- client -------------------------------------------------------------------------------------------------
const cl = new client(clientConfig);
new client();
// @ts-expect-error webSocketVersion is a number
new client({ webSocketVersion: '13' });
const clConfig: IClientConfig = cl.config;
cl.connect('ws://127.0.0.1:1/');
cl.connect(url.parse('ws://127.0.0.1:1/'), ['a', 'b'], 'http://origin', { 'X-Token': '1' }, { agent: false });
cl.connect('ws://127.0.0.1:1/', 'chat');
cl.connect(new URL('ws://127.0.0.1:1/path?q=1'), [], undefined, undefined, { timeout: 1000 });
// client.socket is a net.Socket as far as @types/websocket code is concerned (a NativeSocket once connected natively)
const clSocket: net.Socket | undefined = cl.socket;
if (cl.socket && cl.socket.isNative) (cl.socket as NativeSocket).setKeepAlive(true);
cl.abort();
cl.validateHandshake();
cl.failHandshake('reason');
cl.succeedHandshake();
const clState: [
  string[] | undefined,
  string | undefined,
  url.Url | undefined,
  boolean | undefined,
  string | undefined,
  (net.Socket & { readonly isNative?: true | undefined }) | undefined,
  http.IncomingMessage | undefined,
  Buffer | null | undefined,
  string | undefined
] = [
  cl.protocols,
  cl.origin,
  cl.url,
  cl.secure,
  cl.base64nonce,
  cl.socket,
  cl.response,
  cl.firstDataChunk,
  cl.protocol
];
cl.on('connect', (c) => assertType<Equal<typeof c, connection>>())
  .on('connectFailed', (err) => assertType<Equal<typeof err, Error>>())
  .on('httpResponse', (res, c) => {
    assertType<Equal<typeof res, http.IncomingMessage>>();
    assertType<Equal<typeof c, client>>();
  });
cl.addListener('connectFailed', (err: Error) => {});
cl.once('connect', (c: connection) => {});
const onFailed: IClientEvents['connectFailed'] = () => {};
cl.off('connectFailed', onFailed);
cl.removeListener('connectFailed', onFailed);
// @ts-expect-error 'connectFailed' passes an Error
cl.on('connectFailed', (err: string) => {});

// ---- router -------------------------------------------------------------------------------------------------
const routerConfig: IRouterConfig = { server: srv };
const rt = new router(routerConfig);
new router();
const rtState: [IRouterConfig, IRouterHandler[], server | null | undefined] = [rt.config, rt.handlers, rt.server];
const handler: IRouterHandler = rt.handlers[0];
const handlerFields: [RegExp, string, string] = [handler.path, handler.pathString, handler.protocol];
handler.callback(null as unknown as IRouterRequest);
rt.attachServer(srv);
rt.detachServer();
rt.mount('*', null, (rreq) => {
  assertType<Equal<typeof rreq, IRouterRequest>>();
  const rprops: [request, string | null, string, string, url.UrlWithParsedQuery, http.IncomingMessage, string, number] =
    [
      rreq.webSocketRequest,
      rreq.protocol,
      rreq.origin,
      rreq.resource,
      rreq.resourceURL,
      rreq.httpRequest,
      rreq.remoteAddress,
      rreq.webSocketVersion
    ];
  const rext: IRequestedExtension[] = rreq.requestedExtensions;
  const rcookies: ICookie[] = rreq.cookies;
  rreq.on('requestAccepted', (c) => assertType<Equal<typeof c, connection>>());
  rreq.on('requestRejected', (r) => assertType<Equal<typeof r, IRouterRequest>>());
  rreq.addListener('requestAccepted', (c: connection) => {});
  const onRouterReject: IRouterRequestEvents['requestRejected'] = () => {};
  rreq.once('requestRejected', onRouterReject);
  const c1: connection = rreq.accept();
  rreq.accept('http://example.com', [{ name: 'a', value: 'b' }]);
  // the @types/websocket form compiles (deprecated): the runtime reads it as (origin, cookies)
  rreq.accept('chat', 'http://example.com', [{ name: 'a', value: 'b' }]);
  // @ts-expect-error a cookie needs a value
  rreq.accept('http://example.com', [{ name: 'a' }]);
  rreq.reject();
  rreq.reject(404, 'not here', { 'X-Why': 'because' });
});
rt.mount(/^\/chat\/\d+$/, 'chat', (rreq: IRouterRequest) => {});
rt.mount('/x', undefined, () => {});
rt.unmount('*', '____no_protocol____');
rt.unmount(/^\/chat\/\d+$/, 'chat');
const index: number = rt.findHandlerIndex('/x', 'chat');
const re: RegExp = rt.pathToRegExp('/x');
rt.pathToRegExp(/x/);
rt.handleRequest(req);
// @ts-expect-error pathToRegEx does not exist at runtime: it is optional
rt.pathToRegEx(/x/);
// @ts-expect-error a path is a string or a RegExp
rt.mount(42, null, () => {});

// ---- w3cwebsocket -------------------------------------------------------------------------------------------
const statics: number[] = [w3cwebsocket.CONNECTING, w3cwebsocket.OPEN, w3cwebsocket.CLOSING, w3cwebsocket.CLOSED];
// @ts-expect-error the static constants are read-only
w3cwebsocket.OPEN = 5;
const w3c = new w3cwebsocket('ws://127.0.0.1:1/');
new w3cwebsocket('ws://127.0.0.1:1/', ['a'], 'http://origin', { 'X-A': '1' }, { agent: false }, clientConfig);
const w3cProps = {
  url: w3c.url,
  readyState: w3c.readyState,
  protocol: w3c.protocol,
  extensions: w3c.extensions,
  bufferedAmount: w3c.bufferedAmount,
  binaryType: w3c.binaryType,
  CONNECTING: w3c.CONNECTING,
  OPEN: w3c.OPEN,
  CLOSING: w3c.CLOSING,
  CLOSED: w3c.CLOSED
};
assertType<
  Equal<
    typeof w3cProps,
    {
      url: string;
      readyState: number;
      protocol: string | undefined;
      extensions: IExtension[];
      bufferedAmount: number;
      binaryType: 'arraybuffer' | 'nodebuffer';
      CONNECTING: number;
      OPEN: number;
      CLOSING: number;
      CLOSED: number;
    }
  >
>();
const w3cInternals: [
  string,
  number,
  string | undefined,
  IExtension[],
  number,
  W3CBinaryType,
  connection | undefined,
  client
] = [
  w3c._url,
  w3c._readyState,
  w3c._protocol,
  w3c._extensions,
  w3c._bufferedAmount,
  w3c._binaryType,
  w3c._connection,
  w3c._client
];
w3c.binaryType = 'arraybuffer';
w3c.binaryType = 'nodebuffer';
// @ts-expect-error only 'arraybuffer' and 'nodebuffer' are supported
w3c.binaryType = 'blob';
// @ts-expect-error readyState is read-only
w3c.readyState = 3;
// @ts-expect-error bufferedAmount is read-only
w3c.bufferedAmount = 0;
w3c.send('x');
w3c.send(Buffer.from('x'));
w3c.send(new ArrayBuffer(1));
w3c.send(new Uint16Array(1));
w3c.send(new DataView(new ArrayBuffer(1)));
w3c.close();
w3c.close(1000);
w3c.close(4000, 'bye');
w3c.onopen = function (event) {
  assertType<Equal<typeof event, IW3CEvent>>();
  assertType<Equal<typeof this, w3cwebsocket>>();
  const target: w3cwebsocket = event.target;
  const flags: [string, boolean, boolean] = [event.type, event.isTrusted, event.cancelable];
  event.stopImmediatePropagation();
};
w3c.onopen = () => {};
w3c.onmessage = (event) => {
  assertType<Equal<typeof event, IW3CMessageEvent>>();
  const type: 'message' = event.type;
  if (typeof event.data === 'string') {
    const s: string = event.data;
  } else {
    const b: Buffer | ArrayBuffer = event.data;
  }
};
w3c.onclose = (event) => {
  assertType<Equal<typeof event, IW3CCloseEvent>>();
  const closeFields: [number, string, boolean, 'close'] = [event.code, event.reason, event.wasClean, event.type];
};
w3c.onerror = (event) => {
  assertType<Equal<typeof event, IW3CErrorEvent | Error>>();
  if (!(event instanceof Error)) {
    const t: string = event.type;
    const cause: Error | undefined = event.error;
    const why: string | undefined = event.message;
  }
};
w3c.onerror = (event: IW3CEvent) => {};
w3c.onerror = (error: Error) => {};
const errorHandler: W3CErrorHandler = w3c.onerror;
// @ts-expect-error onclose receives a close event
w3c.onclose = (event: { code: string }) => {};
// @ts-expect-error onmessage receives a message event
w3c.onmessage = (data: number) => {};

function onOpen(this: w3cwebsocket, event: IW3CEvent): void {}
w3c.addEventListener('open', onOpen);
w3c.addEventListener('message', (event) => assertType<Equal<typeof event, IW3CMessageEvent>>());
w3c.addEventListener('error', (event) => assertType<Equal<typeof event, IW3CErrorEvent>>());
w3c.addEventListener('error', (event: IW3CEvent) => {});
w3c.addEventListener('close', function (event) {
  assertType<Equal<typeof event, IW3CCloseEvent>>();
  assertType<Equal<typeof this, w3cwebsocket>>();
});
w3c.addEventListener('custom', (event: { type: string; detail: number }) => {});
w3c.removeEventListener('open', onOpen);
const onMsg: IW3CEvents['message'] = () => {};
w3c.removeEventListener('message', onMsg);
w3c.removeEventListener('custom', () => {});
const notPrevented: boolean = w3c.dispatchEvent({ type: 'custom' });
// @ts-expect-error a 'close' listener receives a close event
w3c.addEventListener('close', (event: { code: string }) => {});
// @ts-expect-error dispatchEvent needs an event with a type
w3c.dispatchEvent({});
// @ts-expect-error w3cwebsocket is not an EventEmitter
w3c.on('open', () => {});

// ---- @types/websocket names kept for compatibility ----------------------------------------------------------
const closeEvent: ICloseEvent = { code: 1000, reason: '', wasClean: true };
const messageEvent: IMessageEvent = { data: 'x' };
const stringified: IStringified = { toString: () => 'x' };
const extension: IExtension = { name: 'x', value: 'y' };
const deflateOptions: IPerMessageDeflateOptions = {
  serverNoContextTakeover: true,
  clientMaxWindowBits: 10,
  threshold: 0
};
new server({ httpServer: http.createServer(), perMessageDeflate: deflateOptions });
new client({ perMessageDeflate: true });
const agreed: IExtension = conn.extensions[0];
const agreedParam: IExtensionParameter = conn.extensions[0].params[0];

export {
  sameServer,
  v,
  noHttpServer,
  badKeepalive,
  clientKeepalive,
  rsBaseConfig,
  serverHandshakeTimeout,
  badHandshakeTimeout,
  badMaxFragments,
  badNativeTransport,
  srvConfig,
  reqProps,
  q,
  origin,
  wsVersion,
  extParamValue,
  cookies,
  sock,
  protocols,
  fullCase,
  reqConfig,
  resolved,
  accepted,
  parsedExtensions,
  parsedCookies,
  codes,
  description,
  nodeSocket,
  peer,
  isNative,
  notANodeSocket,
  clSocket,
  written,
  masked,
  frameInternals,
  wire,
  described,
  complete,
  blInfo,
  bare,
  clConfig,
  clState,
  rtState,
  handlerFields,
  index,
  re,
  statics,
  w3cInternals,
  notPrevented,
  errorHandler,
  closeEvent,
  messageEvent,
  stringified,
  extension
};
