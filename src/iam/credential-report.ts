// The credential report: GenerateCredentialReport writes AWS's CSV (its header, the root account's
// row first, then one row per user) and keeps it; GetCredentialReport hands it back base64-encoded.
// Columns and their values follow the IAM User Guide, "Getting credential reports":
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
import { AwsError } from '../core/errors.js'
import type { AccessKeyRecord, UserRecord } from '../store/ports.js'
import type { Repositories } from '../store/repositories.js'
import type { IamOperation } from './operation.js'
import { defineOperation } from './operation.js'

/** The report's columns, in AWS's order. */
export const CREDENTIAL_REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const

export type CredentialReportColumn = (typeof CREDENTIAL_REPORT_COLUMNS)[number]
type Cells = Partial<Record<CredentialReportColumn, string>>

/** "You can generate a credential report as often as once every four hours." */
export const REPORT_REUSE_MS = 4 * 60 * 60 * 1000

const NOT_APPLICABLE = 'N/A'
const NOT_SUPPORTED = 'not_supported'
const NO_INFORMATION = 'no_information'
export const ROOT_ACCOUNT_USER = '<root_account>'

/** ISO 8601 as the report writes it: `2024-01-02T03:04:05+00:00`. */
export const reportDate = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, '+00:00')
// The guide prints TRUE and FALSE; the reports AWS writes carry them in lower case, as every
// published sample report (and every parser written for them) has it.
const flag = (value: boolean) => (value ? 'true' : 'false')

/** A user's console password, as the password columns read it. */
export interface PasswordFacts {
  lastChanged: Date
  /** Null when the password was never used to sign in (`no_information`). */
  lastUsed: Date | null
}

/** Everything about one user the report's columns read. */
export interface UserCredentialFacts {
  user: UserRecord
  /** The login profile; undefined when the user has no password. */
  password: PasswordFacts | undefined
  mfaActive: boolean
  /** The user's access keys, oldest first: key 1 and key 2 of the report. */
  accessKeys: readonly AccessKeyRecord[]
}

/**
 * password_enabled .. password_next_rotation. Without a password the four are `false` and `N/A`;
 * `maxPasswordAgeDays` is the account password policy's rotation, when it requires one.
 */
export function passwordColumns(
  password: PasswordFacts | undefined,
  maxPasswordAgeDays?: number,
): Cells {
  if (password === undefined) {
    return {
      password_enabled: flag(false),
      password_last_used: NOT_APPLICABLE,
      password_last_changed: NOT_APPLICABLE,
      password_next_rotation: NOT_APPLICABLE,
    }
  }
  const nextRotation =
    maxPasswordAgeDays === undefined
      ? NOT_APPLICABLE
      : reportDate(new Date(password.lastChanged.getTime() + maxPasswordAgeDays * 86_400_000))
  return {
    password_enabled: flag(true),
    password_last_used: password.lastUsed === null ? NO_INFORMATION : reportDate(password.lastUsed),
    password_last_changed: reportDate(password.lastChanged),
    password_next_rotation: nextRotation,
  }
}

/** mfa_active: an MFA device is enabled for the user. */
export const mfaColumns = (mfaActive: boolean): Cells => ({ mfa_active: flag(mfaActive) })

/**
 * access_key_N_*: key N's status; its creation date while it is active (the guide: "If the user
 * does not have an active access key, the value in this field is N/A"); its last use, `N/A` when
 * it was never used.
 */
export function accessKeyColumns(keys: readonly AccessKeyRecord[]): Cells {
  const cells: Record<string, string> = {}
  for (const n of [1, 2] as const) {
    const key = keys[n - 1]
    const active = key?.status === 'Active'
    const used = key?.lastUsed ?? null
    cells[`access_key_${n}_active`] = flag(active)
    cells[`access_key_${n}_last_rotated`] = active ? reportDate(key.createDate) : NOT_APPLICABLE
    cells[`access_key_${n}_last_used_date`] = used ? reportDate(used.date) : NOT_APPLICABLE
    cells[`access_key_${n}_last_used_region`] = used?.region ? used.region : NOT_APPLICABLE
    cells[`access_key_${n}_last_used_service`] = used?.serviceName
      ? used.serviceName
      : NOT_APPLICABLE
  }
  return cells
}

/** cert_N_*: rolegate keeps no X.509 signing certificates, so none is ever active. */
export const certificateColumns = (): Cells => ({
  cert_1_active: flag(false),
  cert_1_last_rotated: NOT_APPLICABLE,
  cert_2_active: flag(false),
  cert_2_last_rotated: NOT_APPLICABLE,
})

