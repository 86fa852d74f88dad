/**
 * The `browser` entry for `import`: the same objects as lib/browser.js (one
 * module, so a bundle that both imports and requires the package holds one
 * copy), as named exports and as the default export.
 */
import browser from './browser.js';

export const { w3cwebsocket, version } = browser;

export default browser;
