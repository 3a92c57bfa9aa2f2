// What no policy opens or closes, through boto3 over a socket: an administrator's writes to a
// service-linked role or an IAM Identity Center role get AWS's UnmodifiableEntity and change
// nothing, CreateRole refuses the service-linked path, an AWS managed policy cannot be deleted,
// and GetCallerIdentity answers a caller whom every policy denies.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { RoleRecord } from '../../src/store/ports.js'
import { boto3Script } from '../support/aws-cli.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

const ACCOUNT = '123456789012'
const SLR_PATH = '/aws-service-role/elasticbeanstalk.amazonaws.com/'
const SLR = 'AWSServiceRoleForElasticBeanstalk'
const SSO_PATH = '/aws-reserved/sso.amazonaws.com/'
const SSO = 'AWSReservedSSO_AdministratorAccess_073ae2cbd6a6a546'

/** A role as its service would have made it: written to the store, since CreateRole refuses. */
function reservedRole(path: string, name: string, service: string, id: string): RoleRecord {
  return {
    accountId: ACCOUNT,
    roleId: id,
    roleName: name,
    path,
    arn: `arn:aws:iam::${ACCOUNT}:role${path}${name}`,
    createDate: new Date('2024-01-01T00:00:00Z'),
    assumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
    }),
    description: null,
    maxSessionDuration: 3600,
    permissionsBoundaryArn: null,
    tags: [],
    lastUsed: null,
  }
}

const SCRIPT = String.raw`
import json, os
import boto3
from botocore.exceptions import ClientError

endpoint = os.environ['ROLEGATE_ENDPOINT']
iam = boto3.client('iam', endpoint_url=endpoint, region_name='us-east-1')
SLR, SSO = os.environ['SLR'], os.environ['SSO']
out = {}

def error_of(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as error:
        return {'Code': error.response['Error']['Code'], 'Message': error.response['Error']['Message'],
                'Status': error.response['ResponseMetadata']['HTTPStatusCode']}
    return None

READ = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': '*'}]})
TRUST = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'ec2.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]})
ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess'

for name in (SLR, SSO):
    out[name] = {
        'DeleteRole': error_of(iam.delete_role, RoleName=name),
        'AttachRolePolicy': error_of(iam.attach_role_policy, RoleName=name, PolicyArn=ADMIN),
        'PutRolePolicy': error_of(iam.put_role_policy, RoleName=name, PolicyName='extra', PolicyDocument=READ),
        'UpdateAssumeRolePolicy': error_of(iam.update_assume_role_policy, RoleName=name, PolicyDocument=TRUST),
        'PutRolePermissionsBoundary': error_of(iam.put_role_permissions_boundary, RoleName=name, PermissionsBoundary=ADMIN),
        'UpdateRoleDescription': error_of(iam.update_role_description, RoleName=name, Description='described'),
        'TagRole': error_of(iam.tag_role, RoleName=name, Tags=[{'Key': 'team', 'Value': 'ops'}]),
    }
    role = iam.get_role(RoleName=name)['Role']
    out[name]['after'] = {
        'attached': iam.list_attached_role_policies(RoleName=name)['AttachedPolicies'],
        'inline': iam.list_role_policies(RoleName=name)['PolicyNames'],
        'trust': role['AssumeRolePolicyDocument']['Statement'][0]['Principal'],
        'boundary': role.get('PermissionsBoundary'),
        'description': role.get('Description'),
        'tags': iam.list_role_tags(RoleName=name)['Tags'],
    }

out['createInReservedPath'] = error_of(iam.create_role, RoleName='mine', Path='/aws-service-role/ec2.amazonaws.com/', AssumeRolePolicyDocument=TRUST)
out['mineExists'] = error_of(iam.get_role, RoleName='mine')
out['deleteAwsManaged'] = error_of(iam.delete_policy, PolicyArn=ADMIN)
out['versionAwsManaged'] = error_of(iam.create_policy_version, PolicyArn=ADMIN, PolicyDocument=READ)

# A user every policy denies: GetCallerIdentity still answers; IAM does not, even for the
# protected role (no identity policy allows, so AccessDenied comes before UnmodifiableEntity).
iam.create_user(UserName='denied')
iam.put_user_policy(UserName='denied', PolicyName='nothing', PolicyDocument=json.dumps(
    {'Version': '2012-10-17', 'Statement': [{'Effect': 'Deny', 'Action': '*', 'Resource': '*'}]}))
key = iam.create_access_key(UserName='denied')['AccessKey']
session = boto3.session.Session(aws_access_key_id=key['AccessKeyId'],
    aws_secret_access_key=key['SecretAccessKey'], region_name='us-east-1')
out['callerIdentity'] = session.client('sts', endpoint_url=endpoint).get_caller_identity()['Arn']
denied_iam = session.client('iam', endpoint_url=endpoint)
out['deniedListUsers'] = error_of(denied_iam.list_users)
out['deniedDeleteRole'] = error_of(denied_iam.delete_role, RoleName=SLR)
print(json.dumps(out))
`

