// Type definitions for websocket-rs, a drop-in replacement for `websocket` (WebSocket-Node 1.0.35).
//
// Every name that `@types/websocket` 1.0.10 exports is exported here with a compatible shape, so a project
// that compiled against `websocket` + `@types/websocket` compiles against `websocket-rs` unchanged.
// Where `@types/websocket` disagrees with the runtime, reads are typed as the runtime behaves and writes
// accept both forms; each such place says so in its comment.

/// <reference types="node" />

import events = require('events');
import http = require('http');
import https = require('https');
import net = require('net');
import stream = require('stream');
import url = require('url');

/** Anything with a `toString()`: `sendUTF`, `send` and `broadcast` send `data.toString()` as text. */
export interface IStringified {
  toString: (...args: any[]) => string;
}

/**
 * Selects the event names a listener method accepts besides the typed ones: any string or symbol that is not a
 * known event name. A known event name with a listener of the wrong shape is therefore a compile error.
 */
type OtherEvent<K, Known> = K extends Known ? never : K;

/** Options shared by the server and the client. Unknown keys are kept on `config` as given. */
export interface IConfig {
  /**
   * The largest frame accepted, in bytes, checked from the frame header before the payload is read; a larger frame
   * drops the connection with 1009. A whole number, or creating the connection throws.
   * @default 0x10000 (64 KiB) on the server, 0x100000 (1 MiB) on the client
   */
  maxReceivedFrameSize?: number | undefined;

  /**
   * The largest message accepted, in bytes: every message, sent in one frame or in several (all fragments
   * together), unlike `websocket`, which checks it for fragmented messages only. A larger one drops the connection
   * with 1009 `'Maximum message size exceeded.'`. Checked only when `assembleFragments` is true (with false, frames
   * are emitted as they arrive and only `maxReceivedFrameSize` applies). A whole number, or creating the connection
   * throws.
   * @default 0x100000 (1 MiB) on the server, 0x800000 (8 MiB) on the client
   */
  maxReceivedMessageSize?: number | undefined;

  /**
   * An opt-in cap on the frames one message may be split into; one more drops the connection with 1009
   * `'Maximum number of message fragments (<max>) exceeded.'`. Unset or 0: no cap, as in `websocket` (any number of
   * fragments within `maxReceivedMessageSize`; fragments are joined into one buffer, so that limit bounds memory).
   * Checked only when `assembleFragments` is true. A whole number of at least 0, or creating the connection throws.
   * websocket-rs only (not declared by `@types/websocket`); not added to `config` unless set.
   * @default undefined (no cap, server and client)
   */
  maxFragmentsPerMessage?: number | undefined;

  /**
   * permessage-deflate (RFC 7692): `false` (no extension, as `websocket`), `true` (the defaults of
   * {@link IPerMessageDeflateOptions}) or options. A bad value throws from the server's or client's constructor. It is
   * not negotiated when `assembleFragments` is false. websocket-rs only; not added to `config` unless
   * set.
   * @default false
   */
  perMessageDeflate?: boolean | IPerMessageDeflateOptions | undefined;

  /**
   * Whether plain-TCP connections (from an `http.Server`, or to a `ws:` URL) run on the native transport, where Rust
   * takes the socket over after the handshake and `connection.socket` becomes a {@link NativeSocket}. `false` keeps
   * every connection of this server or client on Node's socket (`connection.socket` is the `net.Socket`); the
   * environment variable `WEBSOCKET_RS_TRANSPORT=js` does the same for all connections. TLS connections always stay
   * on Node's socket. websocket-rs only (not declared by `@types/websocket`); not added to `config` unless set.
   * @default true
   */
  nativeTransport?: boolean | undefined;

  /**
   * Whether outgoing messages larger than `fragmentationThreshold` are split into several frames.
   * @default true
   */
  fragmentOutgoingMessages?: boolean | undefined;

  /**
   * The payload size in bytes above which an outgoing message is fragmented.
   * @default 0x4000 (16 KiB)
   */
  fragmentationThreshold?: number | undefined;

  /**
   * When true, fragments are assembled and each whole message is emitted as `'message'`. When false, every
   * frame (control frames included) is emitted as `'frame'` and no `'message'` event is emitted at all.
   * `w3cwebsocket` always sets this to true.
   * @default true
   */
  assembleFragments?: boolean | undefined;

  /**
   * Milliseconds to wait for the peer's close frame after sending ours before the socket is closed anyway.
   * @default 5000
   */
  closeTimeout?: number | undefined;

  /**
   * Disables Nagle's algorithm on the socket (`socket.setNoDelay(true)`), trading batching for latency.
   * @default true
   */
  disableNagleAlgorithm?: boolean | undefined;
}

/** Options of `new server(config)` and `server.mount(config)`. */
export interface IServerConfig extends IConfig {
  /** The http or https server(s) whose `'upgrade'` requests this WebSocket server handles. Required. */
  httpServer: http.Server | https.Server | Array<http.Server | https.Server>;

  /**
   * The largest frame accepted, in bytes.
   * @default 0x10000 (64 KiB)
   */
  maxReceivedFrameSize?: number | undefined;

  /**
   * The largest message accepted, in bytes (single-frame and fragmented messages alike).
   * @default 0x100000 (1 MiB)
   */
  maxReceivedMessageSize?: number | undefined;

  /**
   * Sends a ping to each client after `keepaliveInterval` ms without data received from it.
   * @default true
   */
  keepalive?: boolean | undefined;

  /**
   * Milliseconds without received data before a keepalive ping is sent. Must be a number when `keepalive` is on.
   * @default 20000
   */
  keepaliveInterval?: number | undefined;

  /**
   * Drops the connection (1006 `'Peer not responding.'`) when nothing arrives within `keepaliveGracePeriod`
   * after a keepalive ping. Ignored when `keepalive` is false.
   * @default true
   */
  dropConnectionOnKeepaliveTimeout?: boolean | undefined;

  /**
   * Milliseconds to wait after a keepalive ping before dropping a silent peer.
   * @default 10000
   */
  keepaliveGracePeriod?: number | undefined;

  /**
   * Uses TCP keep-alive (`socket.setKeepAlive(true, keepaliveInterval)`) instead of WebSocket pings; then
   * `dropConnectionOnKeepaliveTimeout` and `keepaliveGracePeriod` are ignored.
   * @default false
   */
  useNativeKeepalive?: boolean | undefined;

  /**
   * Accepts every request with the first protocol the client asked for, without a `'request'` event.
   * Only safe when any origin and path may connect.
   * @default false
   */
  autoAcceptConnections?: boolean | undefined;

  /**
   * Ignores `X-Forwarded-For` when setting `remoteAddress`. Set it to true unless a trusted proxy sets the header,
   * otherwise a client can claim any address.
   * @default false
   */
  ignoreXForwardedFor?: boolean | undefined;

  /**
   * Parses the `Cookie` header into `request.cookies`; when false `cookies` is `[]`.
   * Not declared by `@types/websocket`.
   * @default true
   */
  parseCookies?: boolean | undefined;

  /**
   * Parses `Sec-WebSocket-Extensions` into `request.requestedExtensions`; when false it is `[]`.
   * Not declared by `@types/websocket`.
   * @default true
   */
  parseExtensions?: boolean | undefined;
}

/** The events of a `server` and their listener signatures. */
export interface IServerEvents {
  /**
   * A client asks to connect. Call `request.accept()` or `request.reject()`. Emitted only when
   * `autoAcceptConnections` is false; without a listener every request is rejected with 404.
   */
  request: (request: request) => void;
  /** A connection was accepted (by `request.accept()` or automatically). */
  connect: (connection: connection) => void;
  /** A connection closed; it has been removed from `server.connections`. */
  close: (connection: connection, reason: number, desc: string) => void;
  /**
   * An upgrade request was invalid and has already been rejected (400, or 426 for an unsupported version).
   * Not declared by `@types/websocket`.
   */
  upgradeError: (error: Error) => void;
}

