// The built-in IdP's directory through the admin API, socket-free: users and groups with their
// exact errors, bad input refused with nothing written, passwords kept only as scrypt hashes that
// verify, TOTP seeds handed out once as an otpauth URI an authenticator reads, and IAM
// authorisation of every action (a caller without rolegate permissions is refused).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Secret, TOTP, URI } from 'otpauth'
import { PasswordCandidate } from '../../src/core/password-hash.js'
import { ACCOUNT, assertError, field, harness, list, userWithKey } from './support.js'
import type { Harness } from './support.js'

const users = (h: Harness) => h.store.read((repo) => repo.idpDirectory.listUsers(ACCOUNT))
const groups = (h: Harness) => h.store.read((repo) => repo.idpDirectory.listGroups(ACCOUNT))

describe('IdP users', () => {
  let h: Harness
  before(async () => (h = await harness()))
  after(() => h.close())

  test('CreateIdpUser answers the user and keeps only an scrypt hash of the password', async () => {
    const result = await h.ok('CreateIdpUser', {
      UserName: 'alice@example.com',
      Email: 'alice@example.com',
      Password: 'correct horse battery',
      'SessionTags.member.1.Key': 'team',
      'SessionTags.member.1.Value': 'payments',
    })
    const user = result['User']
    assert.equal(field(user, 'UserName'), 'alice@example.com')
    assert.equal(field(user, 'Arn'), `arn:aws:rolegate::${ACCOUNT}:idp/user/alice@example.com`)
    assert.equal(field(user, 'Email'), 'alice@example.com')
    assert.equal(field(user, 'TotpRequired'), 'false')
    assert.match(String(field(user, 'UserId')), /^IDPU[A-Z2-7]{17}$/)
    assert.equal(field(user, 'Password'), undefined)
    const [stored] = await users(h)
    assert.match(stored?.passwordHash ?? '', /^\$scrypt\$ln=15,r=8,p=3\$/)
    assert.ok(!stored?.passwordHash.includes('correct horse'))
    assert.equal(
      await new PasswordCandidate('correct horse battery').matches(stored?.passwordHash ?? ''),
      true,
    )
    assert.equal(
      await new PasswordCandidate('correct horse batterY').matches(stored?.passwordHash ?? ''),
      false,
    )
    assert.deepEqual(stored?.sessionTags, [{ key: 'team', value: 'payments' }])
  })

  test('a second user of the same name, in any case, is EntityAlreadyExists and writes nothing', async () => {
    const before = await users(h)
    assertError(
      await h.call('CreateIdpUser', {
        UserName: 'ALICE@example.com',
        Password: 'another password',
      }),
      409,
      'EntityAlreadyExists',
      'IdP user with name ALICE@example.com already exists.',
    )
    assert.deepEqual(await users(h), before)
  })

  test('bad names, addresses and passwords are ValidationError, never echoed, and write nothing', async () => {
    const before = await users(h)
    assertError(
      await h.call('CreateIdpUser', { UserName: 'bob', Password: 'short' }),
      400,
      'ValidationError',
      "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length greater than or equal to 8",
    )
    assertError(
      await h.call('CreateIdpUser', {
        UserName: 'b',
        Email: 'not-an-address',
        Password: 'long enough password',
      }),
      400,
      'ValidationError',
      "2 validation errors detected: Value at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 2; Value at 'email' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\s@]+@[^\\s@]+",
    )
    assertError(
      await h.call('CreateIdpUser', { UserName: 'bob smith', Password: 'x'.repeat(129) }),
      400,
      'ValidationError',
      "2 validation errors detected: Value at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+; Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 128",
    )
    assertError(
      await h.call('CreateIdpUser', { UserName: 'bob' }),
      400,
      'ValidationError',
      "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must not be null",
    )
    assert.deepEqual(await users(h), before)
  })

  test('SetIdpUserPassword replaces the hash; unknown users are NoSuchEntity', async () => {
    const [before] = await users(h)
    await h.ok('SetIdpUserPassword', {
      UserName: 'Alice@Example.com',
      Password: 'a new passphrase',
    })
    const [after] = await users(h)
    assert.notEqual(after?.passwordHash, before?.passwordHash)
    assert.equal(
      await new PasswordCandidate('a new passphrase').matches(after?.passwordHash ?? ''),
      true,
    )
    for (const [action, params] of [
      ['SetIdpUserPassword', { UserName: 'nobody', Password: 'whatever123' }],
      ['DeleteIdpUser', { UserName: 'nobody' }],
      ['RequireIdpUserTotp', { UserName: 'nobody' }],
    ] as const) {
      assertError(
        await h.call(action, params),
        404,
        'NoSuchEntity',
        'The IdP user with name nobody cannot be found.',
      )
    }
  })

  test('RequireIdpUserTotp hands out a seed once, as an otpauth URI an authenticator reads', async () => {
    const result = await h.ok('RequireIdpUserTotp', { UserName: 'alice@example.com' })
    assert.equal(result['TotpRequired'], 'true')
    const seed = String(result['Seed'])
    const uri = URI.parse(String(result['KeyUri']))
    assert.ok(uri instanceof TOTP)
    assert.equal(uri.issuer, 'rolegate')
    assert.equal(uri.label, 'alice@example.com')
    assert.equal(uri.secret.base32, seed)
    assert.equal(Secret.fromBase32(seed).bytes.length, 20)
    const [stored] = await users(h)
    assert.equal(stored?.totpSeed, seed)
    const listed = list((await h.ok('ListIdpUsers'))['Users'])
    assert.equal(field(listed[0], 'TotpRequired'), 'true')
    assert.equal(field(listed[0], 'Seed'), undefined, 'the seed is never listed')
    // Enrolling again replaces the seed; --off clears it.
    const again = await h.ok('RequireIdpUserTotp', { UserName: 'alice@example.com' })
    assert.notEqual(again['Seed'], seed)
    const off = await h.ok('RequireIdpUserTotp', {
      UserName: 'alice@example.com',
      Required: 'false',
    })
    assert.deepEqual(off, { UserName: 'alice@example.com', TotpRequired: 'false' })
    assert.equal((await users(h))[0]?.totpSeed, null)
  })
})

