// Compatibility of index.d.ts with @types/websocket 1.0.10, checked at the type level:
// - every value @types/websocket exports is exported by websocket-rs;
// - every type @types/websocket exports has a websocket-rs counterpart of the same name;
// - what users hand in (configs, cookies, handlers) written against @types/websocket is accepted by our types;
// - what we hand out (connections, requests, messages, events) can go where @types/websocket's types are expected.
import type * as Theirs from '../../node_modules/@types/websocket/index';
import type * as Ours from 'websocket-rs';

/** `true` when A is assignable to B. */
type Assignable<A, B> = [A] extends [B] ? true : false;
function assertTrue<T extends true>(): T | void {}

// Every exported value of @types/websocket exists here.
assertTrue<Assignable<Exclude<keyof typeof Theirs, keyof typeof Ours>, never>>();

// Every exported type of @types/websocket exists here (a missing name is a compile error).
type SameNames = [
  Ours.IStringified,
  Ours.IConfig,
  Ours.IServerConfig,
  Ours.server,
  Ours.ICookie,
  Ours.IExtension,
  Ours.request,
  Ours.IUtf8Message,
  Ours.IBinaryMessage,
  Ours.Message,
  Ours.IBufferList,
  Ours.connection,
  Ours.frame,
  Ours.IClientConfig,
  Ours.client,
  Ours.IRouterRequest,
  Ours.IRouterConfig,
  Ours.IRouterHandler,
  Ours.router,
  Ours.ICloseEvent,
  Ours.IMessageEvent,
  Ours.w3cwebsocket
];

// Inputs written against @types/websocket are accepted.
assertTrue<Assignable<Theirs.IConfig, Ours.IConfig>>();
assertTrue<Assignable<Theirs.IServerConfig, Ours.IServerConfig>>();
assertTrue<Assignable<Theirs.IClientConfig, Ours.IClientConfig>>();
assertTrue<Assignable<Theirs.ICookie, Ours.ICookie>>();
assertTrue<Assignable<Theirs.ICookie[], Parameters<Ours.request['accept']>[2]>>();
assertTrue<Assignable<Theirs.IStringified, Ours.IStringified>>();
assertTrue<Assignable<Theirs.IExtension, Ours.IExtension>>();
assertTrue<Assignable<Theirs.ICloseEvent, Ours.ICloseEvent>>();
assertTrue<Assignable<Theirs.IMessageEvent, Ours.IMessageEvent>>();
assertTrue<Assignable<Theirs.w3cwebsocket['onopen'], Ours.w3cwebsocket['onopen']>>();
assertTrue<Assignable<Theirs.w3cwebsocket['onerror'], Ours.w3cwebsocket['onerror']>>();
assertTrue<Assignable<Theirs.w3cwebsocket['onclose'], Ours.w3cwebsocket['onclose']>>();
assertTrue<Assignable<Theirs.w3cwebsocket['onmessage'], Ours.w3cwebsocket['onmessage']>>();
assertTrue<Assignable<(message: Theirs.Message) => void, Ours.IConnectionEvents['message']>>();

// Outputs can go where @types/websocket's types are expected.
assertTrue<Assignable<Ours.Message, Theirs.Message>>();
assertTrue<Assignable<Ours.IUtf8Message, Theirs.IUtf8Message>>();
assertTrue<Assignable<Ours.IBinaryMessage, Theirs.IBinaryMessage>>();
assertTrue<Assignable<Ours.ICookie, Theirs.ICookie>>();
assertTrue<Assignable<Ours.IW3CCloseEvent, Theirs.ICloseEvent>>();
assertTrue<Assignable<Ours.IW3CMessageEvent, Theirs.IMessageEvent>>();
assertTrue<Assignable<Ours.IServerConfig, Theirs.IServerConfig>>();
assertTrue<Assignable<Ours.IClientConfig, Theirs.IClientConfig>>();
assertTrue<Assignable<typeof Ours.deprecation, typeof Theirs.deprecation>>();
assertTrue<Assignable<typeof Ours.version, typeof Theirs.version>>();

// Deliberate difference: `frame.mask` and `connection.assembleFragments` read as booleans (what the runtime holds),
// where @types/websocket says number; both still accept a number on write. So a websocket-rs frame (and what
// holds frames: connection, request, server, w3cwebsocket) is not assignable to @types/websocket's class types.
assertTrue<Assignable<Assignable<Ours.frame, Theirs.frame>, false>>();
assertTrue<Assignable<Omit<Ours.frame, 'mask'>, Omit<Theirs.frame, 'mask'>>>();
assertTrue<Assignable<Ours.client, Theirs.client>>();

export type { SameNames };
