// OIDC and SAML identity providers, account aliases and GetAccountAuthorizationDetails through the
// real AWS CLI over a socket. SAML metadata is made here around a throwaway openssl certificate.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  AddUserToGroupCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  PutRolePermissionsBoundaryCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam'
import { makeCertificate, metadataDocument } from '../federation/saml/idp-metadata.js'
import { iamCli, tempFileUrl } from '../support/iam-cli.js'
import type { IamCli } from '../support/iam-cli.js'
import { iamSdk } from '../support/iam-sdk.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

const THUMBPRINT_A = '9e99a48a9960b14926bb7f3b02e22da2b0ab7280'
const THUMBPRINT_B = '0123456789abcdef0123456789abcdef01234567'

interface Tag {
  Key: string
  Value: string
}

describe('AWS CLI: identity providers, aliases and authorization details', () => {
  let server: TestServer
  let cli: IamCli
  before(async () => {
    server = await startTestServer()
    cli = iamCli(server.url, server.admin)
  })
  after(() => server.cleanup())

  test('OIDC provider: create, get, client ids, thumbprints, tags, list, delete', async () => {
    const providerArn = 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com/cluster-1'
    const created = await cli.ok<{ OpenIDConnectProviderArn: string; Tags: Tag[] }>(
      'create-open-id-connect-provider',
      '--url',
      'https://oidc.example.com/cluster-1',
      '--client-id-list',
      'sts.amazonaws.com',
      '--thumbprint-list',
      THUMBPRINT_A,
      '--tags',
      'Key=cluster,Value=one',
    )
    assert.deepEqual(created, {
      OpenIDConnectProviderArn: providerArn,
      Tags: [{ Key: 'cluster', Value: 'one' }],
    })
    await cli.fails(
      {
        code: 'EntityAlreadyExists',
        operation: 'CreateOpenIDConnectProvider',
        message: 'Provider with url https://oidc.example.com/cluster-1 already exists.',
      },
      'create-open-id-connect-provider',
      '--url',
      'https://oidc.example.com/cluster-1',
      '--client-id-list',
      'other',
    )

    const arnArgs = ['--open-id-connect-provider-arn', providerArn]
    await cli.ok('add-client-id-to-open-id-connect-provider', ...arnArgs, '--client-id', 'my-app')
    await cli.ok(
      'remove-client-id-from-open-id-connect-provider',
      ...arnArgs,
      '--client-id',
      'sts.amazonaws.com',
    )
    await cli.ok(
      'update-open-id-connect-provider-thumbprint',
      ...arnArgs,
      '--thumbprint-list',
      THUMBPRINT_B,
      THUMBPRINT_A,
    )
    await cli.ok('tag-open-id-connect-provider', ...arnArgs, '--tags', 'Key=env,Value=test')
    await cli.ok('untag-open-id-connect-provider', ...arnArgs, '--tag-keys', 'cluster')

    const got = await cli.ok<{
      Url: string
      ClientIDList: string[]
      ThumbprintList: string[]
      CreateDate: string
      Tags: Tag[]
    }>('get-open-id-connect-provider', ...arnArgs)
    assert.equal(got.Url, 'oidc.example.com/cluster-1')
    assert.deepEqual(got.ClientIDList, ['my-app'])
    assert.deepEqual(got.ThumbprintList, [THUMBPRINT_B, THUMBPRINT_A])
    assert.deepEqual(got.Tags, [{ Key: 'env', Value: 'test' }])
    assert.match(got.CreateDate, /^\d{4}-\d\d-\d\dT/)
    const tags = await cli.ok<{ Tags: Tag[] }>('list-open-id-connect-provider-tags', ...arnArgs)
    assert.deepEqual(tags.Tags, [{ Key: 'env', Value: 'test' }])
    const listed = await cli.ok<{ OpenIDConnectProviderList: Array<{ Arn: string }> }>(
      'list-open-id-connect-providers',
    )
    assert.deepEqual(listed.OpenIDConnectProviderList, [{ Arn: providerArn }])

    await cli.ok('delete-open-id-connect-provider', ...arnArgs)
    // Idempotent (API Reference): deleting it again succeeds.
    await cli.ok('delete-open-id-connect-provider', ...arnArgs)
    await cli.fails(
      {
        code: 'NoSuchEntity',
        operation: 'GetOpenIDConnectProvider',
        message: `OpenIDConnect Provider not found for arn ${providerArn}`,
      },
      'get-open-id-connect-provider',
      ...arnArgs,
    )
  })

  test('SAML provider: create from a metadata file, get, list, update, bad metadata, delete', async () => {
    const providerArn = 'arn:aws:iam::123456789012:saml-provider/corp-idp'
    const first = metadataDocument({ certificates: [makeCertificate().base64] })
    const created = await cli.ok<{ SAMLProviderArn: string }>(
      'create-saml-provider',
      '--name',
      'corp-idp',
      '--saml-metadata-document',
      tempFileUrl('metadata.xml', first),
    )
    assert.equal(created.SAMLProviderArn, providerArn)
    const arnArgs = ['--saml-provider-arn', providerArn]
    const got = await cli.ok<{
      SAMLMetadataDocument: string
      ValidUntil: string
      CreateDate: string
    }>('get-saml-provider', ...arnArgs)
    assert.equal(got.SAMLMetadataDocument, first)
    assert.ok(Date.parse(got.ValidUntil) > Date.parse(got.CreateDate))

    const second = metadataDocument({
      certificates: [makeCertificate('idp2.example.com').base64],
      validUntil: '2099-01-01T00:00:00Z',
    })
    const updated = await cli.ok<{ SAMLProviderArn: string }>(
      'update-saml-provider',
      ...arnArgs,
      '--saml-metadata-document',
      tempFileUrl('metadata2.xml', second),
    )
    assert.equal(updated.SAMLProviderArn, providerArn)
    const regot = await cli.ok<{ SAMLMetadataDocument: string; ValidUntil: string }>(
      'get-saml-provider',
      ...arnArgs,
    )
    assert.equal(regot.SAMLMetadataDocument, second)
    assert.equal(regot.ValidUntil, '2099-01-01T00:00:00Z')

    // Long enough for the API's 1000-character minimum, but no IdP descriptor and no certificate.
    const bad = `<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/saml"><!-- ${'x'.repeat(1000)} --></md:EntityDescriptor>`
    const badFile = tempFileUrl('bad.xml', bad)
    await Promise.all([
      cli.fails(
        {
          code: 'InvalidInput',
          operation: 'CreateSAMLProvider',
          message: 'Could not parse metadata',
        },
        'create-saml-provider',
        '--name',
        'broken',
        '--saml-metadata-document',
        badFile,
      ),
      cli.fails(
        {
          code: 'InvalidInput',
          operation: 'UpdateSAMLProvider',
          message: 'Could not parse metadata',
        },
        'update-saml-provider',
        ...arnArgs,
        '--saml-metadata-document',
        badFile,
      ),
    ])
    const listed = await cli.ok<{ SAMLProviderList: Array<{ Arn: string }> }>('list-saml-providers')
    assert.deepEqual(
      listed.SAMLProviderList.map((provider) => provider.Arn),
      [providerArn],
    )
    const unchanged = await cli.ok<{ SAMLMetadataDocument: string }>(
      'get-saml-provider',
      ...arnArgs,
    )
    assert.equal(unchanged.SAMLMetadataDocument, second)

    await cli.ok('delete-saml-provider', ...arnArgs)
    await cli.fails(
      {
        code: 'NoSuchEntity',
        operation: 'GetSAMLProvider',
        message: `Manifest not found for arn ${providerArn}`,
      },
      'get-saml-provider',
      ...arnArgs,
    )
  })

  test('account alias: create, list, delete', async () => {
    await cli.ok('create-account-alias', '--account-alias', 'rolegate-test')
    const listed = await cli.ok<{ AccountAliases: string[] }>('list-account-aliases')
    assert.deepEqual(listed.AccountAliases, ['rolegate-test'])
    await cli.ok('delete-account-alias', '--account-alias', 'rolegate-test')
    const empty = await cli.ok<{ AccountAliases: string[] }>('list-account-aliases')
    assert.deepEqual(empty.AccountAliases, [])
  })

  test('get-account-authorization-details: users, groups, roles and local policies, decoded', async () => {
    const sdk = iamSdk(server.url, server.admin)
    const trust = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    }
    const inline = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: 'arn:aws:sqs:*:*:q?x=1&y=%2F' }],
    }
    const managed = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
    }
    await sdk.send(new CreateUserCommand({ UserName: 'auditor' }))
    await sdk.send(new CreateGroupCommand({ GroupName: 'auditors' }))
    await sdk.send(new AddUserToGroupCommand({ GroupName: 'auditors', UserName: 'auditor' }))
    await sdk.send(
      new PutUserPolicyCommand({
        UserName: 'auditor',
        PolicyName: 'queues',
        PolicyDocument: JSON.stringify(inline),
      }),
    )
    const policy = await sdk.send(
      new CreatePolicyCommand({ PolicyName: 'reads', PolicyDocument: JSON.stringify(managed) }),
    )
    await sdk.send(
      new CreateRoleCommand({
        RoleName: 'worker',
        AssumeRolePolicyDocument: JSON.stringify(trust),
      }),
    )
    await sdk.send(
      new PutRolePermissionsBoundaryCommand({
        RoleName: 'worker',
        PermissionsBoundary: policy.Policy?.Arn,
      }),
    )

    const details = await cli.ok<{
      UserDetailList: Array<{
        UserName: string
        GroupList: string[]
        UserPolicyList?: Array<{ PolicyName: string; PolicyDocument: unknown }>
      }>
      GroupDetailList: Array<{ GroupName: string }>
      RoleDetailList: Array<{
        RoleName: string
        AssumeRolePolicyDocument: unknown
        PermissionsBoundary?: unknown
      }>
      Policies: Array<{
        PolicyName: string
        PermissionsBoundaryUsageCount: number
        PolicyVersionList: Array<{ Document: unknown; IsDefaultVersion: boolean }>
      }>
    }>('get-account-authorization-details')
    const auditor = details.UserDetailList.find((user) => user.UserName === 'auditor')
    assert.deepEqual(auditor?.GroupList, ['auditors'])
    assert.deepEqual(auditor?.UserPolicyList, [{ PolicyName: 'queues', PolicyDocument: inline }])
    assert.deepEqual(details.UserDetailList.map((user) => user.UserName).toSorted(), [
      'admin',
      'auditor',
    ])
    assert.deepEqual(
      details.GroupDetailList.map((group) => group.GroupName),
      ['auditors'],
    )
    const worker = details.RoleDetailList.find((role) => role.RoleName === 'worker')
    assert.deepEqual(worker?.AssumeRolePolicyDocument, trust)
    assert.deepEqual(worker?.PermissionsBoundary, {
      PermissionsBoundaryType: 'Policy',
      PermissionsBoundaryArn: policy.Policy?.Arn,
    })
    const reads = details.Policies.find((entry) => entry.PolicyName === 'reads')
    assert.equal(reads?.PermissionsBoundaryUsageCount, 1)
    assert.deepEqual(
      reads?.PolicyVersionList.map((version) => version.Document),
      [managed],
    )

    const onlyRoles = await cli.ok<Record<string, unknown[]>>(
      'get-account-authorization-details',
      '--filter',
      'Role',
    )
    assert.deepEqual(
      onlyRoles['RoleDetailList']?.map((role) => (role as { RoleName: string }).RoleName),
      ['worker'],
    )
    assert.deepEqual(onlyRoles['UserDetailList'], [])
    assert.deepEqual(onlyRoles['Policies'], [])
  })
})
