'use strict';
/**
 * Deprecation warnings, as in `websocket`: a singleton with a message map.
 * Each warning is printed once, unless `disableWarnings` is set.
 */
const Deprecation = {
  disableWarnings: false,

  deprecationWarningMap: {},

  /**
   * Prints the warning registered under `deprecationName`, once.
   * @param {string} deprecationName
   */
  warn: function (deprecationName) {
    if (!this.disableWarnings && this.deprecationWarningMap[deprecationName]) {
      console.warn('DEPRECATION WARNING: ' + this.deprecationWarningMap[deprecationName]);
      this.deprecationWarningMap[deprecationName] = false;
    }
  }
};

module.exports = Deprecation;
