// Lint rules, including the dependency direction of ../shared/STYLE.md enforced per folder.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: forbidden.map((group) => ({ group: [group], message })) },
    ],
  },
})

const ours = ['**/policy/**', '**/sigv4/**', '**/federation/**', '**/store/**', '**/iam/**']
const upper = ['**/sts/**', '**/kubernetes/**', '**/http/**', '**/cli/**', '**/main*']

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.rolegate/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'error' } },
  layer(
    ['src/core/**'],
    [...ours, ...upper, 'node:http', 'node:net'],
    'core imports nothing of ours',
  ),
  layer(
    ['src/policy/**', 'src/sigv4/**'],
    ['node:*', '**/store/**', '**/iam/**', ...upper, '**/federation/**'],
    'policy/ and sigv4/ are pure: core only, no node:*',
  ),
  layer(['src/store/**'], ['**/iam/**', ...upper], 'store sits below the services'),
  layer(['src/iam/**'], upper, 'iam/ must not reach up into sts, kubernetes, http or cli'),
  layer(
    ['src/federation/**', 'src/tls/**'],
    [
      '**/iam/**',
      '**/admin-api/**',
      '**/store/kysely/**',
      '**/store/sqlite/**',
      '**/store/postgres/**',
      ...upper,
    ],
    'federation/ and tls/ sit below the services: core and store ports only',
  ),
  layer(
    ['src/sts/**'],
    ['**/http/**', '**/cli/**', '**/main*', '**/admin-api/**', '**/kubernetes/**'],
    'sts/ must not reach up into http, cli or the admin API',
  ),
  layer(
    ['src/admin-api/**'],
    ['**/http/**', '**/cli/**', '**/main*'],
    'admin-api/ is a service: no http or cli',
  ),
  layer(
    ['src/http/**'],
    ['**/cli/**', '**/main*', '**/store/sqlite/**', '**/store/postgres/**'],
    'adapters are chosen in main.ts',
  ),
  {
    files: ['scripts/**/*.js', 'bin/**/*.js', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
)