/** `require('websocket-rs').server`: a WebSocket server mounted on one or more http(s) servers. */
export class server extends events.EventEmitter {
  /** The merged configuration (defaults, then the caller's keys); `undefined` until `mount()`. */
  config?: IServerConfig | undefined;
  /** The open connections. */
  connections: connection[];
  /** Requests that are neither accepted nor rejected yet. */
  pendingRequests: request[];

  /** Creates a server; mounts it when a config is given. */
  constructor(serverConfig?: IServerConfig);

  /** Sends `data` to every connection: a Buffer as binary, anything else as `data.toString()` text. */
  broadcast(data: Buffer | IStringified): void;
  /** Sends a binary message to every connection. */
  broadcastBytes(data: Buffer): void;
  /** Sends `data.toString()` as a text message to every connection. */
  broadcastUTF(data: IStringified): void;
  /**
   * Resets `config` to the defaults, merges `serverConfig` and listens for `'upgrade'` on each http server.
   * Throws `'You must specify an httpServer on which to mount the WebSocket server.'` without one.
   */
  mount(serverConfig: IServerConfig): void;
  /** Stops handling `'upgrade'` requests. Open connections are not affected. */
  unmount(): void;
  /** Closes every open connection and rejects every pending request with 503. */
  closeAllConnections(): void;
  /** `unmount()`, then `closeAllConnections()`. */
  shutDown(): void;

  /**
   * The `'upgrade'` handler; may also be called by hand with the arguments of an http server's `'upgrade'` event:
   * the request, its socket (a `net.Socket` or `tls.TLSSocket`; Node's typings call it a `stream.Duplex`) and the
   * `head` bytes. Those bytes (a first frame the client sent right behind its request) are put back in front of the
   * socket's data, so they are delivered once the request is accepted; `websocket` drops them.
   */
  handleUpgrade(request: http.IncomingMessage, socket: net.Socket | stream.Duplex, head?: Buffer): void;
  /** Tracks an accepted connection and emits `'connect'`. */
  handleRequestAccepted(connection: connection): void;
  /** Untracks a closed connection and emits `'close'`. */
  handleConnectionClose(connection: connection, closeReason: number, description: string): void;
  /** Removes a resolved request from `pendingRequests`. */
  handleRequestResolved(request: request): void;

  /** Adds a listener for a server event. */
  on<K extends keyof IServerEvents>(event: K, cb: IServerEvents[K]): this;
  on<K extends string | symbol>(event: OtherEvent<K, keyof IServerEvents>, cb: (...args: any[]) => void): this;
  /** Adds a listener for a server event. */
  addListener<K extends keyof IServerEvents>(event: K, cb: IServerEvents[K]): this;
  addListener<K extends string | symbol>(event: OtherEvent<K, keyof IServerEvents>, cb: (...args: any[]) => void): this;
  /** Adds a one-time listener for a server event. */
  once<K extends keyof IServerEvents>(event: K, cb: IServerEvents[K]): this;
  once<K extends string | symbol>(event: OtherEvent<K, keyof IServerEvents>, cb: (...args: any[]) => void): this;
  /** Adds a listener for a server event before the existing ones. */
  prependListener<K extends keyof IServerEvents>(event: K, cb: IServerEvents[K]): this;
  prependListener<K extends string | symbol>(
    event: OtherEvent<K, keyof IServerEvents>,
    cb: (...args: any[]) => void
  ): this;
  /** Adds a one-time listener for a server event before the existing ones. */
  prependOnceListener<K extends keyof IServerEvents>(event: K, cb: IServerEvents[K]): this;
  prependOnceListener<K extends string | symbol>(
    event: OtherEvent<K, keyof IServerEvents>,
    cb: (...args: any[]) => void
  ): this;
  /** Removes a listener. */
  off<K extends keyof IServerEvents>(event: K, cb: IServerEvents[K]): this;
  off<K extends string | symbol>(event: OtherEvent<K, keyof IServerEvents>, cb: (...args: any[]) => void): this;
  /** Removes a listener. */
  removeListener<K extends keyof IServerEvents>(event: K, cb: IServerEvents[K]): this;
  removeListener<K extends string | symbol>(
    event: OtherEvent<K, keyof IServerEvents>,
    cb: (...args: any[]) => void
  ): this;
}

/**
 * A cookie: parsed from the request's `Cookie` header (`request.cookies`), or one to set with `accept()`.
 * A parsed cookie without `=` has `value` null at runtime.
 */
export interface ICookie {
  /** Cookie name. */
  name: string;
  /** Cookie value (URI-decoded when parsed, surrounding quotes removed). */
  value: string;
  /** `Path=` attribute. */
  path?: string | undefined;
  /** `Domain=` attribute (sent lower-cased). */
  domain?: string | undefined;
  /** `Expires=` attribute; must be a Date. */
  expires?: Date | undefined;
  /** `Max-Age=` attribute in seconds; must be a positive number. */
  maxage?: number | undefined;
  /** Adds `Secure`. */
  secure?: boolean | undefined;
  /** Adds `HttpOnly`. */
  httponly?: boolean | undefined;
}

/** A negotiated extension, as declared by `@types/websocket`. No extension is ever negotiated: lists are empty. */
export interface IExtension {
  /** Extension name. */
  name: string;
  /** Extension value. */
  value: string;
}

/** An extension both ends agreed on (`connection.extensions`): permessage-deflate when `perMessageDeflate` is on. */
export interface IAgreedExtension extends IExtension {
  /** Extension name: `'permessage-deflate'`. */
  name: string;
  /** Its parameters as text, e.g. `'server_no_context_takeover; client_max_window_bits=10'` (`''` for none). */
  value: string;
  /** Its parameters in order. */
  params: IExtensionParameter[];
}

/**
 * The `perMessageDeflate` options (RFC 7692), on the server and the client config. Names as in `ws`. See
 * docs/permessage-deflate.md.
 */
export interface IPerMessageDeflateOptions {
  /**
   * Server: reset our compressor after every message and say so. Client: ask the server to do that (an answer without
   * it fails the connection).
   * @default false
   */
  serverNoContextTakeover?: boolean | undefined;
  /**
   * Server: require the client to reset its compressor after every message. Client: reset ours after every message
   * and tell the server.
   * @default false
   */
  clientNoContextTakeover?: boolean | undefined;
  /**
   * The LZ77 window of the server's compressor, 8 to 15 (bits). Server: the most ours uses. Client: requested from the
   * server. Unset: 15, and the client does not ask.
   */
  serverMaxWindowBits?: number | undefined;
  /**
   * The LZ77 window of the client's compressor, 8 to 15 (bits). Server: required of the client (an offer that cannot
   * limit it is declined). Client: offered as our limit. Unset: 15.
   */
  clientMaxWindowBits?: number | undefined;
  /**
   * Messages shorter than this many bytes are sent uncompressed.
   * @default 1024
   */
  threshold?: number | undefined;
  /**
   * zlib compression level, 0 (store) to 9 (smallest).
   * @default 1
   */
  level?: number | undefined;
}

/** One parameter of an extension the client asked for: `name` or `name=value`, lower-cased. */
export interface IExtensionParameter {
  /** Parameter name. */
  name: string;
  /** Parameter value; `undefined` for a bare parameter. */
  value?: string | undefined;
}

/** An extension the client asked for in `Sec-WebSocket-Extensions`, lower-cased. */
export interface IRequestedExtension {
  /** Extension name, e.g. `'permessage-deflate'`. */
  name: string;
  /** Its parameters in order. */
  params: IExtensionParameter[];
}

