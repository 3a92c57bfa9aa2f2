// Table tests for step 3: aud (string or array) and azp against the provider's client IDs.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AwsError } from '../../../src/core/errors.js'
import { INCORRECT_AUDIENCE } from '../../../src/federation/oidc/aws-messages.js'
import { checkAudience } from '../../../src/federation/oidc/check-audience.js'
import type { OidcProvider } from '../../../src/federation/oidc/find-provider.js'

const provider: OidcProvider = {
  url: 'issuer.example',
  arn: 'arn:aws:iam::111122223333:oidc-provider/issuer.example',
  clientIds: ['app-1', 'app-2'],
  thumbprints: [],
}

const accepted: [string, Record<string, unknown>, string][] = [
  ['string aud', { aud: 'app-1' }, 'app-1'],
  ['array aud, second matches', { aud: ['x', 'app-2'] }, 'app-2'],
  ['azp is the audience when present', { aud: ['x', 'y'], azp: 'app-1' }, 'app-1'],
]
for (const [name, claims, audience] of accepted) {
  test(`accepted: ${name}`, () => assert.equal(checkAudience(claims, provider).audience, audience))
}

const refused: [string, Record<string, unknown>][] = [
  ['no aud', {}],
  ['unknown aud', { aud: 'x' }],
  ['empty array', { aud: [] }],
  ['non-string member', { aud: ['app-1', 7] }],
  ['azp not registered, even though aud is', { aud: 'app-1', azp: 'x' }],
  ['azp not a string', { aud: 'app-1', azp: ['app-1'] }],
  ['case differs', { aud: 'APP-1' }],
]
for (const [name, claims] of refused) {
  test(`refused: ${name}`, () =>
    assert.throws(
      () => checkAudience(claims, provider),
      (e: unknown) =>
        e instanceof AwsError &&
        e.code === 'InvalidIdentityToken' &&
        e.message === INCORRECT_AUDIENCE,
    ))
}
