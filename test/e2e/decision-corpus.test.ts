// The decision corpus end to end: every case SimulateCustomPolicy can ask (an IAM user calling,
// no session policies, no SCPs) goes to a real server through boto3, one Python process for all of
// them, and the simulator's EvalDecision must be the decision AWS's documentation gives.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { boto3Script } from '../support/aws-cli.js'
import type { DecisionCase } from '../support/decision-corpus.js'
import {
  DEFAULT_PRINCIPAL,
  contextEntries,
  loadDecisionCases,
  policyText,
  simulatorGap,
} from '../support/decision-corpus.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

/**
 * SimulateCustomPolicy requires at least one identity policy; a case with none gets one that
 * allows only an action no case asks about, which changes no decision.
 */
const NOTHING = policyText({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'corpus:NoSuchAction', Resource: '*' }],
})

/** The SimulateCustomPolicy parameters for a case, as boto3 takes them. */
function simulationRequest(c: DecisionCase): Record<string, unknown> {
  const { policies, request } = c
  const params: Record<string, unknown> = {
    PolicyInputList: (policies.identity ?? []).map(policyText),
    ActionNames: [request.action],
    CallerArn: typeof request.principal === 'string' ? request.principal : DEFAULT_PRINCIPAL,
  }
  if ((params['PolicyInputList'] as string[]).length === 0) params['PolicyInputList'] = [NOTHING]
  if (policies.boundary !== undefined) {
    params['PermissionsBoundaryPolicyInputList'] = [policyText(policies.boundary)]
  }
  const resourcePolicy = policies.resource ?? policies.trust
  if (resourcePolicy !== undefined) params['ResourcePolicy'] = policyText(resourcePolicy)
  if (request.resource !== undefined) params['ResourceArns'] = [request.resource]
  if (request.resourceOwner !== undefined) {
    params['ResourceOwner'] = `arn:aws:iam::${request.resourceOwner}:root`
  }
  const entries = contextEntries(c)
  if (entries.length > 0) {
    params['ContextEntries'] = entries.map((e) => ({
      ContextKeyName: e.name,
      ContextKeyValues: e.values,
      ContextKeyType: e.type,
    }))
  }
  return params
}

const SCRIPT = String.raw`
import json, os
import boto3
from botocore.exceptions import ClientError

iam = boto3.client('iam', endpoint_url=os.environ['ROLEGATE_ENDPOINT'], region_name='us-east-1')
out = {}
for item in json.load(open(os.environ['DECISION_CASES'])):
    try:
        result = iam.simulate_custom_policy(**item['params'])['EvaluationResults'][0]
        specific = result.get('ResourceSpecificResults') or [{}]
        out[item['name']] = {
            'decision': result['EvalDecision'],
            'resourceDecision': specific[0].get('EvalResourceDecision'),
        }
    except ClientError as error:
        out[item['name']] = {'error': error.response['Error']['Code'] + ': ' + error.response['Error']['Message']}
print(json.dumps(out))
`

interface Answer {
  decision?: string
  resourceDecision?: string | null
  error?: string
}

describe('decision corpus through SimulateCustomPolicy (boto3)', () => {
  const cases = loadDecisionCases()
  const simulable = cases.filter((c) => simulatorGap(c) === undefined)
  let server: TestServer
  let answers: Record<string, Answer>

  before(async () => {
    server = await startTestServer()
    const dir = mkdtempSync(join(tmpdir(), 'rolegate-decisions-'))
    const file = join(dir, 'cases.json')
    try {
      writeFileSync(
        file,
        JSON.stringify(simulable.map((c) => ({ name: c.name, params: simulationRequest(c) }))),
      )
      const result = await boto3Script(
        { endpoint: server.url, credentials: server.admin, env: { DECISION_CASES: file } },
        SCRIPT,
      )
      assert.equal(result.code, 0, result.stderr)
      answers = JSON.parse(result.stdout) as Record<string, Answer>
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
  after(() => server.cleanup())

  test(`${simulable.length} of ${cases.length} cases can be simulated, the most`, () => {
    // The rest need a caller other than an IAM user, session policies or SCPs.
    assert.ok(simulable.length >= 300, `${simulable.length}`)
  })

  for (const c of simulable) {
    test(`${c.file}: ${c.name}`, () => {
      const answer = answers[c.name]
      assert.ok(answer !== undefined && answer.error === undefined, answer?.error)
      const why = `${c.source.url}\n  "${c.source.quote}"`
      assert.equal(answer.decision, c.expected, why)
      if (c.request.resource !== undefined) assert.equal(answer.resourceDecision, c.expected, why)
    })
  }
})