/** The events of a `request` (`R` is the request type) and their listener signatures. */
export interface IRequestEvents<R = request> {
  /** The request was accepted; emitted after the 101 response is written. */
  requestAccepted: (connection: connection) => void;
  /** The request was rejected. */
  requestRejected: (request: R) => void;
  /** The request was accepted or rejected; emitted before the response is written. */
  requestResolved: (request: R) => void;
}

/** `require('websocket-rs').request`: a client's upgrade request, passed to the server's `'request'` event. */
export class request extends events.EventEmitter {
  /** The original Node HTTP request. */
  httpRequest: http.IncomingMessage;
  /** The `Host` header (including a non-default port). */
  host: string;
  /** The requested path and query, e.g. `'/chat?x=1'`. */
  resource: string;
  /** `Sec-WebSocket-Key`. */
  key: string;
  /** `resource` parsed with `url.parse(resource, true)` (`query` is an object). */
  resourceURL: url.UrlWithParsedQuery;
  /** The peer address, or the first `X-Forwarded-For` entry unless `ignoreXForwardedFor` is set. */
  remoteAddress: string;
  /** The `X-Forwarded-For` entries followed by the peer address (only the peer address when ignored). */
  remoteAddresses: string[];
  /** `Origin` (version 13) or `Sec-WebSocket-Origin` (version 8); `undefined` at runtime when absent. */
  origin: string;
  /** The protocol version the client asked for: 8 or 13. */
  webSocketVersion: number;
  /**
   * The extensions the client asked for, as `{name, params}` objects (`[]` when `parseExtensions` is false).
   * `@types/websocket` declares `any[]`.
   */
  requestedExtensions: IRequestedExtension[];
  /** Cookies from the `Cookie` header (`[]` when `parseCookies` is false). */
  cookies: ICookie[];
  /**
   * Node's socket. After `accept()` on the native transport it is destroyed (Rust owns the connection); use
   * `connection.socket` then.
   */
  socket: net.Socket;
  /** The subprotocols the client asked for, lower-cased, in its order; null after `accept()`. */
  requestedProtocols: string[];
  /** Lower-cased protocol to the client's original spelling; null after `accept()`. */
  protocolFullCaseMap: { [key: string]: string };
  /** The server configuration. */
  serverConfig: IServerConfig;

  /** Whether the request was accepted or rejected. Internal. */
  _resolved: boolean;
  /** Whether the socket closed before the request was resolved. Internal. */
  _socketIsClosing: boolean;

  /** Wraps an upgrade request; call `readHandshake()` to parse it. `config` must be a full server config. */
  constructor(socket: net.Socket, httpRequest: http.IncomingMessage, config: IServerConfig);

  /**
   * Accepts the request and returns the connection. `acceptedProtocol` must be one of `requestedProtocols`
   * (lower-case) or null; the response echoes the client's spelling. `cookies` adds `Set-Cookie` headers.
   * Throws (after rejecting with 500) on an unrequested protocol or an invalid cookie, and when already resolved.
   */
  accept(acceptedProtocol?: string | null, allowedOrigin?: string, cookies?: ICookie[]): connection;

  /**
   * Rejects the request with an HTTP response: `httpStatus` (403 when not a number), an optional
   * `X-WebSocket-Reject-Reason` header and extra headers (CR and LF are removed from both).
   */
  reject(httpStatus?: number, reason?: string, extraHeaders?: object): void;

  /** Adds a listener for a request event. */
  on<K extends keyof IRequestEvents<this>>(event: K, cb: IRequestEvents<this>[K]): this;
  on<K extends string | symbol>(event: OtherEvent<K, keyof IRequestEvents>, cb: (...args: any[]) => void): this;
  /** Adds a listener for a request event. */
  addListener<K extends keyof IRequestEvents<this>>(event: K, cb: IRequestEvents<this>[K]): this;
  addListener<K extends string | symbol>(
    event: OtherEvent<K, keyof IRequestEvents>,
    cb: (...args: any[]) => void
  ): this;
  /** Adds a one-time listener for a request event. */
  once<K extends keyof IRequestEvents<this>>(event: K, cb: IRequestEvents<this>[K]): this;
  once<K extends string | symbol>(event: OtherEvent<K, keyof IRequestEvents>, cb: (...args: any[]) => void): this;
  /** Removes a listener. */
  off<K extends keyof IRequestEvents<this>>(event: K, cb: IRequestEvents<this>[K]): this;
  off<K extends string | symbol>(event: OtherEvent<K, keyof IRequestEvents>, cb: (...args: any[]) => void): this;
  /** Removes a listener. */
  removeListener<K extends keyof IRequestEvents<this>>(event: K, cb: IRequestEvents<this>[K]): this;
  removeListener<K extends string | symbol>(
    event: OtherEvent<K, keyof IRequestEvents>,
    cb: (...args: any[]) => void
  ): this;

  /**
   * Parses and validates the handshake headers and fills the properties above. Throws an Error on a bad
   * request (an unsupported version carries `httpCode` 426 and a `headers` object).
   */
  readHandshake(): void;
  /** Parses a `Sec-WebSocket-Extensions` value. `@types/websocket` declares `string[]`. */
  parseExtensions(extensionString: string): IRequestedExtension[];
  /** Parses a `Cookie` header value (`[]` for an empty or non-string value). */
  parseCookies(str: string): ICookie[];

  /** Internal: the socket closed before the request was resolved. */
  _handleSocketCloseBeforeAccept(): void;
  /** Internal. */
  _removeSocketCloseListeners(): void;
  /** Internal: throws `'WebSocketRequest may only be accepted or rejected one time.'` when resolved. */
  _verifyResolution(): void;
}

/** A text message. */
export interface IUtf8Message {
  /** Discriminant. */
  type: 'utf8';
  /** The text (validated UTF-8). */
  utf8Data: string;
}

/** A binary message. */
export interface IBinaryMessage {
  /** Discriminant. */
  type: 'binary';
  /** The payload. */
  binaryData: Buffer;
}

/** What a connection's `'message'` event carries; narrow it on `type`. */
export type Message = IUtf8Message | IBinaryMessage;

/** The buffer list of `websocket`'s JS parser, declared by `@types/websocket`. Not used by websocket-rs. */
export interface IBufferList extends events.EventEmitter {
  /** Encoding of `take()` results. */
  encoding: string;
  /** Bytes held. */
  length: number;
  /** Appends a chunk. */
  write(buf: Buffer): boolean;
  /** Appends a last chunk. */
  end(buf: Buffer): void;
  /** Appends chunks. */
  push(): void;
  /** Calls `fn` for each chunk until it returns true. */
  forEach(fn: (buf: Buffer) => boolean): void;
  /** Concatenates the bytes from `start` to `end`. */
  join(start: number, end: number): Buffer;
  /** Copies the bytes from `start` to `end` into `buf` at `offset`. */
  joinInto(buf: Buffer, offset: number, start: number, end: number): Buffer;
  /** Drops `n` bytes from the front. */
  advance(n: number): IBufferList;
  /** Returns `n` bytes (all when `n` is undefined) from the front. */
  take(n: number, encoding?: string): any;
  take(encoding?: string): any;
  /** The bytes as a string. */
  toString(): string;
  /** Adds a listener for a buffer list event. */
  on(event: 'advance', cb: (n: number) => void): this;
  on(event: 'write', cb: (buf: Buffer) => void): this;
  /** Adds a listener for a buffer list event. */
  addListener(event: 'advance', cb: (n: number) => void): this;
  addListener(event: 'write', cb: (buf: Buffer) => void): this;
}

