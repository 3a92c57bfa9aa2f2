// The decision corpus through the policy engine in process: every case of test/policy/decisions,
// its policies parsed and compiled as the server does, asked as IAM's simulator asks (the
// resource `*` when the case names none), and its decision held to the one AWS's documentation
// gives. Each failure names the page and the sentence the expected answer rests on.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { contextValueOf } from '../../src/iam/simulation-context.js'
import { compilePolicy } from '../../src/policy/compile-policy.js'
import type { CompiledPolicy, CompiledPolicyKind } from '../../src/policy/compile-policy.js'
import { RequestContext } from '../../src/policy/context.js'
import { parsePolicy } from '../../src/policy/parse-policy.js'
import type { PolicyKind } from '../../src/policy/parse-policy.js'
import { conditionOperators } from '../../src/policy/conditions/registry.js'
import { simulatePolicies } from '../../src/policy/simulate.js'
import type { SimulationInput } from '../../src/policy/simulate.js'
import type { DecisionCase } from '../support/decision-corpus.js'
import {
  contextEntries,
  loadDecisionCases,
  policyText,
  principalOf,
} from '../support/decision-corpus.js'

const cases = loadDecisionCases()

function compile(document: unknown, kind: PolicyKind, id: string, as?: CompiledPolicyKind) {
  return compilePolicy(parsePolicy(policyText(document), kind), id, as ?? kind)
}

/** The case's decision from the engine, as simulatePolicies gives it. */
function decide(c: DecisionCase): string {
  const { policies, request } = c
  const context = new RequestContext()
  for (const entry of contextEntries(c)) {
    const value = contextValueOf(entry)
    if (value !== undefined) context.set(entry.name, value)
  }
  const input: SimulationInput = {
    principal: principalOf(c),
    actions: [request.action],
    context,
    identityPolicies: (policies.identity ?? []).map((d, i) =>
      compile(d, 'identity', `identity.${i}`),
    ),
  }
  if (request.resource !== undefined) input.resources = [request.resource]
  if (request.resourceOwner !== undefined) input.resourceOwner = request.resourceOwner
  if (policies.boundary !== undefined) {
    input.permissionsBoundary = compile(policies.boundary, 'boundary', 'boundary')
  }
  if (policies.session !== undefined) {
    input.sessionPolicies = policies.session.map((d, i) => compile(d, 'session', `session.${i}`))
  }
  if (policies.resource !== undefined) {
    input.resourcePolicy = compile(policies.resource, 'resource', 'resource')
  }
  if (policies.trust !== undefined) input.resourcePolicy = compile(policies.trust, 'trust', 'trust')
  if (policies.scp !== undefined) {
    const levels: CompiledPolicy[][] = policies.scp.map((level, i) =>
      level.map((d, j) => compile(d, 'identity', `scp.${i}.${j}`, 'scp')),
    )
    input.organizationPolicies = { serviceControlPolicies: levels }
  }
  const [result] = simulatePolicies(input)
  assert.ok(result)
  return result.evalDecision
}

test(`decision corpus: ${cases.length} cases, at least 300`, () => {
  assert.ok(cases.length >= 300)
})

test('decision corpus: every condition operator appears, with and without IfExists', () => {
  const used = new Set<string>()
  const visit = (document: unknown) => {
    const statements = (document as { Statement: unknown }).Statement
    for (const statement of Array.isArray(statements) ? statements : [statements]) {
      const condition = (statement as { Condition?: Record<string, unknown> }).Condition ?? {}
      for (const operator of Object.keys(condition)) {
        used.add(operator.replace(/^For(AllValues|AnyValue):/, '').toLowerCase())
      }
    }
  }
  for (const { policies } of cases) {
    const { identity = [], session = [], scp = [], boundary, resource, trust } = policies
    for (const document of [...identity, ...session, ...scp.flat(), boundary, resource, trust]) {
      if (document !== undefined) visit(document)
    }
  }
  const missing: string[] = []
  for (const { name } of conditionOperators) {
    if (!used.has(name.toLowerCase())) missing.push(name)
    if (name !== 'Null' && !used.has(`${name}IfExists`.toLowerCase()))
      missing.push(`${name}IfExists`)
  }
  assert.deepEqual(missing, [])
})

for (const c of cases) {
  test(`decision corpus ${c.file}: ${c.name}`, () => {
    assert.equal(decide(c), c.expected, `${c.source.url}\n  "${c.source.quote}"`)
  })
}
