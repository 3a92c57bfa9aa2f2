// Service-linked roles against the responses recorded from real AWS (../shared/corpora/aws-shapes,
// LocalStack's TestIAMServiceRoles): boto3 repeats each recorded test's calls against rolegate, as
// aws-shapes.test.ts does for the rest of IAM, and every response must equal the recording after
// the corpus's placeholders replace this run's volatile values.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import { boto3Script } from '../support/aws-cli.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'
import { corpus } from '../support/requirements.js'

const PREFIX = 'tests/aws/services/iam/test_iam.py::TestIAMServiceRoles::'
const ACCOUNT = '111111111111'

/**
 * Members LocalStack's lifecycle test skips (skip_snapshot_verify "$..Role.RoleLastUsed" and
 * "$..Role.Description"): some recorded roles were made by their service before the test ran, and
 * AWS answered their Description and last use, which a role made by the call has not.
 */
const SKIPPED_MEMBERS = ['RoleLastUsed', 'Description']

function withoutSkipped(key: string, label: string, response: Json): Json {
  if (!key.startsWith('test_service_role_lifecycle[') || label !== 'describe-response') {
    return response
  }
  const { Role: role, ...rest } = response as { Role: Record<string, Json> }
  return {
    ...rest,
    Role: Object.fromEntries(Object.entries(role).filter(([k]) => !SKIPPED_MEMBERS.includes(k))),
  }
}

// Each function repeats the calls of the LocalStack test of the same name (its fixture deletes the
// roles it created afterwards, and so does each function here) and returns (labelled responses,
// [[volatile value, placeholder], ...]).
const SCRIPT = String.raw`
import datetime, json, os, re, sys, uuid
import boto3
from botocore.exceptions import ClientError

iam = boto3.client('iam', endpoint_url=os.environ['ROLEGATE_ENDPOINT'], region_name='us-east-1')

def call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except ClientError as error:
        return error.response

def described(name):
    return {'describe-response': iam.get_role(RoleName=name),
        'inline-role-policies': iam.list_role_policies(RoleName=name),
        'attached-role-policies': iam.list_attached_role_policies(RoleName=name)}

def lifecycle(service):
    role = iam.create_service_linked_role(AWSServiceName=service)['Role']
    responses = described(role['RoleName'])
    iam.delete_service_linked_role(RoleName=role['RoleName'])
    return responses, [[role['RoleId'], '<role-id:1>']]

def custom_suffix(service):
    suffix = uuid.uuid4().hex[:8]
    role = iam.create_service_linked_role(AWSServiceName=service, CustomSuffix=suffix)['Role']
    responses = described(role['RoleName'])
    iam.delete_service_linked_role(RoleName=role['RoleName'])
    return responses, [[suffix, '<suffix>'], [role['RoleId'], '<role-id:1>']]

def custom_suffix_not_allowed(service):
    return {'custom-suffix-not-allowed': call(iam.create_service_linked_role,
        AWSServiceName=service, CustomSuffix='testsuffix')}, []

def already_exists():
    name = iam.create_service_linked_role(AWSServiceName='batch.amazonaws.com')['Role']['RoleName']
    error = call(iam.create_service_linked_role, AWSServiceName='batch.amazonaws.com')
    iam.delete_service_linked_role(RoleName=name)
    return {'role-already-exists-error': error}, []

def deletion():
    name = iam.create_service_linked_role(AWSServiceName='batch.amazonaws.com')['Role']['RoleName']
    deleted = iam.delete_service_linked_role(RoleName=name)
    status = iam.get_service_linked_role_deletion_status(DeletionTaskId=deleted['DeletionTaskId'])
    task_uuid = deleted['DeletionTaskId'].rsplit('/', 1)[1]
    return {'service-linked-role-deletion-response': deleted,
        'service-linked-role-deletion-status-response': status}, [[task_uuid, '<uuid>']]

PARAMETERISED = {'test_service_role_lifecycle': lifecycle,
    'test_service_role_lifecycle_custom_suffix': custom_suffix,
    'test_service_role_lifecycle_custom_suffix_not_allowed': custom_suffix_not_allowed}
PLAIN = {'test_service_role_already_exists': already_exists,
    'test_service_role_deletion': deletion}

def plain(value):
    if isinstance(value, datetime.datetime):
        return '<datetime>'
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value

results = {}
for name in json.loads(os.environ['RECORDS']):
    try:
        match = re.fullmatch(r'(\w+)\[(.+)\]', name)
        responses, replacements = (PARAMETERISED[match.group(1)](match.group(2)) if match
            else PLAIN[name]())
        results[name] = {'responses': plain(responses), 'replacements': replacements}
    except Exception as error:
        results[name] = {'failed': '%s: %s' % (type(error).__name__, error)}
print(json.dumps(results))
`

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

interface RecordResult {
  responses?: Record<string, Json>
  replacements?: Array<[string, string]>
  failed?: string
}

/** The corpus's normalisation, as aws-shapes.test.ts applies it. */
function normalise(value: Json, replacements: Array<[string, string]>): Json {
  if (typeof value === 'string') {
    let text = value
    for (const [from, to] of replacements) text = text.split(from).join(to)
    return text.split('arn:aws:').join('arn:<partition>:').split('us-east-1').join('<region>')
  }
  if (Array.isArray(value)) return value.map((item) => normalise(item, replacements))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => {
        if (key === 'ResponseMetadata' && item !== null && typeof item === 'object') {
          const status = (item as { HTTPStatusCode?: Json }).HTTPStatusCode ?? null
          return [key, { HTTPHeaders: {}, HTTPStatusCode: status }]
        }
        return [key, normalise(item, replacements)]
      }),
    )
  }
  return value
}

const { path: SNAPSHOTS, skip: corpusMissing } = corpus('aws-shapes/iam/test_iam.snapshot.json')

describe('aws-shapes: service-linked roles recorded against real AWS', () => {
  if (corpusMissing) {
    test('recorded service-linked role responses', { skip: corpusMissing }, () => {})
    return
  }
  const recorded = JSON.parse(readFileSync(SNAPSHOTS, 'utf8')) as Record<
    string,
    { 'recorded-content': Record<string, Json> }
  >
  const records = Object.keys(recorded)
    .filter((key) => key.startsWith(PREFIX))
    .map((key) => key.slice(PREFIX.length))
  let server: TestServer
  let results: Record<string, RecordResult>
  before(async () => {
    server = await startTestServer({ accountId: ACCOUNT })
    const run = await boto3Script(
      {
        endpoint: server.url,
        credentials: server.admin,
        env: { RECORDS: JSON.stringify(records) },
      },
      SCRIPT,
    )
    assert.equal(run.code, 0, run.stderr)
    results = JSON.parse(run.stdout) as Record<string, RecordResult>
  })
  after(() => server.cleanup())

  test('every recorded kind of call is repeated', () => {
    assert.equal(records.length, 144)
  })

  for (const key of records) {
    test(key, () => {
      const expected = recorded[PREFIX + key]?.['recorded-content'] ?? {}
      const result = results[key]
      assert.ok(result, `no result for ${key}`)
      assert.equal(result.failed, undefined, `the calls failed: ${result.failed}`)
      const actual = normalise(result.responses ?? {}, result.replacements ?? [])
      assert.deepEqual(Object.keys(actual as object).toSorted(), Object.keys(expected).toSorted())
      for (const [label, response] of Object.entries(expected)) {
        assert.deepEqual(
          withoutSkipped(key, label, (actual as Record<string, Json>)[label] ?? null),
          withoutSkipped(key, label, response),
          `${key} › ${label}`,
        )
      }
    })
  }
})
