// The credential report, parsed with a CSV library (csv-parse) and checked against the IAM User
// Guide, "Getting credential reports" (id_credentials_getting-report): the documented columns in
// order, the root account's row first, and each column's documented values.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import type { ResultObject } from '../../src/core/result.js'
import { accessKeyColumns, passwordColumns } from '../../src/iam/credential-report.js'
import { DOCUMENTED_HEADER } from '../support/credential-report-header.js'
import type { IamHarness } from '../support/iam.js'
import { ACCOUNT, iamHarness } from '../support/iam.js'
import { expectAwsError } from './entity-helpers.js'
import { codesAt } from '../support/totp-reference.js'

const T0 = new Date('2025-06-01T12:00:00.000Z')
const HOUR = 3_600_000

/** A harness whose clock the test moves. */
/** A fresh report's rows, generated a day after the last (so it is not the one reused). */
async function reportRows(h: IamHarness, clock: { now: Date }) {
  clock.now = new Date(clock.now.getTime() + 24 * HOUR)
  await h.call('GenerateCredentialReport')
  return parseReport(await h.call('GetCredentialReport')).rows
}

/** A user's password columns. */
const pick = (rows: Record<string, string | undefined>[], user: string) => {
  const row = rows.find((candidate) => candidate['user'] === user) ?? {}
  const { password_enabled, password_last_used, password_last_changed, password_next_rotation } =
    row
  return { password_enabled, password_last_used, password_last_changed, password_next_rotation }
}

async function withClock(work: (h: IamHarness, clock: { now: Date }) => Promise<void>) {
  const clock = { now: T0 }
  const h = await iamHarness(() => clock.now)
  try {
    await work(h, clock)
  } finally {
    await h.close()
  }
}

/** GetCredentialReport's CSV parsed: the header and the rows as records by column. */
function parseReport(result: ResultObject | undefined) {
  assert.equal(result?.['ReportFormat'], 'text/csv')
  const csv = Buffer.from(String(result?.['Content']), 'base64').toString('utf8')
  const [header, ...rows] = parse(csv) as string[][]
  return {
    header,
    rows: rows.map((cells) =>
      Object.fromEntries((header ?? []).map((column, i) => [column, cells[i]])),
    ),
  }
}