describe('boto3: protected roles and policies, and GetCallerIdentity', () => {
  let server: TestServer
  let out: Record<string, unknown>

  before(async () => {
    server = await startTestServer({ accountId: ACCOUNT })
    await server.running.store.transaction(async (repo) => {
      const slr = reservedRole(
        SLR_PATH,
        SLR,
        'elasticbeanstalk.amazonaws.com',
        'AROAEXAMPLESLR000001',
      )
      await repo.roles.insert(slr)
      await repo.roles.insert(
        reservedRole(SSO_PATH, SSO, 'sso.amazonaws.com', 'AROAEXAMPLESSO000001'),
      )
    })
    const result = await boto3Script(
      { endpoint: server.url, credentials: server.admin, env: { SLR, SSO } },
      SCRIPT,
    )
    assert.equal(result.code, 0, result.stderr)
    out = JSON.parse(result.stdout) as Record<string, unknown>
  })
  after(() => server.cleanup())

  const unmodifiable = (name: string) => ({
    Code: 'UnmodifiableEntity',
    Message: `Cannot perform the operation on the protected role '${name}' - this role is only modifiable by AWS`,
    Status: 400,
  })

  test("a service-linked role's permissions: UnmodifiableEntity, and nothing changes", () => {
    const slr = out[SLR] as Record<string, unknown>
    for (const action of [
      'DeleteRole',
      'AttachRolePolicy',
      'PutRolePolicy',
      'UpdateAssumeRolePolicy',
      'PutRolePermissionsBoundary',
    ]) {
      assert.deepEqual(slr[action], unmodifiable(SLR), action)
    }
    // Its description and tags stay the account's to change (using-service-linked-roles, TagRole).
    assert.equal(slr['UpdateRoleDescription'], null)
    assert.equal(slr['TagRole'], null)
    assert.deepEqual(slr['after'], {
      attached: [],
      inline: [],
      trust: { Service: 'elasticbeanstalk.amazonaws.com' },
      boundary: null,
      description: 'described',
      tags: [{ Key: 'team', Value: 'ops' }],
    })
  })

  test('an IAM Identity Center role: every write is UnmodifiableEntity, and nothing changes', () => {
    const sso = out[SSO] as Record<string, unknown>
    for (const action of [
      'DeleteRole',
      'AttachRolePolicy',
      'PutRolePolicy',
      'UpdateAssumeRolePolicy',
      'PutRolePermissionsBoundary',
      'UpdateRoleDescription',
      'TagRole',
    ]) {
      assert.deepEqual(sso[action], unmodifiable(SSO), action)
    }
    assert.deepEqual(sso['after'], {
      attached: [],
      inline: [],
      trust: { Service: 'sso.amazonaws.com' },
      boundary: null,
      description: null,
      tags: [],
    })
  })

  test('CreateRole refuses the service-linked path, and creates nothing', () => {
    assert.deepEqual(out['createInReservedPath'], {
      Code: 'InvalidInput',
      Message: "Path prefix '/aws-service-role/' can only be used for AWS Service linked Roles",
      Status: 400,
    })
    assert.equal((out['mineExists'] as { Code: string }).Code, 'NoSuchEntity')
  })

  test('an AWS managed policy cannot be deleted or versioned, even by an administrator', () => {
    const denied = (action: string) => ({
      Code: 'AccessDenied',
      Message: `User: arn:aws:iam::${ACCOUNT}:user/admin is not authorized to perform: iam:${action} on resource: policy arn:aws:iam::aws:policy/AdministratorAccess because no resource-based policy allows the iam:${action} action`,
      Status: 403,
    })
    assert.deepEqual(out['deleteAwsManaged'], denied('DeletePolicy'))
    assert.deepEqual(out['versionAwsManaged'], denied('CreatePolicyVersion'))
  })

  test('GetCallerIdentity answers a caller every policy denies; IAM does not', () => {
    assert.equal(out['callerIdentity'], `arn:aws:iam::${ACCOUNT}:user/denied`)
    assert.equal((out['deniedListUsers'] as { Code: string }).Code, 'AccessDenied')
    assert.deepEqual(out['deniedDeleteRole'], {
      Code: 'AccessDenied',
      Message: `User: arn:aws:iam::${ACCOUNT}:user/denied is not authorized to perform: iam:DeleteRole on resource: arn:aws:iam::${ACCOUNT}:role${SLR_PATH}${SLR} with an explicit deny in an identity-based policy`,
      Status: 403,
    })
  })
})