/** The events of a `connection` and their listener signatures. */
export interface IConnectionEvents {
  /** A whole message arrived (only when `assembleFragments` is true). */
  message: (data: Message) => void;
  /** A frame arrived (only when `assembleFragments` is false; then no `'message'` is emitted). */
  frame: (frame: frame) => void;
  /** The connection closed, once: the peer's or our close code and its description. */
  close: (code: number, desc: string) => void;
  /**
   * Emitted only when there is a listener: a socket error, after which `'close'` (1006) follows; or, on the native
   * transport, a failure of the Rust task that owns the socket, after which `'close'` (1011) follows.
   */
  error: (err: Error) => void;
  /** The output buffer emptied after `outputBufferFull` became true. */
  drain: () => void;
  /** Reading was paused. */
  pause: () => void;
  /** Reading was resumed. */
  resume: () => void;
  /** A ping arrived. It is answered with a pong carrying the same payload unless `cancel()` is called. */
  ping: (cancel: () => void, binaryPayload: Buffer) => void;
  /** A pong arrived. */
  pong: (binaryPayload: Buffer) => void;
}

/**
 * What `connection.socket` (and `client.socket` once connected) is on the native transport: plain-TCP connections,
 * unless `nativeTransport` is false or `WEBSOCKET_RS_TRANSPORT=js` is set. Rust has taken the socket's file
 * descriptor over and Node's `net.Socket` is destroyed; this stand-in offers what applications usually touch on a
 * socket. It is not a `net.Socket`: it has no `write()` and emits no `'data'` events. It emits `'end'`,
 * `'error'` (`(err: Error)`), `'drain'`, `'pause'`, `'resume'` and `'close'` (`(hadError: boolean)`) like one.
 *
 * `connection.socket` is still typed `net.Socket` (with an optional `isNative`), so code written for
 * `@types/websocket` compiles; check `isNative` and narrow with `connection.socket as NativeSocket`.
 */
export interface NativeSocket extends events.EventEmitter {
  /** Always true: tells the stand-in from a `net.Socket` (on which `isNative` is `undefined`). */
  readonly isNative: true;
  /** The peer address, as Node's socket had it. */
  readonly remoteAddress: string | undefined;
  /** The peer port. */
  readonly remotePort: number | undefined;
  /** `'IPv4'` or `'IPv6'`. */
  readonly remoteFamily: string | undefined;
  /** The local address. */
  readonly localAddress?: string | undefined;
  /** The local port. */
  readonly localPort?: number | undefined;
  /** Always false (TLS connections never use the native transport). */
  readonly encrypted?: false | undefined;
  /** Always false. */
  readonly connecting: boolean;
  /** True once the socket is closed or `destroy()` was called. */
  readonly destroyed: boolean;
  /** True once the write side is ended. */
  readonly writableEnded: boolean;
  /** True once the peer ended its side. */
  readonly readableEnded: boolean;
  /** `'open'`, `'readOnly'`, `'writeOnly'` or `'closed'`. */
  readonly readyState: 'open' | 'readOnly' | 'writeOnly' | 'closed';
  /** Bytes queued for the socket and not yet written. */
  readonly writableLength: number;
  /** Same as `writableLength`. */
  readonly bufferSize: number;
  /** The local address, with `family` of the peer. */
  address(): net.AddressInfo;
  /** Sets `TCP_NODELAY` (default true). */
  setNoDelay(noDelay?: boolean): this;
  /** Sets `SO_KEEPALIVE`, with `initialDelay` in ms. */
  setKeepAlive(enable?: boolean, initialDelay?: number): this;
  /** Accepted and ignored: a native socket has no idle timeout. */
  setTimeout(timeout: number, callback?: () => void): this;
  /** Stops reading from the peer (`'pause'` follows). */
  pause(): this;
  /** Resumes reading (`'resume'` follows). */
  resume(): this;
  /** Whether reading is paused. */
  isPaused(): boolean;
  /** Ends the write side once everything queued is written. */
  end(): this;
  /** Ends the write side once everything queued is written, then closes without waiting for the peer. */
  destroySoon(): void;
  /** Closes the socket at once; `'close'` follows. */
  destroy(): this;
  /** Accepted and ignored: while any native connection is open the package keeps the event loop alive. */
  ref(): this;
  /** Accepted and ignored. */
  unref(): this;
}

/** `require('websocket-rs').connection`: an open WebSocket connection, server or client side. */
export class connection extends events.EventEmitter {
  /** 1000 */
  static CLOSE_REASON_NORMAL: number;
  /** 1001 */
  static CLOSE_REASON_GOING_AWAY: number;
  /** 1002 */
  static CLOSE_REASON_PROTOCOL_ERROR: number;
  /** 1003 */
  static CLOSE_REASON_UNPROCESSABLE_INPUT: number;
  /** 1004 (reserved; `close(1004)` throws) */
  static CLOSE_REASON_RESERVED: number;
  /** 1005 (never sent; `close(1005)` throws) */
  static CLOSE_REASON_NOT_PROVIDED: number;
  /** 1006 (never sent; reported when the connection drops) */
  static CLOSE_REASON_ABNORMAL: number;
  /** 1007 */
  static CLOSE_REASON_INVALID_DATA: number;
  /** 1008 */
  static CLOSE_REASON_POLICY_VIOLATION: number;
  /** 1009 */
  static CLOSE_REASON_MESSAGE_TOO_BIG: number;
  /** 1010 */
  static CLOSE_REASON_EXTENSION_REQUIRED: number;
  /** 1011. Not declared by `@types/websocket`. */
  static CLOSE_REASON_INTERNAL_SERVER_ERROR: number;
  /** 1015. Not declared by `@types/websocket`. */
  static CLOSE_REASON_TLS_HANDSHAKE_FAILED: number;
  /** Close code to its default description, e.g. `1000: 'Normal connection closure'`. */
  static CLOSE_DESCRIPTIONS: { [code: number]: string };

