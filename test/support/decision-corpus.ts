// The decision corpus (test/policy/decisions/*.json): loading and checking its cases, and turning
// one into what the policy engine and IAM's SimulateCustomPolicy take. Every case names the AWS
// documentation page and the sentence its expected decision rests on.
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ContextEntry, ContextKeyType } from '../../src/iam/simulation-context.js'
import { CONTEXT_KEY_TYPES } from '../../src/iam/simulation-context.js'
import type { RequestPrincipal } from '../../src/policy/principal.js'

export const DECISIONS_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'policy',
  'decisions',
)

export type ExpectedDecision = 'allowed' | 'explicitDeny' | 'implicitDeny'

/** A context value: text, number and boolean as such; a string array is a stringList. */
export type ContextValueData =
  string | number | boolean | string[] | { type: ContextKeyType; values: string[] }

export type PrincipalData = string | { service: string } | { federated: string }

export interface DecisionCase {
  /** The data file the case comes from. */
  file: string
  name: string
  source: { url: string; quote: string }
  policies: {
    identity?: unknown[]
    boundary?: unknown
    session?: unknown[]
    resource?: unknown
    trust?: unknown
    /** Organizations SCPs, one list of policies per level (root first). */
    scp?: unknown[][]
  }
  request: {
    /** An IAM user, root, assumed-role or federated-user ARN, `anonymous`, a service or a provider. */
    principal?: PrincipalData
    /** assumed-role: the role's ARN when it has a path. */
    roleArn?: string
    /** federated-user: the IAM user who called GetFederationToken. */
    sourceUserArn?: string
    action: string
    /** Absent: the simulator's default `*`, every resource at once. */
    resource?: string
    resourceOwner?: string
    context?: Record<string, ContextValueData>
  }
  expected: ExpectedDecision
  /** Why the case cannot be simulated through SimulateCustomPolicy, when it says so itself. */
  engineOnly?: string
}

/** The caller when a case names none: an IAM user of the test server's account. */
export const DEFAULT_PRINCIPAL = 'arn:aws:iam::123456789012:user/alice'

const EXPECTED: readonly string[] = ['allowed', 'explicitDeny', 'implicitDeny']
const CASE_KEYS = new Set([
  'file',
  'name',
  'source',
  'policies',
  'request',
  'expected',
  'engineOnly',
])
const POLICY_KEYS = new Set(['identity', 'boundary', 'session', 'resource', 'trust', 'scp'])
const REQUEST_KEYS = new Set([
  'principal',
  'roleArn',
  'sourceUserArn',
  'action',
  'resource',
  'resourceOwner',
  'context',
])

function check(condition: boolean, where: string, problem: string): void {
  if (!condition) throw new Error(`decision corpus, ${where}: ${problem}`)
}

function checkCase(c: DecisionCase, where: string): void {
  for (const key of Object.keys(c)) check(CASE_KEYS.has(key), where, `unknown field ${key}`)
  check(typeof c.name === 'string' && c.name !== '', where, 'a name is required')
  check(
    typeof c.source?.url === 'string' && c.source.url.startsWith('https://docs.aws.amazon.com/'),
    where,
    'source.url must be an AWS documentation page',
  )
  check(typeof c.source.quote === 'string' && c.source.quote.length > 10, where, 'source.quote')
  check(EXPECTED.includes(c.expected), where, `expected must be one of ${EXPECTED.join(', ')}`)
  for (const key of Object.keys(c.policies ?? {})) {
    check(POLICY_KEYS.has(key), where, `unknown policy type ${key}`)
  }
  for (const key of Object.keys(c.request ?? {})) {
    check(REQUEST_KEYS.has(key), where, `unknown request field ${key}`)
  }
  check(typeof c.request?.action === 'string' && c.request.action.includes(':'), where, 'action')
  for (const [key, value] of Object.entries(c.request.context ?? {})) {
    if (typeof value === 'object' && !Array.isArray(value)) {
      check(CONTEXT_KEY_TYPES.includes(value.type), where, `context ${key}: type ${value.type}`)
      check(Array.isArray(value.values), where, `context ${key}: values must be a list`)
    }
  }
}

/** Every case of every data file, checked for shape; names are unique across files. */
export function loadDecisionCases(): DecisionCase[] {
  const cases: DecisionCase[] = []
  const names = new Set<string>()
  for (const file of readdirSync(DECISIONS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const data = JSON.parse(readFileSync(join(DECISIONS_DIR, file), 'utf8')) as {
      about: string
      cases: Omit<DecisionCase, 'file'>[]
    }
    check(typeof data.about === 'string' && Array.isArray(data.cases), file, 'about and cases')
    for (const [i, raw] of data.cases.entries()) {
      const c = { ...raw, file }
      checkCase(c, `${file} case ${i + 1}`)
      check(!names.has(c.name), file, `duplicate case name "${c.name}"`)
      names.add(c.name)
      cases.push(c)
    }
  }
  return cases
}

/** The case's context as IAM's ContextEntries. */
export function contextEntries(c: DecisionCase): ContextEntry[] {
  return Object.entries(c.request.context ?? {}).map(([name, value]): ContextEntry => {
    if (typeof value === 'string') return { name, values: [value], type: 'string' }
    if (typeof value === 'number') return { name, values: [String(value)], type: 'numeric' }
    if (typeof value === 'boolean') return { name, values: [String(value)], type: 'boolean' }
    if (Array.isArray(value)) return { name, values: value, type: 'stringList' }
    return { name, values: value.values, type: value.type }
  })
}

/** Who makes the request, as authentication would establish it. */
export function principalOf(c: DecisionCase): RequestPrincipal {
  const data = c.request.principal ?? DEFAULT_PRINCIPAL
  if (typeof data !== 'string') {
    if ('service' in data) return { kind: 'service', arn: data.service, service: data.service }
    return { kind: 'web-identity', arn: data.federated, provider: data.federated }
  }
  if (data === 'anonymous') return { kind: 'anonymous', arn: 'anonymous' }
  const [, , service, , account = '', resource = ''] = data.split(':')
  if (service === 'iam' && resource === 'root') return { kind: 'root', arn: data, account }
  if (service === 'iam' && resource.startsWith('user/')) return { kind: 'user', arn: data, account }
  if (service === 'sts' && resource.startsWith('assumed-role/')) {
    const role = resource.split('/')[1]
    return {
      kind: 'assumed-role',
      arn: data,
      account,
      roleArn: c.request.roleArn ?? `arn:aws:iam::${account}:role/${role}`,
    }
  }
  if (service === 'sts' && resource.startsWith('federated-user/')) {
    return {
      kind: 'federated-user',
      arn: data,
      account,
      ...(c.request.sourceUserArn === undefined ? {} : { sourceUserArn: c.request.sourceUserArn }),
    }
  }
  throw new Error(`decision corpus, ${c.file} "${c.name}": unknown principal ${data}`)
}

/**
 * Why SimulateCustomPolicy cannot ask the case, or undefined when it can: its caller is an IAM
 * user (CallerArn), and it takes no session policies and no SCPs.
 */
export function simulatorGap(c: DecisionCase): string | undefined {
  if (c.engineOnly !== undefined) return c.engineOnly
  if (principalOf(c).kind !== 'user') return 'the simulated caller (CallerArn) is an IAM user'
  if (c.policies.session !== undefined) return 'SimulateCustomPolicy takes no session policies'
  if (c.policies.scp !== undefined) return 'SimulateCustomPolicy takes no SCPs'
  return undefined
}

/** The documents as the text the engine and the simulator are given. */
export const policyText = (document: unknown): string => JSON.stringify(document, null, 2)
