'use strict';
/**
 * The `perMessageDeflate` option (RFC 7692) of WebSocketServer and
 * WebSocketClient: type checks here, ranges, negotiation and compression in
 * Rust (crates/wsproto/src/deflate). Off unless the option is given, so the
 * default wire behaviour stays websocket's.
 */
const native = require('./native');

/** The options and their JS types. */
const OPTION_TYPES = {
  serverNoContextTakeover: 'boolean',
  clientNoContextTakeover: 'boolean',
  serverMaxWindowBits: 'number',
  clientMaxWindowBits: 'number',
  threshold: 'number',
  level: 'number'
};

/**
 * Normalizes and checks a `perMessageDeflate` value.
 * @param {boolean|object|undefined} value `false`/absent: off; `true`: the defaults; an object: options
 * @returns {object|null} the options to hand to the binding, or null when off
 */
function deflateOptions(value) {
  if (value === undefined || value === null || value === false) return null;
  if (value === true) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('perMessageDeflate must be false, true or an options object.');
  }
  const options = {};
  for (const key of Object.keys(value)) {
    if (key === 'memLevel') {
      throw new Error('perMessageDeflate.memLevel is not supported: the compressor always uses memLevel 8.');
    }
    if (!Object.prototype.hasOwnProperty.call(OPTION_TYPES, key)) {
      throw new Error('perMessageDeflate.' + key + ' is not a known option.');
    }
    const v = value[key];
    if (v === undefined) continue;
    if (typeof v !== OPTION_TYPES[key]) {
      throw new Error('perMessageDeflate.' + key + ' must be a ' + OPTION_TYPES[key] + '.');
    }
    options[key] = v;
  }
  try {
    native.deflateValidateOptions(options);
  } catch (e) {
    throw new Error(e.message);
  }
  return options;
}

/**
 * Turns the extension on for a new connection (before any data flows) and
 * records what was agreed in `connection.extensions`: `{name, value, params}`,
 * where `value` is the parameter text (`@types/websocket`'s `IExtension`) and
 * `params` the parameters in the shape of `request.requestedExtensions`.
 * @param {import('./WebSocketConnection')} connection
 * @param {boolean} client
 * @param {object} agreement from the binding's negotiation
 * @param {object} options from {@link deflateOptions}
 */
function enableDeflate(connection, client, agreement, options) {
  native.connSetDeflate(connection._native, client, agreement, options);
  connection.extensions = native.serverParseExtensions(agreement.response).map((extension) => {
    const params = extension.params.map((param) => ({ name: param.name, value: param.value }));
    const value = params.map((p) => (p.value === undefined ? p.name : p.name + '=' + p.value)).join('; ');
    return { name: extension.name, value, params };
  });
}

module.exports = { deflateOptions, enableDeflate };
