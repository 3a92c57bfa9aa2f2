// The layering lint bites: snippets linted with the project's own ESLint config at paths inside
// src/ (they exist only in memory; what they import is real) must be refused exactly where
// ../shared/STYLE.md's dependency direction says, and pass where it allows.
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { ESLint } from 'eslint'

const root = fileURLToPath(new URL('../../', import.meta.url))
const eslint = new ESLint({ cwd: root })

/** The layering errors ESLint reports for `code` placed at `filePath`. */
async function layering(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  assert.ok(result, filePath)
  const other = result.messages.filter((m) => !m.ruleId?.startsWith('boundaries/'))
  assert.deepEqual(other, [], `${filePath}: only layering may fail here`)
  return result.messages.map((m) => m.message)
}

const refused = async (filePath: string, code: string, pattern: RegExp) => {
  const messages = await layering(filePath, code)
  assert.equal(messages.length, 1, `${filePath}: ${JSON.stringify(messages)}`)
  assert.match(messages[0]!, pattern)
}

const allowed = async (filePath: string, code: string) =>
  assert.deepEqual(await layering(filePath, code), [], filePath)

test('policy/ and sigv4/ import no Node built-in, in either spelling, and no package', async () => {
  await refused(
    'src/policy/probe.ts',
    "import { createHash } from 'crypto'\nexport const hash = createHash\n",
    /^policy may not import 'crypto'/,
  )
  await refused(
    'src/sigv4/probe.ts',
    "import { createHmac } from 'node:crypto'\nexport const hmac = createHmac\n",
    /^sigv4 may not import 'node:crypto'/,
  )
  await refused(
    'src/policy/probe.ts',
    "import { Kysely } from 'kysely'\nexport const k = Kysely\n",
    /^policy may not import 'kysely'/,
  )
  await allowed(
    'src/policy/probe.ts',
    "import { parseArn } from '../core/arn.js'\nexport const parse = parseArn\n",
  )
})

test('services reach no store adapter; only main.ts does', async () => {
  const sqlite = "import { openSqliteStore } from '../store/sqlite/open-sqlite-store.js'\n"
  await refused(
    'src/iam/probe.ts',
    `${sqlite}export const open = openSqliteStore\n`,
    /^iam may not import '\.\.\/store\/sqlite\/open-sqlite-store\.js' \(store-adapters\)/,
  )
  await refused(
    'src/cli/probe.ts',
    `${sqlite}export const open = openSqliteStore\n`,
    /^cli may not import '\.\.\/store\/sqlite\/open-sqlite-store\.js' \(store-adapters\)/,
  )
  // A dynamic import is an import too.
  await refused(
    'src/http/probe.ts',
    "export const load = () => import('../store/postgres/open-postgres-store.js')\n",
    /^http may not import '\.\.\/store\/postgres\/open-postgres-store\.js' \(store-adapters\)/,
  )
  await allowed(
    'src/main.ts',
    "import { openSqliteStore } from './store/sqlite/open-sqlite-store.js'\nexport const open = openSqliteStore\n",
  )
  await allowed(
    'src/iam/probe.ts',
    "import type { Store } from '../store/ports.js'\nexport type S = Store\n",
  )
})

test('sts and http do not reach into iam/, not even for a type', async () => {
  await refused(
    'src/sts/probe.ts',
    "import type { IamContext } from '../iam/operation.js'\nexport type Context = IamContext\n",
    /^sts may not import '\.\.\/iam\/operation\.js' \(iam\)/,
  )
  await refused(
    'src/http/probe.ts',
    "import { IamAuthorizer } from '../iam/authorize.js'\nexport const a = IamAuthorizer\n",
    /^http may not import '\.\.\/iam\/authorize\.js' \(iam\)/,
  )
  await allowed(
    'src/sts/probe.ts',
    "import type { Authorizer } from '../authorization/authorizer.js'\nimport { resolveCredential } from '../credentials/credential-resolver.js'\nexport type A = Authorizer\nexport const r = resolveCredential\n",
  )
})

test('lower layers never import upwards, and a folder nobody listed is refused', async () => {
  await refused(
    'src/store/ports.ts',
    "import type { IamContext } from '../iam/operation.js'\nexport type Context = IamContext\n",
    /^store-ports may not import '\.\.\/iam\/operation\.js' \(iam\)/,
  )
  await refused(
    'src/core/probe.ts',
    "import { request } from 'node:http'\nexport const r = request\n",
    /^core may not import 'node:http'/,
  )
  const [unknown] = await layering('src/gadgets/probe.ts', 'export const x = 1\n')
  assert.match(unknown ?? '', /does not belong to any known element/)
})
