// aws-iam-authenticator's own test tables (../shared/corpora/iam-authenticator, from
// kubernetes-sigs/aws-iam-authenticator 81b1daba), walked through rolegate's authenticator.
//
// Deviations, decided explicitly:
// - Hosts: the authenticator accepts any STS hostname of its partition; rolegate accepts only its
//   own STS endpoints. The format cases run with the corpus's STS hosts configured as endpoints,
//   so each case meets the check it was written for; `https://google.com` is then refused with the
//   authenticator's "unexpected hostname" wording, not its region-parsing one. sts-hosts.json is
//   walked the other way: none of AWS's hosts, valid there or not, is a rolegate endpoint.
// - rolegate also requires Version=2011-06-15 and the parameter names `Action` and `Version` as
//   STS spells them (checked after the authenticator's checks): the corpus's passing URLs carry
//   no Version and write `action`, so each must fail on exactly those, and pass once mended.
// - sts-response.json's HTTP cases (403, throttling, unparsable JSON) have no counterpart: no
//   request leaves the process. Its identity cases run through awsIdentity.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { FixedClock } from '../../../src/core/clock.js'
import { nodeCrypto } from '../../../src/core/node-crypto.js'
import {
  TokenRejection,
  TokenVerifier,
  awsIdentity,
  canonicalizeArn,
  readToken,
  renderTemplate,
  stripRolePath,
  stsEndpoint,
} from '../../../src/kubernetes/authenticator/index.js'
import type { Node } from '../../../src/kubernetes/objects.js'
import { formatAmzDate } from '../../../src/sigv4/index.js'
import { corpus } from '../../support/requirements.js'
import { FixedKeys, roleSessionCaller, tokenOf, urlOf } from './tokens.js'

const FORMAT_PREFIX = 'input token was not properly formatted: '

const load = <T>(name: string): { data: T | undefined; skip: string | false } => {
  const entry = corpus(`iam-authenticator/${name}`)
  return {
    skip: entry.skip,
    data: entry.skip === false ? (JSON.parse(readFileSync(entry.path, 'utf8')) as T) : undefined,
  }
}

/** The TokenRejection `work` throws. */
const rejection = (work: () => unknown): TokenRejection => {
  try {
    work()
  } catch (error) {
    assert.ok(error instanceof TokenRejection, `expected a TokenRejection, got ${String(error)}`)
    return error
  }
  assert.fail('expected the token to be refused')
}

interface PreStsCase {
  partition: string
  token?: string
  decodedUrl?: string
  tokenGenerate?: { kind: 'repeat-byte'; byte: number; length: number }
  tokenFromUrlTemplate?: boolean
  expect: 'error' | 'pass'
  errorContains?: string
  goSpecificMessage?: boolean
}

const preSts = load<{ cases: PreStsCase[] }>('verify-token-pre-sts.json')

