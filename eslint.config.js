// ESLint (`npm run lint`, run by `npm test`): rules that catch bugs, on the type information tsc already
// has: promises left floating or handed where a callback's result is ignored, methods detached from
// their object, `any` leaking into production code, unused code, errors rethrown without their cause.
// Layout is Prettier's (`npm run format`, .prettierrc.json): no stylistic rule here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** What the browser scripts (the console, the examples) and the plain-JS launcher use from their hosts. */
const browser = Object.fromEntries(
  [
    'window',
    'document',
    'Node',
    'location',
    'history',
    'navigator',
    'localStorage',
    'sessionStorage',
    'fetch',
    'URL',
    'URLSearchParams',
    'Headers',
    'FormData',
    'EventSource',
    'CustomEvent',
    'HTMLElement',
    'customElements',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'requestAnimationFrame',
    'console',
    'Intl',
    'atob',
    'btoa',
    'Notification',
    'Response',
    'Blob',
  ].map((name) => [name, 'readonly']),
);
const serviceWorker = {
  self: 'readonly',
  clients: 'readonly',
  registration: 'readonly',
  caches: 'readonly',
  console: 'readonly',
  fetch: 'readonly',
  URL: 'readonly',
  Response: 'readonly',
};
const node = {
  process: 'readonly',
  console: 'readonly',
  URL: 'readonly',
  Buffer: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  fetch: 'readonly',
  AbortSignal: 'readonly',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', '.tmp/', '.tools/', 'coverage/', '**/dist/', 'packages/client/src/schema.ts'] },
  js.configs.recommended,
  // A run of case labels with a comment among them is one case, not a fall-through.
  { rules: { 'no-fallthrough': ['error', { allowEmptyCase: true }] } },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // An `async` function without `await` is how an interface that returns a promise is met: no bug.
      '@typescript-eslint/require-await': 'off',
      // tsc already proves these harmless; removing them is tidying, left to whoever edits the line.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // `_name` marks a parameter a signature needs and the body does not.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    // Tests read untyped HTTP bodies (`body: any` in tests/api/helpers.ts) and pass methods to expect().
    files: ['**/*.test.ts', 'tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-this-alias': 'off',
    },
  },
  { files: ['api/console/static/**/*.js', 'examples/**/*.js'], ignores: ['examples/**/sw.js'], languageOptions: { globals: browser } },
  { files: ['examples/**/sw.js'], languageOptions: { globals: serviceWorker } },
  { files: ['bin/**/*.js', '*.config.js', '**/*.mjs'], languageOptions: { globals: node } },
);
