import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'dist-tools/', 'node_modules/', 'coverage/', 'bin/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'Only src/index.ts may exit: throw a typed error.' },
      ],
    },
  },
  {
    // tools/ (sandbox, X3 simulator, demo, bench, chaos) may import the product; never the reverse.
    files: ['src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/tools/**'], message: 'The product (src/) never imports tools/.' }] },
      ],
    },
  },
  {
    // Rules that need the types (typescript-eslint's type-checked set, the ones that catch real
    // bugs): a promise nobody awaits or catches, a promise where a boolean or a void callback is
    // expected, `await` on a non-promise, throwing or rejecting with a non-Error, a type assertion
    // that changes nothing. examples/ is left out: it is not in tsconfig.json's project.
    files: ['src/**/*.ts', 'tools/**/*.ts', 'test/**/*.ts', 'vitest.config.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
    },
  },
  {
    files: ['src/index.ts', 'test/**', 'tools/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
