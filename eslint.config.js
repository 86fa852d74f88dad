'use strict';
const js = require('@eslint/js');
const globals = require('globals');

module.exports = [
  {
    ignores: [
      'target/**',
      'node_modules/**',
      'binding.js',
      'binding.d.ts',
      'crates/**',
      'autobahn/reports/**',
      'docs/**',
      'dist/**'
    ]
  },
  js.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'commonjs',
      globals: { ...globals.node }
    },
    rules: {
      'no-unused-vars': ['error', { args: 'none', caughtErrors: 'none' }]
    }
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } }
  },
  {
    files: ['examples/demo/public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } }
  }
];
