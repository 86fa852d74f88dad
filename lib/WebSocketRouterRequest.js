'use strict';
/**
 * The request object a `WebSocketRouter` hands to a mounted handler: a thin
 * wrapper over a `WebSocketRequest` that already knows which subprotocol the
 * route resolved to, so `accept()` needs no protocol argument.
 */
const util = require('util');
const { EventEmitter } = require('events');

/** The internal marker the router uses for "the client requested no subprotocol". */
const NO_PROTOCOL = '____no_protocol____';

/**
 * @constructor
 * @param {import('./WebSocketRequest')} webSocketRequest the request being routed
 * @param {string} resolvedProtocol the lower-cased protocol the route matched, or the no-protocol marker
 */
function WebSocketRouterRequest(webSocketRequest, resolvedProtocol) {
  EventEmitter.call(this);

  this.webSocketRequest = webSocketRequest;
  this.protocol = resolvedProtocol === NO_PROTOCOL ? null : resolvedProtocol;
  this.origin = webSocketRequest.origin;
  this.resource = webSocketRequest.resource;
  this.resourceURL = webSocketRequest.resourceURL;
  this.httpRequest = webSocketRequest.httpRequest;
  this.remoteAddress = webSocketRequest.remoteAddress;
  this.webSocketVersion = webSocketRequest.webSocketVersion;
  this.requestedExtensions = webSocketRequest.requestedExtensions;
  this.cookies = webSocketRequest.cookies;
}

util.inherits(WebSocketRouterRequest, EventEmitter);

/**
 * Accepts the request with the routed protocol and emits `requestAccepted`.
 * @param {string} [origin] the origin to echo back
 * @param {Array<object>} [cookies] cookies to set, as for `WebSocketRequest#accept`
 * @returns {import('./WebSocketConnection')} the new connection
 */
WebSocketRouterRequest.prototype.accept = function accept(origin, cookies) {
  const connection = this.webSocketRequest.accept(this.protocol, origin, cookies);
  this.emit('requestAccepted', connection);
  return connection;
};

/**
 * Rejects the request and emits `requestRejected` with this router request.
 * @param {number} [status] HTTP status (the request's default applies when absent)
 * @param {string} [reason] sent as `X-WebSocket-Reject-Reason`
 * @param {object} [extraHeaders] additional response headers
 */
WebSocketRouterRequest.prototype.reject = function reject(status, reason, extraHeaders) {
  this.webSocketRequest.reject(status, reason, extraHeaders);
  this.emit('requestRejected', this);
};

WebSocketRouterRequest.NO_PROTOCOL = NO_PROTOCOL;

module.exports = WebSocketRouterRequest;