  /** The close description once closed; null while open (declared `string` for `@types/websocket`). */
  closeDescription: string;
  /** The close code once closed; -1 while open. */
  closeReasonCode: number;
  /** The subprotocol in use: the server's value as passed to `accept()`, the client's as the server sent it. */
  protocol: string;
  /** The configuration (server or client) the connection was created with. */
  config: IConfig;
  /**
   * The socket. On the JS-fed transport (TLS, `nativeTransport: false`, `WEBSOCKET_RS_TRANSPORT=js`) it is Node's
   * `net.Socket` / `tls.TLSSocket`. On the native transport (plain TCP by default) it is a {@link NativeSocket}
   * with `isNative: true`, and only these members work: `remoteAddress`, `remotePort`, `remoteFamily`,
   * `localAddress`, `localPort`, `encrypted`, `connecting`, `destroyed`, `writableEnded`, `readableEnded`,
   * `readyState`, `writableLength`, `bufferSize`, `address()`, `setNoDelay()`, `setKeepAlive()`, `pause()`,
   * `resume()`, `isPaused()`, `end()`, `destroySoon()`, `destroy()`, the `'end'`, `'error'`, `'drain'`, `'pause'`,
   * `'resume'` and `'close'` events, and `setTimeout()`, `ref()`, `unref()` (accepted, no effect). There is no
   * `write()` and no `'data'` event. Typed as a `net.Socket` for `@types/websocket` compatibility; narrow with
   * `if (connection.socket.isNative) { const s = connection.socket as NativeSocket; }`.
   */
  socket: net.Socket & { readonly isNative?: true | undefined };
  /** True on the client side (outgoing frames are masked), false on the server side. */
  maskOutgoingPackets: boolean;
  /**
   * Parser internals of `websocket`, declared by `@types/websocket`; never set here (parsing happens in Rust).
   * @deprecated `undefined` at runtime.
   */
  maskBytes?: Buffer | undefined;
  /**
   * Parser internals of `websocket`, declared by `@types/websocket`; never set here (parsing happens in Rust).
   * @deprecated `undefined` at runtime.
   */
  frameHeader?: Buffer | undefined;
  /**
   * Parser internals of `websocket`, declared by `@types/websocket`; never set here (parsing happens in Rust).
   * @deprecated `undefined` at runtime.
   */
  bufferList?: IBufferList | undefined;
  /**
   * Parser internals of `websocket`, declared by `@types/websocket`; never set here (parsing happens in Rust).
   * @deprecated `undefined` at runtime.
   */
  currentFrame?: frame | undefined;
  /**
   * Parser internals of `websocket`, declared by `@types/websocket`; never set here (parsing happens in Rust).
   * @deprecated `undefined` at runtime.
   */
  fragmentationSize?: number | undefined;
  /**
   * Parser internals of `websocket`, declared by `@types/websocket`; never set here (parsing happens in Rust).
   * @deprecated `undefined` at runtime.
   */
  frameQueue?: frame[] | undefined;
  /** `'open'`, `'peer_requested_close'`, `'ending'` or `'closed'` (a getter backed by the Rust core). */
  readonly state: string;
  /** Whether we sent a close frame and wait for the peer's (a getter backed by the Rust core). */
  readonly waitingForCloseResponse: boolean;
  /** Whether the peer half-closed the TCP connection. */
  receivedEnd: boolean;
  /** `config.closeTimeout`. */
  closeTimeout: number;
  /** `config.assembleFragments`: a boolean (`@types/websocket` declares `number`; a number is accepted). */
  get assembleFragments(): boolean;
  set assembleFragments(value: boolean | number);
  /** `config.maxReceivedMessageSize`. */
  maxReceivedMessageSize: number;
  /** True while more than the high-water mark of output is queued; `'drain'` follows when it empties. */
  outputBufferFull: boolean;
  /** Whether reading is paused (`pause()`). */
  inputPaused: boolean;
  /** Bytes framed and not yet taken by the kernel: our queue plus the socket's buffer (a getter). */
  readonly bytesWaitingToFlush: number;
  /** Whether the socket closed because of an error. */
  socketHadError: boolean;
  /** Whether the `'close'` event was emitted. */
  closeEventEmitted: boolean;
  /** The negotiated extensions: `[]`, or the permessage-deflate agreement when `perMessageDeflate` is on. */
  extensions: IAgreedExtension[];
  /** The peer address; on the server the first `X-Forwarded-For` entry unless `ignoreXForwardedFor` is set. */
  remoteAddress: string;
  /** Server side: the `X-Forwarded-For` entries and the peer address. `undefined` on the client side. */
  remoteAddresses?: string[] | undefined;
  /** The protocol version: 8 or 13. */
  webSocketVersion: number;
  /** True until `close()` is called or the connection drops. */
  connected: boolean;

  /** Internal: how many `'ping'` listeners there are. */
  _pingListenerCount: number;

  /** Created by `request.accept()` and by `client`; not meant to be constructed by hand. */
  constructor(
    socket: net.Socket,
    extensions: IExtension[],
    protocol: string,
    maskOutgoingPackets: boolean,
    config: IConfig
  );

  /**
   * Starts the closing handshake: sends a close frame and closes the socket when the peer answers or after
   * `closeTimeout`. Default code 1000; an invalid code throws `'Close code N is not valid.'`. Without a string
   * description the default one for the code is sent (pass `''` for none). A no-op unless `connected`.
   */
  close(reasonCode?: number, description?: string): void;

  /**
   * Sends a close frame (unless `skipCloseFrame`), emits `'close'` synchronously and closes the socket as soon as
   * the close frame is written, without waiting for the peer. Default code 1002. For error conditions.
   */
  drop(reasonCode?: number, description?: string, skipCloseFrame?: boolean): void;

  /**
   * Sends `data.toString()` as a text message (fragmented when over `fragmentationThreshold`). `cb` runs once
   * the whole message is written, with the first error if any.
   */
  sendUTF(data: IStringified, cb?: (err?: Error) => void): void;

  /**
   * Sends a Buffer as a binary message. A non-Buffer throws
   * `'You must pass a Node Buffer object to WebSocketConnection.prototype.sendBytes()'`.
   */
  sendBytes(buffer: Buffer, cb?: (err?: Error) => void): void;

  /** A Buffer as `sendBytes`, anything else with `toString()` as `sendUTF`. */
  send(data: Buffer | IStringified, cb?: (err?: Error) => void): void;

  /**
   * Sends a ping. A payload over 125 bytes is cut to 125 (`websocket` cuts it to 124); a non-Buffer is sent as
   * `toString()` text.
   */
  ping(data?: Buffer | IStringified): void;

  /**
   * Sends a pong (pings are answered automatically). A payload over 125 bytes is cut to 125; a non-Buffer is sent
   * as `toString()` text.
   */
  pong(buffer?: Buffer | IStringified): void;

  /**
   * Serialises and sends a hand-made frame (its `mask` is set from `maskOutgoingPackets`). Returns false when the
   * output is over the high-water mark.
   */
  sendFrame(frame: frame, cb?: (err?: Error) => void): boolean;

  /** Keepalive internals: (re)arms the keepalive timer. */
  setKeepaliveTimer(): void;
  /** Keepalive internals. */
  clearKeepaliveTimer(): void;
  /** Keepalive internals. */
  handleKeepaliveTimer(): void;
  /** Keepalive internals. */
  setGracePeriodTimer(): void;
  /** Keepalive internals. */
  clearGracePeriodTimer(): void;
  /** Keepalive internals. */
  handleGracePeriodTimer(): void;
  /** Socket handler internals. */
  handleSocketData(data: Buffer): void;
  /**
   * Parser internals of `websocket`, declared by `@types/websocket`; absent here (parsing happens in Rust).
   * @deprecated not a function at runtime.
   */
  processReceivedData?(): void;
  /** Socket handler internals. */
  handleSocketError(error: Error): void;
  /** Socket handler internals. */
  handleSocketEnd(): void;
  /** Socket handler internals. */
  handleSocketClose(hadError: boolean): void;
  /** Socket handler internals. */
  handleSocketDrain(): void;
  /** Socket handler internals. */
  handleSocketPause(): void;
  /** Socket handler internals. */
  handleSocketResume(): void;
  /** Stops reading from the peer (`'pause'` follows). */
  pause(): void;
  /** Resumes reading from the peer (`'resume'` follows). */
  resume(): void;

  /** Close timer internals. */
  setCloseTimer(): void;
  /** Close timer internals. */
  clearCloseTimer(): void;
  /** Close timer internals. */
  handleCloseTimer(): void;
  /**
   * Parser internals of `websocket`, declared by `@types/websocket`; absent here (parsing happens in Rust).
   * @deprecated not a function at runtime.
   */
  processFrame?(frame: frame): void;
  /** Sends a data frame, fragmented per the configuration. Throws `'You cannot fragment control frames.'`. */
  fragmentAndSend(frame: frame, cb?: (err: Error) => void): void;
  /** Sends a close frame and half-closes the socket. Internal. */
  sendCloseFrame(reasonCode?: number, reasonText?: string, cb?: (err?: Error) => void): void;

  /** Internal: attaches the socket listeners. */
  _addSocketEventListeners(): void;

