// Table tests for step 2: issuer to IAM provider URL, trailing slash and scheme rules.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AwsError } from '../../../src/core/errors.js'
import { noProviderFor } from '../../../src/federation/oidc/aws-messages.js'
import { findProvider, issuerHostPath } from '../../../src/federation/oidc/find-provider.js'
import type { OidcProvider } from '../../../src/federation/oidc/find-provider.js'

const hostPaths: [string, boolean, string | undefined][] = [
  ['https://token.actions.githubusercontent.com', false, 'token.actions.githubusercontent.com'],
  [
    'https://oidc.eks.us-east-1.amazonaws.com/id/ABC',
    false,
    'oidc.eks.us-east-1.amazonaws.com/id/ABC',
  ],
  ['https://tenant.auth0.com/', false, 'tenant.auth0.com/'],
  ['http://issuer.example', false, undefined],
  ['http://127.0.0.1:8080', false, undefined],
  ['http://127.0.0.1:8080', true, '127.0.0.1:8080'],
  ['http://localhost/realm', true, 'localhost/realm'],
  ['http://issuer.example', true, undefined],
  ['https://user@issuer.example', false, undefined],
  ['https://issuer.example/?q=1', false, undefined],
  ['https://issuer.example#frag', false, undefined],
  ['issuer.example', false, undefined],
]
for (const [iss, allowHttpIssuers, expected] of hostPaths) {
  test(`issuerHostPath(${iss}, http=${allowHttpIssuers})`, () =>
    assert.equal(issuerHostPath(iss, { allowHttpIssuers }), expected))
}

const registered = (url: string): OidcProvider => ({
  url,
  arn: `arn:aws:iam::111122223333:oidc-provider/${url}`,
  clientIds: [],
  thumbprints: [],
})
const lookupOf = (urls: string[]) => {
  const asked: string[] = []
  const lookup = async (account: string, hostPath: string) => {
    asked.push(hostPath)
    return account === '111122223333' && urls.includes(hostPath) ? registered(hostPath) : undefined
  }
  return { lookup, asked }
}

test('exact match first, then the trailing slash toggled', async () => {
  const exact = lookupOf(['tenant.auth0.com/', 'tenant.auth0.com'])
  assert.equal(
    (await findProvider('https://tenant.auth0.com/', '111122223333', exact.lookup)).url,
    'tenant.auth0.com/',
  )
  assert.deepEqual(exact.asked, ['tenant.auth0.com/'])
  const toggled = lookupOf(['issuer.example/'])
  assert.equal(
    (await findProvider('https://issuer.example', '111122223333', toggled.lookup)).url,
    'issuer.example/',
  )
  assert.deepEqual(toggled.asked, ['issuer.example', 'issuer.example/'])
})

test('no provider: AWS message with the iss as given', async () => {
  const none = lookupOf([])
  await assert.rejects(
    findProvider('https://token.actions.githubusercontent.com', '111122223333', none.lookup),
    (e: unknown) =>
      e instanceof AwsError &&
      e.code === 'InvalidIdentityToken' &&
      e.message ===
        'No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com',
  )
  await assert.rejects(
    findProvider('https://issuer.example', '444455556666', lookupOf(['issuer.example']).lookup),
    (e: unknown) => e instanceof AwsError && e.message === noProviderFor('https://issuer.example'),
  )
})
