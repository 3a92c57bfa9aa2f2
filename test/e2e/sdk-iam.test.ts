// @aws-sdk/client-iam over a real socket, one round trip per resource family beyond users (see
// server.test.ts): roles, managed and inline policies, groups, keys, providers, aliases, paginators.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { IAMClient } from '@aws-sdk/client-iam'
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  CreateAccessKeyCommand,
  CreateAccountAliasCommand,
  CreateGroupCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateSAMLProviderCommand,
  CreateUserCommand,
  DeleteOpenIDConnectProviderCommand,
  DeleteRoleCommand,
  DeleteSAMLProviderCommand,
  EntityAlreadyExistsException,
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetOpenIDConnectProviderCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetSAMLProviderCommand,
  LimitExceededException,
  ListAccessKeysCommand,
  ListAccountAliasesCommand,
  ListAttachedGroupPoliciesCommand,
  ListOpenIDConnectProvidersCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  PutGroupPolicyCommand,
  UpdateRoleCommand,
  paginateListPolicies,
  paginateListRoles,
} from '@aws-sdk/client-iam'
import { makeCertificate, metadataDocument } from '../federation/saml/idp-metadata.js'
import { iamSdk, rejection } from '../support/iam-sdk.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

const trust = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'oidc.example.com:aud': 'sts.amazonaws.com' } },
    },
  ],
}
const document = (action: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: 'arn:aws:s3:::bucket/a b+c%d' }],
})

/** IAM returns policy documents URL-encoded; the JavaScript SDK (unlike botocore) leaves them so. */
const decoded = (text: string | undefined): unknown => JSON.parse(decodeURIComponent(text ?? ''))

