// boto3 over a real socket: one Python script drives a role's whole life (trust policy, managed and
// inline policies, listing, paging, a caught ClientError) and prints what it saw as JSON.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { boto3Script } from '../support/aws-cli.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

const SCRIPT = String.raw`
import json, os
import boto3
from botocore.exceptions import ClientError

iam = boto3.client('iam', endpoint_url=os.environ['ROLEGATE_ENDPOINT'], region_name='us-east-1')
out = {}

def error_of(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as error:
        return {
            'Code': error.response['Error']['Code'],
            'Message': error.response['Error']['Message'],
            'Type': error.response['Error'].get('Type'),
            'Status': error.response['ResponseMetadata']['HTTPStatusCode'],
            'Class': type(error).__name__,
        }
    return None

trust = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow',
    'Principal': {'Service': 'lambda.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]}
inline = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow',
    'Action': 'logs:PutLogEvents', 'Resource': 'arn:aws:logs:*:*:log-group:/app/*'}]}
managed = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow',
    'Action': ['s3:GetObject'], 'Resource': ['arn:aws:s3:::bucket/*']}]}

role = iam.create_role(RoleName='lambda-exec', Path='/service/',
    AssumeRolePolicyDocument=json.dumps(trust), Description='runs functions')['Role']
out['role'] = {k: role[k] for k in ('RoleName', 'Arn', 'Path', 'AssumeRolePolicyDocument')}
out['roleIdPrefix'] = role['RoleId'][:4]
out['createDateIsDatetime'] = type(role['CreateDate']).__name__

policy_arn = iam.create_policy(PolicyName='read-bucket', PolicyDocument=json.dumps(managed))['Policy']['Arn']
iam.attach_role_policy(RoleName='lambda-exec', PolicyArn=policy_arn)
iam.put_role_policy(RoleName='lambda-exec', PolicyName='logs', PolicyDocument=json.dumps(inline))

out['attached'] = iam.list_attached_role_policies(RoleName='lambda-exec')['AttachedPolicies']
out['inlineNames'] = iam.list_role_policies(RoleName='lambda-exec')['PolicyNames']
got = iam.get_role_policy(RoleName='lambda-exec', PolicyName='logs')
out['inlineDocument'] = got['PolicyDocument']
version = iam.get_policy_version(PolicyArn=policy_arn, VersionId='v1')['PolicyVersion']
out['managedDocument'] = version['Document']
out['getRole'] = iam.get_role(RoleName='lambda-exec')['Role']['Description']

for n in range(4):
    iam.create_role(RoleName='extra-%d' % n, AssumeRolePolicyDocument=json.dumps(trust))
pages = list(iam.get_paginator('list_roles').paginate(PaginationConfig={'PageSize': 2}))
out['pageSizes'] = [len(page['Roles']) for page in pages]
out['pagedNames'] = sorted(r['RoleName'] for page in pages for r in page['Roles'])

out['missing'] = error_of(iam.get_role, RoleName='nope')
out['duplicate'] = error_of(iam.create_role, RoleName='lambda-exec', AssumeRolePolicyDocument=json.dumps(trust))
out['attachedDelete'] = error_of(iam.delete_role, RoleName='lambda-exec')
out['malformed'] = error_of(iam.put_role_policy, RoleName='lambda-exec', PolicyName='bad', PolicyDocument='{"Version":"2012-10-17"}')

iam.detach_role_policy(RoleName='lambda-exec', PolicyArn=policy_arn)
iam.delete_role_policy(RoleName='lambda-exec', PolicyName='logs')
out['deleted'] = iam.delete_role(RoleName='lambda-exec')['ResponseMetadata']['HTTPStatusCode']
out['afterDelete'] = error_of(iam.get_role, RoleName='lambda-exec')
print(json.dumps(out, default=str))
`

describe('boto3', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer()
  })
  after(() => server.cleanup())

  test('a role with managed and inline policies, listed, paged, read back and deleted', async () => {
    const result = await boto3Script({ endpoint: server.url, credentials: server.admin }, SCRIPT)
    assert.equal(result.code, 0, result.stderr)
    const out = JSON.parse(result.stdout) as Record<string, unknown>
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ],
    }
    assert.deepEqual(out['role'], {
      RoleName: 'lambda-exec',
      Arn: 'arn:aws:iam::123456789012:role/service/lambda-exec',
      Path: '/service/',
      AssumeRolePolicyDocument: trust,
    })
    assert.equal(out['roleIdPrefix'], 'AROA')
    assert.equal(out['createDateIsDatetime'], 'datetime')
    assert.deepEqual(out['attached'], [
      { PolicyName: 'read-bucket', PolicyArn: 'arn:aws:iam::123456789012:policy/read-bucket' },
    ])
    assert.deepEqual(out['inlineNames'], ['logs'])
    assert.deepEqual(out['inlineDocument'], {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'logs:PutLogEvents',
          Resource: 'arn:aws:logs:*:*:log-group:/app/*',
        },
      ],
    })
    assert.deepEqual(out['managedDocument'], {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::bucket/*'] },
      ],
    })
    assert.equal(out['getRole'], 'runs functions')
    assert.deepEqual(out['pageSizes'], [2, 2, 1])
    assert.deepEqual(out['pagedNames'], ['extra-0', 'extra-1', 'extra-2', 'extra-3', 'lambda-exec'])
    assert.deepEqual(out['missing'], {
      Code: 'NoSuchEntity',
      Message: 'The role with name nope cannot be found.',
      Type: 'Sender',
      Status: 404,
      Class: 'NoSuchEntityException',
    })
    assert.deepEqual(out['duplicate'], {
      Code: 'EntityAlreadyExists',
      Message: 'Role with name lambda-exec already exists.',
      Type: 'Sender',
      Status: 409,
      Class: 'EntityAlreadyExistsException',
    })
    assert.deepEqual(out['attachedDelete'], {
      Code: 'DeleteConflict',
      Message: 'Cannot delete entity, must detach all policies first.',
      Type: 'Sender',
      Status: 409,
      Class: 'DeleteConflictException',
    })
    assert.deepEqual(out['malformed'], {
      Code: 'MalformedPolicyDocument',
      Message: 'Syntax errors in policy.',
      Type: 'Sender',
      Status: 400,
      Class: 'MalformedPolicyDocumentException',
    })
    assert.equal(out['deleted'], 200)
    assert.equal((out['afterDelete'] as { Code: string }).Code, 'NoSuchEntity')
  })
})
