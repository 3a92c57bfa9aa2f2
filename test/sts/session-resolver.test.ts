// The temporary-credential resolver over a real keyring in SQLite: a remembered session answers only
// for the very token that opened it, and still expires and dies with its keyring key on time.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { FixedClock } from '../../src/core/clock.js'
import { AwsError } from '../../src/core/errors.js'
import { randomIds } from '../../src/core/ids.js'
import type { Store } from '../../src/store/ports.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'
import { SessionKeyring } from '../../src/sts/keyring.js'
import { seal } from '../../src/sts/sealed-box.js'
import { SessionCredentialResolver } from '../../src/sts/session-resolver.js'
import type { IssuedCredentials, SessionDraft } from '../../src/sts/session-token.js'
import { issueSessionCredentials } from '../../src/sts/session-token.js'

const NOW = new Date('2030-01-02T03:04:05.678Z')
const DRAFT: SessionDraft = {
  accountId: '123456789012',
  principal: {
    type: 'assumed-role',
    id: 'AROAEXAMPLEROLEID123',
    name: 'deployer',
    arn: 'arn:aws:iam::123456789012:role/deployer',
  },
  sessionName: 'build-42',
  obtainedBy: 'AssumeRole',
  chained: false,
}

const refusedWith = (code: string) => (error: unknown) => {
  assert.ok(error instanceof AwsError)
  assert.equal(error.code, code)
  return true
}

describe('SessionCredentialResolver', () => {
  let store: Store
  let clock: FixedClock
  let keyring: SessionKeyring
  let resolver: SessionCredentialResolver

  const issue = (seconds = 900): Promise<IssuedCredentials> =>
    issueSessionCredentials(keyring, randomIds, DRAFT, clock.now(), seconds)

  before(async () => {
    store = await openSqliteStore({ file: ':memory:' })
    clock = new FixedClock(NOW)
    keyring = new SessionKeyring(store, clock)
    await keyring.ensureKey()
    resolver = new SessionCredentialResolver(keyring, clock)
  })
  after(() => store.close())

  test('leaves requests without a session token to the other resolvers', async () => {
    assert.equal(await resolver.resolve('AKIAEXAMPLEEXAMPLE12', undefined), undefined)
  })

  test('opens a token once and answers the same credential from memory after', async () => {
    const issued = await issue()
    const first = await resolver.resolve(issued.accessKeyId, issued.sessionToken)
    assert.ok(first)
    assert.equal(first.secretAccessKey, issued.secretAccessKey)
    assert.equal(first.caller.arn, 'arn:aws:sts::123456789012:assumed-role/deployer/build-42')
    // A copy of the token (a new string, as every request brings) finds the remembered credential.
    const again = await resolver.resolve(issued.accessKeyId, `${issued.sessionToken} `.trimEnd())
    assert.equal(again, first)
  })

  test('a remembered access key id answers only with its own token', async () => {
    const issued = await issue()
    await resolver.resolve(issued.accessKeyId, issued.sessionToken)
    const tampered =
      issued.sessionToken.slice(0, 60) +
      (issued.sessionToken[60] === 'A' ? 'B' : 'A') +
      issued.sessionToken.slice(61)
    await assert.rejects(
      resolver.resolve(issued.accessKeyId, tampered),
      refusedWith('InvalidClientTokenId'),
    )
    const other = await issue()
    await assert.rejects(
      resolver.resolve(issued.accessKeyId, other.sessionToken),
      refusedWith('InvalidClientTokenId'),
    )
    // Another well-sealed token naming the same access key id, with another secret: it must be
    // opened, not answered with the remembered session's secret.
    const key = await keyring.sealingKey()
    const twin = { ...issued.claims, secretAccessKey: 'another-secret-of-forty-characters-xyz01' }
    const twinToken = seal(twin, key, 'session-token', randomIds)
    const resolved = await resolver.resolve(issued.accessKeyId, twinToken)
    assert.equal(resolved?.secretAccessKey, twin.secretAccessKey)
    assert.notEqual(resolved?.secretAccessKey, issued.secretAccessKey)
    // The first token still resolves to its own secret afterwards.
    const original = await resolver.resolve(issued.accessKeyId, issued.sessionToken)
    assert.equal(original?.secretAccessKey, issued.secretAccessKey)
  })

  test('a remembered session expires at its expiration, to the millisecond', async () => {
    const issued = await issue(900)
    await resolver.resolve(issued.accessKeyId, issued.sessionToken)
    clock.advance(900_000 - 1)
    assert.ok(await resolver.resolve(issued.accessKeyId, issued.sessionToken))
    clock.advance(1)
    await assert.rejects(
      resolver.resolve(issued.accessKeyId, issued.sessionToken),
      refusedWith('ExpiredToken'),
    )
    clock.set(NOW)
  })

  test('a remembered session stops resolving once its keyring key is deleted', async () => {
    const issued = await issue()
    assert.ok(await resolver.resolve(issued.accessKeyId, issued.sessionToken))
    const key = await keyring.sealingKey()
    await store.transaction((repo) => repo.sessionKeys.delete(key.keyId))
    await assert.rejects(
      resolver.resolve(issued.accessKeyId, issued.sessionToken),
      refusedWith('InvalidClientTokenId'),
    )
  })
})