  /** Adds a listener for a connection event. */
  on<K extends keyof IConnectionEvents>(event: K, cb: IConnectionEvents[K]): this;
  on<K extends string | symbol>(event: OtherEvent<K, keyof IConnectionEvents>, cb: (...args: any[]) => void): this;
  /** Adds a listener for a connection event. */
  addListener<K extends keyof IConnectionEvents>(event: K, cb: IConnectionEvents[K]): this;
  addListener<K extends string | symbol>(
    event: OtherEvent<K, keyof IConnectionEvents>,
    cb: (...args: any[]) => void
  ): this;
  /** Adds a one-time listener for a connection event. */
  once<K extends keyof IConnectionEvents>(event: K, cb: IConnectionEvents[K]): this;
  once<K extends string | symbol>(event: OtherEvent<K, keyof IConnectionEvents>, cb: (...args: any[]) => void): this;
  /** Adds a listener for a connection event before the existing ones. */
  prependListener<K extends keyof IConnectionEvents>(event: K, cb: IConnectionEvents[K]): this;
  prependListener<K extends string | symbol>(
    event: OtherEvent<K, keyof IConnectionEvents>,
    cb: (...args: any[]) => void
  ): this;
  /** Adds a one-time listener for a connection event before the existing ones. */
  prependOnceListener<K extends keyof IConnectionEvents>(event: K, cb: IConnectionEvents[K]): this;
  prependOnceListener<K extends string | symbol>(
    event: OtherEvent<K, keyof IConnectionEvents>,
    cb: (...args: any[]) => void
  ): this;
  /** Removes a listener. */
  off<K extends keyof IConnectionEvents>(event: K, cb: IConnectionEvents[K]): this;
  off<K extends string | symbol>(event: OtherEvent<K, keyof IConnectionEvents>, cb: (...args: any[]) => void): this;
  /** Removes a listener. */
  removeListener<K extends keyof IConnectionEvents>(event: K, cb: IConnectionEvents[K]): this;
  removeListener<K extends string | symbol>(
    event: OtherEvent<K, keyof IConnectionEvents>,
    cb: (...args: any[]) => void
  ): this;
}

/**
 * `require('websocket-rs').frame`: one WebSocket frame, as emitted by `'frame'` (when `assembleFragments` is
 * false) or built by hand for `connection.sendFrame()`.
 */
export class frame {
  /** Whether this is the last frame of a message. */
  fin: boolean;
  /** RSV1; a peer without a negotiated extension treats it as a protocol error. */
  rsv1: boolean;
  /** RSV2; a peer without a negotiated extension treats it as a protocol error. */
  rsv2: boolean;
  /** RSV3; a peer without a negotiated extension treats it as a protocol error. */
  rsv3: boolean;
  /**
   * Whether the frame is (or is to be) masked; `sendFrame` sets it from the connection's role. A boolean at runtime
   * (`@types/websocket` declares `number`; a number is accepted).
   */
  get mask(): boolean;
  set mask(value: boolean | number);
  /** 0x0 continuation, 0x1 text, 0x2 binary, 0x8 close, 0x9 ping, 0xA pong. */
  opcode: number;
  /** Payload length in bytes (computed from `binaryPayload` when sending). */
  length: number;
  /** The payload (for a close frame, without the 2-byte status code). */
  binaryPayload: Buffer;
  /** The masking key. */
  maskBytes: Buffer;
  /** Header scratch space. */
  frameHeader: Buffer;
  /** The configuration given to the constructor. */
  config: IConfig;
  /** `config.maxReceivedFrameSize`. */
  maxReceivedFrameSize: number;
  /** Parser state: the frame broke the protocol. */
  protocolError: boolean;
  /** Parser state: why the connection is dropped. */
  dropReason: string;
  /** Parser state: the frame exceeded `maxReceivedFrameSize`. */
  frameTooLarge: boolean;
  /** Parser state: a close frame had a 1-byte payload. */
  invalidCloseFrameLength: boolean;
  /** Parser state (1 to 6). */
  parseState: number;
  /** The status code of a close frame; -1 otherwise. */
  closeStatus: number;

  /** Creates a frame: `maskBytes` (4 bytes), `frameHeader` (10 bytes) and a config with `maxReceivedFrameSize`. */
  constructor(maskBytes?: Buffer, frameHeader?: Buffer, config?: IConfig);

  /** Feeds parser input; true when the frame is complete or broken. Internal. */
  addData(bufferList: IBufferList): boolean;
  /** Skips the payload of a rejected frame. Internal. */
  throwAwayPayload(bufferList: IBufferList): boolean;
  /** Serialises the frame; masks it when `mask` is set (with a zero key when `nullMask`). */
  toBuffer(nullMask?: boolean): Buffer;
  /** `'Opcode: X, fin: B, length: N, hasPayload: B, masked: B'`. */
  toString(): string;
}

/** Options of `new client(config)`. */
export interface IClientConfig extends IConfig {
  /**
   * The protocol version to speak: 8 or 13 (anything else throws). It only changes the origin header's name.
   * @default 13
   */
  webSocketVersion?: number | undefined;

  /**
   * Options for `https.request` on `wss:` URLs; its `headers` are sent with the request. The constructor removes
   * this key from the object it is given.
   */
  tlsOptions?: https.RequestOptions | undefined;

  /**
   * Milliseconds to wait for the `101` response after `connect()`; when it has not arrived by then, the request is
   * destroyed and `'connectFailed'` is emitted with `'WebSocket handshake timed out after <ms> ms'`. Off unless set
   * to a positive number. websocket-rs only (not declared by `@types/websocket`); not added to `config` unless set.
   * @default undefined (no timeout)
   */
  handshakeTimeout?: number | undefined;
}

/** The events of a `client` and their listener signatures. */
export interface IClientEvents {
  /** The handshake succeeded. */
  connect: (connection: connection) => void;
  /** The connection or handshake failed. */
  connectFailed: (err: Error) => void;
  /**
   * The server answered with a status other than 101. Only with a listener; then `'connectFailed'` is not emitted.
   */
  httpResponse: (response: http.IncomingMessage, client: client) => void;
}

/** `require('websocket-rs').client`: opens WebSocket connections. */
export class client extends events.EventEmitter {
  /** The merged configuration (defaults, then the caller's keys). */
  config: IClientConfig;
  /** Set by `connect()`: the requested subprotocols. */
  protocols?: string[] | undefined;
  /** Set by `connect()`: the origin sent. */
  origin?: string | undefined;
  /** Set by `connect()`: the parsed request URL. */
  url?: url.Url | undefined;
  /** Set by `connect()`: whether the URL is `wss:`. */
  secure?: boolean | undefined;
  /** Set by `connect()`: the `Sec-WebSocket-Key` sent. */
  base64nonce?: string | undefined;
  /**
   * Set on the upgrade response: the socket; once connected on the native transport, the connection's
   * {@link NativeSocket} (see `connection.socket`).
   */
  socket?: (net.Socket & { readonly isNative?: true | undefined }) | undefined;
  /** Set on the upgrade response: the HTTP response. */
  response?: http.IncomingMessage | undefined;
  /** Set on the upgrade response: the bytes that arrived with it; null once handed to the connection. */
  firstDataChunk?: Buffer | null | undefined;
  /** Set on the upgrade response: the subprotocol the server chose. */
  protocol?: string | undefined;

  /** Creates a client. Throws for a `webSocketVersion` other than 8 or 13. */
  constructor(ClientConfig?: IClientConfig);

  /**
   * Connects. Synchronously throws for a URL without protocol or hostname and for an invalid protocol token;
   * everything later is reported by `'connectFailed'`.
   * @param requestUrl a `ws:` or `wss:` URL: a string, a `url.parse()` result or a WHATWG `URL` (path and query kept)
   * @param requestedProtocols subprotocols to offer (a string or a list)
   * @param origin sent as `Origin` (version 13) or `Sec-WebSocket-Origin` (version 8)
   * @param headers extra request headers
   * @param extraRequestOptions extra options for `http.request`/`https.request`, e.g. an `agent` for a proxy
   * @example client.connect('ws://www.mygreatapp.com:1234/websocketapp/')
   */
  connect(
    requestUrl: url.Url | url.URL | string,
    requestedProtocols?: string | string[],
    origin?: string,
    headers?: http.OutgoingHttpHeaders,
    extraRequestOptions?: http.RequestOptions
  ): void;

