import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Params } from '../../src/core/input.js'
import { inlinePolicyOperations } from '../../src/iam/inline-policies.js'
import { policySizeWithoutWhitespace } from '../../src/policy/parse-policy.js'
import type { IamHarness } from '../support/iam.js'
import { ACCOUNT, testScope } from '../support/iam.js'
import { expectAwsError, withHarness } from './entity-helpers.js'

const DOC =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
const TRUST =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'

/** A valid identity policy of exactly `size` non-whitespace characters. */
function documentOfSize(size: number): string {
  const base = (sid: string) =>
    `{"Version":"2012-10-17","Statement":[{"Sid":"${sid}","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
  const padding = size - policySizeWithoutWhitespace(base(''))
  const text = base('A'.repeat(padding))
  assert.equal(policySizeWithoutWhitespace(text), size)
  return text
}

async function createEntity(h: IamHarness, word: string, name: string) {
  if (word === 'Role') {
    await h.call('CreateRole', { RoleName: name, AssumeRolePolicyDocument: TRUST })
  } else {
    await h.call(`Create${word}`, { [`${word}Name`]: name })
  }
}

const limits: Record<string, number> = { User: 2048, Group: 5120, Role: 10240 }

for (const word of ['Role', 'User', 'Group']) {
  const nameKey = `${word}Name`
  const type = word.toLowerCase()
  const limit = limits[word] ?? 0
  const put = (h: IamHarness, policyName: string, document: string, entity = 'subject') =>
    h.call(`Put${word}Policy`, {
      [nameKey]: entity,
      PolicyName: policyName,
      PolicyDocument: document,
    })
  const names = async (h: IamHarness, params: Params = {}) => {
    const result = await h.call(`List${word}Policies`, { [nameKey]: 'subject', ...params })
    return result?.['PolicyNames']
  }

  describe(`Put/Get/List/Delete${word}Policy`, () => {
    test('puts, gets URL-encoded, lists by name and deletes', async () => {
      await withHarness(async (h) => {
        await createEntity(h, word, 'subject')
        assert.equal(await put(h, 'zeta', DOC), undefined)
        await put(h, 'alpha', DOC)
        const got = await h.call(`Get${word}Policy`, { [nameKey]: 'subject', PolicyName: 'zeta' })
        assert.deepEqual(Object.keys(got ?? {}), [nameKey, 'PolicyName', 'PolicyDocument'])
        assert.equal(got?.[nameKey], 'subject')
        assert.equal(got?.['PolicyName'], 'zeta')
        assert.equal(got?.['PolicyDocument'], encodeURIComponent(DOC))
        assert.deepEqual(await names(h), ['alpha', 'zeta'])
        assert.equal(
          await h.call(`Delete${word}Policy`, { [nameKey]: 'subject', PolicyName: 'alpha' }),
          undefined,
        )
        assert.deepEqual(await names(h), ['zeta'])
      })
    })

    test('keeps percent signs in the document intact through the encoding (recorded)', async () => {
      await withHarness(async (h) => {
        await createEntity(h, word, 'subject')
        // As in aws-shapes TestIAMPolicyEncoding: the stored text already holds %3A sequences.
        const doc =
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["apigatway:PUT"],"Resource":["arn:aws:apigateway:us-east-1::/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Frestapis%2Faaeeieije"]}]}'
        await put(h, 'encoded', doc)
        const got = await h.call(`Get${word}Policy`, {
          [nameKey]: 'subject',
          PolicyName: 'encoded',
        })
        assert.deepEqual(
          JSON.parse(decodeURIComponent(String(got?.['PolicyDocument']))),
          JSON.parse(doc),
        )
      })
    })

    test('replaces a policy of the same name, whatever its case, keeping the first spelling', async () => {
      await withHarness(async (h) => {
        await createEntity(h, word, 'subject')
        await put(h, 'Policy', DOC)
        const doc2 = DOC.replace('s3:GetObject', 's3:PutObject')
        await put(h, 'POLICY', doc2)
        assert.deepEqual(await names(h), ['Policy'])
        const got = await h.call(`Get${word}Policy`, { [nameKey]: 'subject', PolicyName: 'policy' })
        assert.equal(decodeURIComponent(String(got?.['PolicyDocument'])), doc2)
      })
    })

    test('a malformed document is refused and nothing is written', async () => {
      await withHarness(async (h) => {
        await createEntity(h, word, 'subject')
        await expectAwsError(put(h, 'bad', '{"Statement":'), {
          code: 'MalformedPolicyDocument',
          message: 'Syntax errors in policy.',
          status: 400,
        })
        // Identity policies name no principal.
        const withPrincipal =
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}'
        await expectAwsError(put(h, 'bad', withPrincipal), {
          code: 'MalformedPolicyDocument',
          message: 'Policy document should not specify a principal.',
          status: 400,
        })
        assert.deepEqual(await names(h), [])
      })
    })

    test(`the ${type}'s inline policies may total ${limit} characters, not one more`, async () => {
      await withHarness(async (h) => {
        await createEntity(h, word, 'subject')
        const half = Math.floor(limit / 2)
        await put(h, 'first', documentOfSize(half))
        await put(h, 'second', documentOfSize(limit - half))
        // Replacing a policy counts its new size, not both.
        await put(h, 'second', documentOfSize(limit - half))
        await expectAwsError(put(h, 'third', documentOfSize(200)), {
          code: 'LimitExceeded',
          message: `Maximum policy size of ${limit} bytes exceeded for ${type} subject`,
          status: 409,
        })
        await expectAwsError(put(h, 'second', documentOfSize(limit - half + 1)), {
          code: 'LimitExceeded',
          message: `Maximum policy size of ${limit} bytes exceeded for ${type} subject`,
          status: 409,
        })
        assert.deepEqual(await names(h), ['first', 'second'])
        const got = await h.call(`Get${word}Policy`, { [nameKey]: 'subject', PolicyName: 'second' })
        assert.equal(
          policySizeWithoutWhitespace(decodeURIComponent(String(got?.['PolicyDocument']))),
          limit - half,
        )
      })
    })

    test('missing entity and missing policy answer NoSuchEntity in AWS words', async () => {
      await withHarness(async (h) => {
        await expectAwsError(put(h, 'p', DOC, 'ghost'), {
          code: 'NoSuchEntity',
          message: `The ${type} with name ghost cannot be found.`,
          status: 404,
        })
        await expectAwsError(h.call(`List${word}Policies`, { [nameKey]: 'ghost' }), {
          code: 'NoSuchEntity',
          message: `The ${type} with name ghost cannot be found.`,
          status: 404,
        })
        await createEntity(h, word, 'subject')
        await expectAwsError(
          h.call(`Get${word}Policy`, { [nameKey]: 'subject', PolicyName: 'nope' }),
          {
            code: 'NoSuchEntity',
            message: `The ${type} policy with name nope cannot be found.`,
            status: 404,
          },
        )
        await expectAwsError(
          h.call(`Delete${word}Policy`, { [nameKey]: 'subject', PolicyName: 'nope' }),
          {
            code: 'NoSuchEntity',
            message: `The ${type} policy with name nope cannot be found.`,
            status: 404,
          },
        )
      })
    })

    test('pages policy names', async () => {
      await withHarness(async (h) => {
        await createEntity(h, word, 'subject')
        for (const name of ['a', 'b', 'c']) await put(h, name, DOC)
        const first = await h.call(`List${word}Policies`, { [nameKey]: 'subject', MaxItems: '2' })
        assert.deepEqual(first?.['PolicyNames'], ['a', 'b'])
        assert.equal(first?.['IsTruncated'], true)
        assert.deepEqual(await names(h, { Marker: String(first?.['Marker']) }), ['c'])
      })
    })

    test('checks the policy name and document with AWS validation wording', async () => {
      await withHarness(async (h) => {
        await expectAwsError(put(h, 'has space', DOC), {
          code: 'ValidationError',
          message:
            "1 validation error detected: Value at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
          status: 400,
        })
        await expectAwsError(
          h.call(`Put${word}Policy`, { [nameKey]: 'subject', PolicyName: 'p' }),
          {
            code: 'ValidationError',
            message:
              "1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: Member must not be null",
            status: 400,
          },
        )
      })
    })
  })
}

describe('authorisation resources', () => {
  test('inline policy operations are authorised against the entity ARN', async () => {
    const scope = await testScope()
    const operation = (name: string) => {
      const found = inlinePolicyOperations.find((candidate) => candidate.name === name)
      assert.ok(found, name)
      return found
    }
    assert.equal(
      await operation('PutRolePolicy').resource({ RoleName: 'r', PolicyName: 'p' } as never, scope),
      `arn:aws:iam::${ACCOUNT}:role/r`,
    )
    assert.equal(
      await operation('GetUserPolicy').resource({ UserName: 'u', PolicyName: 'p' } as never, scope),
      `arn:aws:iam::${ACCOUNT}:user/u`,
    )
    assert.equal(
      await operation('ListGroupPolicies').resource({ GroupName: 'g' } as never, scope),
      `arn:aws:iam::${ACCOUNT}:group/g`,
    )
    assert.equal(operation('GetRolePolicy').store, 'read')
    assert.notEqual(operation('DeleteRolePolicy').store, 'read')
  })
})
