// Conformance with responses recorded against real AWS (../shared/corpora/aws-shapes, LocalStack's
// validated IAM snapshots): boto3 repeats each recorded test's calls against rolegate, the volatile
// values are replaced by the corpus's placeholders, and every response must equal the recording:
// members, nesting, error Code/Message/Type and HTTP status.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import { boto3Script } from '../support/aws-cli.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'
import { corpus } from '../support/requirements.js'

const PREFIX = 'tests/aws/services/iam/test_iam.py::'
/** The corpus normalises the account id to this; the server runs in it, so ARNs need no rewrite. */
const ACCOUNT = '111111111111'

/**
 * The records whose calls rolegate serves. Left out, and why:
 * - TestIAMServiceSpecificCredentials::* (Create/List/Update/Reset/DeleteServiceSpecificCredential):
 *   operations rolegate does not implement.
 * - TestIAMServiceRoles::*: in aws-shapes-service-roles.test.ts.
 * - TestIAMIntegrations::test_simulate_principle_policy[*]: needs an S3 bucket, and LocalStack itself
 *   skips verifying EvaluationResults; SimulatePrincipalPolicy has its own tests.
 * - sts/test_sts.snapshot.json: STS tests live with the STS service.
 */
const SUPPORTED = [
  'TestIAMIntegrations::test_update_assume_role_policy',
  'TestIAMExtensions::test_create_role_with_malformed_assume_role_policy_document',
  'TestIAMIntegrations::test_list_roles_with_permission_boundary',
  'TestIAMIntegrations::test_create_describe_role',
  'TestIAMIntegrations::test_role_attach_policy',
  'TestIAMIntegrations::test_user_attach_policy',
  'TestIAMExtensions::test_role_with_path_lifecycle',
  'TestIAMPolicyEncoding::test_put_user_policy_encoding',
  'TestIAMPolicyEncoding::test_put_role_policy_encoding',
  'TestIAMPolicyEncoding::test_put_group_policy_encoding',
  'TestIAMIntegrations::test_delete_non_existent_policy_returns_no_such_entity',
  'TestRoles::test_role_with_tags',
]

