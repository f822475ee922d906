import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bin/'] },
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
    files: ['src/index.ts', 'test/**', 'src/bench/**', 'src/chaos/**', 'src/demo/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
