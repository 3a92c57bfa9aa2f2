import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import type { Params } from '../../src/core/input.js'
import type { ResultObject } from '../../src/core/result.js'
import { samlProviderOperations } from '../../src/iam/saml-providers.js'
import {
  ACCOUNT,
  rejectsWithAwsError,
  tagPairs,
  testScope,
  withHarness as withFreshHarness,
} from '../support/iam.js'
import type { IamHarness } from '../support/iam.js'
import { makeCertificate, metadataDocument } from '../federation/saml/idp-metadata.js'

const NOW = new Date('2025-03-04T05:06:07Z')
const ARN = `arn:aws:iam::${ACCOUNT}:saml-provider/Okta`
const first = makeCertificate('okta.example.com')
const second = makeCertificate('okta-next.example.com')
const DOC = metadataDocument({ entityId: 'http://www.okta.com/exk1', certificates: [first.base64] })

const create = (h: IamHarness, params: Params = {}) =>
  h.call('CreateSAMLProvider', { Name: 'Okta', SAMLMetadataDocument: DOC, ...params })
const get = (h: IamHarness, arn = ARN) => h.call('GetSAMLProvider', { SAMLProviderArn: arn })
const listed = async (h: IamHarness) =>
  (await h.call('ListSAMLProviders'))?.['SAMLProviderList'] as ResultObject[]
const stored = (h: IamHarness, arn = ARN) =>
  h.store.transaction((repo) => repo.samlProviders.get(arn))

const withHarness = (work: (h: IamHarness) => Promise<void>) => withFreshHarness(work, NOW)

