// Session tokens against a real keyring in SQLite: what is sealed opens; any changed character,
// an expired session, a removed key or a token presented with another access key does not.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { FixedClock } from '../../src/core/clock.js'
import { randomIds } from '../../src/core/ids.js'
import type { IdSource } from '../../src/core/ids.js'
import type { Store } from '../../src/store/ports.js'
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js'
import { accountOfAccessKeyId, temporaryAccessKeyId } from '../../src/sts/access-key-id.js'
import { SessionKeyring, retireSessionKey, rotateSessionKey } from '../../src/sts/keyring.js'
import { open, seal, sealedKeyId } from '../../src/sts/sealed-box.js'
import type { SessionDraft } from '../../src/sts/session-token.js'
import {
  callerFromClaims,
  issueSessionCredentials,
  openSessionToken,
} from '../../src/sts/session-token.js'

const NOW = new Date('2030-01-02T03:04:05.678Z')
const DRAFT: SessionDraft = {
  accountId: '123456789012',
  principal: {
    type: 'assumed-role',
    id: 'AROAEXAMPLEROLEID123',
    name: 'deployer',
    arn: 'arn:aws:iam::123456789012:role/ci/deployer',
  },
  sessionName: 'build-42',
  obtainedBy: 'AssumeRole',
  chained: false,
  policy:
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}',
  policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
  tags: [{ key: 'team', value: 'blue' }],
  transitiveTagKeys: ['team'],
  sourceIdentity: 'alice',
}