describe('verify-token-pre-sts.json: the checks before STS', { skip: preSts.skip }, () => {
  const cases = preSts.data?.cases ?? []
  const now = new Date(Math.floor(Date.now() / 1000) * 1000)
  // Every STS host the corpus's URLs name stands in for the partition's STS endpoints.
  const endpoints = [
    ...new Set(
      cases.flatMap((c) => /^https:\/\/(sts\.[^/?]+)/.exec(c.decodedUrl ?? '')?.[1] ?? []),
    ),
  ].map((host) => stsEndpoint(`https://${host}`))

  const tokenFor = (c: PreStsCase): string => {
    if (c.tokenGenerate)
      return String.fromCharCode(c.tokenGenerate.byte).repeat(c.tokenGenerate.length)
    if (c.tokenFromUrlTemplate) {
      return tokenOf((c.decodedUrl ?? '').replaceAll('{X_AMZ_DATE_NOW}', formatAmzDate(now)))
    }
    return c.token ?? ''
  }

  test('the corpus names the hosts it needs', () => {
    assert.ok(endpoints.length >= 7, `${endpoints.length} hosts`)
    assert.equal(cases.length, 22)
  })

  for (const [index, c] of cases.entries()) {
    const name = `case ${index}: ${c.decodedUrl ?? c.token?.slice(0, 40) ?? 'generated'}`
    if (c.expect === 'error') {
      test(`${name} is refused: ${c.errorContains}`, () => {
        const refused = rejection(() => readToken(tokenFor(c), { endpoints, now }))
        assert.equal(refused.kind, 'format')
        assert.ok(refused.message.startsWith(FORMAT_PREFIX), refused.message)
        if (c.decodedUrl === 'https://google.com') {
          assert.equal(
            refused.message,
            `${FORMAT_PREFIX}unexpected hostname "google.com" in pre-signed URL`,
          )
        } else if (c.goSpecificMessage !== true) {
          assert.ok(refused.message.includes(c.errorContains ?? ''), refused.message)
        }
      })
    } else {
      test(`${name} passes the authenticator's checks, then needs STS's Version and Action`, () => {
        const token = tokenFor(c)
        const refused = rejection(() => readToken(token, { endpoints, now }))
        assert.equal(
          refused.message,
          `${FORMAT_PREFIX}unexpected version parameter in pre-signed URL`,
        )
        const withVersion = tokenOf(`${urlOf(token)}&Version=2011-06-15`)
        // The corpus writes `action`; STS reads `Action`, case and all.
        assert.equal(
          rejection(() => readToken(withVersion, { endpoints, now })).message,
          `${FORMAT_PREFIX}unexpected action parameter in pre-signed URL`,
        )
        const asSts = tokenOf(`${urlOf(token).replace('?action=', '?Action=')}&Version=2011-06-15`)
        const call = readToken(asSts, { endpoints, now })
        assert.equal(call.path, '/')
        assert.equal(call.signedAt.getTime(), now.getTime())
      })
    }
  }
})

interface GetWithSts {
  input: {
    credentials: { accessKeyId: string; secretAccessKey: string }
    region: string
    clusterId: string
    now: string
  }
  expected: { token: string; presignedUrl: string; signature: string }
}

const known = load<GetWithSts>('get-with-sts.json')

