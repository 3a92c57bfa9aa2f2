import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Params } from '../../src/core/input.js'
import type { ResultObject } from '../../src/core/result.js'
import { oidcProviderOperations, oidcProviderUrl } from '../../src/iam/oidc-providers.js'
import {
  ACCOUNT,
  rejectsWithAwsError,
  tagPairs,
  testScope,
  withHarness as withFreshHarness,
} from '../support/iam.js'
import type { IamHarness } from '../support/iam.js'

const ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.example.com/id/ABC`
const A40 = 'a'.repeat(40)
const B40 = 'B'.repeat(40)

const list = (name: string, values: readonly string[]): Params =>
  Object.fromEntries(values.map((value, i) => [`${name}.member.${i + 1}`, value]))

const arns = async (h: IamHarness) =>
  (
    (await h.call('ListOpenIDConnectProviders'))?.['OpenIDConnectProviderList'] as ResultObject[]
  ).map((entry) => entry['Arn'])

const get = (h: IamHarness, arn = ARN) =>
  h.call('GetOpenIDConnectProvider', { OpenIDConnectProviderArn: arn })

const create = (h: IamHarness, params: Params = {}) =>
  h.call('CreateOpenIDConnectProvider', { Url: 'https://oidc.example.com/id/ABC', ...params })

const withHarness = (work: (h: IamHarness) => Promise<void>) =>
  withFreshHarness(work, new Date('2025-03-04T05:06:07Z'))

describe('CreateOpenIDConnectProvider', () => {
  test('creates a provider whose ARN is the URL without its scheme', () =>
    withHarness(async (h) => {
      const result = await create(h, {
        ...list('ClientIDList', ['sts.amazonaws.com', 'my-app', 'sts.amazonaws.com']),
        ...list('ThumbprintList', [B40, A40]),
        ...tagPairs([['team', 'platform']]),
      })
      assert.deepEqual(result, {
        OpenIDConnectProviderArn: ARN,
        Tags: [{ Key: 'team', Value: 'platform' }],
      })
      assert.deepEqual(await get(h), {
        Url: 'oidc.example.com/id/ABC',
        ClientIDList: ['sts.amazonaws.com', 'my-app'],
        // AWS keeps thumbprints in lower case.
        ThumbprintList: ['b'.repeat(40), A40],
        CreateDate: new Date('2025-03-04T05:06:07Z'),
        Tags: [{ Key: 'team', Value: 'platform' }],
      })
      assert.deepEqual(await arns(h), [ARN])
    }))

  test('needs neither client ids nor thumbprints; Create answers without Tags when none', () =>
    withHarness(async (h) => {
      const result = await h.call('CreateOpenIDConnectProvider', {
        Url: 'https://token.actions.githubusercontent.com',
      })
      assert.deepEqual(result, {
        OpenIDConnectProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
        Tags: undefined,
      })
      const got = await get(
        h,
        `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
      )
      assert.deepEqual(
        {
          ClientIDList: got?.['ClientIDList'],
          ThumbprintList: got?.['ThumbprintList'],
          Tags: got?.['Tags'],
        },
        { ClientIDList: [], ThumbprintList: [], Tags: [] },
      )
    }))

  test('a trailing slash is part of the identity', () =>
    withHarness(async (h) => {
      await h.call('CreateOpenIDConnectProvider', { Url: 'https://issuer.example.com' })
      await h.call('CreateOpenIDConnectProvider', { Url: 'https://issuer.example.com/' })
      assert.deepEqual(await arns(h), [
        `arn:aws:iam::${ACCOUNT}:oidc-provider/issuer.example.com`,
        `arn:aws:iam::${ACCOUNT}:oidc-provider/issuer.example.com/`,
      ])
    }))

  test('refuses a second provider for the same URL, in AWS words', () =>
    withHarness(async (h) => {
      await create(h, list('ClientIDList', ['one']))
      await rejectsWithAwsError(
        create(h, list('ClientIDList', ['two'])),
        'EntityAlreadyExists',
        409,
        'Provider with url https://oidc.example.com/id/ABC already exists.',
      )
      assert.deepEqual((await get(h))?.['ClientIDList'], ['one'])
    }))

  const badUrls: [string, string, number, string][] = [
    ['example.org', 'ValidationError', 400, 'Invalid Open ID Connect Provider URL'],
    ['https://', 'ValidationError', 400, 'Invalid Open ID Connect Provider URL'],
    [
      'http://example.com',
      'InvalidInput',
      400,
      'Invalid Open ID Connect Provider URL. The URL must begin with https://.',
    ],
    ['https://user:pass@example.com', 'InvalidInput', 400, 'Invalid Open ID Connect Provider URL.'],
    ['https://example.com?foo=1', 'InvalidInput', 400, 'Invalid Open ID Connect Provider URL.'],
    ['https://example.com/a#frag', 'InvalidInput', 400, 'Invalid Open ID Connect Provider URL.'],
    ['https://example.com:99999', 'InvalidInput', 400, 'Invalid Open ID Connect Provider URL.'],
    ['https://exa_mple.com', 'InvalidInput', 400, 'Invalid Open ID Connect Provider URL.'],
  ]
  for (const [url, code, status, message] of badUrls) {
    test(`refuses the URL ${url}`, () =>
      withHarness(async (h) => {
        await rejectsWithAwsError(
          h.call('CreateOpenIDConnectProvider', { Url: url }),
          code,
          status,
          message,
        )
        assert.deepEqual(await arns(h), [])
      }))
  }

  test('reports every shape problem at once, in the order and words AWS does (recorded)', () =>
    withHarness(async (h) => {
      await rejectsWithAwsError(
        h.call('CreateOpenIDConnectProvider', {
          Url: 'b'.repeat(256),
          ...list('ThumbprintList', ['b'.repeat(41)]),
          ...list('ClientIDList', ['b'.repeat(256)]),
        }),
        'ValidationError',
        400,
        "3 validation errors detected: Value at 'clientIDList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 1]; Value at 'thumbprintList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 40, Member must have length greater than or equal to 40]; Value at 'url' failed to satisfy constraint: Member must have length less than or equal to 255",
      )
      await rejectsWithAwsError(
        h.call('CreateOpenIDConnectProvider', {}),
        'ValidationError',
        400,
        "1 validation error detected: Value at 'url' failed to satisfy constraint: Member must not be null",
      )
      await rejectsWithAwsError(
        create(h, list('ThumbprintList', ['a'.repeat(39)])),
        'ValidationError',
        400,
        "1 validation error detected: Value at 'thumbprintList' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 40, Member must have length greater than or equal to 40]",
      )
      assert.deepEqual(await arns(h), [])
    }))

  test('refuses six thumbprints and 101 client ids, in AWS words (recorded)', () =>
    withHarness(async (h) => {
      await rejectsWithAwsError(
        create(
          h,
          list(
            'ThumbprintList',
            ['a', 'b', 'c', 'd', 'e', 'f'].map((c) => c.repeat(40)),
          ),
        ),
        'InvalidInput',
        400,
        'Thumbprint list must contain fewer than 5 entries.',
      )
      await rejectsWithAwsError(
        create(
          h,
          list(
            'ClientIDList',
            Array.from({ length: 101 }, (_, i) => `${i}`),
          ),
        ),
        'LimitExceeded',
        409,
        'Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100',
      )
      assert.deepEqual(await arns(h), [])
      // Five thumbprints and a hundred client ids are within bounds.
      await create(h, {
        ...list(
          'ThumbprintList',
          ['1', '2', '3', '4', '5'].map((c) => c.repeat(40)),
        ),
        ...list(
          'ClientIDList',
          Array.from({ length: 100 }, (_, i) => `${i}`),
        ),
      })
      assert.equal(((await get(h))?.['ClientIDList'] as string[]).length, 100)
    }))

  test('refuses duplicate and reserved tag keys', () =>
    withHarness(async (h) => {
      await rejectsWithAwsError(
        create(
          h,
          tagPairs([
            ['key', 'one'],
            ['KEY', 'two'],
          ]),
        ),
        'InvalidInput',
        400,
        'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      )
      await rejectsWithAwsError(
        create(h, tagPairs([['aws:owner', 'me']])),
        'InvalidInput',
        400,
        "Tag keys starting with 'aws:' are reserved for internal use.",
      )
      assert.deepEqual(await arns(h), [])
    }))

  test('an account holds at most 100 providers', () =>
    withHarness(async (h) => {
      for (let i = 0; i < 100; i++)
        await h.call('CreateOpenIDConnectProvider', { Url: `https://p${i}.example.com` })
      await rejectsWithAwsError(
        h.call('CreateOpenIDConnectProvider', { Url: 'https://one-more.example.com' }),
        'LimitExceeded',
        409,
        'Cannot exceed quota for OpenIdConnectProvidersPerAccount: 100',
      )
      assert.equal((await arns(h)).length, 100)
    }))
})

