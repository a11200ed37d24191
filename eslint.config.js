// @ts-check
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

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
    // Type-aware: a promise nobody awaits loses its error (and in a workflow, its ordering); one
    // returned unawaited from a try block escapes its catch and finally (the CLI closed its
    // database under a resend that way).
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error', '@typescript-eslint/return-await': ['error', 'in-try-catch'] },
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
    // Workflow code runs in Temporal's deterministic sandbox. It imports only from an allow-list:
    // the workflow SDK, domain/, its own folder, and activities as types (they run on the worker).
    // domain/ is held to the same list: the workflow imports it.
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!@temporalio/(workflow|common)$|\\./|\\.\\./domain/|\\.\\./activities$)',
              message: 'Workflow and domain code import only @temporalio/workflow, @temporalio/common, domain/, their own folder, and activities as types.',
            },
            { regex: '^\\.\\./activities$', allowTypeImports: true, message: 'Import activities as types only.' },
          ],
        },
      ],
    },
  },
);