describe('session tokens', () => {
  let store: Store
  let clock: FixedClock
  let keyring: SessionKeyring

  before(async () => {
    store = await openSqliteStore({ file: ':memory:' })
    clock = new FixedClock(NOW)
    keyring = new SessionKeyring(store, clock)
  })
  after(() => store.close())

  test('the keyring creates its first key on demand, and keeps it', async () => {
    await keyring.ensureKey()
    const keys = await store.transaction((repo) => repo.sessionKeys.list())
    assert.equal(keys.length, 1)
    assert.equal(Buffer.from(keys[0]!.secret, 'base64').length, 32)
    await keyring.ensureKey()
    assert.equal((await store.transaction((repo) => repo.sessionKeys.list())).length, 1)
  })

  test('an issued session opens to its claims, with the same derived secret', async () => {
    const issued = await issueSessionCredentials(keyring, randomIds, DRAFT, NOW, 900)
    assert.match(issued.accessKeyId, /^ASIA[A-Z2-7]{16}$/)
    assert.equal(accountOfAccessKeyId(issued.accessKeyId), '123456789012')
    assert.equal(issued.secretAccessKey.length, 40)
    assert.equal(issued.expiration.getTime(), NOW.getTime() + 900_000)
    const opened = await openSessionToken(keyring, issued.sessionToken, issued.accessKeyId, NOW)
    assert.equal(opened.kind, 'valid')
    if (opened.kind !== 'valid') return
    assert.equal(opened.secretAccessKey, issued.secretAccessKey)
    assert.deepEqual(opened.claims, issued.claims)
    const caller = callerFromClaims(opened.claims)
    assert.equal(caller.type, 'assumed-role')
    assert.equal(caller.arn, 'arn:aws:sts::123456789012:assumed-role/deployer/build-42')
    assert.equal(caller.userId, 'AROAEXAMPLEROLEID123:build-42')
    assert.equal(caller.session?.roleArn, 'arn:aws:iam::123456789012:role/ci/deployer')
    assert.deepEqual(caller.session?.policyArns, ['arn:aws:iam::aws:policy/ReadOnlyAccess'])
    assert.equal(caller.session?.issuedAt.getTime(), NOW.getTime())
    assert.equal(caller.session?.sourceIdentity, 'alice')
  })

  test('the key id, the secret and the sealing nonce come from the injected id source', async () => {
    const drawn: number[] = []
    const pinned: IdSource = {
      ...randomIds,
      randomBytes: (size) => {
        drawn.push(size)
        return Buffer.alloc(size, 0xff)
      },
      secretKey: () => 'S'.repeat(40),
    }
    const issued = await issueSessionCredentials(keyring, pinned, DRAFT, NOW, 900)
    const again = await issueSessionCredentials(keyring, pinned, DRAFT, NOW, 900)
    // 10 bytes for the access key id, then the 12-byte AES-GCM nonce, per session.
    assert.deepEqual(drawn, [10, 12, 10, 12])
    assert.equal(issued.secretAccessKey, 'S'.repeat(40))
    assert.equal(again.accessKeyId, issued.accessKeyId)
    // The 39 random bits after the account are the source's ones: base32 '7' is 11111.
    assert.match(issued.accessKeyId, /^ASIA[A-Z2-7]{9}7{7}$/)
    assert.equal(accountOfAccessKeyId(issued.accessKeyId), '123456789012')
    const box = Buffer.from(issued.sessionToken, 'base64url')
    const ivAt = 2 + box[1]!
    assert.deepEqual(box.subarray(ivAt, ivAt + 12), Buffer.alloc(12, 0xff))
    const opened = await openSessionToken(keyring, issued.sessionToken, issued.accessKeyId, NOW)
    assert.equal(opened.kind, 'valid')
  })

  test('changing any one character of the token refuses it', async () => {
    const issued = await issueSessionCredentials(keyring, randomIds, DRAFT, NOW, 900)
    const token = issued.sessionToken
    for (let i = 0; i < token.length; i++) {
      const replacement = token[i] === 'A' ? 'B' : 'A'
      const tampered = token.slice(0, i) + replacement + token.slice(i + 1)
      const opened = await openSessionToken(keyring, tampered, issued.accessKeyId, NOW)
      assert.equal(opened.kind, 'invalid', `character ${i} changed and the token still opened`)
    }
    assert.equal(
      (await openSessionToken(keyring, token + 'A', issued.accessKeyId, NOW)).kind,
      'invalid',
    )
    assert.equal(
      (await openSessionToken(keyring, token.slice(0, -1), issued.accessKeyId, NOW)).kind,
      'invalid',
    )
  })

  test('a token presented with another access key id is refused', async () => {
    const issued = await issueSessionCredentials(keyring, randomIds, DRAFT, NOW, 900)
    const other = temporaryAccessKeyId('123456789012', randomIds)
    assert.equal((await openSessionToken(keyring, issued.sessionToken, other, NOW)).kind, 'invalid')
  })

  test('a session is expired from its expiration on, not a millisecond before', async () => {
    const issued = await issueSessionCredentials(keyring, randomIds, DRAFT, NOW, 900)
    const end = new Date(NOW.getTime() + 900_000)
    const before = new Date(end.getTime() - 1)
    assert.equal(
      (await openSessionToken(keyring, issued.sessionToken, issued.accessKeyId, before)).kind,
      'valid',
    )
    assert.equal(
      (await openSessionToken(keyring, issued.sessionToken, issued.accessKeyId, end)).kind,
      'expired',
    )
  })

  test('a box sealed for one purpose does not open as another', async () => {
    const key = await keyring.sealingKey()
    const sealed = seal({ hello: 'world' }, key, 'authorization-message', randomIds)
    assert.deepEqual(open(sealed, key, 'authorization-message'), { hello: 'world' })
    assert.equal(open(sealed, key, 'session-token'), undefined)
  })

  test('rotation: the new key seals, the old key still opens; retired keys open; removed keys do not', async () => {
    const old = await issueSessionCredentials(keyring, randomIds, DRAFT, NOW, 3600)
    const oldKeyId = (await keyring.sealingKey()).keyId
    clock.advance(1000)
    const rotated = await rotateSessionKey(store, clock.now())
    assert.equal((await keyring.sealingKey()).keyId, rotated.keyId)
    const fresh = await issueSessionCredentials(keyring, randomIds, DRAFT, clock.now(), 3600)
    assert.notEqual(fresh.sessionToken.slice(0, 20), old.sessionToken.slice(0, 20))
    const at = clock.now()
    assert.equal(
      (await openSessionToken(keyring, old.sessionToken, old.accessKeyId, at)).kind,
      'valid',
    )
    assert.equal(
      (await openSessionToken(keyring, fresh.sessionToken, fresh.accessKeyId, at)).kind,
      'valid',
    )

    // Retiring the newest key hands sealing back to an older one that is not retired.
    assert.equal(await retireSessionKey(store, rotated.keyId, at), true)
    assert.equal((await keyring.sealingKey()).keyId, oldKeyId)
    assert.equal(
      (await openSessionToken(keyring, fresh.sessionToken, fresh.accessKeyId, at)).kind,
      'valid',
    )

    await store.transaction((repo) => repo.sessionKeys.delete(oldKeyId))
    assert.equal(
      (await openSessionToken(keyring, old.sessionToken, old.accessKeyId, at)).kind,
      'invalid',
    )
    // With every remaining key retired, a new one is created to seal.
    const next = await keyring.sealingKey()
    assert.notEqual(next.keyId, rotated.keyId)
    assert.notEqual(next.keyId, oldKeyId)
  })

  test('the loaded sealing key is answered without a load only while the store has not moved', async () => {
    const fresh = new SessionKeyring(store, clock)
    assert.equal(fresh.loadedSealingKey(), undefined) // nothing loaded yet
    const sealing = await fresh.sealingKey()
    assert.equal(fresh.loadedSealingKey(), sealing)
    // Key ids sort by creation time; a later one seals (same millisecond: a coin toss).
    clock.advance(1000)
    const rotated = await rotateSessionKey(store, clock.now())
    // The store moved: the remembered key may be stale, so it is not answered.
    assert.equal(fresh.loadedSealingKey(), undefined)
    const issued = await issueSessionCredentials(fresh, randomIds, DRAFT, clock.now(), 900)
    assert.equal(sealedKeyId(issued.sessionToken), rotated.keyId)
    assert.equal(fresh.loadedSealingKey()?.keyId, rotated.keyId)
  })

  test('the secret access key is sealed in the token, 40 characters of fresh randomness', async () => {
    const a = await issueSessionCredentials(keyring, randomIds, DRAFT, NOW, 900)
    const b = await issueSessionCredentials(keyring, randomIds, DRAFT, NOW, 900)
    assert.match(a.secretAccessKey, /^[A-Za-z0-9+/]{40}$/)
    assert.notEqual(a.secretAccessKey, b.secretAccessKey)
    assert.equal(a.claims.v, 2)
    assert.equal(a.claims.secretAccessKey, a.secretAccessKey)
    // A box with the same claims but no secret in it does not open as a session.
    const key = await keyring.sealingKey()
    const withoutSecret: Partial<typeof a.claims> = { ...a.claims }
    delete withoutSecret.secretAccessKey
    const forged = seal(withoutSecret, key, 'session-token', randomIds)
    assert.equal((await openSessionToken(keyring, forged, a.accessKeyId, NOW)).kind, 'invalid')
    // Nor does one sealed in the first format (v 1, secret derived from a nonce).
    const v1 = seal({ ...withoutSecret, v: 1, nonce: 'n' }, key, 'session-token', randomIds)
    assert.equal((await openSessionToken(keyring, v1, a.accessKeyId, NOW)).kind, 'invalid')
  })

  test('another replica with the same store opens what this one sealed', async () => {
    const issued = await issueSessionCredentials(keyring, randomIds, DRAFT, NOW, 900)
    const replica = new SessionKeyring(store, clock)
    const opened = await openSessionToken(replica, issued.sessionToken, issued.accessKeyId, NOW)
    assert.equal(opened.kind, 'valid')
  })
})