  /** Aborts a connection attempt in progress; does nothing after `'connect'` or `'connectFailed'`. */
  abort(): void;

  /** Internal: checks the upgrade response. */
  validateHandshake(): void;
  /** Internal: ends the socket and emits `'connectFailed'`. */
  failHandshake(errorDescription: string): void;
  /** Internal: creates the connection and emits `'connect'`. */
  succeedHandshake(): void;

  /** Adds a listener for a client event. */
  on<K extends keyof IClientEvents>(event: K, cb: IClientEvents[K]): this;
  on<K extends string | symbol>(event: OtherEvent<K, keyof IClientEvents>, cb: (...args: any[]) => void): this;
  /** Adds a listener for a client event. */
  addListener<K extends keyof IClientEvents>(event: K, cb: IClientEvents[K]): this;
  addListener<K extends string | symbol>(event: OtherEvent<K, keyof IClientEvents>, cb: (...args: any[]) => void): this;
  /** Adds a one-time listener for a client event. */
  once<K extends keyof IClientEvents>(event: K, cb: IClientEvents[K]): this;
  once<K extends string | symbol>(event: OtherEvent<K, keyof IClientEvents>, cb: (...args: any[]) => void): this;
  /** Removes a listener. */
  off<K extends keyof IClientEvents>(event: K, cb: IClientEvents[K]): this;
  off<K extends string | symbol>(event: OtherEvent<K, keyof IClientEvents>, cb: (...args: any[]) => void): this;
  /** Removes a listener. */
  removeListener<K extends keyof IClientEvents>(event: K, cb: IClientEvents[K]): this;
  removeListener<K extends string | symbol>(
    event: OtherEvent<K, keyof IClientEvents>,
    cb: (...args: any[]) => void
  ): this;
}

/** The events of a router request (`R` is its type) and their listener signatures. */
export interface IRouterRequestEvents<R = IRouterRequest> {
  /** The request was accepted. */
  requestAccepted: (connection: connection) => void;
  /** The request was rejected. */
  requestRejected: (request: R) => void;
}

/** What a `router` passes to a mounted handler: a request matched to a path and protocol. */
export interface IRouterRequest extends events.EventEmitter {
  /** The wrapped request. */
  webSocketRequest: request;
  /** The matched protocol (lower-case), or null when the client asked for none. */
  protocol: string | null;
  /** As `request.origin`. */
  origin: string;
  /** As `request.resource`. */
  resource: string;
  /** As `request.resourceURL`. */
  resourceURL: url.UrlWithParsedQuery;
  /** As `request.httpRequest`. */
  httpRequest: http.IncomingMessage;
  /** As `request.remoteAddress`. */
  remoteAddress: string;
  /** As `request.webSocketVersion`. */
  webSocketVersion: number;
  /** As `request.requestedExtensions`. */
  requestedExtensions: IRequestedExtension[];
  /** As `request.cookies`. */
  cookies: ICookie[];

  /** Accepts with the matched `protocol`; emits `'requestAccepted'`. */
  accept(allowedOrigin?: string, cookies?: ICookie[]): connection;
  /**
   * The signature `@types/websocket` declares. The runtime takes `(allowedOrigin, cookies)`: the first argument is
   * used as the origin and the second as the cookies, and the matched `protocol` is always accepted.
   * @deprecated call `accept(allowedOrigin, cookies)`.
   */
  accept(acceptedProtocol: string | undefined, allowedOrigin: string | undefined, cookies?: ICookie[]): connection;

  /** Rejects as `request.reject()`; emits `'requestRejected'`. */
  reject(httpStatus?: number, reason?: string, extraHeaders?: object): void;

  /** Adds a listener for a router request event. */
  on<K extends keyof IRouterRequestEvents<this>>(event: K, cb: IRouterRequestEvents<this>[K]): this;
  on<K extends string | symbol>(event: OtherEvent<K, keyof IRouterRequestEvents>, cb: (...args: any[]) => void): this;
  /** Adds a listener for a router request event. */
  addListener<K extends keyof IRouterRequestEvents<this>>(event: K, cb: IRouterRequestEvents<this>[K]): this;
  addListener<K extends string | symbol>(
    event: OtherEvent<K, keyof IRouterRequestEvents>,
    cb: (...args: any[]) => void
  ): this;
  /** Adds a one-time listener for a router request event. */
  once<K extends keyof IRouterRequestEvents<this>>(event: K, cb: IRouterRequestEvents<this>[K]): this;
  once<K extends string | symbol>(event: OtherEvent<K, keyof IRouterRequestEvents>, cb: (...args: any[]) => void): this;
}

/** Options of `new router(config)`. */
export interface IRouterConfig {
  /** The server whose `'request'` events the router handles (the router attaches to it). */
  server?: server | null | undefined;
}

/** One mounted route of a `router`. */
export interface IRouterHandler {
  /** The path pattern (`@types/websocket` declares `string`). */
  path: RegExp;
  /** The path as given to `mount()`. */
  pathString: string;
  /** The protocol, lower-case; `'*'` for any, `'____no_protocol____'` for none. */
  protocol: string;
  /** The handler. */
  callback: (request: IRouterRequest) => void;
}

/** `require('websocket-rs').router`: dispatches a server's requests to handlers by path and protocol. */
export class router extends events.EventEmitter {
  /** The merged configuration. */
  config: IRouterConfig;
  /** The mounted routes. */
  handlers: IRouterHandler[];
  /** The attached server; `undefined` until `attachServer()`, null after `detachServer()`. */
  server?: server | null | undefined;

  /** Creates a router; attaches it when `config.server` is given. */
  constructor(config?: IRouterConfig);

  /** Handles `server`'s `'request'` events. Throws without a server. */
  attachServer(server: server): void;
  /** Stops handling the server's requests. Throws `'Cannot detach from server: not attached.'`. */
  detachServer(): void;

  /**
   * Routes requests for `path` (a string matched exactly, `'*'` for any, or a RegExp) and `protocol` (`'*'` for
   * any, null for requests without one) to `callback`. Throws for a duplicate path and protocol.
   */
  mount(path: string | RegExp, protocol: string | null | undefined, callback: (request: IRouterRequest) => void): void;

  /**
   * Removes a route. Throws `'Unable to find a route matching the specified path and protocol.'`. A route mounted
   * without a protocol is removed with protocol `'____no_protocol____'`.
   */
  unmount(path: string | RegExp, protocol?: string): void;

  /** The index of the route for a path string and protocol, or -1. */
  findHandlerIndex(pathString: string, protocol: string): number;

  /** The RegExp `mount()` uses for a path (`'*'` matches everything; a RegExp is returned as is). */
  pathToRegExp(path: string | RegExp): RegExp;

  /**
   * Declared by `@types/websocket` but absent at runtime in `websocket` 1.0.35; use `pathToRegExp`.
   * @deprecated use `pathToRegExp`.
   */
  pathToRegEx?(path: RegExp): RegExp;

  /** The server's `'request'` handler: calls the first matching route, or rejects with 404. */
  handleRequest(request: request): void;
}

/** The close event fields declared by `@types/websocket`. */
export interface ICloseEvent {
  /** Close code (1006 when the connection failed or dropped). */
  code: number;
  /** Close reason (`''` when none). */
  reason: string;
  /** True when `code` is 1000 (or undefined). */
  wasClean: boolean;
}

/** The message event fields declared by `@types/websocket`. */
export interface IMessageEvent {
  /**
   * A string for a text message (`''` included); for a binary one an ArrayBuffer (a copy) when `binaryType` is
   * `'arraybuffer'`, a Buffer when it is `'nodebuffer'`.
   */
  data: string | Buffer | ArrayBuffer;
}

