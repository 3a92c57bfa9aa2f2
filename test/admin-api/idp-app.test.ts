// The built-in IdP's AWS Account Federation app through the admin API, socket-free: its metadata
// (served at its URL, taken by IAM's CreateSAMLProvider), the roles it learns through IAM with a
// least-privilege key (and its refusal of keys that cannot, writing nothing), assignments checked
// against those roles, signed responses an independent SP (node-saml) accepts from the metadata
// alone, key rotation that publishes the next key before it signs, and IAM authorisation.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { queryRequest } from '../support/signed-request.js'
import {
  APP_POLICY,
  ROLE_ATTRIBUTE,
  ROLE_SESSION_NAME,
  SESSION_DURATION,
  attributeValues,
  readMetadata,
  samlTrustPolicy,
  validateWithNodeSaml,
} from '../support/idp.js'
import { ACCOUNT, PUBLIC_URL, assertError, field, harness, list, userWithKey } from './support.js'
import type { Harness } from './support.js'

const PROVIDER = `arn:aws:iam::${ACCOUNT}:saml-provider/rolegate`
const DEVELOPER = `arn:aws:iam::${ACCOUNT}:role/OktaDeveloper`
const PROD_ADMIN = `arn:aws:iam::${ACCOUNT}:role/OktaProdAdminRole`
const EC2 = `arn:aws:iam::${ACCOUNT}:role/ec2-only`

async function served(h: Harness, path: string) {
  return h.app.handle({ ...queryRequest({}, { method: 'GET' }), path, query: '' })
}

const appRecord = (h: Harness) => h.store.read((repo) => repo.idpApps.get(ACCOUNT))