describe('CreateSAMLProvider', () => {
  test('creates the provider and keeps the entity id and signing certificates from its metadata', () =>
    withHarness(async (h) => {
      assert.deepEqual(await create(h, tagPairs([['team', 'identity']])), {
        SAMLProviderArn: ARN,
        Tags: [{ Key: 'team', Value: 'identity' }],
      })
      const record = await stored(h)
      assert.equal(record?.entityId, 'http://www.okta.com/exk1')
      assert.equal(record?.certificates.length, 1)
      assert.equal(
        new X509Certificate(record?.certificates[0] ?? '').fingerprint256,
        new X509Certificate(first.pem).fingerprint256,
      )
    }))

  test('Get answers in AWS element order; without validUntil it is valid for 100 years', () =>
    withHarness(async (h) => {
      await create(h)
      assert.deepEqual(await get(h), {
        SAMLMetadataDocument: DOC,
        CreateDate: NOW,
        ValidUntil: new Date('2125-03-04T05:06:07Z'),
        Tags: [],
        AssertionEncryptionMode: 'Allowed',
        PrivateKeyList: [],
      })
      assert.deepEqual(Object.keys((await get(h)) ?? {}), [
        'SAMLMetadataDocument',
        'CreateDate',
        'ValidUntil',
        'Tags',
        'AssertionEncryptionMode',
        'PrivateKeyList',
      ])
    }))

  test("the metadata's validUntil becomes the provider's", () =>
    withHarness(async (h) => {
      const doc = metadataDocument({
        certificates: [first.base64],
        validUntil: '2027-01-02T03:04:05Z',
      })
      await create(h, { SAMLMetadataDocument: doc })
      assert.deepEqual((await get(h))?.['ValidUntil'], new Date('2027-01-02T03:04:05Z'))
    }))

  test('metadata it cannot use is InvalidInput "Could not parse metadata", and nothing is made', () =>
    withHarness(async (h) => {
      const bad = [
        `<a>${'x'.repeat(1000)}</a>`,
        metadataDocument({ certificates: [] }) + ' '.repeat(600),
        metadataDocument({ certificates: [first.base64], use: 'encryption' }),
        `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "e">]>${DOC.replace(/^<\?xml[^>]*>\n/, '')}`,
        DOC.replaceAll('IDPSSODescriptor', 'SPSSODescriptor'),
      ]
      for (const document of bad) {
        await rejectsWithAwsError(
          create(h, { SAMLMetadataDocument: document }),
          'InvalidInput',
          400,
          'Could not parse metadata',
        )
      }
      assert.deepEqual(await listed(h), [])
    }))

  test('checks the shape of its parameters in AWS words', () =>
    withHarness(async (h) => {
      await rejectsWithAwsError(
        create(h, { SAMLMetadataDocument: '<short/>' }),
        'ValidationError',
        400,
        "1 validation error detected: Value at 'sAMLMetadataDocument' failed to satisfy constraint: Member must have length greater than or equal to 1000",
      )
      await rejectsWithAwsError(
        create(h, { Name: 'has space' }),
        'ValidationError',
        400,
        "1 validation error detected: Value at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w._-]+",
      )
      await rejectsWithAwsError(
        create(h, { Name: 'n'.repeat(129) }),
        'ValidationError',
        400,
        `1 validation error detected: Value at 'name' failed to satisfy constraint: Member must have length less than or equal to 128`,
      )
      await rejectsWithAwsError(
        h.call('CreateSAMLProvider', {}),
        'ValidationError',
        400,
        "2 validation errors detected: Value at 'name' failed to satisfy constraint: Member must not be null; Value at 'sAMLMetadataDocument' failed to satisfy constraint: Member must not be null",
      )
      assert.deepEqual(await listed(h), [])
    }))

  test('names are unique without regard to case', () =>
    withHarness(async (h) => {
      await create(h)
      await rejectsWithAwsError(
        create(h, { Name: 'OKTA' }),
        'EntityAlreadyExists',
        409,
        'Provider with name OKTA already exists.',
      )
      assert.equal((await listed(h)).length, 1)
    }))

  test('refuses duplicate tag keys and writes nothing', () =>
    withHarness(async (h) => {
      await rejectsWithAwsError(
        create(
          h,
          tagPairs([
            ['env', 'a'],
            ['Env', 'b'],
          ]),
        ),
        'InvalidInput',
        400,
        'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      )
      assert.deepEqual(await listed(h), [])
    }))

  test('an account holds at most 100 SAML providers', () =>
    withHarness(async (h) => {
      for (let i = 0; i < 100; i++) await create(h, { Name: `p${i}` })
      await rejectsWithAwsError(
        create(h, { Name: 'one-more' }),
        'LimitExceeded',
        409,
        'Cannot exceed quota for SAMLProvidersPerAccount: 100',
      )
      assert.equal((await listed(h)).length, 100)
    }))
})

describe('reading, updating and deleting SAML providers', () => {
  test('List gives Arn, ValidUntil and CreateDate by name (recorded shape)', () =>
    withHarness(async (h) => {
      await create(h, { Name: 'zeta' })
      await create(h, { Name: 'Alpha' })
      assert.deepEqual(await listed(h), [
        {
          Arn: `arn:aws:iam::${ACCOUNT}:saml-provider/Alpha`,
          ValidUntil: new Date('2125-03-04T05:06:07Z'),
          CreateDate: NOW,
        },
        {
          Arn: `arn:aws:iam::${ACCOUNT}:saml-provider/zeta`,
          ValidUntil: new Date('2125-03-04T05:06:07Z'),
          CreateDate: NOW,
        },
      ])
    }))

  test('a missing provider is NoSuchEntity "Manifest not found" for every call (recorded)', () =>
    withHarness(async (h) => {
      const missing = `arn:aws:iam::${ACCOUNT}:saml-provider/NonExistentProvider`
      const message = `Manifest not found for arn ${missing}`
      for (const [action, extra] of [
        ['GetSAMLProvider', {}],
        ['DeleteSAMLProvider', {}],
        ['UpdateSAMLProvider', { SAMLMetadataDocument: DOC }],
        ['TagSAMLProvider', tagPairs([['k', 'v']])],
        ['UntagSAMLProvider', { 'TagKeys.member.1': 'k' }],
        ['ListSAMLProviderTags', {}],
      ] as [string, Params][]) {
        await rejectsWithAwsError(
          h.call(action, { SAMLProviderArn: missing, ...extra }),
          'NoSuchEntity',
          404,
          message,
        )
      }
      await rejectsWithAwsError(
        get(h, 'definitely-not-an-arn'),
        'ValidationError',
        400,
        'Invalid ARN:  Could not be parsed!',
      )
    }))

  test('the ARN finds the provider without regard to case, and only in its own account', () =>
    withHarness(async (h) => {
      await create(h)
      assert.equal((await get(h, ARN.replace('Okta', 'OKTA')))?.['SAMLMetadataDocument'], DOC)
      const other = ARN.replace(ACCOUNT, '210987654321')
      await rejectsWithAwsError(
        get(h, other),
        'NoSuchEntity',
        404,
        `Manifest not found for arn ${other}`,
      )
    }))

  test('Update replaces the document, entity id and certificates', () =>
    withHarness(async (h) => {
      await create(h)
      const next = metadataDocument({
        entityId: 'http://www.okta.com/exk2',
        certificates: [second.base64, first.base64],
        validUntil: '2030-06-01T00:00:00Z',
      })
      assert.deepEqual(
        await h.call('UpdateSAMLProvider', { SAMLProviderArn: ARN, SAMLMetadataDocument: next }),
        {
          SAMLProviderArn: ARN,
        },
      )
      const record = await stored(h)
      assert.equal(record?.entityId, 'http://www.okta.com/exk2')
      assert.equal(record?.certificates.length, 2)
      assert.deepEqual(record?.validUntil, new Date('2030-06-01T00:00:00Z'))
      assert.equal((await get(h))?.['SAMLMetadataDocument'], next)
    }))

  test('Update refuses bad metadata or no update at all, and keeps what was there', () =>
    withHarness(async (h) => {
      await create(h)
      await rejectsWithAwsError(
        h.call('UpdateSAMLProvider', {
          SAMLProviderArn: ARN,
          SAMLMetadataDocument: metadataDocument({ certificates: ['AAAA'.repeat(300)] }),
        }),
        'InvalidInput',
        400,
        'Could not parse metadata',
      )
      await rejectsWithAwsError(
        h.call('UpdateSAMLProvider', { SAMLProviderArn: ARN }),
        'InvalidInput',
        400,
        'Unable to update identity provider. No updates are defined for metadata or encryption assertion.',
      )
      const record = await stored(h)
      assert.equal(record?.metadataDocument, DOC)
      assert.equal(record?.entityId, 'http://www.okta.com/exk1')
    }))

  test('Delete removes the provider; a second Delete is NoSuchEntity', () =>
    withHarness(async (h) => {
      await create(h)
      assert.equal(await h.call('DeleteSAMLProvider', { SAMLProviderArn: ARN }), undefined)
      assert.deepEqual(await listed(h), [])
      await rejectsWithAwsError(
        h.call('DeleteSAMLProvider', { SAMLProviderArn: ARN }),
        'NoSuchEntity',
        404,
        `Manifest not found for arn ${ARN}`,
      )
    }))
})

describe('SAML provider tags', () => {
  test('Tag, Untag and ListSAMLProviderTags', () =>
    withHarness(async (h) => {
      await create(h, tagPairs([['team', 'a']]))
      await h.call('TagSAMLProvider', {
        SAMLProviderArn: ARN,
        ...tagPairs([
          ['Env', 'prod'],
          ['team', 'b'],
        ]),
      })
      assert.deepEqual(await h.call('ListSAMLProviderTags', { SAMLProviderArn: ARN }), {
        Tags: [
          { Key: 'Env', Value: 'prod' },
          { Key: 'team', Value: 'b' },
        ],
        IsTruncated: false,
      })
      await h.call('UntagSAMLProvider', { SAMLProviderArn: ARN, 'TagKeys.member.1': 'team' })
      assert.deepEqual((await get(h))?.['Tags'], [{ Key: 'Env', Value: 'prod' }])
    }))

  test('the 51st tag is refused and nothing is added', () =>
    withHarness(async (h) => {
      await create(
        h,
        tagPairs(Array.from({ length: 50 }, (_, i): [string, string] => [`k${i}`, 'v'])),
      )
      await rejectsWithAwsError(
        h.call('TagSAMLProvider', { SAMLProviderArn: ARN, ...tagPairs([['one', 'more']]) }),
        'LimitExceeded',
        409,
        'The number of tags has reached the maximum limit.',
      )
      assert.equal(((await get(h))?.['Tags'] as unknown[]).length, 50)
    }))
})

describe('authorisation resources', () => {
  const op = (name: string) => {
    const found = samlProviderOperations.find((candidate) => candidate.name === name)
    assert.ok(found, name)
    return found
  }

  test('Create is authorised against the ARN it will make; List against *; the rest the given ARN', async () => {
    const scope = await testScope()
    assert.equal(
      await op('CreateSAMLProvider').resource({ Name: 'Okta', SAMLMetadataDocument: DOC }, scope),
      ARN,
    )
    assert.equal(await op('ListSAMLProviders').resource({}, scope), '*')
    for (const name of [
      'GetSAMLProvider',
      'DeleteSAMLProvider',
      'UpdateSAMLProvider',
      'TagSAMLProvider',
    ]) {
      assert.equal(op(name).resource({ SAMLProviderArn: ARN }, scope), ARN)
    }
  })
})