/** An event dispatched by a `w3cwebsocket` (a plain object, not a DOM or Node `Event`). */
export interface IW3CEvent {
  /** `'open'`, `'message'`, `'error'`, `'close'`, or the type given to `dispatchEvent`. */
  type: string;
  /** Always false. */
  isTrusted: boolean;
  /** The socket that dispatched the event. */
  target: w3cwebsocket;
  /** Always true once dispatched. */
  cancelable: boolean;
  /** Stops the listeners after the current one from being called. */
  stopImmediatePropagation(): void;
}

/** A `w3cwebsocket` `'message'` event. */
export interface IW3CMessageEvent extends IW3CEvent, IMessageEvent {
  /** `'message'`. */
  type: 'message';
}

/**
 * A `w3cwebsocket` `'error'` event. When the connection failed, websocket-rs adds the cause (`websocket` dispatches a
 * bare event); after `close()` while connecting there is none.
 */
export interface IW3CErrorEvent extends IW3CEvent {
  /** The Error the client reported with `'connectFailed'`. Not in `websocket`. */
  error?: Error | undefined;
  /** `error.message`. Not in `websocket`. */
  message?: string | undefined;
}

/** A `w3cwebsocket` `'close'` event. */
export interface IW3CCloseEvent extends IW3CEvent, ICloseEvent {
  /** `'close'`. */
  type: 'close';
}

/** The `w3cwebsocket` events and their listener signatures (`this` is the socket). */
export interface IW3CEvents {
  /** The connection opened. */
  open: (this: w3cwebsocket, event: IW3CEvent) => void;
  /** A message arrived (empty text messages included, unlike `websocket`). */
  message: (this: w3cwebsocket, event: IW3CMessageEvent) => void;
  /**
   * The connection failed (`event.error` holds the cause), or `close()` was called while connecting. `'close'`
   * (1006) follows.
   */
  error: (this: w3cwebsocket, event: IW3CErrorEvent) => void;
  /** The connection closed. */
  close: (this: w3cwebsocket, event: IW3CCloseEvent) => void;
}

/**
 * The `onerror` handler type: the runtime passes an {@link IW3CErrorEvent} (an event, not an Error; the cause is
 * `event.error`); a handler written for `@types/websocket` as `(error: Error) => void` is accepted too.
 */
export type W3CErrorHandler = {
  bivarianceHack(event: IW3CErrorEvent | Error): void;
}['bivarianceHack'];

/** How a `w3cwebsocket` delivers binary messages: as an ArrayBuffer (the default) or as a Buffer. */
export type W3CBinaryType = 'arraybuffer' | 'nodebuffer';

/**
 * `require('websocket-rs').w3cwebsocket`: the W3C `WebSocket` API over a `client`. It is an event target
 * (`addEventListener`, `on<type>` properties), not an EventEmitter.
 */
export class w3cwebsocket {
  /** 0 */
  static readonly CONNECTING: number;
  /** 1 */
  static readonly OPEN: number;
  /** 2 */
  static readonly CLOSING: number;
  /** 3 */
  static readonly CLOSED: number;

  /** Internal backing field of `url`. */
  _url: string;
  /** Internal backing field of `readyState`. */
  _readyState: number;
  /** Internal backing field of `protocol`. */
  _protocol?: string | undefined;
  /** Internal backing field of `extensions`. */
  _extensions: IExtension[];
  /** Internal backing field of `bufferedAmount`. */
  _bufferedAmount: number;
  /** Internal backing field of `binaryType`. */
  _binaryType: W3CBinaryType;
  /** Internal: the connection once open. */
  _connection?: connection | undefined;
  /** Internal: the client that connects. */
  _client: client;

  /** The URL as given to the constructor. */
  readonly url: string;
  /** `CONNECTING` (0), `OPEN` (1), `CLOSING` (2) or `CLOSED` (3). */
  readonly readyState: number;
  /** The subprotocol the server chose; `undefined` until open. */
  readonly protocol?: string | undefined;
  /** The negotiated extensions: `''` until open, then `[]`. */
  readonly extensions: IExtension[];
  /** Bytes passed to `send()` and not yet written to the socket. */
  readonly bufferedAmount: number;
  /**
   * `'arraybuffer'` (the default: binary messages arrive as ArrayBuffer copies) or `'nodebuffer'` (as Buffers,
   * without the copy; websocket-rs only, `@types/websocket` declares `'arraybuffer'`). Setting anything else throws
   * a SyntaxError.
   */
  binaryType: W3CBinaryType;

  /** 0 */
  readonly CONNECTING: number;
  /** 1 */
  readonly OPEN: number;
  /** 2 */
  readonly CLOSING: number;
  /** 3 */
  readonly CLOSED: number;

  /** Called before the `'open'` listeners. `undefined` until assigned. */
  onopen: (this: w3cwebsocket, event: IW3CEvent) => void;
  /**
   * Called before the `'error'` listeners with an event, not an Error (the cause is `event.error`). `undefined` until
   * assigned.
   */
  onerror: W3CErrorHandler;
  /** Called before the `'close'` listeners. `undefined` until assigned. */
  onclose: (this: w3cwebsocket, event: IW3CCloseEvent) => void;
  /** Called before the `'message'` listeners. `undefined` until assigned. */
  onmessage: (this: w3cwebsocket, message: IW3CMessageEvent) => void;

  /**
   * Connects at once. `clientConfig.assembleFragments` is set to true (on the given object). URL errors throw
   * synchronously; connection failures are reported by `'error'` then `'close'` (1006).
   */
  constructor(
    url: string,
    protocols?: string | string[],
    origin?: string,
    headers?: http.OutgoingHttpHeaders,
    requestOptions?: object,
    IClientConfig?: IClientConfig
  );

  /**
   * Sends a string as text; a Buffer, ArrayBuffer or typed array as binary. Throws
   * `'cannot call send() while not connected'` unless open.
   */
  send(data: ArrayBufferView | ArrayBuffer | Buffer | IStringified): void;
  /**
   * Closes: while connecting, fails the connection at once (`'error'`, then `'close'` 1006) and aborts the request;
   * while open, starts the closing handshake with `code` and `reason`; otherwise does nothing. As the W3C interface
   * says (unlike `websocket`), first throws an `InvalidAccessError` unless `code` is 1000 or 3000-4999, and a
   * `SyntaxError` when `reason` is over 123 UTF-8 bytes.
   */
  close(code?: number, reason?: string): void;

  /** Adds a listener (a listener already added for the type is ignored). */
  addEventListener<K extends keyof IW3CEvents>(type: K, listener: IW3CEvents[K]): void;
  addEventListener<K extends string>(
    type: OtherEvent<K, keyof IW3CEvents>,
    listener: (this: w3cwebsocket, event: any) => void
  ): void;
  /** Removes a listener. */
  removeEventListener<K extends keyof IW3CEvents>(type: K, listener: IW3CEvents[K]): void;
  removeEventListener<K extends string>(
    type: OtherEvent<K, keyof IW3CEvents>,
    listener: (this: w3cwebsocket, event: any) => void
  ): void;
  /**
   * Calls `on<type>` and then the listeners of `event.type`. Throws when `event` has no string `type`.
   * Returns false when a listener set `event.defaultPrevented`.
   */
  dispatchEvent(event: { type: string }): boolean;
}

/** Deprecation warnings: each registered warning is printed once, unless disabled. */
export const deprecation: {
  /** Suppresses all deprecation warnings. */
  disableWarnings: boolean;
  /** Warning name to message; an entry is set to false once printed. */
  deprecationWarningMap: { [name: string]: string };
  /** Prints the warning registered under `deprecationName` once, with `console.warn`. */
  warn(deprecationName: string): void;
};

/** The package version. */
export const version: string;

export {};
