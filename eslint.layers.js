// The dependency direction of ../shared/STYLE.md as an allow-list per folder, enforced by
// eslint-plugin-boundaries: an import (value or type, static, dynamic or re-export) of one of our
// folders, of a package or of a Node built-in (`crypto` as much as `node:crypto`) is an error
// unless the importing folder's entry below allows it. A file in no folder listed is an error too.
import boundaries from 'eslint-plugin-boundaries'

/** Our folders; the first pattern a file matches names its element. */
const ELEMENTS = [
  ['core', 'src/core'],
  ['policy', 'src/policy'],
  ['sigv4', 'src/sigv4'],
  ['federation', 'src/federation'],
  // Files in store/'s subfolders are adapters; its own files (ports.ts, errors.ts) the ports.
  ['store-adapters', 'src/store/*'],
  ['store-ports', 'src/store'],
  ['credentials', 'src/credentials'],
  ['mfa', 'src/mfa'],
  ['authorization', 'src/authorization'],
  ['operation', 'src/operation'],
  ['iam', 'src/iam'],
  ['sts', 'src/sts'],
  ['kubernetes', 'src/kubernetes'],
  ['idp', 'src/idp'],
  ['admin-api', 'src/admin-api'],
  ['tls', 'src/tls'],
  ['http', 'src/http'],
  ['cli', 'src/cli'],
  ['composition', 'src/composition'],
]

/** Files outside any folder: the composition root (and the --workers process manager). */
const ROOT_FILES = ['src/main.ts', 'src/workers.ts']

const NODE = 'node' // every Node built-in; 'node:NAME' allows that one only (either spelling)
const PACKAGES = 'packages' // anything from node_modules

/** What the composition root may import: every folder but the commands that start it. */
const ROOT_MAY_IMPORT = [
  'core',
  'policy',
  'sigv4',
  'federation',
  'store-ports',
  'store-adapters',
  'credentials',
  'authorization',
  'operation',
  'iam',
  'sts',
  'admin-api',
  'tls',
  'http',
  'mfa',
  'kubernetes',
  'idp',
  NODE,
  PACKAGES,
]

/** What each element may import, besides itself. */
const ALLOWED = {
  // Errors, ARNs, ids, the clock, shared types; node:crypto for the hashes the cores take.
  core: ['node:crypto'],
  // Pure and synchronous: core only; no Node built-ins, no packages.
  policy: ['core'],
  sigv4: ['core'],
  federation: ['core', 'store-ports', NODE, PACKAGES],
  'store-ports': ['core'],
  'store-adapters': ['core', 'store-ports', NODE, PACKAGES],
  credentials: ['core', 'store-ports', PACKAGES],
  // Virtual MFA devices' TOTP codes (otpauth), key URIs and QR codes: no store, no request.
  mfa: ['core', PACKAGES],
  authorization: ['core', 'policy'],
  // The one operation pipeline: validate, resource, authorise, then the store access declared.
  operation: ['core', 'authorization', 'store-ports'],
  iam: [
    'core',
    'policy',
    'sigv4',
    'federation',
    'store-ports',
    'authorization',
    'operation',
    'mfa',
    NODE,
    PACKAGES,
  ],
  // STS never reaches into iam/: the authoriser is a port, credentials their own folder.
  sts: [
    'core',
    'policy',
    'sigv4',
    'federation',
    'store-ports',
    'authorization',
    'credentials',
    'operation',
    'mfa',
    NODE,
    PACKAGES,
  ],
  // EKS-style clusters: objects and aws-auth, token authentication against our own STS, RBAC.
  kubernetes: [
    'core',
    'sigv4',
    'federation',
    'store-ports',
    'credentials',
    'authorization',
    'operation',
    NODE,
    PACKAGES,
  ],
  // The built-in SAML identity provider: directory, the AWS Account Federation app, signing.
  idp: [
    'core',
    'policy',
    'federation',
    'store-ports',
    'authorization',
    'operation',
    'mfa',
    NODE,
    PACKAGES,
  ],
  // rolegate's own API: bootstraps accounts with iam's admin names, reads the STS keyring.
  'admin-api': [
    'core',
    'policy',
    'federation',
    'store-ports',
    'authorization',
    'operation',
    'iam',
    'sts',
    'kubernetes',
    'idp',
    NODE,
    PACKAGES,
  ],
  tls: ['core', NODE, PACKAGES],
  // Services arrive wired by main.ts: http sees none of their folders and no store at all.
  http: ['core', 'sigv4', 'credentials', NODE, PACKAGES],
  // Argument parsing and output; explain composes iam's loader with the policy engine, and what
  // it reads is opened by main.ts. No store adapter.
  cli: [
    'core',
    'policy',
    'sigv4',
    'store-ports',
    'iam',
    'sts',
    'admin-api',
    'kubernetes',
    'idp',
    'main',
    NODE,
    PACKAGES,
  ],
  // The composition root's parts, which main.ts exposes: the only place adapters are chosen.
  composition: ROOT_MAY_IMPORT,
  main: ['composition', 'cli', ...ROOT_MAY_IMPORT],
}

const targets = (allowed) => {
  const builtIns = allowed.filter((name) => name.startsWith('node:'))
  const local = allowed.filter(
    (name) => name !== NODE && name !== PACKAGES && name !== 'main' && !builtIns.includes(name),
  )
  const selectors = [{ element: { types: { anyOf: local } } }]
  if (allowed.includes('main')) selectors.push({ file: { categories: 'main' } })
  if (allowed.includes(NODE)) selectors.push({ module: { origin: 'core' } })
  for (const name of builtIns) {
    selectors.push({ module: { origin: 'core', source: [name, name.slice('node:'.length)] } })
  }
  if (allowed.includes(PACKAGES)) selectors.push({ module: { origin: 'external' } })
  return selectors
}

export const layers = [
  {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': ELEMENTS.map(([type, pattern]) => ({
        type,
        pattern,
        partialMatch: false,
      })),
      'boundaries/files': ROOT_FILES.map((pattern) => ({ category: 'main', pattern })),
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import'],
      'import/resolver': { typescript: { project: './tsconfig.json' } },
    },
    rules: {
      'boundaries/no-unknown-files': 'error',
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          checkAllOrigins: true,
          checkUnknownLocals: true,
          message:
            "{{from.element.type}} may not import '{{dependency.source}}'{{#if to.element.type}} ({{to.element.type}}){{/if}}: see its allow-list in eslint.layers.js",
          policies: Object.entries(ALLOWED).map(([type, allowed]) => ({
            from: type === 'main' ? { file: { categories: 'main' } } : { element: { type } },
            allow: { to: targets([type, ...allowed]) },
          })),
        },
      ],
    },
  },
]