describe('temporary access key ids', () => {
  test('carry their account as AWS key ids do', () => {
    // A published example of an AWS temporary key and the account AWS reports for it.
    assert.equal(accountOfAccessKeyId('ASIAY34FZKBOKMUTVV7A'), '609629065308')
    for (const account of ['000000000001', '123456789012', '999999999999']) {
      const id = temporaryAccessKeyId(account, randomIds)
      assert.match(id, /^ASIA[A-Z2-7]{16}$/)
      assert.equal(accountOfAccessKeyId(id), account)
    }
    assert.equal(accountOfAccessKeyId('not-a-key'), undefined)
  })

  test('every 12-digit account survives the round trip, at both ends of the range', () => {
    const accounts = ['000000000000', '999999999999', '549755813887', '549755813888']
    for (let i = 0; i < 2000; i++) {
      accounts.push(String(Math.floor(Math.random() * 1e12)).padStart(12, '0'))
    }
    const firstChars = new Set<string>()
    for (const account of accounts) {
      const id = temporaryAccessKeyId(account, randomIds)
      assert.match(id, /^ASIA[A-Z2-7]{16}$/)
      assert.equal(accountOfAccessKeyId(id), account, id)
      firstChars.add(id[4]!)
    }
    // Bit 47 stays random: the first character after ASIA takes both halves of the alphabet.
    assert.ok([...firstChars].some((c) => 'ABCDEFGHIJKLMNOP'.includes(c)))
    assert.ok([...firstChars].some((c) => 'QRSTUVWXYZ234567'.includes(c)))
  })
})
