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
    files: ['src/index.ts', 'test/**', 'tools/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
