// One ESLint config for the repo: typescript-eslint recommended for backend, shared and test.
// stripe-app/ adds @stripe/ui-extension-tools' rules on top (see the block below).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

// @stripe/ui-extension-tools is a stripe-app dependency (npm may keep it inside that workspace):
// resolve it from there rather than from the root.
const fromStripeApp = createRequire(new URL('./stripe-app/package.json', import.meta.url))
const { default: stripeUiExtension } = await import(
  pathToFileURL(fromStripeApp.resolve('@stripe/ui-extension-tools/eslint.config.ui-extension.mjs'))
    .href
)

// Stripe's UI-extension presets (React, hooks, SDK components only), scoped to the app's views.
const stripeAppFiles = ['stripe-app/src/**/*.{ts,tsx}']

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '.data/**',
      '**/dist/**',
      '**/.build/**',
      'backend/src/db/migrations/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The service logs through backend/src/log.ts; console is for CLIs and scripts only.
    files: ['backend/src/**/*.ts', 'shared/src/**/*.ts'],
    ignores: ['**/*.test.ts', 'backend/src/cli/**'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['test/**/*.ts', 'demo/**/*.ts', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  ...stripeUiExtension.map((config) => ({ ...config, files: stripeAppFiles })),
  {
    files: stripeAppFiles,
    settings: { react: { version: '18.3' } },
    languageOptions: { globals: { globalThis: 'readonly' } },
  }
)