describe('get-with-sts.json: the known-answer token, verified', { skip: known.skip }, () => {
  const vector = known.data
  const setUp = (at?: Date) => {
    const input = vector!.input
    const clock = new FixedClock(at ?? new Date(input.now))
    const caller = roleSessionCaller(
      '123456789012',
      'eks-admin',
      'alice',
      input.credentials.accessKeyId,
    )
    const verifier = new TokenVerifier({
      // The vector's key has no session token (the file says null).
      credentials: [
        new FixedKeys([
          {
            accessKeyId: input.credentials.accessKeyId,
            secretAccessKey: input.credentials.secretAccessKey,
            caller,
          },
        ]),
      ],
      crypto: nodeCrypto,
      clock,
      stsEndpoints: () => ['https://sts.us-west-2.amazonaws.com'],
    })
    return { verifier, clock, caller }
  }

  test('the token decodes to the presigned URL', () => {
    assert.equal(urlOf(vector!.expected.token), vector!.expected.presignedUrl)
  })

  test('verifies for its cluster at its time', async () => {
    const { verifier, caller } = setUp()
    const result = await verifier.verify(vector!.expected.token, vector!.input.clusterId)
    assert.ok('identity' in result, JSON.stringify(result))
    assert.deepEqual(result.identity, {
      arn: caller.arn,
      canonicalArn: 'arn:aws:iam::123456789012:role/eks-admin',
      accountId: '123456789012',
      userId: 'AROAEXAMPLEROLEID0001',
      sessionName: 'alice',
      accessKeyId: vector!.input.credentials.accessKeyId,
      stsEndpoint: 'sts.us-west-2.amazonaws.com',
    })
  })

  test('still verifies 15 minutes on, far past its X-Amz-Expires=60, as STS honours it', async () => {
    const { verifier } = setUp(new Date(Date.parse(vector!.input.now) + 15 * 60_000))
    const result = await verifier.verify(vector!.expected.token, vector!.input.clusterId)
    assert.ok('identity' in result, JSON.stringify(result))
  })

  test('is refused a second after its 15 minutes', async () => {
    const { verifier } = setUp(new Date(Date.parse(vector!.input.now) + 15 * 60_000 + 1000))
    assert.deepEqual(await verifier.verify(vector!.expected.token, vector!.input.clusterId), {
      error: `${FORMAT_PREFIX}X-Amz-Date parameter is expired (15 minute expiration) 2023-04-28 00:00:00 +0000 UTC`,
      kind: 'format',
    })
  })

  test('is refused before its X-Amz-Date', async () => {
    const { verifier } = setUp(new Date(Date.parse(vector!.input.now) - 1000))
    assert.deepEqual(await verifier.verify(vector!.expected.token, vector!.input.clusterId), {
      error: `${FORMAT_PREFIX}X-Amz-Date parameter is in the future 2023-04-28 00:00:00 +0000 UTC`,
      kind: 'format',
    })
  })

  test('is refused for another cluster: the cluster header is signed', async () => {
    const { verifier } = setUp()
    const result = await verifier.verify(vector!.expected.token, 'prod-cluster')
    assert.ok('error' in result)
    assert.equal(result.kind, 'sts')
    assert.equal(
      result.error,
      'sts getCallerIdentity failed: error from STS (expected 200, got 403): SignatureDoesNotMatch:' +
        ' The request signature we calculated does not match the signature you provided. Check' +
        ' your AWS Secret Access Key and signing method. Consult the service documentation for' +
        ' details. (the token was checked for cluster "prod-cluster")',
    )
  })

  test('is refused with one hex digit of its signature changed', async () => {
    const { verifier } = setUp()
    const url = vector!.expected.presignedUrl
    const tampered = url.slice(0, -1) + (url.endsWith('e') ? 'f' : 'e')
    const result = await verifier.verify(tokenOf(tampered), vector!.input.clusterId)
    assert.ok('error' in result)
    assert.match(result.error, /SignatureDoesNotMatch/)
  })
})

interface ArnCorpus {
  canonicalize: Array<{ arn: string; expect: string | null; error?: boolean }>
  stripPath: Array<{ arn: string; expect: string | null; error?: boolean }>
}

const arns = load<ArnCorpus>('arn.json')

describe('arn.json: canonical ARNs and role paths', { skip: arns.skip }, () => {
  for (const c of arns.data?.canonicalize ?? []) {
    test(`canonicalize ${c.arn}`, () => {
      if (c.error === true) assert.throws(() => canonicalizeArn(c.arn), /invalid/)
      else assert.equal(canonicalizeArn(c.arn).arn, c.expect)
    })
  }
  for (const c of arns.data?.stripPath ?? []) {
    test(`strip the path of ${c.arn}`, () => {
      if (c.error === true) assert.throws(() => stripRolePath(c.arn), /invalid/)
      else assert.equal(stripRolePath(c.arn), c.expect)
    })
  }
})

interface TemplateCorpus {
  ec2StubPrivateDnsName: string
  cases: Array<{
    template: string
    identity: { AccountID?: string; AccessKeyID?: string; SessionName?: string }
    expect: string
    errorContains?: string
  }>
}

const templates = load<TemplateCorpus>('render-template.json')

