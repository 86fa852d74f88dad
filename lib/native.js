'use strict';
/**
 * The only place that loads the native addon. Everything in lib/ gets the
 * binding from here, so a missing build is reported once, clearly.
 */
const path = require('path');
const fs = require('fs');

function load() {
  const root = path.join(__dirname, '..');
  const generated = path.join(root, 'binding.js');
  const errors = [];
  if (fs.existsSync(generated)) {
    try {
      return require(generated);
    } catch (e) {
      errors.push(e);
    }
  }
  const suffix = process.platform === 'linux' ? '-gnu' : '';
  const file = path.join(root, 'websocket-rs.' + process.platform + '-' + process.arch + suffix + '.node');
  try {
    return require(file);
  } catch (e) {
    errors.push(e);
  }
  const err = new Error(
    'websocket-rs: the native addon is not built for ' +
      process.platform +
      '-' +
      process.arch +
      '. Run `npm install` (or `npm run build`) in ' +
      root +
      '; building needs the Rust toolchain (cargo). Load errors: ' +
      errors.map((e) => e.message).join('; ')
  );
  err.code = 'WEBSOCKET_RS_NO_BINARY';
  throw err;
}

module.exports = load();