/** One user's row. */
export function userRow(facts: UserCredentialFacts, maxPasswordAgeDays?: number): Cells {
  return {
    user: facts.user.userName,
    arn: facts.user.arn,
    user_creation_time: reportDate(facts.user.createDate),
    ...passwordColumns(facts.password, maxPasswordAgeDays),
    ...mfaColumns(facts.mfaActive),
    ...accessKeyColumns(facts.accessKeys),
    ...certificateColumns(),
  }
}

/**
 * The root account's row: "The value for the AWS account root user is always not_supported" for
 * its password columns but the last use, which rolegate never sees (`no_information`); the root
 * user holds no access keys here.
 */
export function rootRow(accountId: string, accountCreated: Date, mfaActive = false): Cells {
  return {
    user: ROOT_ACCOUNT_USER,
    arn: `arn:aws:iam::${accountId}:root`,
    user_creation_time: reportDate(accountCreated),
    password_enabled: NOT_SUPPORTED,
    password_last_used: NO_INFORMATION,
    password_last_changed: NOT_SUPPORTED,
    password_next_rotation: NOT_SUPPORTED,
    ...mfaColumns(mfaActive),
    ...accessKeyColumns([]),
    ...certificateColumns(),
  }
}

/** RFC 4180 quoting: user names may hold commas (`[\w+=,.@-]+`). */
const csvField = (value: string) =>
  /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value

/** The CSV text: the header, then each row's cells in column order, one line each. */
export function credentialReportCsv(rows: readonly Cells[]): string {
  const lines = [CREDENTIAL_REPORT_COLUMNS.join(',')]
  for (const row of rows) {
    lines.push(CREDENTIAL_REPORT_COLUMNS.map((column) => csvField(row[column] ?? '')).join(','))
  }
  return lines.join('\n')
}

/**
 * What the report knows of one user. Login profiles and MFA devices are read here once the store
 * keeps them; until then every user is without a password and without MFA.
 */
export async function userCredentialFacts(
  repo: Repositories,
  user: UserRecord,
): Promise<UserCredentialFacts> {
  const keys = await repo.accessKeys.listForUser(user.userId)
  const login = await repo.loginProfiles.get(user.userId)
  return {
    user,
    // rolegate serves no console, so a password is never seen in use: `no_information`.
    password: login && { lastChanged: login.passwordLastChanged, lastUsed: null },
    mfaActive: (await repo.mfaDevices.listForUser(user.userId)).length > 0,
    accessKeys: [...keys].sort((a, b) => a.createDate.getTime() - b.createDate.getTime()),
  }
}

/** The account's report as of now: the root account's row, then every user's, by name. */
export async function buildCredentialReport(repo: Repositories, accountId: string, now: Date) {
  const account = await repo.accounts.get(accountId)
  const rows: Cells[] = [rootRow(accountId, account?.createDate ?? now)]
  // A password policy with a maximum age sets each password's next rotation.
  const maxAge = (await repo.passwordPolicies.get(accountId))?.maxPasswordAge ?? undefined
  for (const user of await repo.users.list(accountId)) {
    rows.push(userRow(await userCredentialFacts(repo, user), maxAge))
  }
  return credentialReportCsv(rows)
}

// API Reference, GenerateCredentialReport's example response.
const STARTED_DESCRIPTION = 'No report exists. Starting a new report generation task'

const generateCredentialReport = defineOperation({
  name: 'GenerateCredentialReport',
  input: {},
  resource: () => '*',
  async run(_input, context) {
    const { repo, accountId, now } = context
    const latest = await repo.credentialReports.get(accountId)
    // A report from the last four hours is the one a Get returns: nothing new to start.
    if (latest && now.getTime() - latest.generatedTime.getTime() < REPORT_REUSE_MS) {
      return { State: 'COMPLETE' }
    }
    // Made at once: the next call finds it COMPLETE, and a Get downloads it.
    const content = await buildCredentialReport(repo, accountId, now)
    await repo.credentialReports.put({ accountId, generatedTime: now, content })
    return { State: 'STARTED', Description: STARTED_DESCRIPTION }
  },
})

// API Reference, GetCredentialReport, Errors: ReportNotPresent (HTTP 410).
const reportNotPresent = () =>
  new AwsError(
    'ReportNotPresent',
    'The request was rejected because the credential report does not exist. To generate a credential report, use GenerateCredentialReport.',
  )

const getCredentialReport = defineOperation({
  name: 'GetCredentialReport',
  input: {},
  resource: () => '*',
  store: 'read',
  async run(_input, context) {
    const report = await context.repo.credentialReports.get(context.accountId)
    if (!report) throw reportNotPresent()
    return {
      Content: Buffer.from(report.content, 'utf8').toString('base64'),
      ReportFormat: 'text/csv',
      GeneratedTime: report.generatedTime,
    }
  },
})

export const credentialReportOperations: IamOperation[] = [
  generateCredentialReport,
  getCredentialReport,
]
