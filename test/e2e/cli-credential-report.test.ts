// The credential report through the real AWS CLI over a socket: ReportNotPresent before any
// report, STARTED then COMPLETE, and the CSV (base64 in Content) read with a CSV library against
// the IAM User Guide's documented header (id_credentials_getting-report).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { DOCUMENTED_HEADER } from '../support/credential-report-header.js'
import { iamCli } from '../support/iam-cli.js'
import type { IamCli } from '../support/iam-cli.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

describe('AWS CLI: credential report', () => {
  let server: TestServer
  let cli: IamCli
  before(async () => {
    server = await startTestServer()
    cli = iamCli(server.url, server.admin)
  })
  after(() => server.cleanup())

  test('not present, generated, then downloaded as AWS CSV', async () => {
    await cli.fails(
      {
        code: 'ReportNotPresent',
        operation: 'GetCredentialReport',
        message:
          'The request was rejected because the credential report does not exist. To generate a credential report, use GenerateCredentialReport.',
      },
      'get-credential-report',
    )
    await cli.ok('create-user', '--user-name', 'auditor')
    assert.deepEqual(await cli.ok('generate-credential-report'), {
      State: 'STARTED',
      Description: 'No report exists. Starting a new report generation task',
    })
    assert.deepEqual(await cli.ok('generate-credential-report'), { State: 'COMPLETE' })
    const report = await cli.ok<{ Content: string; ReportFormat: string; GeneratedTime: string }>(
      'get-credential-report',
    )
    assert.equal(report.ReportFormat, 'text/csv')
    assert.match(report.GeneratedTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    const [header, ...rows] = parse(
      Buffer.from(report.Content, 'base64').toString('utf8'),
    ) as string[][]
    assert.deepEqual(header, DOCUMENTED_HEADER)
    const byUser = new Map(rows.map((row) => [row[0], row]))
    assert.equal(rows[0]?.[0], '<root_account>')
    assert.equal(rows[0]?.[1], 'arn:aws:iam::123456789012:root')
    // The bootstrap's admin user holds the key this CLI signs with: active, and used.
    const admin = byUser.get('admin')
    assert.ok(admin, 'the admin user has a row')
    assert.equal(admin[DOCUMENTED_HEADER.indexOf('access_key_1_active')], 'true')
    const auditor = byUser.get('auditor')
    assert.deepEqual(auditor?.slice(3), [
      'false',
      'N/A',
      'N/A',
      'N/A',
      'false',
      'false',
      'N/A',
      'N/A',
      'N/A',
      'N/A',
      'false',
      'N/A',
      'N/A',
      'N/A',
      'N/A',
      'false',
      'N/A',
      'false',
      'N/A',
    ])
  })
})
