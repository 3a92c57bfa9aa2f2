// The grammar step: turns a positioned JSON tree into a draft policy, refusing anything whose shape
// IAM calls "Syntax errors in policy." (unknown elements, wrong types, conflicting pairs).

import { AwsError } from '../../core/errors.js'
import type { ConditionClause, PrincipalBlock, SourceSpan, Statement } from '../document.js'
import { parseConditionOperator } from './condition-operator.js'
import type { JsonNode, JsonObjectNode } from './json-tree.js'
import { policyMessages } from './messages.js'

/** A statement as written, before the later checks; `effect` keeps its original case. */
export interface DraftStatement extends Omit<Statement, 'effect'> {
  effect: string
}

export interface DraftPolicy {
  version?: string
  id?: string
  statements: DraftStatement[]
}

/**
 * A shape IAM rejects: MalformedPolicyDocument with IAM's one message for it, whatever the fault;
 * `reason` names the fault for logs and tests.
 */
export class PolicyShapeError extends AwsError {
  constructor(readonly reason: string) {
    super('MalformedPolicyDocument', policyMessages.syntax)
  }
}

const TOP_LEVEL = new Set(['Version', 'Id', 'Statement', 'Conditions'])
const STATEMENT_ELEMENTS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
])
const VERSIONS = new Set(['2008-10-17', '2012-10-17'])
const PRINCIPAL_TYPES = new Set(['AWS', 'Federated', 'Service', 'CanonicalUser'])

const reject = (why: string): never => {
  throw new PolicyShapeError(why)
}

/** Object members by name; a repeated name is refused because readers disagree on which wins. */
function members(node: JsonObjectNode, where: string): Map<string, JsonNode> {
  const byName = new Map<string, JsonNode>()
  for (const { key, value } of node.entries) {
    if (byName.has(key)) reject(`${where} repeats ${key}`)
    byName.set(key, value)
  }
  return byName
}

const spanOf = (node: JsonNode): SourceSpan => ({ start: node.start, end: node.end })

function stringValue(node: JsonNode, what: string): string {
  if (node.type !== 'string') return reject(`${what} must be a string`)
  return node.value
}

/** String or list of strings; nulls inside a list are skipped as IAM does. */
function stringList(node: JsonNode, what: string): string[] {
  if (node.type === 'string') return [node.value]
  if (node.type !== 'array') return reject(`${what} must be a string or a list of strings`)
  const out: string[] = []
  for (const item of node.items) {
    if (item.type === 'null') continue
    if (item.type !== 'string') reject(`${what} lists a non-string`)
    else out.push(item.value)
  }
  return out
}

/** Condition values may be strings, numbers or booleans, alone or in a list; kept as text. */
function conditionValue(node: JsonNode): string | undefined {
  switch (node.type) {
    case 'string':
      return node.value
    case 'number':
      return node.raw
    case 'boolean':
      return String(node.value)
    default:
      return undefined
  }
}

function conditionValues(node: JsonNode): string[] {
  const single = conditionValue(node)
  if (single !== undefined) return [single]
  if (node.type !== 'array') return reject('condition values must be scalars or a list')
  return node.items.map(
    (item) => conditionValue(item) ?? reject('condition list holds a non-scalar'),
  )
}

function readCondition(node: JsonNode): ConditionClause[] {
  if (node.type !== 'object') return reject('Condition must be an object')
  const conditions: ConditionClause[] = []
  for (const [operator, block] of members(node, 'Condition')) {
    if (block.type !== 'object') reject(`condition ${operator} must be an object`)
    const keys = members(block as JsonObjectNode, operator)
    // IAM tolerates an unknown operator only when it names no keys.
    if (keys.size > 0 && parseConditionOperator(operator) === undefined) {
      reject(`unknown condition operator ${operator}`)
    }
    for (const [key, values] of keys) {
      conditions.push({ operator, key, values: conditionValues(values) })
    }
  }
  return conditions
}

function readPrincipal(node: JsonNode, what: string): PrincipalBlock {
  if (node.type === 'string') {
    if (node.value === '*') return { kind: 'any' }
    return reject(`${what} as a string must be "*"`)
  }
  if (node.type !== 'object') return reject(`${what} must be "*" or an object`)
  const values: Record<string, string[]> = {}
  for (const [type, list] of members(node, what)) {
    if (!PRINCIPAL_TYPES.has(type)) reject(`${what} has unknown type ${type}`)
    values[type] = stringList(list, `${what}.${type}`)
  }
  return { kind: 'typed', values }
}

function readStatement(node: JsonNode): DraftStatement {
  if (node.type !== 'object') return reject('a statement must be an object')
  const fields = members(node, 'Statement')
  for (const name of fields.keys()) {
    if (!STATEMENT_ELEMENTS.has(name)) reject(`unknown statement element ${name}`)
  }
  for (const [a, b] of [
    ['Action', 'NotAction'],
    ['Resource', 'NotResource'],
    ['Principal', 'NotPrincipal'],
  ] as const) {
    if (fields.has(a) && fields.has(b)) reject(`a statement cannot have both ${a} and ${b}`)
  }
  const effectNode = fields.get('Effect') ?? reject('Effect is required')
  const effect = stringValue(effectNode, 'Effect')
  if (!['allow', 'deny'].includes(effect.toLowerCase())) reject('Effect must be Allow or Deny')

  const statement: DraftStatement = {
    effect,
    conditions: [],
    span: spanOf(node),
  }
  const sid = fields.get('Sid')
  if (sid !== undefined) statement.sid = stringValue(sid, 'Sid')
  const lists = [
    ['Action', 'action'],
    ['NotAction', 'notAction'],
    ['Resource', 'resource'],
    ['NotResource', 'notResource'],
  ] as const
  for (const [element, property] of lists) {
    const value = fields.get(element)
    if (value !== undefined) statement[property] = stringList(value, element)
  }
  const principal = fields.get('Principal')
  if (principal !== undefined) statement.principal = readPrincipal(principal, 'Principal')
  const notPrincipal = fields.get('NotPrincipal')
  if (notPrincipal !== undefined) {
    statement.notPrincipal = readPrincipal(notPrincipal, 'NotPrincipal')
  }
  const condition = fields.get('Condition')
  if (condition !== undefined) statement.conditions = readCondition(condition)
  return statement
}

/** Reads the document's shape; throws PolicyShapeError for anything IAM calls a syntax error. */
export function readPolicy(root: JsonNode): DraftPolicy {
  if (root.type !== 'object') return reject('a policy must be a JSON object')
  const fields = members(root, 'policy')
  for (const name of fields.keys()) {
    if (!TOP_LEVEL.has(name)) reject(`unknown top-level element ${name}`)
  }
  const policy: DraftPolicy = { statements: [] }
  const version = fields.get('Version')
  if (version !== undefined) {
    policy.version = stringValue(version, 'Version')
    if (!VERSIONS.has(policy.version)) reject(`unknown Version ${policy.version}`)
  }
  const id = fields.get('Id')
  if (id !== undefined) policy.id = stringValue(id, 'Id')
  const statements = fields.get('Statement') ?? reject('Statement is required')
  const nodes = statements.type === 'array' ? statements.items : [statements]
  if (nodes.length === 0) reject('Statement must not be empty')
  policy.statements = nodes.map(readStatement)
  return policy
}