describe('@aws-sdk/client-iam', () => {
  let server: TestServer
  let iam: IAMClient
  before(async () => {
    server = await startTestServer()
    iam = iamSdk(server.url, server.admin)
  })
  after(() => server.cleanup())

  test('roles: create, get (URL-encoded trust policy), update, typed errors, delete', async () => {
    const created = await iam.send(
      new CreateRoleCommand({
        RoleName: 'web-identity',
        Path: '/federated/',
        AssumeRolePolicyDocument: JSON.stringify(trust),
        MaxSessionDuration: 7200,
        Tags: [{ Key: 'team', Value: 'a b+c=d' }],
      }),
    )
    assert.equal(created.Role?.Arn, 'arn:aws:iam::123456789012:role/federated/web-identity')
    assert.ok(created.Role?.CreateDate instanceof Date)
    assert.deepEqual(decoded(created.Role?.AssumeRolePolicyDocument), trust)

    await iam.send(new UpdateRoleCommand({ RoleName: 'web-identity', Description: 'from OIDC' }))
    const got = await iam.send(new GetRoleCommand({ RoleName: 'web-identity' }))
    assert.equal(got.Role?.Description, 'from OIDC')
    assert.equal(got.Role?.MaxSessionDuration, 7200)
    assert.deepEqual(got.Role?.Tags, [{ Key: 'team', Value: 'a b+c=d' }])
    assert.deepEqual(decoded(got.Role?.AssumeRolePolicyDocument), trust)

    const duplicate = await rejection(
      iam.send(
        new CreateRoleCommand({
          RoleName: 'web-identity',
          AssumeRolePolicyDocument: JSON.stringify(trust),
        }),
      ),
    )
    assert.ok(duplicate instanceof EntityAlreadyExistsException, String(duplicate))
    assert.equal(duplicate.message, 'Role with name web-identity already exists.')
    assert.equal(duplicate.$metadata?.httpStatusCode, 409)

    await iam.send(new DeleteRoleCommand({ RoleName: 'web-identity' }))
    const gone = await rejection(iam.send(new GetRoleCommand({ RoleName: 'web-identity' })))
    assert.ok(gone instanceof NoSuchEntityException, String(gone))
  })

  test('managed policies, versions, groups with attached and inline policies', async () => {
    const policy = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'objects',
        PolicyDocument: JSON.stringify(document('s3:GetObject')),
      }),
    )
    const policyArn = policy.Policy?.Arn ?? ''
    await iam.send(
      new CreatePolicyVersionCommand({
        PolicyArn: policyArn,
        PolicyDocument: JSON.stringify(document('s3:PutObject')),
        SetAsDefault: true,
      }),
    )
    const version = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: 'v2' }),
    )
    assert.equal(version.PolicyVersion?.IsDefaultVersion, true)
    assert.deepEqual(decoded(version.PolicyVersion?.Document), document('s3:PutObject'))

    const malformed = await rejection(
      iam.send(
        new CreatePolicyCommand({
          PolicyName: 'broken',
          PolicyDocument: '{"Version":"2012-10-17"}',
        }),
      ),
    )
    assert.ok(malformed instanceof MalformedPolicyDocumentException, String(malformed))
    assert.equal(malformed.message, 'Syntax errors in policy.')
    assert.equal(malformed.$metadata?.httpStatusCode, 400)

    await iam.send(new CreateGroupCommand({ GroupName: 'readers' }))
    await iam.send(new CreateUserCommand({ UserName: 'member' }))
    await iam.send(new AddUserToGroupCommand({ GroupName: 'readers', UserName: 'member' }))
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'readers', PolicyArn: policyArn }))
    await iam.send(
      new PutGroupPolicyCommand({
        GroupName: 'readers',
        PolicyName: 'inline',
        PolicyDocument: JSON.stringify(document('s3:ListBucket')),
      }),
    )
    const group = await iam.send(new GetGroupCommand({ GroupName: 'readers' }))
    assert.deepEqual(
      group.Users?.map((user) => user.UserName),
      ['member'],
    )
    const attached = await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'readers' }))
    assert.deepEqual(attached.AttachedPolicies, [{ PolicyName: 'objects', PolicyArn: policyArn }])
    const inline = await iam.send(
      new GetGroupPolicyCommand({ GroupName: 'readers', PolicyName: 'inline' }),
    )
    assert.deepEqual(decoded(inline.PolicyDocument), document('s3:ListBucket'))
  })

  test('access keys: LimitExceeded is a typed exception', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'keyholder' }))
    await iam.send(new CreateAccessKeyCommand({ UserName: 'keyholder' }))
    await iam.send(new CreateAccessKeyCommand({ UserName: 'keyholder' }))
    const third = await rejection(iam.send(new CreateAccessKeyCommand({ UserName: 'keyholder' })))
    assert.ok(third instanceof LimitExceededException, String(third))
    assert.equal(third.message, 'Cannot exceed quota for AccessKeysPerUser: 2')
    const keys = await iam.send(new ListAccessKeysCommand({ UserName: 'keyholder' }))
    assert.equal(keys.AccessKeyMetadata?.length, 2)
  })

  test('OIDC and SAML providers and an account alias round trip', async () => {
    const oidc = await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: 'https://oidc.example.com',
        ClientIDList: ['sts.amazonaws.com'],
        ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'],
      }),
    )
    const oidcArn = oidc.OpenIDConnectProviderArn ?? ''
    assert.equal(oidcArn, 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com')
    const gotOidc = await iam.send(
      new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: oidcArn }),
    )
    assert.equal(gotOidc.Url, 'oidc.example.com')
    assert.deepEqual(gotOidc.ClientIDList, ['sts.amazonaws.com'])
    assert.ok(gotOidc.CreateDate instanceof Date)
    const listed = await iam.send(new ListOpenIDConnectProvidersCommand({}))
    assert.deepEqual(listed.OpenIDConnectProviderList, [{ Arn: oidcArn }])
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: oidcArn }))

    const metadata = metadataDocument({ certificates: [makeCertificate().base64] })
    const saml = await iam.send(
      new CreateSAMLProviderCommand({ Name: 'okta', SAMLMetadataDocument: metadata }),
    )
    assert.equal(saml.SAMLProviderArn, 'arn:aws:iam::123456789012:saml-provider/okta')
    const gotSaml = await iam.send(
      new GetSAMLProviderCommand({ SAMLProviderArn: saml.SAMLProviderArn }),
    )
    assert.equal(gotSaml.SAMLMetadataDocument, metadata)
    assert.ok(gotSaml.ValidUntil instanceof Date)
    await iam.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: saml.SAMLProviderArn }))

    await iam.send(new CreateAccountAliasCommand({ AccountAlias: 'sdk-alias' }))
    const aliases = await iam.send(new ListAccountAliasesCommand({}))
    assert.deepEqual(aliases.AccountAliases, ['sdk-alias'])
  })

  test('paginators follow Marker across pages', async () => {
    const names = Array.from({ length: 7 }, (_, index) => `paged-${index}`)
    for (const name of names) {
      await iam.send(
        new CreateRoleCommand({
          RoleName: name,
          Path: '/paged/',
          AssumeRolePolicyDocument: JSON.stringify(trust),
        }),
      )
    }
    const pageSizes: number[] = []
    const seen: string[] = []
    for await (const page of paginateListRoles(
      { client: iam, pageSize: 3 },
      { PathPrefix: '/paged/' },
    )) {
      pageSizes.push(page.Roles?.length ?? 0)
      seen.push(...(page.Roles ?? []).map((role) => role.RoleName ?? ''))
    }
    assert.deepEqual(pageSizes, [3, 3, 1])
    assert.deepEqual(seen.toSorted(), names)

    const policyNames: string[] = []
    for await (const page of paginateListPolicies(
      { client: iam, pageSize: 1 },
      { Scope: 'Local' },
    )) {
      assert.ok((page.Policies?.length ?? 0) <= 1)
      policyNames.push(...(page.Policies ?? []).map((policy) => policy.PolicyName ?? ''))
    }
    assert.deepEqual(policyNames, ['objects'])
  })
})