describe('render-template.json: username and group templates', { skip: templates.skip }, () => {
  // Where the authenticator asks EC2, rolegate reads the cluster's nodes.
  const nodes: Node[] = [
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-a' },
      spec: { providerID: 'aws:///us-west-2a/i-0123456789abcdef0' },
      status: {
        addresses: [
          { type: 'InternalIP', address: '172.31.27.14' },
          { type: 'InternalDNS', address: templates.data?.ec2StubPrivateDnsName ?? '' },
        ],
      },
    },
  ]
  for (const c of templates.data?.cases ?? []) {
    test(`${c.template} with ${JSON.stringify(c.identity)}`, () => {
      const identity = {
        accountId: c.identity.AccountID ?? '',
        accessKeyId: c.identity.AccessKeyID ?? '',
        sessionName: c.identity.SessionName ?? '',
      }
      if (c.expect === 'error') {
        assert.throws(() => renderTemplate(c.template, identity, nodes), {
          message: c.errorContains,
        })
      } else {
        assert.equal(renderTemplate(c.template, identity, nodes), c.expect)
      }
    })
  }
  test('an instance id session name resolves to its node (the Go case with a valid id)', () => {
    const identity = { accountId: '', accessKeyId: '', sessionName: 'i-0123456789abcdef0' }
    assert.equal(
      renderTemplate('a-{{EC2PrivateDNSName}}-b', identity, nodes),
      `a-${templates.data?.ec2StubPrivateDnsName ?? ''}-b`,
    )
  })
})

interface StsResponseCorpus {
  cases: Array<{
    name: string
    result?: { Account: string; Arn: string; UserId: string }
    expect?: Record<string, string>
    expectError?: string
  }>
  getIdentityFromSTSResponse: Array<{
    name: string
    result: { Account: string; Arn: string; UserId: string }
    expect?: Record<string, string>
    expectError?: string
  }>
}

const responses = load<StsResponseCorpus>('sts-response.json')

describe('sts-response.json: the identity from GetCallerIdentity', { skip: responses.skip }, () => {
  const fields: Record<string, keyof ReturnType<typeof awsIdentity>> = {
    ARN: 'arn',
    CanonicalARN: 'canonicalArn',
    AccountID: 'accountId',
    UserID: 'userId',
    SessionName: 'sessionName',
    AccessKeyID: 'accessKeyId',
  }
  const run = (c: StsResponseCorpus['getIdentityFromSTSResponse'][number], accessKeyId: string) => {
    if (c.expectError !== undefined) {
      assert.throws(
        () => awsIdentity(c.result, accessKeyId, 'sts.amazonaws.com'),
        (error: unknown) =>
          error instanceof TokenRejection &&
          error.kind === 'sts' &&
          error.message.startsWith('sts getCallerIdentity failed: ') &&
          error.message.includes(c.expectError ?? ''),
      )
      return
    }
    const identity = awsIdentity(c.result, accessKeyId, 'sts.amazonaws.com')
    for (const [name, value] of Object.entries(c.expect ?? {})) {
      const field = fields[name]
      assert.ok(field, `unknown field ${name}`)
      assert.equal(identity[field], value, name)
    }
  }
  for (const c of responses.data?.cases ?? []) {
    if (c.result === undefined) continue // the HTTP cases: see the note at the top
    test(`verify: ${c.name}`, () => run({ ...c, result: c.result! }, 'ASIABCDEFGHIJKLMNOPQ'))
  }
  for (const c of responses.data?.getIdentityFromSTSResponse ?? []) {
    test(`identity: ${c.name}`, () => run(c, 'AKIAVVVVVVVVVVVAGAVA'))
  }
})

interface HostCorpus {
  stsEndpoints: Array<{ host: string }>
  stsEndpointResolution: Array<{ host: string }>
}

const hosts = load<HostCorpus>('sts-hosts.json')

describe('sts-hosts.json: no AWS STS host is a rolegate endpoint', { skip: hosts.skip }, () => {
  const now = new Date('2026-01-02T03:04:05Z')
  const endpoints = [stsEndpoint('https://127.0.0.1:4599')]
  const all = [...(hosts.data?.stsEndpoints ?? []), ...(hosts.data?.stsEndpointResolution ?? [])]
  test(`${all.length} hosts, each refused by name`, () => {
    assert.ok(all.length >= 60)
    for (const { host } of all) {
      const url = `https://${host}/?Action=GetCallerIdentity&Version=2011-06-15`
      const refused = rejection(() => readToken(tokenOf(url), { endpoints, now }))
      assert.equal(
        refused.message,
        `${FORMAT_PREFIX}unexpected hostname "${host}" in pre-signed URL`,
      )
    }
  })
})