describe('GenerateCredentialReport and GetCredentialReport', () => {
  test('before any report: ReportNotPresent (410), and Get writes nothing', async () => {
    await withClock(async (h) => {
      const notPresent = {
        code: 'ReportNotPresent',
        // API Reference, GetCredentialReport, Errors.
        message:
          'The request was rejected because the credential report does not exist. To generate a credential report, use GenerateCredentialReport.',
        status: 410,
      }
      await expectAwsError(h.call('GetCredentialReport'), notPresent)
      await expectAwsError(h.call('GetCredentialReport'), notPresent)
      assert.equal(await h.store.read((repo) => repo.credentialReports.get(ACCOUNT)), undefined)
    })
  })

  test('STARTED with AWS’s description, then COMPLETE; a new report after four hours', async () => {
    await withClock(async (h, clock) => {
      // API Reference, GenerateCredentialReport, sample response.
      assert.deepEqual(await h.call('GenerateCredentialReport'), {
        State: 'STARTED',
        Description: 'No report exists. Starting a new report generation task',
      })
      clock.now = new Date(T0.getTime() + HOUR)
      assert.deepEqual(await h.call('GenerateCredentialReport'), { State: 'COMPLETE' })
      assert.deepEqual((await h.call('GetCredentialReport'))?.['GeneratedTime'], T0)
      // "You can generate a credential report as often as once every four hours."
      clock.now = new Date(T0.getTime() + 4 * HOUR)
      assert.equal((await h.call('GenerateCredentialReport'))?.['State'], 'STARTED')
      assert.deepEqual((await h.call('GetCredentialReport'))?.['GeneratedTime'], clock.now)
    })
  })

  test('the CSV has the documented header, the root account first, then each user', async () => {
    await withClock(async (h, clock) => {
      await h.call('CreateUser', { UserName: 'alice', Path: '/eng/' })
      clock.now = new Date(T0.getTime() + HOUR)
      const first = (await h.call('CreateAccessKey', { UserName: 'alice' }))?.['AccessKey'] as {
        AccessKeyId: string
      }
      clock.now = new Date(T0.getTime() + 2 * HOUR)
      const second = (await h.call('CreateAccessKey', { UserName: 'alice' }))?.['AccessKey'] as {
        AccessKeyId: string
      }
      await h.call('UpdateAccessKey', {
        UserName: 'alice',
        AccessKeyId: second.AccessKeyId,
        Status: 'Inactive',
      })
      await h.store.recordUse({
        accessKeys: [
          {
            accessKeyId: first.AccessKeyId,
            date: new Date('2025-06-01T15:30:00.250Z'),
            serviceName: 'sts',
            region: 'eu-west-1',
          },
        ],
        roles: [],
      })
      // User names may hold commas: the field is quoted, and a CSV reader gives it back whole.
      await h.call('CreateUser', { UserName: 'bob,jr' })
      await h.call('GenerateCredentialReport')
      const { header, rows } = parseReport(await h.call('GetCredentialReport'))
      assert.deepEqual(header, DOCUMENTED_HEADER)
      assert.deepEqual(
        rows.map((row) => row['user']),
        ['<root_account>', 'alice', 'bob,jr'],
      )
      assert.deepEqual(rows[0], {
        user: '<root_account>',
        arn: `arn:aws:iam::${ACCOUNT}:root`,
        // The account's creation (the harness makes it on 2024-01-01).
        user_creation_time: '2024-01-01T00:00:00+00:00',
        // "The value for the AWS account root user is always not_supported."
        password_enabled: 'not_supported',
        // "no_information": the root password's use is never seen by rolegate.
        password_last_used: 'no_information',
        password_last_changed: 'not_supported',
        password_next_rotation: 'not_supported',
        mfa_active: 'false',
        access_key_1_active: 'false',
        access_key_1_last_rotated: 'N/A',
        access_key_1_last_used_date: 'N/A',
        access_key_1_last_used_region: 'N/A',
        access_key_1_last_used_service: 'N/A',
        access_key_2_active: 'false',
        access_key_2_last_rotated: 'N/A',
        access_key_2_last_used_date: 'N/A',
        access_key_2_last_used_region: 'N/A',
        access_key_2_last_used_service: 'N/A',
        cert_1_active: 'false',
        cert_1_last_rotated: 'N/A',
        cert_2_active: 'false',
        cert_2_last_rotated: 'N/A',
      })
      assert.deepEqual(rows[1], {
        user: 'alice',
        arn: `arn:aws:iam::${ACCOUNT}:user/eng/alice`,
        user_creation_time: '2025-06-01T12:00:00+00:00',
        // A user without a password: FALSE, and N/A "when the user does not have a password".
        password_enabled: 'false',
        password_last_used: 'N/A',
        password_last_changed: 'N/A',
        password_next_rotation: 'N/A',
        mfa_active: 'false',
        access_key_1_active: 'true',
        access_key_1_last_rotated: '2025-06-01T13:00:00+00:00',
        access_key_1_last_used_date: '2025-06-01T15:30:00+00:00',
        access_key_1_last_used_region: 'eu-west-1',
        access_key_1_last_used_service: 'sts',
        // The second key is inactive: "If the user does not have a second active access key,
        // the value in this field is N/A"; it was never used.
        access_key_2_active: 'false',
        access_key_2_last_rotated: 'N/A',
        access_key_2_last_used_date: 'N/A',
        access_key_2_last_used_region: 'N/A',
        access_key_2_last_used_service: 'N/A',
        cert_1_active: 'false',
        cert_1_last_rotated: 'N/A',
        cert_2_active: 'false',
        cert_2_last_rotated: 'N/A',
      })
      assert.equal(rows[2]?.['arn'], `arn:aws:iam::${ACCOUNT}:user/bob,jr`)
    })
  })

  test('mfa_active is true for a user with an enabled MFA device', async () => {
    await withClock(async (h) => {
      await h.call('CreateUser', { UserName: 'carol' })
      await h.call('CreateUser', { UserName: 'dave' })
      const device = (await h.call('CreateVirtualMFADevice', { VirtualMFADeviceName: 'carol' }))?.[
        'VirtualMFADevice'
      ] as { SerialNumber: string; Base32StringSeed: string }
      // Two consecutive codes for the harness's clock, from RFC 6238 written out in Python.
      const step = Math.floor(T0.getTime() / 30_000)
      // The seed is a blob: its base32 text, base64 on the wire.
      const seed = Buffer.from(device.Base32StringSeed, 'base64').toString('ascii')
      const [code1, code2] = codesAt(seed, [step - 1, step])
      await h.call('EnableMFADevice', {
        UserName: 'carol',
        SerialNumber: device.SerialNumber,
        AuthenticationCode1: code1!,
        AuthenticationCode2: code2!,
      })
      await h.call('GenerateCredentialReport')
      const { rows } = parseReport(await h.call('GetCredentialReport'))
      assert.deepEqual(
        rows.map((row) => [row['user'], row['mfa_active']]),
        [
          ['<root_account>', 'false'],
          ['carol', 'true'],
          ['dave', 'false'],
        ],
      )
    })
  })

  test('a login profile: password_enabled true, last changed, never seen used, rotation by the policy', async () => {
    await withClock(async (h, clock) => {
      await h.call('CreateUser', { UserName: 'erin' })
      await h.call('CreateLoginProfile', { UserName: 'erin', Password: 'Corr3ct-Horse-Battery' })
      const before = await reportRows(h, clock)
      assert.deepEqual(pick(before, 'erin'), {
        password_enabled: 'true',
        password_last_used: 'no_information',
        password_last_changed: '2025-06-01T12:00:00+00:00',
        // No policy requiring rotation: "N/A".
        password_next_rotation: 'N/A',
      })
      await h.call('UpdateAccountPasswordPolicy', { MaxPasswordAge: '90' })
      const after = await reportRows(h, clock)
      assert.equal(pick(after, 'erin')['password_next_rotation'], '2025-08-30T12:00:00+00:00')
    })
  })

  test('the report is the one generated: later changes show in the next report only', async () => {
    await withClock(async (h, clock) => {
      await h.call('GenerateCredentialReport')
      await h.call('CreateUser', { UserName: 'late' })
      const users = (result: ResultObject | undefined) =>
        parseReport(result).rows.map((row) => row['user'])
      assert.deepEqual(users(await h.call('GetCredentialReport')), ['<root_account>'])
      clock.now = new Date(T0.getTime() + 5 * HOUR)
      await h.call('GenerateCredentialReport')
      assert.deepEqual(users(await h.call('GetCredentialReport')), ['<root_account>', 'late'])
    })
  })
})

// The column groups the login profile and MFA helpers' data will feed.
describe('credential report column groups', () => {
  test('a password: TRUE, its dates, no_information until used, rotation from the policy', () => {
    const lastChanged = new Date('2025-01-01T00:00:00Z')
    assert.deepEqual(passwordColumns({ lastChanged, lastUsed: null }), {
      password_enabled: 'true',
      password_last_used: 'no_information',
      password_last_changed: '2025-01-01T00:00:00+00:00',
      password_next_rotation: 'N/A',
    })
    assert.deepEqual(
      passwordColumns({ lastChanged, lastUsed: new Date('2025-02-01T10:00:00Z') }, 90),
      {
        password_enabled: 'true',
        password_last_used: '2025-02-01T10:00:00+00:00',
        password_last_changed: '2025-01-01T00:00:00+00:00',
        password_next_rotation: '2025-04-01T00:00:00+00:00',
      },
    )
  })

  test('no keys at all: false and N/A for both', () => {
    const cells = accessKeyColumns([])
    assert.equal(cells.access_key_1_active, 'false')
    assert.equal(cells.access_key_2_last_used_service, 'N/A')
  })
})