describe('reading and deleting providers', () => {
  test('Get and the other calls answer NoSuchEntity in AWS words (recorded)', () =>
    withHarness(async (h) => {
      const missing = `arn:aws:iam::${ACCOUNT}:oidc-provider/non-existent.example.com`
      const notFound = `OpenIDConnect Provider not found for arn ${missing}`
      await rejectsWithAwsError(get(h, missing), 'NoSuchEntity', 404, notFound)
      for (const [action, extra] of [
        ['AddClientIDToOpenIDConnectProvider', { ClientID: 'x' }],
        ['RemoveClientIDFromOpenIDConnectProvider', { ClientID: 'x' }],
        ['UpdateOpenIDConnectProviderThumbprint', list('ThumbprintList', [A40])],
        ['TagOpenIDConnectProvider', tagPairs([['k', 'v']])],
        ['UntagOpenIDConnectProvider', list('TagKeys', ['k'])],
        ['ListOpenIDConnectProviderTags', {}],
      ] as [string, Params][]) {
        await rejectsWithAwsError(
          h.call(action, { OpenIDConnectProviderArn: missing, ...extra }),
          'NoSuchEntity',
          404,
          notFound,
        )
      }
    }))

  test('another account, another kind of resource or a malformed ARN find nothing', () =>
    withHarness(async (h) => {
      await create(h)
      const elsewhere = ARN.replace(ACCOUNT, '210987654321')
      await rejectsWithAwsError(
        get(h, elsewhere),
        'NoSuchEntity',
        404,
        `OpenIDConnect Provider not found for arn ${elsewhere}`,
      )
      const role = `arn:aws:iam::${ACCOUNT}:role/oidc.example.com/id/ABC`
      await rejectsWithAwsError(
        get(h, role),
        'NoSuchEntity',
        404,
        `OpenIDConnect Provider not found for arn ${role}`,
      )
      await rejectsWithAwsError(
        get(h, 'not-an-arn-but-long-enough'),
        'ValidationError',
        400,
        'Invalid ARN:  Could not be parsed!',
      )
    }))

  test('Delete removes the provider; deleting again succeeds, as AWS documents', () =>
    withHarness(async (h) => {
      await create(h)
      assert.equal(
        await h.call('DeleteOpenIDConnectProvider', { OpenIDConnectProviderArn: ARN }),
        undefined,
      )
      assert.deepEqual(await arns(h), [])
      // API Reference, DeleteOpenIDConnectProvider: "This operation is idempotent; it does not
      // fail or return an error if you call the operation for a provider that does not exist."
      assert.equal(
        await h.call('DeleteOpenIDConnectProvider', { OpenIDConnectProviderArn: ARN }),
        undefined,
      )
      await rejectsWithAwsError(
        get(h),
        'NoSuchEntity',
        404,
        `OpenIDConnect Provider not found for arn ${ARN}`,
      )
    }))

  test('List returns ARNs only, in URL order', () =>
    withHarness(async (h) => {
      for (const host of ['b.example.com', 'a.example.com', 'c.example.com']) {
        await h.call('CreateOpenIDConnectProvider', { Url: `https://${host}` })
      }
      assert.deepEqual(await h.call('ListOpenIDConnectProviders'), {
        OpenIDConnectProviderList: ['a', 'b', 'c'].map((x) => ({
          Arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${x}.example.com`,
        })),
      })
    }))
})

describe('client ids and thumbprints', () => {
  test('adding a client id appends it; adding it again changes nothing', () =>
    withHarness(async (h) => {
      await create(h, list('ClientIDList', ['sts.amazonaws.com']))
      for (let i = 0; i < 2; i++) {
        assert.equal(
          await h.call('AddClientIDToOpenIDConnectProvider', {
            OpenIDConnectProviderArn: ARN,
            ClientID: 'another',
          }),
          undefined,
        )
      }
      assert.deepEqual((await get(h))?.['ClientIDList'], ['sts.amazonaws.com', 'another'])
    }))

  test('the 101st client id is refused and not added', () =>
    withHarness(async (h) => {
      await create(
        h,
        list(
          'ClientIDList',
          Array.from({ length: 100 }, (_, i) => `c${i}`),
        ),
      )
      await rejectsWithAwsError(
        h.call('AddClientIDToOpenIDConnectProvider', {
          OpenIDConnectProviderArn: ARN,
          ClientID: 'c100',
        }),
        'LimitExceeded',
        409,
        'Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100',
      )
      assert.equal(((await get(h))?.['ClientIDList'] as string[]).includes('c100'), false)
    }))

  test('a client id must be 1 to 255 characters', () =>
    withHarness(async (h) => {
      await create(h)
      await rejectsWithAwsError(
        h.call('AddClientIDToOpenIDConnectProvider', {
          OpenIDConnectProviderArn: ARN,
          ClientID: 'c'.repeat(256),
        }),
        'ValidationError',
        400,
        "1 validation error detected: Value at 'clientID' failed to satisfy constraint: Member must have length less than or equal to 255",
      )
      await rejectsWithAwsError(
        h.call('AddClientIDToOpenIDConnectProvider', { OpenIDConnectProviderArn: ARN }),
        'ValidationError',
        400,
        "1 validation error detected: Value at 'clientID' failed to satisfy constraint: Member must not be null",
      )
      assert.deepEqual((await get(h))?.['ClientIDList'], [])
    }))

  test('removing a client id takes it out; removing an absent one changes nothing', () =>
    withHarness(async (h) => {
      await create(h, list('ClientIDList', ['one', 'two', 'three']))
      await h.call('RemoveClientIDFromOpenIDConnectProvider', {
        OpenIDConnectProviderArn: ARN,
        ClientID: 'two',
      })
      await h.call('RemoveClientIDFromOpenIDConnectProvider', {
        OpenIDConnectProviderArn: ARN,
        ClientID: 'never',
      })
      assert.deepEqual((await get(h))?.['ClientIDList'], ['one', 'three'])
    }))

  test('UpdateOpenIDConnectProviderThumbprint replaces the whole list (recorded)', () =>
    withHarness(async (h) => {
      await create(h, list('ThumbprintList', ['b'.repeat(40)]))
      await h.call('UpdateOpenIDConnectProviderThumbprint', {
        OpenIDConnectProviderArn: ARN,
        ...list('ThumbprintList', ['c'.repeat(40), 'D'.repeat(40)]),
      })
      assert.deepEqual((await get(h))?.['ThumbprintList'], ['c'.repeat(40), 'd'.repeat(40)])
    }))

  test('UpdateOpenIDConnectProviderThumbprint refuses bad lists and keeps the old one', () =>
    withHarness(async (h) => {
      await create(h, list('ThumbprintList', [A40]))
      await rejectsWithAwsError(
        h.call('UpdateOpenIDConnectProviderThumbprint', {
          OpenIDConnectProviderArn: ARN,
          ...list(
            'ThumbprintList',
            ['1', '2', '3', '4', '5', '6'].map((c) => c.repeat(40)),
          ),
        }),
        'InvalidInput',
        400,
        'Thumbprint list must contain fewer than 5 entries.',
      )
      await rejectsWithAwsError(
        h.call('UpdateOpenIDConnectProviderThumbprint', { OpenIDConnectProviderArn: ARN }),
        'ValidationError',
        400,
        "1 validation error detected: Value at 'thumbprintList' failed to satisfy constraint: Member must not be null",
      )
      assert.deepEqual((await get(h))?.['ThumbprintList'], [A40])
    }))
})

describe('provider tags', () => {
  test('Tag adds and replaces values, Untag removes, ListTags pages by key (recorded shape)', () =>
    withHarness(async (h) => {
      await create(h, tagPairs([['k2', 'v2']]))
      await h.call('TagOpenIDConnectProvider', {
        OpenIDConnectProviderArn: ARN,
        ...tagPairs([
          ['k1', 'v1'],
          ['k2', 'new'],
        ]),
      })
      assert.deepEqual(
        await h.call('ListOpenIDConnectProviderTags', { OpenIDConnectProviderArn: ARN }),
        {
          Tags: [
            { Key: 'k1', Value: 'v1' },
            { Key: 'k2', Value: 'new' },
          ],
          IsTruncated: false,
        },
      )
      await h.call('UntagOpenIDConnectProvider', {
        OpenIDConnectProviderArn: ARN,
        ...list('TagKeys', ['k2', 'absent']),
      })
      assert.deepEqual((await get(h))?.['Tags'], [{ Key: 'k1', Value: 'v1' }])
    }))

  test('ListOpenIDConnectProviderTags pages with MaxItems and Marker', () =>
    withHarness(async (h) => {
      await create(
        h,
        tagPairs(
          Array.from({ length: 10 }, (_, i): [string, string] => [
            `k${i}`.padStart(3, '0'),
            `v${i}`,
          ]),
        ),
      )
      const first = await h.call('ListOpenIDConnectProviderTags', {
        OpenIDConnectProviderArn: ARN,
        MaxItems: '4',
      })
      assert.equal((first?.['Tags'] as unknown[]).length, 4)
      assert.equal(first?.['IsTruncated'], true)
      const second = await h.call('ListOpenIDConnectProviderTags', {
        OpenIDConnectProviderArn: ARN,
        MaxItems: '4',
        Marker: String(first?.['Marker']),
      })
      const third = await h.call('ListOpenIDConnectProviderTags', {
        OpenIDConnectProviderArn: ARN,
        Marker: String(second?.['Marker']),
      })
      assert.equal((third?.['Tags'] as unknown[]).length, 2)
      assert.equal(third?.['Marker'], undefined)
    }))

  test('the 51st tag is refused in AWS words (recorded) and nothing is added', () =>
    withHarness(async (h) => {
      await create(
        h,
        tagPairs(Array.from({ length: 50 }, (_, i): [string, string] => [`k${i}`, `v${i}`])),
      )
      await rejectsWithAwsError(
        h.call('TagOpenIDConnectProvider', {
          OpenIDConnectProviderArn: ARN,
          ...tagPairs([['string', 'string']]),
        }),
        'LimitExceeded',
        409,
        'The number of tags has reached the maximum limit.',
      )
      assert.equal(((await get(h))?.['Tags'] as unknown[]).length, 50)
    }))

  test('Tag needs tags, refuses duplicates, and writes nothing when it refuses', () =>
    withHarness(async (h) => {
      await create(h)
      await rejectsWithAwsError(
        h.call('TagOpenIDConnectProvider', { OpenIDConnectProviderArn: ARN }),
        'ValidationError',
        400,
        "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must not be null",
      )
      await rejectsWithAwsError(
        h.call('TagOpenIDConnectProvider', {
          OpenIDConnectProviderArn: ARN,
          ...tagPairs([
            ['a', '1'],
            ['A', '2'],
          ]),
        }),
        'InvalidInput',
        400,
        'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      )
      assert.deepEqual((await get(h))?.['Tags'], [])
    }))
})

describe('authorisation resources', () => {
  const op = (name: string) => {
    const found = oidcProviderOperations.find((candidate) => candidate.name === name)
    assert.ok(found, name)
    return found
  }

  test('Create is authorised against the ARN it will make; List against *', async () => {
    const scope = await testScope()
    assert.equal(
      await op('CreateOpenIDConnectProvider').resource(
        { Url: 'https://oidc.example.com/id/ABC' },
        scope,
      ),
      ARN,
    )
    assert.equal(await op('ListOpenIDConnectProviders').resource({}, scope), '*')
    for (const name of [
      'GetOpenIDConnectProvider',
      'DeleteOpenIDConnectProvider',
      'TagOpenIDConnectProvider',
    ]) {
      assert.equal(op(name).resource({ OpenIDConnectProviderArn: ARN }, scope), ARN)
    }
  })

  test('tagging calls add aws:RequestTag and aws:TagKeys to the context', () => {
    assert.deepEqual(
      op('CreateOpenIDConnectProvider').context?.({
        Url: 'https://x',
        Tags: [{ key: 'team', value: 'a' }],
      }),
      { 'aws:RequestTag/team': 'a', 'aws:TagKeys': ['team'] },
    )
    assert.deepEqual(
      op('UntagOpenIDConnectProvider').context?.({
        OpenIDConnectProviderArn: ARN,
        TagKeys: ['team'],
      }),
      {
        'aws:TagKeys': ['team'],
      },
    )
  })

  test('oidcProviderUrl keeps host and path as given', () => {
    assert.equal(oidcProviderUrl('https://Example.com/a/b/'), 'Example.com/a/b/')
    assert.equal(oidcProviderUrl('HTTPS://example.com'), 'example.com')
    // A port is kept: rolegate's own issuers are often served on one (AWS only advises against it).
    assert.equal(oidcProviderUrl('https://127.0.0.1:4599/issuers/ci'), '127.0.0.1:4599/issuers/ci')
  })
})
