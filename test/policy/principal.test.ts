// Principal matching (reference_policies_elements_principal) and the grant kinds the same-account
// logic depends on (reference_policies_evaluation-logic_policy-eval-denyallow).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  compilePrincipal,
  matchPrincipal,
  notPrincipalApplies,
} from '../../src/policy/principal.js'
import type { RequestPrincipal } from '../../src/policy/principal.js'
import { ACCOUNT, root, roleSession, user } from './support.js'

const aws = (...values: string[]) => compilePrincipal({ kind: 'typed', values: { AWS: values } })
const bob = user('bob')
const session = roleSession('deploy', 'ci')

const rows: [string, ReturnType<typeof aws>, RequestPrincipal, string | undefined][] = [
  ['account id names the account', aws(ACCOUNT), bob, 'account'],
  ['root ARN names the account', aws(`arn:aws:iam::${ACCOUNT}:root`), bob, 'account'],
  ['another account', aws('210987654321'), bob, undefined],
  ['user ARN names the user', aws(bob.arn), bob, 'direct'],
  ['user ARN is exact', aws(`arn:aws:iam::${ACCOUNT}:user/bobby`), bob, undefined],
  ['role ARN names its sessions', aws(session.roleArn!), session, 'role'],
  ['session ARN names the session', aws(session.arn), session, 'direct'],
  [
    'another session of the role',
    aws(`arn:aws:sts::${ACCOUNT}:assumed-role/deploy/other`),
    session,
    undefined,
  ],
  ['AWS "*" names every AWS principal', aws('*'), session, 'direct'],
  ['the account names its root user directly', aws(ACCOUNT), root(), 'direct'],
  [
    'AWS principals do not name a service',
    aws('*'),
    { kind: 'service', arn: 'ec2.amazonaws.com', service: 'ec2.amazonaws.com' },
    undefined,
  ],
]

for (const [name, block, who, expected] of rows) {
  test(`principal: ${name}`, () => {
    assert.equal(matchPrincipal(block, who), expected)
  })
}

test('principal: Federated, Service and CanonicalUser', () => {
  const block = compilePrincipal({
    kind: 'typed',
    values: {
      Federated: ['accounts.google.com'],
      Service: ['Lambda.amazonaws.com'],
      CanonicalUser: ['79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be'],
    },
  })
  assert.equal(
    matchPrincipal(block, { kind: 'web-identity', arn: 'x', provider: 'accounts.google.com' }),
    'direct',
  )
  assert.equal(
    matchPrincipal(block, { kind: 'saml', arn: 'x', provider: 'arn:aws:iam::1:saml-provider/x' }),
    undefined,
  )
  assert.equal(
    matchPrincipal(block, { kind: 'service', arn: 'x', service: 'lambda.amazonaws.com' }),
    'direct',
  )
  assert.equal(
    matchPrincipal(block, {
      kind: 'anonymous',
      arn: 'anonymous',
      canonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
    }),
    'direct',
  )
  assert.equal(
    matchPrincipal(compilePrincipal({ kind: 'any' }), { kind: 'anonymous', arn: 'anonymous' }),
    'direct',
  )
})

// reference_policies_elements_notprincipal: "AWS might validate the account first, then the role,
// and then the assumed-role user", so a Deny leaves out only a caller listed at every level it is
// checked at, and an Allow reaches only a caller listed at none.
test('principal: a NotPrincipal Deny leaves out only a caller listed at every level', () => {
  const denies = (block: ReturnType<typeof aws>, who: RequestPrincipal) =>
    notPrincipalApplies(block, who, 'Deny')
  assert.equal(denies(aws(bob.arn, ACCOUNT), bob), false)
  assert.equal(denies(aws(bob.arn), bob), true)
  assert.equal(denies(aws(ACCOUNT), bob), true)
  // The role and its account, but not the session: the session is still denied.
  assert.equal(denies(aws(session.roleArn!, `arn:aws:iam::${ACCOUNT}:root`), session), true)
  assert.equal(denies(aws(session.arn, session.roleArn!, ACCOUNT), session), false)
  assert.equal(denies(aws(session.arn, ACCOUNT), session), true)
  assert.equal(denies(aws(ACCOUNT), root()), false)
  assert.equal(denies(aws(bob.arn, ACCOUNT), { kind: 'anonymous', arn: 'anonymous' }), true)
})

test('principal: a NotPrincipal Allow reaches only a caller listed at no level', () => {
  const allows = (block: ReturnType<typeof aws>, who: RequestPrincipal) =>
    notPrincipalApplies(block, who, 'Allow')
  assert.equal(allows(aws(bob.arn), bob), false)
  assert.equal(allows(aws(ACCOUNT), bob), false)
  assert.equal(allows(aws(session.roleArn!), session), false)
  assert.equal(allows(aws('arn:aws:iam::210987654321:root'), bob), true)
  assert.equal(allows(aws(`arn:aws:iam::${ACCOUNT}:user/alice`), bob), true)
})
