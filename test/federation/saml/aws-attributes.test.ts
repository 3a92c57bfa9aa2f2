// AWS's attributes and condition keys from a verified assertion's attributes: the Role attribute's
// pairs in either order, the saml: keys AWS maps (IAM User Guide, "Mapping SAML attributes to AWS
// trust policy context keys"), lists kept whole and single keys taking the first value.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, test } from 'node:test'
import { readAwsAttributes, readRolePair } from '../../../src/federation/saml/aws-attributes.js'
import {
  deriveConditionKeys,
  subjectType,
} from '../../../src/federation/saml/derive-condition-keys.js'

const ROLE = 'arn:aws:iam::123456789012:role/dev'
const PROVIDER = 'arn:aws:iam::123456789012:saml-provider/okta'
const ATTR = 'https://aws.amazon.com/SAML/Attributes/'

describe('readRolePair', () => {
  const cases: Array<[string, ReturnType<typeof readRolePair>]> = [
    [`${ROLE},${PROVIDER}`, { roleArn: ROLE, providerArn: PROVIDER }],
    [`${PROVIDER},${ROLE}`, { roleArn: ROLE, providerArn: PROVIDER }],
    [` ${ROLE} , ${PROVIDER} `, { roleArn: ROLE, providerArn: PROVIDER }],
    [
      `arn:aws:iam::123456789012:role/path/to/dev,${PROVIDER}`,
      { roleArn: 'arn:aws:iam::123456789012:role/path/to/dev', providerArn: PROVIDER },
    ],
    [ROLE, undefined],
    [`${ROLE},${ROLE}`, undefined],
    [`${PROVIDER},${PROVIDER}`, undefined],
    [`${ROLE},${PROVIDER},${ROLE}`, undefined],
    ['arn:aws:iam::12345:role/dev,arn:aws:iam::12345:saml-provider/okta', undefined],
  ]
  for (const [value, pair] of cases) {
    test(value, () => assert.deepEqual(readRolePair(value), pair))
  }
})

test('readAwsAttributes: pairs, session name, duration, source identity and tags', () => {
  const read = readAwsAttributes([
    { name: `${ATTR}Role`, values: [`${ROLE},${PROVIDER}`, 'not a pair', `${PROVIDER},${ROLE}x`] },
    { name: `${ATTR}RoleSessionName`, values: [' alice@example.com '] },
    { name: `${ATTR}SessionDuration`, values: ['1800'] },
    { name: `${ATTR}SourceIdentity`, values: ['alice'] },
    { name: `${ATTR}PrincipalTag:Project`, values: ['Marketing'] },
    { name: `${ATTR}PrincipalTag:Cost Center`, values: ['12 345'] },
    { name: `${ATTR}TransitiveTagKeys`, values: ['Project'] },
  ])
  assert.deepEqual(read, {
    roles: [
      { roleArn: ROLE, providerArn: PROVIDER },
      { roleArn: `${ROLE}x`, providerArn: PROVIDER },
    ],
    roleSessionName: 'alice@example.com',
    sessionDuration: 1800,
    sourceIdentity: 'alice',
    sessionTags: [
      { key: 'Project', value: 'Marketing' },
      { key: 'Cost Center', value: '12 345' },
    ],
    transitiveTagKeys: ['Project'],
  })
  for (const bad of [
    [{ name: `${ATTR}PrincipalTag:aws:x`, values: ['1'] }],
    [{ name: `${ATTR}PrincipalTag:x`, values: ['1', '2'] }],
    [{ name: `${ATTR}PrincipalTag:`, values: ['1'] }],
    [{ name: `${ATTR}PrincipalTag:x`, values: ['v'.repeat(257)] }],
  ]) {
    assert.throws(
      () => readAwsAttributes([{ name: `${ATTR}RoleSessionName`, values: ['alice'] }, ...bad]),
      /Invalid SAML response: (session tag|more than)/,
    )
  }
})

describe('deriveConditionKeys', () => {
  const keys = deriveConditionKeys({
    issuer: 'https://idp.example.com/saml',
    subject: '_cbb88bf52c2510eabe00c1642d4643f41430fe25e3',
    subjectFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
    recipient: 'https://signin.aws.amazon.com/saml',
    accountId: '123456789012',
    providerName: 'MySAMLIdP',
    attributes: [
      { name: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1', values: ['member', 'staff'] },
      { name: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.6', values: ['alice@example.edu', 'second'] },
      { name: 'urn:oid:1.3.6.1.4.1.5923.1.2.1.4', values: ['Example University'] },
      { name: 'urn:oid:2.5.4.3', values: ['Alice Smith'] },
      {
        name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
        values: ['alice@example.com'],
      },
      // A second claim for the same key: only the first is mapped.
      { name: 'urn:oid:0.9.2342.19200300.100.1.3', values: ['other@example.com'] },
      { name: 'https://example.com/unmapped', values: ['x'] },
    ],
  })

  test('the assertion keys, saml:doc and saml:namequalifier as the IAM User Guide computes it', () => {
    assert.equal(keys['saml:aud'], 'https://signin.aws.amazon.com/saml')
    assert.equal(keys['saml:iss'], 'https://idp.example.com/saml')
    assert.equal(keys['saml:sub'], '_cbb88bf52c2510eabe00c1642d4643f41430fe25e3')
    assert.equal(keys['saml:sub_type'], 'persistent')
    assert.equal(keys['saml:doc'], '123456789012/MySAMLIdP')
    // BASE64 ( SHA1 ( "https://example.com/saml" + "123456789012" + "/MySAMLIdP" ) ), the
    // documented example's form.
    assert.equal(
      keys['saml:namequalifier'],
      createHash('sha1')
        .update('https://idp.example.com/saml123456789012/MySAMLIdP')
        .digest('base64'),
    )
  })

  test('mapped attributes: lists whole, single keys their first value, one claim per key', () => {
    assert.deepEqual(keys['saml:edupersonaffiliation'], ['member', 'staff'])
    assert.equal(keys['saml:edupersonprincipalname'], 'alice@example.edu')
    assert.deepEqual(keys['saml:eduorglegalname'], ['Example University'])
    assert.deepEqual(keys['saml:cn'], ['Alice Smith'])
    assert.deepEqual(keys['saml:mail'], ['alice@example.com'])
    assert.equal(
      Object.keys(keys).some((key) => key.includes('unmapped')),
      false,
    )
  })

  test('subjectType', () => {
    assert.equal(subjectType('urn:oasis:names:tc:SAML:2.0:nameid-format:transient'), 'transient')
    assert.equal(subjectType(undefined), 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified')
    assert.equal(
      subjectType('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'),
      'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    )
  })
})