// Each function repeats the calls of the LocalStack test of the same name (read from its test
// code) and returns (labelled responses, [[volatile value, placeholder], ...]).
const SCRIPT = String.raw`
import datetime, json, os, sys, uuid
from urllib.parse import quote_plus
import boto3
from botocore.exceptions import ClientError

iam = boto3.client('iam', endpoint_url=os.environ['ROLEGATE_ENDPOINT'], region_name='us-east-1')
REGION = 'us-east-1'
TESTS = {}

def record(name):
    def register(fn):
        TESTS[name] = fn
        return fn
    return register

def uid():
    return uuid.uuid4().hex[:8]

def call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except ClientError as error:
        return error.response

EC2_TRUST = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow',
    'Principal': {'Service': 'ec2.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]}
LAMBDA_TRUST = {'Version': '2012-10-17', 'Statement': [{'Action': 'sts:AssumeRole',
    'Principal': {'Service': 'lambda.amazonaws.com'}, 'Effect': 'Allow'}]}
LIST_FUNCTIONS = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow',
    'Action': ['lambda:ListFunctions'], 'Resource': ['*']}]}

def encoded_policy():
    target_arn = quote_plus('arn:aws:apigateway:%s::/restapis/aaeeieije' % REGION)
    return target_arn, {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow',
        'Action': ['apigatway:PUT'], 'Resource': ['arn:aws:apigateway:%s::/tags/%s' % (REGION, target_arn)]}]}

@record('TestIAMIntegrations::test_update_assume_role_policy')
def update_assume_role_policy():
    policy = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow',
        'Principal': {'Service': ['ec2.amazonaws.com']}, 'Action': ['sts:AssumeRole']}]}
    name = 'role-' + uid()
    created = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(policy))
    updated = call(iam.update_assume_role_policy, RoleName=name, PolicyDocument=json.dumps(policy))
    iam.delete_role(RoleName=name)
    return {'created_role': created, 'updated_policy': updated}, [
        [name, '<role-name:1>'], [created['Role']['RoleId'], '<role-id:1>']]

@record('TestIAMExtensions::test_create_role_with_malformed_assume_role_policy_document')
def malformed_trust():
    document = '''
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Action": "sts:AssumeRole",
              "Principal": "*",
              "Effect": "Allow",
            }
          ]
        }
        '''
    return {'invalid-json': call(iam.create_role, RoleName='role-' + uid(),
        AssumeRolePolicyDocument=document)}, []

@record('TestIAMIntegrations::test_list_roles_with_permission_boundary')
def list_roles_with_boundary():
    prefix = '/%s/' % uid()
    name = 'role-' + uid()
    created = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST), Path=prefix)
    policy = iam.create_policy(PolicyName='policy-' + uid(), PolicyDocument=json.dumps(LIST_FUNCTIONS))
    iam.put_role_permissions_boundary(RoleName=name, PermissionsBoundary=policy['Policy']['Arn'])
    listed = iam.list_roles(PathPrefix=prefix)
    return {'created_role': created, 'list_roles_result': listed}, [
        [prefix, '/<path-prefix>/'], [name, '<role-name:1>'], [created['Role']['RoleId'], '<role-id:1>']]

@record('TestIAMIntegrations::test_create_describe_role')
def create_describe_role():
    prefix = '/%s/' % uid()
    name = 'role-' + uid()
    created = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST), Path=prefix)
    return {'create_role_result': created, 'get_role_result': iam.get_role(RoleName=name),
        'list_roles_result': iam.list_roles(PathPrefix=prefix)}, [
        [prefix, '/<path-prefix>/'], [name, '<role-name:1>'], [created['Role']['RoleId'], '<role-id:1>']]

def attach_policy(kind):
    policy_name = 'test-policy-' + uid()
    if kind == 'role':
        entity = 'test-role-' + uid()
        iam.create_role(RoleName=entity, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
        attach = lambda arn: call(iam.attach_role_policy, RoleName=entity, PolicyArn=arn)
    else:
        entity = 'test-role-' + uid()
        iam.create_user(UserName=entity)
        attach = lambda arn: call(iam.attach_user_policy, UserName=entity, PolicyArn=arn)
    created = iam.create_policy(PolicyName=policy_name, PolicyDocument=json.dumps(LIST_FUNCTIONS))
    arn = created['Policy']['Arn']
    return {
        'create_policy_response': created,
        'non_existent_malformed_policy_arn': attach('longpolicynamebutnoarn'),
        'existing_policy_name_provided': attach(policy_name),
        'valid_arn_not_existent': attach(arn + '123'),
        'valid_policy_arn': attach(arn),
    }, [[policy_name, '<policy-name:1>'], [created['Policy']['PolicyId'], '<policy-id:1>']]

record('TestIAMIntegrations::test_role_attach_policy')(lambda: attach_policy('role'))
record('TestIAMIntegrations::test_user_attach_policy')(lambda: attach_policy('user'))

@record('TestIAMExtensions::test_role_with_path_lifecycle')
def role_with_path():
    name = 'role-' + uid()
    path = '/path%s/' % uid()
    created = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST), Path=path)
    got = iam.get_role(RoleName=name)
    deleted = iam.delete_role(RoleName=name)
    return {'create-role-response': created, 'get-role-response': got, 'delete-role-response': deleted}, [
        [path, '<path>'], [name, '<role-name:1>'], [created['Role']['RoleId'], '<role-id:1>']]

@record('TestIAMPolicyEncoding::test_put_user_policy_encoding')
def user_policy_encoding():
    _, document = encoded_policy()
    user, policy = 'test-user-' + uid(), 'test-policy-' + uid()
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName=policy, PolicyDocument=json.dumps(document))
    got = iam.get_user_policy(UserName=user, PolicyName=policy)
    return {'get-policy-response': got}, [[user, '<user-name:1>'], [policy, '<policy-name:1>']]

@record('TestIAMPolicyEncoding::test_put_role_policy_encoding')
def role_policy_encoding():
    target_arn, document = encoded_policy()
    trust = {'Version': '2012-10-17', 'Statement': [{'Action': 'sts:AssumeRole',
        'Principal': {'Service': 'lambda.amazonaws.com'}, 'Effect': 'Allow',
        'Condition': {'StringEquals': {'aws:SourceArn': target_arn}}}]}
    role, policy, path = 'test-role-' + uid(), 'test-policy-' + uid(), '/%s/' % uid()
    created = iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust), Path=path)
    iam.put_role_policy(RoleName=role, PolicyName=policy, PolicyDocument=json.dumps(document))
    return {'create-role-response': created,
        'get-policy-response': iam.get_role_policy(RoleName=role, PolicyName=policy),
        'get-role-response': iam.get_role(RoleName=role),
        'list-roles-response': iam.list_roles(PathPrefix=path)}, [
        [path, '<path:1>'], [role, '<role-name:1>'], [policy, '<policy-name:1>'],
        [created['Role']['RoleId'], '<role-id:1>']]

@record('TestIAMPolicyEncoding::test_put_group_policy_encoding')
def group_policy_encoding():
    _, document = encoded_policy()
    group, policy = 'test-group-' + uid(), 'test-policy-' + uid()
    iam.create_group(GroupName=group)
    iam.put_group_policy(GroupName=group, PolicyName=policy, PolicyDocument=json.dumps(document))
    got = iam.get_group_policy(GroupName=group, PolicyName=policy)
    return {'get-policy-response': got}, [[group, '<group-name:1>'], [policy, '<policy-name:1>']]

@record('TestIAMIntegrations::test_delete_non_existent_policy_returns_no_such_entity')
def delete_missing_policy():
    return {'delete-non-existent-policy-exc': call(iam.delete_policy,
        PolicyArn='arn:aws:iam::111111111111:policy/non-existent-policy')}, []

@record('TestRoles::test_role_with_tags')
def role_with_tags():
    name, path = 'role-' + uid(), '/role-with-tags/'
    created = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(EC2_TRUST),
        Tags=[{'Key': 'test', 'Value': 'value'}], Path=path)
    return {'create-role-response': created, 'get-role-response': iam.get_role(RoleName=name),
        'list-role-response': iam.list_roles(PathPrefix=path)}, [
        [name, '<role-name:1>'], [created['Role']['RoleId'], '<role-id:1>']]

def plain(value):
    if isinstance(value, datetime.datetime):
        return '<datetime>'
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value

results = {}
for name in json.loads(sys.argv[1] if len(sys.argv) > 1 else os.environ['RECORDS']):
    try:
        responses, replacements = TESTS[name]()
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

/** The corpus's normalisation: placeholders for volatile values, and only the status kept of the
 * response metadata (LocalStack empties HTTPHeaders and drops RequestId and RetryAttempts). */
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

describe('aws-shapes: IAM responses recorded against real AWS', () => {
  if (corpusMissing) {
    test('recorded IAM responses', { skip: corpusMissing }, () => {})
    return
  }
  const recorded = JSON.parse(readFileSync(SNAPSHOTS, 'utf8')) as Record<
    string,
    { 'recorded-content': Record<string, Json> }
  >
  let server: TestServer
  let results: Record<string, RecordResult>
  before(async () => {
    server = await startTestServer({ accountId: ACCOUNT })
    const run = await boto3Script(
      {
        endpoint: server.url,
        credentials: server.admin,
        env: { RECORDS: JSON.stringify(SUPPORTED) },
      },
      SCRIPT,
    )
    assert.equal(run.code, 0, run.stderr)
    results = JSON.parse(run.stdout) as Record<string, RecordResult>
  })
  after(() => server.cleanup())

  test('every supported key names a record in the corpus', () => {
    for (const key of SUPPORTED) assert.ok(recorded[PREFIX + key], `no record ${key}`)
  })

  for (const key of SUPPORTED) {
    test(key, () => {
      const expected = recorded[PREFIX + key]?.['recorded-content'] ?? {}
      const result = results[key]
      assert.ok(result, `no result for ${key}`)
      assert.equal(result.failed, undefined, `the calls failed: ${result.failed}`)
      const actual = normalise(result.responses ?? {}, result.replacements ?? [])
      assert.deepEqual(Object.keys(actual as object).toSorted(), Object.keys(expected).toSorted())
      for (const [label, response] of Object.entries(expected)) {
        assert.deepEqual((actual as Record<string, Json>)[label], response, `${key} › ${label}`)
      }
    })
  }
})
