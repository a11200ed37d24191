// @ts-check
const { builtinModules } = require('node:module');
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));

module.exports = tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.data/', 'coverage/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly', Buffer: 'readonly', fetch: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Queries are built in db/ only: elsewhere a repository function is called (one place to read
    // for what the application asks of PostgreSQL, and for the indexes it needs).
    files: ['**/*.ts'],
    ignores: ['db/**', 'test/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['selectFrom', 'insertInto', 'updateTable', 'deleteFrom'].map((name) => ({
          selector: `CallExpression[callee.property.name='${name}']`,
          message: 'Build queries in db/ (a repository function), not here.',
        })),
        { selector: "TaggedTemplateExpression[tag.name='sql']", message: 'Write SQL in db/ (a repository function), not here.' },
      ],
    },
  },
  {
    // Tests read JSON responses loosely; production code may not.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O modules,
    // and activities only as types (they run on the worker, not in the workflow).
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'Workflow code must not use Node built-ins.' })),
            ...['pg', 'kysely', 'undici', 'pino', 'express', 'ulid', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'].map(
              (name) => ({ name, message: 'Workflow code must not import I/O or worker-side modules.' }),
            ),
          ],
          patterns: [
            { group: ['node:*'], message: 'Workflow code must not use Node built-ins.' },
            { group: ['**/activities', '**/activities/*'], allowTypeImports: true, message: 'Import activities as types only.' },
            { group: ['**/db', '**/db/*', '**/api', '**/api/*', '**/config', '**/config/*', '**/lib/*', '**/webhooks/*'], message: 'Workflow code must not import I/O modules.' },
          ],
        },
      ],
    },
  },
);
