// The issuer takeover an outside probe found: account A deletes its issuer `ci` while an IAM OIDC
// provider and a role still trust it; account B creates `ci`, mints a token and assumes A's role.
// Issuer URLs name their account, so B's `ci` can never be A's, and a trusted issuer is not
// deleted without Force.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { decodeJwt } from 'jose'
import { DOMParser } from '@xmldom/xmldom'
import { queryRequest } from '../support/signed-request.js'
import { ACCOUNT, PUBLIC_URL, assertError, field, harness, list } from './support.js'
import type { Harness } from './support.js'
import type { SigningKey } from '../support/signed-request.js'

const OTHER = '210987654321'
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/deploy`

/** An unsigned AssumeRoleWithWebIdentity through the app: the error code, or the assumed ARN. */
async function assumeWithToken(h: Harness, token: string): Promise<string> {
  const response = await h.app.handle(
    queryRequest(
      {
        Action: 'AssumeRoleWithWebIdentity',
        Version: '2011-06-15',
        RoleArn: ROLE_ARN,
        RoleSessionName: 'takeover',
        WebIdentityToken: token,
      },
      { host: 'sts.amazonaws.com' },
    ),
  )
  const document = new DOMParser().parseFromString(response.body, 'text/xml')
  const text = (name: string) => document.getElementsByTagName(name)[0]?.textContent ?? ''
  return response.status === 200 ? text('Arn') : `${text('Code')}: ${text('Message')}`
}

async function mint(h: Harness, key?: SigningKey): Promise<string> {
  const minted = await h.ok(
    'IssueToken',
    { IssuerName: 'ci', Subject: 'repo:org/app', 'Audience.member.1': 'sts.amazonaws.com' },
    key ? { key } : {},
  )
  return String(minted['Token'])
}

describe('issuer takeover across accounts', () => {
  let h: Harness
  let other: SigningKey
  let url: string
  before(async () => {
    h = await harness()
    const created = await h.ok('CreateAccount', { AccountId: OTHER })
    const accessKey = created['AccessKey']
    other = {
      accessKeyId: String(field(accessKey, 'AccessKeyId')),
      secretAccessKey: String(field(accessKey, 'SecretAccessKey')),
    }
    url = String(field((await h.ok('CreateIssuer', { IssuerName: 'ci' }))['Issuer'], 'IssuerUrl'))
    const hostPath = url.replace('https://', '')
    await h.ok(
      'CreateOpenIDConnectProvider',
      { Url: url, 'ClientIDList.member.1': 'sts.amazonaws.com' },
      { service: 'iam' },
    )
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${hostPath}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${hostPath}:aud`]: 'sts.amazonaws.com' } },
        },
      ],
    }
    await h.ok(
      'CreateRole',
      { RoleName: 'deploy', AssumeRolePolicyDocument: JSON.stringify(trust) },
      { service: 'iam' },
    )
  })
  after(() => h.close())

  test("the probe's sequence: A deletes ci, B creates ci and mints a token, B cannot assume A's role", async () => {
    assert.equal(
      await assumeWithToken(h, await mint(h)),
      `arn:aws:sts::${ACCOUNT}:assumed-role/deploy/takeover`,
      "A's own token assumes A's role",
    )
    await h.ok('DeleteIssuer', { IssuerName: 'ci', Force: 'true' })
    // B may take the name: it is B's own issuer.
    await h.ok('CreateIssuer', { IssuerName: 'ci' }, { key: other })
    const answer = await assumeWithToken(h, await mint(h, other))
    assert.doesNotMatch(answer, /assumed-role/)
    assert.match(answer, /^InvalidIdentityToken: /)
  })

  test("B's issuer lives at B's own URL; A's URL is gone with A's issuer", async () => {
    assert.equal(url, `${PUBLIC_URL}/issuers/${ACCOUNT}/ci`)
    assert.equal(decodeJwt(await mint(h, other)).iss, `${PUBLIC_URL}/issuers/${OTHER}/ci`)
    const jwks = await h.app.handle({
      ...queryRequest({}, { method: 'GET' }),
      path: `/issuers/${ACCOUNT}/ci/keys`,
      query: '',
    })
    assert.equal(jwks.status, 404)
  })

  test('an issuer that a provider still trusts is not deleted without Force', async () => {
    await h.ok('CreateIssuer', { IssuerName: 'ci' })
    assertError(
      await h.call('DeleteIssuer', { IssuerName: 'ci' }),
      409,
      'DeleteConflict',
      `Cannot delete issuer ci: IAM OpenID Connect providers still trust its URL (arn:aws:iam::${ACCOUNT}:oidc-provider/rolegate.test/issuers/${ACCOUNT}/ci). Delete them first, or delete with Force.`,
    )
    assert.equal(list((await h.ok('ListIssuers'))['Issuers']).length, 1, 'nothing was deleted')
  })

  test("a provider in another account that trusts A's issuer blocks its deletion, unnamed", async () => {
    await h.ok('CreateIssuer', { IssuerName: 'shared' })
    const shared = `${PUBLIC_URL}/issuers/${ACCOUNT}/shared`
    await h.ok(
      'CreateOpenIDConnectProvider',
      { Url: shared, 'ClientIDList.member.1': 'sts.amazonaws.com' },
      { service: 'iam', key: other },
    )
    assertError(
      await h.call('DeleteIssuer', { IssuerName: 'shared' }),
      409,
      'DeleteConflict',
      'Cannot delete issuer shared: IAM OpenID Connect providers still trust its URL (1 in other accounts). Delete them first, or delete with Force.',
    )
  })
})