describe('IdP groups', () => {
  let h: Harness
  before(async () => {
    h = await harness()
    for (const name of ['dana', 'erin']) {
      await h.ok('CreateIdpUser', { UserName: name, Password: `${name}-password` })
    }
  })
  after(() => h.close())

  test('groups, members and their errors', async () => {
    const created = await h.ok('CreateIdpGroup', { GroupName: 'developers' })
    assert.equal(
      field(created['Group'], 'Arn'),
      `arn:aws:rolegate::${ACCOUNT}:idp/group/developers`,
    )
    assertError(
      await h.call('CreateIdpGroup', { GroupName: 'Developers' }),
      409,
      'EntityAlreadyExists',
      'IdP group with name Developers already exists.',
    )
    assertError(
      await h.call('CreateIdpGroup', { GroupName: 'has space' }),
      400,
      'ValidationError',
      "1 validation error detected: Value at 'groupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    )
    assert.deepEqual(
      (await groups(h)).map((g) => g.groupName),
      ['developers'],
    )
    await h.ok('AddIdpGroupMember', { GroupName: 'developers', UserName: 'dana' })
    await h.ok('AddIdpGroupMember', { GroupName: 'developers', UserName: 'ERIN' })
    await h.ok('AddIdpGroupMember', { GroupName: 'developers', UserName: 'erin' })
    assertError(
      await h.call('AddIdpGroupMember', { GroupName: 'developers', UserName: 'nobody' }),
      404,
      'NoSuchEntity',
      'The IdP user with name nobody cannot be found.',
    )
    assertError(
      await h.call('AddIdpGroupMember', { GroupName: 'nothing', UserName: 'dana' }),
      404,
      'NoSuchEntity',
      'The IdP group with name nothing cannot be found.',
    )
    const listed = list((await h.ok('ListIdpGroups'))['Groups'])
    assert.deepEqual(list(field(listed[0], 'Members')), ['dana', 'erin'])
    await h.ok('RemoveIdpGroupMember', { GroupName: 'developers', UserName: 'erin' })
    assertError(
      await h.call('RemoveIdpGroupMember', { GroupName: 'developers', UserName: 'erin' }),
      404,
      'NoSuchEntity',
      'The IdP user erin is not a member of group developers.',
    )
    const users = list((await h.ok('ListIdpUsers'))['Users'])
    assert.deepEqual(
      users.map((user) => [field(user, 'UserName'), list(field(user, 'Groups'))]),
      [
        ['dana', ['developers']],
        ['erin', []],
      ],
    )
    // Deleting the user ends its memberships; deleting the group, the group.
    await h.ok('DeleteIdpUser', { UserName: 'dana' })
    assert.deepEqual(list(field(list((await h.ok('ListIdpGroups'))['Groups'])[0], 'Members')), [])
    await h.ok('DeleteIdpGroup', { GroupName: 'DEVELOPERS' })
    assert.deepEqual(await groups(h), [])
  })
})

describe('IAM authorises the directory', () => {
  let h: Harness
  before(async () => {
    h = await harness()
    await h.ok('CreateIdpUser', { UserName: 'existing', Password: 'existing-password' })
  })
  after(() => h.close())

  test('a caller without rolegate permissions is denied every action, and nothing is written', async () => {
    const key = await userWithKey(h, 'nobody', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }],
    })
    const before = await users(h)
    assertError(
      await h.call('CreateIdpUser', { UserName: 'mallory', Password: 'mallory-password' }, { key }),
      403,
      'AccessDenied',
      `User: arn:aws:iam::${ACCOUNT}:user/nobody is not authorized to perform: rolegate:CreateIdpUser on resource: arn:aws:rolegate::${ACCOUNT}:idp/user/mallory because no identity-based policy allows the rolegate:CreateIdpUser action`,
    )
    for (const [action, params, resource] of [
      ['DeleteIdpUser', { UserName: 'existing' }, 'idp/user/existing'],
      [
        'SetIdpUserPassword',
        { UserName: 'existing', Password: 'taken-over!' },
        'idp/user/existing',
      ],
      ['RequireIdpUserTotp', { UserName: 'existing' }, 'idp/user/existing'],
      ['ListIdpUsers', {}, 'idp/user/\\*'],
      ['CreateIdpGroup', { GroupName: 'g' }, 'idp/group/g'],
      ['ListIdpGroups', {}, 'idp/group/\\*'],
      ['AddIdpGroupMember', { GroupName: 'g', UserName: 'existing' }, 'idp/group/g'],
    ] as const) {
      assertError(
        await h.call(action, params, { key }),
        403,
        'AccessDenied',
        new RegExp(
          `rolegate:${action} on resource: arn:aws:rolegate::${ACCOUNT}:${resource} because`,
        ),
      )
    }
    assert.deepEqual(await users(h), before)
    assert.deepEqual(await groups(h), [])
  })

  test('a policy can allow reading the directory and nothing else', async () => {
    const key = await userWithKey(h, 'auditor', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'rolegate:ListIdp*', Resource: '*' }],
    })
    const listed = list((await h.ok('ListIdpUsers', {}, { key }))['Users'])
    assert.deepEqual(
      listed.map((user) => field(user, 'UserName')),
      ['existing'],
    )
    assertError(
      await h.call('DeleteIdpUser', { UserName: 'existing' }, { key }),
      403,
      'AccessDenied',
      /rolegate:DeleteIdpUser/,
    )
    assert.equal((await users(h)).length, 1)
  })
})
