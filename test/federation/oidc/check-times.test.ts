// Table tests for step 5: exp/nbf/iat with at most 60 seconds of skew.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AwsError } from '../../../src/core/errors.js'
import {
  ISSUED_IN_FUTURE,
  NOT_A_JWT,
  NOT_YET_VALID,
  tokenExpired,
} from '../../../src/federation/oidc/aws-messages.js'
import { checkTimes } from '../../../src/federation/oidc/check-times.js'

const now = new Date('2030-01-01T00:00:00.900Z')
const t = Math.floor(now.getTime() / 1000)

const cases: [string, Record<string, unknown>, number | undefined, string | undefined, string?][] =
  [
    ['fresh', { exp: t + 1, iat: t, nbf: t }, undefined, undefined],
    [
      'expired beyond skew',
      { exp: t - 60 },
      undefined,
      'ExpiredTokenException',
      tokenExpired(t, t - 60),
    ],
    ['expired within skew', { exp: t - 59 }, undefined, undefined],
    ['skew 0: exp == now is expired', { exp: t }, 0, 'ExpiredTokenException', tokenExpired(t, t)],
    [
      'skew above 60 is clamped',
      { exp: t - 61 },
      3600,
      'ExpiredTokenException',
      tokenExpired(t, t - 61),
    ],
    [
      'nbf beyond skew',
      { exp: t + 600, nbf: t + 61 },
      undefined,
      'InvalidIdentityToken',
      NOT_YET_VALID,
    ],
    ['nbf within skew', { exp: t + 600, nbf: t + 60 }, undefined, undefined],
    [
      'iat beyond skew',
      { exp: t + 600, iat: t + 61 },
      undefined,
      'InvalidIdentityToken',
      ISSUED_IN_FUTURE,
    ],
    [
      'iat beyond a smaller skew',
      { exp: t + 600, iat: t + 6 },
      5,
      'InvalidIdentityToken',
      ISSUED_IN_FUTURE,
    ],
    ['no exp', { iat: t }, undefined, 'InvalidIdentityToken', NOT_A_JWT],
    ['exp a string', { exp: String(t + 60) }, undefined, 'InvalidIdentityToken', NOT_A_JWT],
    ['nbf not a number', { exp: t + 60, nbf: null }, undefined, 'InvalidIdentityToken', NOT_A_JWT],
  ]

for (const [name, claims, skew, code, message] of cases) {
  test(name, () => {
    if (code === undefined) {
      const times = checkTimes(claims, now, skew)
      assert.deepEqual(times.expiresAt, new Date((claims['exp'] as number) * 1000))
      return
    }
    assert.throws(
      () => checkTimes(claims, now, skew),
      (e: unknown) =>
        e instanceof AwsError && e.code === code && e.message === message && e.status === 400,
    )
  })
}
