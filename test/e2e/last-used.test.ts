// GetAccessKeyLastUsed and GetRole's RoleLastUsed through the real AWS CLI over a socket: a new
// user's key signs a call and the key reports it; a role assumed over STS reports it; and what is
// noted just before the server stops is written as it closes.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { awsCli, json } from '../support/aws-cli.js'
import type { Credentials } from '../support/aws-cli.js'
import { iamCli } from '../support/iam-cli.js'
import type { IamCli } from '../support/iam-cli.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

interface KeyLastUsed {
  UserName: string
  AccessKeyLastUsed: { LastUsedDate?: string; ServiceName: string; Region: string }
}

const ACCOUNT = '123456789012'

/** The CLI prints dates as `2025-05-05T12:01:00+00:00`; AWS keeps whole seconds. */
const assertWithin = (printed: string | undefined, from: Date, to: Date) => {
  assert.ok(printed !== undefined, 'no date printed')
  const at = Date.parse(printed)
  assert.ok(
    at >= Math.floor(from.getTime() / 1000) * 1000 && at <= to.getTime(),
    `${printed} is not between ${from.toISOString()} and ${to.toISOString()}`,
  )
}

describe('AWS CLI: when keys and roles were last used', () => {
  let server: TestServer
  let admin: IamCli
  before(async () => {
    server = await startTestServer()
    admin = iamCli(server.url, server.admin)
  })
  after(() => server.cleanup())

  const newKey = async (userName: string): Promise<Credentials> => {
    await admin.ok('create-user', '--user-name', userName)
    await admin.ok(
      'attach-user-policy',
      '--user-name',
      userName,
      '--policy-arn',
      'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
    )
    const created = await admin.ok<{ AccessKey: { AccessKeyId: string; SecretAccessKey: string } }>(
      'create-access-key',
      '--user-name',
      userName,
    )
    return {
      accessKeyId: created.AccessKey.AccessKeyId,
      secretAccessKey: created.AccessKey.SecretAccessKey,
    }
  }

  test("a new user's key reports N/A, then the iam call it signed", async () => {
    const key = await newKey('carol')
    const fresh = await admin.ok<KeyLastUsed>(
      'get-access-key-last-used',
      '--access-key-id',
      key.accessKeyId,
    )
    assert.deepEqual(fresh, {
      UserName: 'carol',
      AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' },
    })

    const before = new Date()
    const listed = await iamCli(server.url, key).ok<{ Users: unknown[] }>('list-users')
    const after = new Date()
    assert.ok(listed.Users.length >= 2)
    await server.running.usage.flush()

    const used = await admin.ok<KeyLastUsed>(
      'get-access-key-last-used',
      '--access-key-id',
      key.accessKeyId,
    )
    assert.equal(used.UserName, 'carol')
    assert.equal(used.AccessKeyLastUsed.ServiceName, 'iam')
    assert.equal(used.AccessKeyLastUsed.Region, 'us-east-1')
    assertWithin(used.AccessKeyLastUsed.LastUsedDate, before, after)
  })

  test('a role assumed over STS reports the date and the region it was assumed in', async () => {
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: 'sts:AssumeRole',
        },
      ],
    })
    await admin.ok('create-role', '--role-name', 'release', '--assume-role-policy-document', trust)
    const before = new Date()
    const assumed = json<{ Credentials: { AccessKeyId: string } }>(
      await awsCli({ endpoint: server.url, credentials: server.admin, region: 'eu-west-2' }, [
        'sts',
        'assume-role',
        '--role-arn',
        `arn:aws:iam::${ACCOUNT}:role/release`,
        '--role-session-name',
        'ship',
      ]),
    )
    const after = new Date()
    assert.match(assumed.Credentials.AccessKeyId, /^ASIA/)
    await server.running.usage.flush()

    const got = await admin.ok<{
      Role: { RoleLastUsed: { LastUsedDate?: string; Region?: string } }
    }>('get-role', '--role-name', 'release')
    assert.equal(got.Role.RoleLastUsed.Region, 'eu-west-2')
    assertWithin(got.Role.RoleLastUsed.LastUsedDate, before, after)
  })

  test('uses noted just before the server stops are written as it closes', async () => {
    const key = await newKey('dave')
    await iamCli(server.url, key).ok('get-user')
    server = await server.restart()
    admin = iamCli(server.url, server.admin)
    const used = await admin.ok<KeyLastUsed>(
      'get-access-key-last-used',
      '--access-key-id',
      key.accessKeyId,
    )
    assert.equal(used.AccessKeyLastUsed.ServiceName, 'iam')
    assert.ok(used.AccessKeyLastUsed.LastUsedDate)
  })
})
