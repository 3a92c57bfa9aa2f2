// The RBAC decisions the Kubernetes documentation states, one loop over the case files in
// cases/ (see cases/README.md): each cluster compiled once, each request authorised as a
// kube-apiserver would, the answer and, where given, the reason compared with the page's.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import type { RequestAttributes, UserInfo } from '../../../src/kubernetes/objects.js'
import {
  anonymousUser,
  authorize,
  compileRbacPolicy,
  serviceAccountUser,
  withAuthenticatedGroup,
  withBootstrap,
} from '../../../src/kubernetes/rbac/index.js'
import { objectsFromYaml, pathRequest, resourceRequest } from './helpers.js'

interface Case {
  source: string
  says?: string
  user?: string
  groups?: string[]
  authenticated?: boolean
  serviceAccount?: string
  anonymous?: boolean
  verb: string
  path?: string
  group?: string
  resource?: string
  subresource?: string
  namespace?: string
  name?: string
  allowed: boolean
  reason?: string
}

interface CaseFile {
  page: string
  bootstrap?: boolean
  objects: string
  cases: Case[]
}

const folder = join(dirname(fileURLToPath(import.meta.url)), 'cases')
const files = readdirSync(folder)
  .filter((file) => file.endsWith('.yaml'))
  .sort()
  .map((file) => ({ file, data: parse(readFileSync(join(folder, file), 'utf8')) as CaseFile }))

function userOf(c: Case): UserInfo {
  if (c.anonymous === true) return anonymousUser()
  if (c.serviceAccount !== undefined) {
    const [namespace = '', name = ''] = c.serviceAccount.split('/')
    return withAuthenticatedGroup(serviceAccountUser(namespace, name))
  }
  if (c.user === undefined) throw new Error('a case needs user, serviceAccount or anonymous')
  const user = { username: c.user, groups: c.groups ?? [] }
  return c.authenticated === false ? user : withAuthenticatedGroup(user)
}

function requestOf(c: Case): RequestAttributes {
  const user = userOf(c)
  if (c.path !== undefined) return pathRequest(user, c.verb, c.path)
  if (c.resource === undefined) throw new Error('a case needs path or resource')
  return resourceRequest(user, c.verb, {
    resource: c.resource,
    ...(c.group === undefined ? {} : { group: c.group }),
    ...(c.subresource === undefined ? {} : { subresource: c.subresource }),
    ...(c.namespace === undefined ? {} : { namespace: c.namespace }),
    ...(c.name === undefined ? {} : { name: c.name }),
  })
}

function describeRequest(c: Case): string {
  const who = c.anonymous ? 'anonymous' : c.serviceAccount ? `sa ${c.serviceAccount}` : c.user
  if (c.path !== undefined) return `${who} ${c.verb} ${c.path}`
  const resource = `${c.group ? `${c.group}/` : ''}${c.resource}${c.subresource ? `/${c.subresource}` : ''}`
  const where = c.namespace ? ` in ${c.namespace}` : ' cluster-wide'
  return `${who} ${c.verb} ${resource}${c.name ? ` ${c.name}` : ''}${where}`
}

test('the documentation table holds at least 100 cases, each citing its page', () => {
  const cases = files.flatMap(({ data }) => data.cases)
  assert.ok(cases.length >= 100, `only ${cases.length} cases`)
  for (const c of cases)
    assert.match(c.source, /^https:\/\/(kubernetes\.io\/docs\/|github\.com\/kubernetes\/)/)
  // Both answers are represented, so neither an allow-all nor a deny-all authorizer passes.
  assert.ok(cases.filter((c) => c.allowed).length >= 40)
  assert.ok(cases.filter((c) => !c.allowed).length >= 40)
})

for (const { file, data } of files) {
  describe(file, () => {
    const objects = objectsFromYaml(data.objects)
    const policy = compileRbacPolicy(data.bootstrap === true ? withBootstrap(objects) : objects)
    for (const c of data.cases) {
      test(`${describeRequest(c)}: ${c.allowed ? 'allowed' : 'denied'}`, () => {
        const decision = authorize(policy, requestOf(c))
        assert.ok(decision.decision === 'Allow' || decision.decision === 'NoOpinion')
        assert.equal(decision.decision === 'Allow', c.allowed, `${c.source}: ${c.says ?? ''}`)
        if (c.reason !== undefined) assert.equal(decision.reason, c.reason)
      })
    }
  })
}
