'use strict';
/**
 * Routes a `WebSocketServer`'s `request` events to handlers mounted by path
 * and subprotocol, like `websocket`'s router.
 */
const util = require('util');
const { EventEmitter } = require('events');
const WebSocketRouterRequest = require('./WebSocketRouterRequest');

const NO_PROTOCOL = WebSocketRouterRequest.NO_PROTOCOL;

/** Characters escaped when a string path becomes an exact-match RegExp. */
const REGEXP_SPECIALS = /[-[\]{}()*+?.,\\^$|#\s]/g;

/**
 * @constructor
 * @param {{server?: import('./WebSocketServer')}} [config] `server` is attached right away when given
 */
function WebSocketRouter(config) {
  EventEmitter.call(this);

  this.config = { server: null };
  if (config) {
    for (const key in config) {
      this.config[key] = config[key];
    }
  }
  this.handlers = [];

  this._requestHandler = this.handleRequest.bind(this);
  if (this.config.server) {
    this.attachServer(this.config.server);
  }
}

util.inherits(WebSocketRouter, EventEmitter);

/**
 * Starts routing the `request` events of `server`.
 * @param {import('./WebSocketServer')} server
 */
WebSocketRouter.prototype.attachServer = function attachServer(server) {
  if (!server) {
    throw new Error('You must specify a WebSocketServer instance to attach to.');
  }
  this.server = server;
  this.server.on('request', this._requestHandler);
};

/** Stops routing the attached server's requests. */
WebSocketRouter.prototype.detachServer = function detachServer() {
  if (!this.server) {
    throw new Error('Cannot detach from server: not attached.');
  }
  this.server.removeListener('request', this._requestHandler);
  this.server = null;
};

/**
 * Mounts `callback` for requests whose path matches `path` and that asked
 * for `protocol`. All three arguments are positional, as in `websocket`:
 * `mount(path, callback)` throws because the callback is missing.
 * @param {string|RegExp} path `'*'` matches every path; other strings match exactly
 * @param {string|null} protocol a subprotocol (case-insensitive), `'*'` for any, falsy for requests without one
 * @param {(request: WebSocketRouterRequest) => void} callback
 */
WebSocketRouter.prototype.mount = function mount(path, protocol, callback) {
  if (!path) {
    throw new Error('You must specify a path for this handler.');
  }
  if (!protocol) {
    protocol = NO_PROTOCOL;
  }
  if (!callback) {
    throw new Error('You must specify a callback for this handler.');
  }

  const pathRegExp = this.pathToRegExp(path);
  if (!(pathRegExp instanceof RegExp)) {
    throw new Error('Path must be specified as either a string or a RegExp.');
  }
  const pathString = pathRegExp.toString();
  protocol = protocol.toLowerCase();

  if (this.findHandlerIndex(pathString, protocol) !== -1) {
    throw new Error('You may only mount one handler per path/protocol combination.');
  }

  this.handlers.push({ path: pathRegExp, pathString, protocol, callback });
};

/**
 * Removes the handler mounted for `path` and `protocol`. Unlike `websocket`
 * (which throws a TypeError), a missing protocol means the handler mounted
 * without one.
 * @param {string|RegExp} path
 * @param {string} [protocol]
 */
WebSocketRouter.prototype.unmount = function unmount(path, protocol) {
  const index = this.findHandlerIndex(this.pathToRegExp(path).toString(), protocol || NO_PROTOCOL);
  if (index === -1) {
    throw new Error('Unable to find a route matching the specified path and protocol.');
  }
  this.handlers.splice(index, 1);
};

/**
 * @param {string} pathString the `toString()` of the mounted RegExp
 * @param {string} protocol compared case-insensitively
 * @returns {number} the handler's index, or -1
 */
WebSocketRouter.prototype.findHandlerIndex = function findHandlerIndex(pathString, protocol) {
  protocol = protocol.toLowerCase();
  return this.handlers.findIndex((h) => h.pathString === pathString && h.protocol === protocol);
};

/**
 * Turns a mount path into a RegExp: `'*'` matches anything, other strings
 * match exactly, a RegExp (or any other value) is returned unchanged.
 * @param {string|RegExp} path
 * @returns {RegExp|*}
 */
WebSocketRouter.prototype.pathToRegExp = function pathToRegExp(path) {
  if (typeof path !== 'string') {
    return path;
  }
  if (path === '*') {
    return /^.*$/;
  }
  return new RegExp('^' + path.replace(REGEXP_SPECIALS, '\\$&') + '$');
};

/**
 * Dispatches a server `request`: for each requested protocol in the client's
 * order, the first handler whose path matches and whose protocol is that one
 * (or `'*'`) gets a `WebSocketRouterRequest`. With no match the request is
 * rejected with 404.
 * @param {import('./WebSocketRequest')} request
 */
WebSocketRouter.prototype.handleRequest = function handleRequest(request) {
  const requested = request.requestedProtocols.length > 0 ? request.requestedProtocols : [NO_PROTOCOL];
  const pathname = request.resourceURL.pathname;

  for (const candidate of requested) {
    const protocol = candidate.toLowerCase();
    for (const handler of this.handlers) {
      if (handler.path.test(pathname) && (handler.protocol === protocol || handler.protocol === '*')) {
        handler.callback(new WebSocketRouterRequest(request, protocol));
        return;
      }
    }
  }

  request.reject(404, 'No handler is available for the given request.');
};

module.exports = WebSocketRouter;