describe('the AWS Account Federation app', () => {
  let h: Harness
  let metadata: string
  before(async () => {
    // node-saml checks times against the real clock, so the harness runs on it too.
    h = await harness(new Date())
  })
  after(() => h.close())

  test('the app comes into being with its metadata, served at a stable URL', async () => {
    assert.equal((await served(h, `/idp/${ACCOUNT}/metadata`)).status, 404)
    const result = await h.ok('GetIdpMetadata')
    metadata = String(result['Metadata'])
    assert.equal(result['EntityId'], `${PUBLIC_URL}/idp/${ACCOUNT}`)
    assert.equal(result['MetadataUrl'], `${PUBLIC_URL}/idp/${ACCOUNT}/metadata`)
    const response = await served(h, `/idp/${ACCOUNT}/metadata`)
    assert.equal(response.status, 200)
    assert.equal(response.headers['content-type'], 'application/samlmetadata+xml; charset=utf-8')
    assert.equal(response.body, metadata)
    const read = readMetadata(metadata)
    assert.equal(read.entityId, `${PUBLIC_URL}/idp/${ACCOUNT}`)
    // The signing key and, already published, the next one.
    assert.equal(read.certificates.length, 2)
    assert.deepEqual(read.ssoLocations, [
      `${PUBLIC_URL}/idp/${ACCOUNT}/sso`,
      `${PUBLIC_URL}/idp/${ACCOUNT}/sso`,
    ])
    const app = await h.ok('GetIdpApp')
    assert.deepEqual(
      list(field(app['App'], 'SigningKeys')).map((key) => field(key, 'Status')),
      ['Signing', 'Next'],
    )
    // Asking again makes nothing new.
    assert.equal(String((await h.ok('GetIdpMetadata'))['Metadata']), metadata)
    assert.equal((await served(h, `/idp/999999999999/metadata`)).status, 404)
  })

  test('IAM takes the metadata unchanged for a SAML provider', async () => {
    const created = await h.ok(
      'CreateSAMLProvider',
      { Name: 'rolegate', SAMLMetadataDocument: metadata },
      { service: 'iam' },
    )
    assert.equal(created['SAMLProviderArn'], PROVIDER)
    const stored = await h.store.read((repo) => repo.samlProviders.get(PROVIDER))
    assert.equal(stored?.entityId, `${PUBLIC_URL}/idp/${ACCOUNT}`)
    assert.deepEqual(stored?.certificates, readMetadata(metadata).certificates)
    for (const [name, trust] of [
      ['OktaDeveloper', samlTrustPolicy(PROVIDER)],
      ['OktaProdAdminRole', samlTrustPolicy(PROVIDER)],
      [
        'ec2-only',
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'ec2.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      ],
    ] as const) {
      await h.ok(
        'CreateRole',
        { RoleName: name, AssumeRolePolicyDocument: trust },
        { service: 'iam' },
      )
    }
    await h.ok('CreateAccountAlias', { AccountAlias: 'example-prod' }, { service: 'iam' })
  })

  test('without an access key the app knows no roles', async () => {
    await h.ok('CreateIdpUser', { UserName: 'alice@example.com', Password: 'alice-password' })
    assertError(
      await h.call('AssignIdpRole', { UserName: 'alice@example.com', RoleArn: DEVELOPER }),
      400,
      'InvalidInput',
      /^The IdP app has no access key to learn the account's roles with/,
    )
    assertError(await h.call('ListIdpAppRoles'), 400, 'InvalidInput', /has no access key/)
  })

  test('a key that cannot list roles is refused, and nothing is written', async () => {
    const weak = await userWithKey(h, 'weak', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iam:ListAccountAliases', Resource: '*' }],
    })
    assertError(
      await h.call('UpdateIdpApp', {
        AccessKeyId: weak.accessKeyId,
        SecretAccessKey: weak.secretAccessKey,
        SessionDuration: '7200',
      }),
      400,
      'InvalidInput',
      `The app could not learn the account's roles with access key ${weak.accessKeyId}: AccessDenied: User: arn:aws:iam::${ACCOUNT}:user/weak is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::${ACCOUNT}:role/ because no identity-based policy allows the iam:ListRoles action`,
    )
    assertError(
      await h.call('UpdateIdpApp', {
        accessKeyId: 'AKIAWRONGWRONGWRONG1',
        AccessKeyId: 'AKIAWRONGWRONGWRONG1',
        SecretAccessKey: 'nope',
      }),
      400,
      'InvalidInput',
      /^The app could not learn the account's roles with access key AKIAWRONGWRONGWRONG1: InvalidClientTokenId: /,
    )
    const other = await h.ok('CreateAccount', { AccountId: '210987654321' })
    const otherKey = other['AccessKey']
    assertError(
      await h.call('UpdateIdpApp', {
        AccessKeyId: String(field(otherKey, 'AccessKeyId')),
        SecretAccessKey: String(field(otherKey, 'SecretAccessKey')),
      }),
      400,
      'ValidationError',
      `The access key ${String(field(otherKey, 'AccessKeyId'))} belongs to another account than ${ACCOUNT}.`,
    )
    assertError(
      await h.call('UpdateIdpApp', { AccessKeyId: weak.accessKeyId }),
      400,
      'InvalidParameterCombination',
      'AccessKeyId and SecretAccessKey must be given together.',
    )
    assertError(
      await h.call('UpdateIdpApp', { SessionDuration: '60' }),
      400,
      'ValidationError',
      "1 validation error detected: Value at 'sessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 900",
    )
    const app = await appRecord(h)
    assert.equal(app?.accessKeyId, null)
    assert.equal(app?.sessionDuration, 3600)
  })

  test('with iam:ListRoles and iam:ListAccountAliases the app learns the roles and their providers', async () => {
    const key = await userWithKey(h, 'idp-app', APP_POLICY)
    const result = await h.ok('UpdateIdpApp', {
      AccessKeyId: key.accessKeyId,
      SecretAccessKey: key.secretAccessKey,
    })
    assert.equal(field(result['App'], 'AccessKeyId'), key.accessKeyId)
    assert.equal(field(result['App'], 'SecretAccessKey'), undefined)
    assert.equal(result['RolesFound'], '3')
    const stored = await appRecord(h)
    assert.equal(stored?.secretAccessKey, key.secretAccessKey)
    const roles = await h.ok('ListIdpAppRoles')
    assert.equal(roles['AccountAlias'], 'example-prod')
    assert.deepEqual(
      list(roles['Roles']).map((role) => [field(role, 'RoleName'), field(role, 'ProviderArn')]),
      [
        ['ec2-only', undefined],
        ['OktaDeveloper', PROVIDER],
        ['OktaProdAdminRole', PROVIDER],
      ],
    )
    // The app asked IAM, as a client would: the key's last use is IAM's.
    const used = await h.ok(
      'GetAccessKeyLastUsed',
      { AccessKeyId: key.accessKeyId },
      { service: 'iam' },
    )
    assert.ok(used)
  })

  test('assignments are checked against the roles IAM lists', async () => {
    await h.ok('CreateIdpGroup', { GroupName: 'developers' })
    await h.ok('AddIdpGroupMember', { GroupName: 'developers', UserName: 'alice@example.com' })
    await h.ok('AssignIdpRole', { GroupName: 'developers', RoleArn: DEVELOPER })
    await h.ok('AssignIdpRole', { UserName: 'alice@example.com', RoleArn: PROD_ADMIN })
    assertError(
      await h.call('AssignIdpRole', {
        GroupName: 'developers',
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/absent`,
      }),
      404,
      'NoSuchEntity',
      `The IdP app finds no role arn:aws:iam::${ACCOUNT}:role/absent in the account through iam:ListRoles.`,
    )
    assertError(
      await h.call('AssignIdpRole', { GroupName: 'developers', RoleArn: EC2 }),
      400,
      'InvalidInput',
      'The role ec2-only trusts no SAML provider for sts:AssumeRoleWithSAML, and the IdP app names none (UpdateIdpApp ProviderArn).',
    )
    assertError(
      await h.call('AssignIdpRole', { RoleArn: DEVELOPER }),
      400,
      'InvalidParameterCombination',
      'Give exactly one of UserName and GroupName.',
    )
    assertError(
      await h.call('AssignIdpRole', { GroupName: 'developers', RoleArn: 'not-an-arn' }),
      400,
      'ValidationError',
      "2 validation errors detected: Value at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20; Value at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws:iam::\\d{12}:role/[\\w+=,.@/-]+",
    )
    const assignments = await h.store.read((repo) => repo.idpApps.listAssignments(ACCOUNT))
    assert.deepEqual(
      assignments.map((a) => [a.principalType, a.roleArn]),
      [
        ['group', DEVELOPER],
        ['user', PROD_ADMIN],
      ],
    )
  })

  test('CreateIdpAssertion signs a response an independent SP accepts from the metadata alone', async () => {
    const result = await h.ok('CreateIdpAssertion', { UserName: 'alice@example.com' })
    assert.deepEqual(
      list(result['Roles']).map((role) => field(role, 'RoleArn')),
      [DEVELOPER, PROD_ADMIN],
    )
    const base64 = String(result['SAMLResponse'])
    const profile = await validateWithNodeSaml(base64, metadata)
    assert.equal(profile.issuer, `${PUBLIC_URL}/idp/${ACCOUNT}`)
    assert.equal(profile.nameID, 'alice@example.com')
    assert.equal(profile.nameIDFormat, 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent')
    const xml = Buffer.from(base64, 'base64').toString('utf8')
    assert.deepEqual(attributeValues(xml, ROLE_ATTRIBUTE), [
      `${DEVELOPER},${PROVIDER}`,
      `${PROD_ADMIN},${PROVIDER}`,
    ])
    assert.deepEqual(attributeValues(xml, ROLE_SESSION_NAME), ['alice@example.com'])
    assert.deepEqual(attributeValues(xml, SESSION_DURATION), ['3600'])
    assert.match(xml, /Recipient="https:\/\/signin\.aws\.amazon\.com\/saml"/)
    assert.match(xml, /<saml2:Audience>urn:amazon:webservices<\/saml2:Audience>/)

    const one = await h.ok('CreateIdpAssertion', {
      UserName: 'alice@example.com',
      RoleArn: PROD_ADMIN,
      Recipient: `${PUBLIC_URL}/saml`,
    })
    const oneXml = Buffer.from(String(one['SAMLResponse']), 'base64').toString('utf8')
    assert.deepEqual(attributeValues(oneXml, ROLE_ATTRIBUTE), [`${PROD_ADMIN},${PROVIDER}`])
    await validateWithNodeSaml(String(one['SAMLResponse']), metadata, {
      callbackUrl: `${PUBLIC_URL}/saml`,
    })
    // A tampered response is refused by the same SP.
    const tampered = Buffer.from(xml.replace('OktaDeveloper', 'OktaDevelopeR'), 'utf8').toString(
      'base64',
    )
    await assert.rejects(validateWithNodeSaml(tampered, metadata), /signature/i)
  })

  test('CreateIdpAssertion refuses roles the user does not hold and foreign recipients', async () => {
    await h.ok('CreateIdpUser', { UserName: 'bob', Password: 'bob-password' })
    assertError(
      await h.call('CreateIdpAssertion', { UserName: 'bob' }),
      404,
      'NoSuchEntity',
      'The IdP user bob is assigned no role that the account still has.',
    )
    assertError(
      await h.call('CreateIdpAssertion', { UserName: 'alice@example.com', RoleArn: EC2 }),
      404,
      'NoSuchEntity',
      `The IdP user alice@example.com is not assigned ${EC2}.`,
    )
    assertError(
      await h.call('CreateIdpAssertion', {
        UserName: 'alice@example.com',
        Recipient: 'https://evil.example/saml',
      }),
      400,
      'ValidationError',
      `Recipient must be one of the SAML endpoints https://signin.aws.amazon.com/saml, ${PUBLIC_URL}/saml.`,
    )
    assertError(
      await h.call('CreateIdpAssertion', { UserName: 'nobody' }),
      404,
      'NoSuchEntity',
      'The IdP user with name nobody cannot be found.',
    )
  })

  test('a role IAM no longer lists is no longer offered', async () => {
    await h.ok('DeleteRole', { RoleName: 'OktaProdAdminRole' }, { service: 'iam' })
    const result = await h.ok('CreateIdpAssertion', { UserName: 'alice@example.com' })
    assert.deepEqual(
      list(result['Roles']).map((role) => field(role, 'RoleArn')),
      [DEVELOPER],
    )
  })

  test('rotation signs with the key the metadata already published, and publishes the next', async () => {
    const before = readMetadata(metadata)
    const rotated = await h.ok('RotateIdpSigningKey')
    const keys = list(rotated['SigningKeys'])
    assert.deepEqual(keys.map((key) => field(key, 'Status')).sort(), ['Next', 'Retired', 'Signing'])
    const after = readMetadata(String((await h.ok('GetIdpMetadata'))['Metadata']))
    assert.equal(after.certificates.length, 3)
    // The new signing key is the old metadata's next key, listed first now.
    assert.equal(after.certificates[0], before.certificates[1])
    const response = String(
      (await h.ok('CreateIdpAssertion', { UserName: 'alice@example.com' }))['SAMLResponse'],
    )
    // An SP still holding the metadata from before the rotation accepts the new signature...
    await validateWithNodeSaml(response, metadata)
    // ...and one that trusts only the retired key does not.
    const retiredOnly = metadata.replace(
      /<md:KeyDescriptor use="signing">(?:(?!<\/md:KeyDescriptor>)[\s\S])*<\/md:KeyDescriptor>\s*(?=<md:NameIDFormat)/,
      '',
    )
    assert.equal(readMetadata(retiredOnly).certificates.length, 1)
    await assert.rejects(validateWithNodeSaml(response, retiredOnly), /signature/i)
  })

  test('unassigning, and a caller without permissions is denied every app action', async () => {
    await h.ok('UnassignIdpRole', { GroupName: 'developers', RoleArn: DEVELOPER })
    assertError(
      await h.call('UnassignIdpRole', { GroupName: 'developers', RoleArn: DEVELOPER }),
      404,
      'NoSuchEntity',
      `The IdP group developers is not assigned ${DEVELOPER}.`,
    )
    const key = await userWithKey(h, 'nobody', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }],
    })
    const before = await appRecord(h)
    for (const [action, params, resource] of [
      ['GetIdpMetadata', {}, 'idp/app'],
      ['GetIdpApp', {}, 'idp/app'],
      ['UpdateIdpApp', { SessionDuration: '900' }, 'idp/app'],
      ['ListIdpAppRoles', {}, 'idp/app'],
      ['RotateIdpSigningKey', {}, 'idp/app'],
      ['AssignIdpRole', { GroupName: 'developers', RoleArn: DEVELOPER }, 'idp/group/developers'],
      ['CreateIdpAssertion', { UserName: 'alice@example.com' }, 'idp/user/alice@example.com'],
    ] as const) {
      assertError(
        await h.call(action, params, { key }),
        403,
        'AccessDenied',
        `User: arn:aws:iam::${ACCOUNT}:user/nobody is not authorized to perform: rolegate:${action} on resource: arn:aws:rolegate::${ACCOUNT}:${resource} because no identity-based policy allows the rolegate:${action} action`,
      )
    }
    assert.deepEqual(await appRecord(h), before)
  })
})
