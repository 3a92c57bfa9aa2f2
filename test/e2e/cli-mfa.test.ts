// Virtual MFA end to end through the real AWS CLI and boto3 at the real time, with every code from
// Python's hmac: a user sets up a device under AWS's own "manage your own MFA" policy (the QR code
// the CLI writes decodes to the seed), is denied without MFA, signs in with GetSessionToken, and
// assumes a role whose trust policy requires MFA through the CLI's `mfa_serial` setting, which
// prompts for the code; every device call and refusal in AWS's words.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { boto3Script } from '../support/aws-cli.js'
import type { Credentials, RunResult } from '../support/aws-cli.js'
import { cliErrorLine, iamCli } from '../support/iam-cli.js'
import type { IamCli } from '../support/iam-cli.js'
import { decodeQrPng } from '../support/qr-decode.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'
import { currentCodes } from '../support/totp-reference.js'

const ACCOUNT = '123456789012'
const INVALID_CODE = 'MultiFactorAuthentication failed with invalid MFA one time pass code.'

interface AccessKey {
  AccessKey: { AccessKeyId: string; SecretAccessKey: string }
}
interface SessionAnswer {
  Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string }
}

const keyOf = (created: AccessKey): Credentials => ({
  accessKeyId: created.AccessKey.AccessKeyId,
  secretAccessKey: created.AccessKey.SecretAccessKey,
})

const sessionOf = (answer: SessionAnswer): Credentials => ({
  accessKeyId: answer.Credentials.AccessKeyId,
  secretAccessKey: answer.Credentials.SecretAccessKey,
  sessionToken: answer.Credentials.SessionToken,
})

/**
 * AWS's example policy "Allows MFA-authenticated IAM users to manage their own MFA device"
 * (IAM User Guide), as it stands in ../shared/corpora/iam-policy-grammar/valid.json, with
 * iam:ListRoles and sts:AssumeRole granted besides: the deny holds them back until MFA.
 */
const selfManagedMfa = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowManageOwnVirtualMFADevice',
      Effect: 'Allow',
      Action: ['iam:CreateVirtualMFADevice', 'iam:DeleteVirtualMFADevice'],
      Resource: 'arn:aws:iam::*:mfa/${aws:username}',
    },
    {
      Sid: 'AllowManageOwnUserMFA',
      Effect: 'Allow',
      Action: [
        'iam:DeactivateMFADevice',
        'iam:EnableMFADevice',
        'iam:ListMFADevices',
        'iam:ResyncMFADevice',
      ],
      Resource: 'arn:aws:iam::*:user/${aws:username}',
    },
    {
      Sid: 'AllowViewAccountInfo',
      Effect: 'Allow',
      Action: 'iam:ListVirtualMFADevices',
      Resource: '*',
    },
    { Sid: 'Work', Effect: 'Allow', Action: ['iam:ListRoles', 'sts:AssumeRole'], Resource: '*' },
    {
      Sid: 'DenyAllExceptListedIfNoMFA',
      Effect: 'Deny',
      NotAction: [
        'iam:CreateVirtualMFADevice',
        'iam:EnableMFADevice',
        'iam:GetUser',
        'iam:ListMFADevices',
        'iam:ListVirtualMFADevices',
        'iam:ResyncMFADevice',
        'sts:GetSessionToken',
      ],
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    },
  ],
})

/** The AWS CLI with config files in a home of its own, no terminal (so getpass reads stdin). */
function awsWithProfile(
  home: string,
  endpoint: string,
  args: string[],
  input = '',
): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    // The role a profile names is assumed through this endpoint (the CLI's own STS client).
    AWS_ENDPOINT_URL: endpoint,
    ...(process.env['PYENV_ROOT'] ? { PYENV_ROOT: process.env['PYENV_ROOT'] } : {}),
  }
  return new Promise((resolve, reject) => {
    // detached: a new session without a controlling terminal, so the MFA prompt reads stdin.
    const child = spawn('aws', ['--output', 'json', ...args], { env, detached: true })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
    child.stdin.end(input)
  })
}

/** Two consecutive current codes, for EnableMFADevice; answers the step of the second. */
async function enablingCodes(seed: string) {
  const { step, codes } = await currentCodes(seed, [-1, 0])
  return { step, one: codes[0]!, two: codes[1]! }
}

/** A sign-in code for a step after `used` (the last step the device accepted). */
async function signInCode(seed: string, used: number) {
  const { step, codes } = await currentCodes(seed, [0, 1])
  assert.ok(step + 1 > used, 'the clock went back')
  return step > used ? codes[0]! : codes[1]!
}

/** A six-digit code that is none of the device's codes near now. */
async function wrongCode(seed: string) {
  const { codes } = await currentCodes(seed, [-2, -1, 0, 1, 2])
  let code = 0
  while (codes.includes(String(code).padStart(6, '0'))) code += 1
  return String(code).padStart(6, '0')
}

describe('AWS CLI and boto3: virtual MFA devices', () => {
  let server: TestServer
  let admin: IamCli
  let alice: IamCli
  let aliceKey: Credentials
  let serial: string
  let seed: string
  let enabledStep: number

  before(async () => {
    server = await startTestServer()
    admin = iamCli(server.url, server.admin)
    await admin.ok('create-user', '--user-name', 'alice')
    await admin.ok(
      'put-user-policy',
      '--user-name',
      'alice',
      '--policy-name',
      'self-managed-mfa',
      '--policy-document',
      selfManagedMfa,
    )
    aliceKey = keyOf(await admin.ok<AccessKey>('create-access-key', '--user-name', 'alice'))
    alice = iamCli(server.url, aliceKey)
  })
  after(() => server.cleanup())

  test('a user makes and enables their own device; the QR code the CLI writes holds its seed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolegate-mfa-'))
    const png = join(dir, 'qr.png')
    const created = await alice.ok<{ VirtualMFADevice: { SerialNumber: string } }>(
      'create-virtual-mfa-device',
      '--virtual-mfa-device-name',
      'alice',
      '--outfile',
      png,
      '--bootstrap-method',
      'QRCodePNG',
    )
    serial = created.VirtualMFADevice.SerialNumber
    assert.equal(serial, `arn:aws:iam::${ACCOUNT}:mfa/alice`)
    const uri = decodeQrPng(readFileSync(png))
    const match =
      /^otpauth:\/\/totp\/Amazon%20Web%20Services:alice@123456789012\?secret=([A-Z2-7]{64})&issuer=Amazon%20Web%20Services$/.exec(
        uri,
      )
    assert.ok(match, uri)
    seed = match[1]!
    // Another name is outside the policy's mfa/${aws:username}.
    await alice.fails(
      {
        code: 'AccessDenied',
        operation: 'CreateVirtualMFADevice',
        message: `User: arn:aws:iam::${ACCOUNT}:user/alice is not authorized to perform: iam:CreateVirtualMFADevice on resource: arn:aws:iam::${ACCOUNT}:mfa/bob because no identity-based policy allows the iam:CreateVirtualMFADevice action`,
      },
      'create-virtual-mfa-device',
      '--virtual-mfa-device-name',
      'bob',
      '--outfile',
      join(dir, 'bob.png'),
      '--bootstrap-method',
      'QRCodePNG',
    )

    const codes = await enablingCodes(seed)
    await alice.fails(
      {
        code: 'InvalidAuthenticationCode',
        operation: 'EnableMFADevice',
        message: 'Authentication code for device is not valid.',
      },
      'enable-mfa-device',
      '--user-name',
      'alice',
      '--serial-number',
      serial,
      '--authentication-code1',
      codes.two,
      '--authentication-code2',
      codes.one,
    )
    await alice.ok(
      'enable-mfa-device',
      '--user-name',
      'alice',
      '--serial-number',
      serial,
      '--authentication-code1',
      codes.one,
      '--authentication-code2',
      codes.two,
    )
    enabledStep = codes.step
    const listed = await alice.ok<{ MFADevices: { UserName: string; SerialNumber: string }[] }>(
      'list-mfa-devices',
    )
    assert.deepEqual(
      listed.MFADevices.map((d) => [d.UserName, d.SerialNumber]),
      [['alice', serial]],
    )
    const assigned = await alice.ok<{
      VirtualMFADevices: { SerialNumber: string; User: { UserName: string } }[]
    }>('list-virtual-mfa-devices', '--assignment-status', 'Assigned')
    assert.deepEqual(
      assigned.VirtualMFADevices.map((d) => [d.SerialNumber, d.User.UserName]),
      [[serial, 'alice']],
    )
  })

  test('without MFA the policy denies; a GetSessionToken code lifts it, once', async () => {
    const denied = await alice.run('list-roles')
    assert.notEqual(denied.code, 0)
    assert.match(
      denied.stderr.trim(),
      /^An error occurred \(AccessDenied\) when calling the ListRoles operation: User: arn:aws:iam::123456789012:user\/alice is not authorized to perform: iam:ListRoles on resource: .* with an explicit deny in an identity-based policy$/,
    )
    const code = await signInCode(seed, enabledStep)
    const getToken = (tokenCode: string) =>
      stsCall(server.url, aliceKey, [
        'get-session-token',
        '--serial-number',
        serial,
        '--token-code',
        tokenCode,
      ])
    const session = sessionOf(JSON.parse((await getToken(code)).stdout) as SessionAnswer)
    const roles = await iamCli(server.url, session).ok<{ Roles: unknown[] }>('list-roles')
    assert.ok(Array.isArray(roles.Roles))
    // The same code again, and a wrong one, are refused in AWS's words.
    for (const again of [code, await wrongCode(seed)]) {
      const refused = await getToken(again)
      assert.notEqual(refused.code, 0)
      assert.equal(
        refused.stderr.trim(),
        cliErrorLine('AccessDenied', 'GetSessionToken', INVALID_CODE),
      )
    }
    // The long-term key is still held back.
    assert.notEqual((await alice.run('list-roles')).code, 0)
  })

  test('device calls through the CLI: tags, resync, and the refusals that protect a device in use', async () => {
    await admin.ok(
      'tag-mfa-device',
      '--serial-number',
      serial,
      '--tags',
      'Key=team,Value=blue',
      'Key=Alpha,Value=1',
    )
    const tags = await admin.ok<{ Tags: { Key: string; Value: string }[] }>(
      'list-mfa-device-tags',
      '--serial-number',
      serial,
    )
    assert.deepEqual(tags.Tags, [
      { Key: 'Alpha', Value: '1' },
      { Key: 'team', Value: 'blue' },
    ])
    await admin.ok('untag-mfa-device', '--serial-number', serial, '--tag-keys', 'team')
    assert.deepEqual(
      (await admin.ok<{ Tags: unknown[] }>('list-mfa-device-tags', '--serial-number', serial)).Tags,
      [{ Key: 'Alpha', Value: '1' }],
    )
    await admin.fails(
      {
        code: 'DeleteConflict',
        operation: 'DeleteVirtualMFADevice',
        message: 'MFA VirtualDevice in use. Must deactivate first.',
      },
      'delete-virtual-mfa-device',
      '--serial-number',
      serial,
    )
    await admin.fails(
      {
        code: 'NoSuchEntity',
        operation: 'DeactivateMFADevice',
        message: 'MFA Device invalid for user.',
      },
      'deactivate-mfa-device',
      '--user-name',
      'admin',
      '--serial-number',
      serial,
    )
    // Resync takes two consecutive codes after the last one used.
    const { codes } = await currentCodes(seed, [2, 3])
    await admin.ok(
      'resync-mfa-device',
      '--user-name',
      'alice',
      '--serial-number',
      serial,
      '--authentication-code1',
      codes[0]!,
      '--authentication-code2',
      codes[1]!,
    )
    const unassigned = await admin.ok<{ VirtualMFADevices: unknown[] }>(
      'list-virtual-mfa-devices',
      '--assignment-status',
      'Unassigned',
    )
    assert.deepEqual(unassigned.VirtualMFADevices, [])
  })

  test('a user with a device enabled is not deleted until it is deactivated and deleted', async () => {
    await admin.ok('create-user', '--user-name', 'dave')
    const seedFile = join(mkdtempSync(join(tmpdir(), 'rolegate-mfa-')), 'seed.txt')
    const created = await admin.ok<{ VirtualMFADevice: { SerialNumber: string } }>(
      'create-virtual-mfa-device',
      '--virtual-mfa-device-name',
      'dave',
      '--path',
      '/people/',
      '--outfile',
      seedFile,
      '--bootstrap-method',
      'Base32StringSeed',
    )
    const daveSerial = created.VirtualMFADevice.SerialNumber
    assert.equal(daveSerial, `arn:aws:iam::${ACCOUNT}:mfa/people/dave`)
    const daveSeed = readFileSync(seedFile, 'ascii')
    assert.match(daveSeed, /^[A-Z2-7]{64}$/)
    const codes = await enablingCodes(daveSeed)
    await admin.ok(
      'enable-mfa-device',
      '--user-name',
      'dave',
      '--serial-number',
      daveSerial,
      '--authentication-code1',
      codes.one,
      '--authentication-code2',
      codes.two,
    )
    await admin.fails(
      {
        code: 'DeleteConflict',
        operation: 'DeleteUser',
        message: 'Cannot delete entity, must delete MFA device first.',
      },
      'delete-user',
      '--user-name',
      'dave',
    )
    await admin.ok('deactivate-mfa-device', '--user-name', 'dave', '--serial-number', daveSerial)
    await admin.ok('delete-user', '--user-name', 'dave')
    await admin.ok('delete-virtual-mfa-device', '--serial-number', daveSerial)
    await admin.fails(
      {
        code: 'NoSuchEntity',
        operation: 'DeleteVirtualMFADevice',
        message: `VirtualMFADevice with serial number ${daveSerial} does not exist.`,
      },
      'delete-virtual-mfa-device',
      '--serial-number',
      daveSerial,
    )
  })

  test("a role that requires MFA: the CLI's mfa_serial prompts for the code, and refuses without it", async () => {
    await admin.ok('create-user', '--user-name', 'carol')
    const carolKey = keyOf(await admin.ok<AccessKey>('create-access-key', '--user-name', 'carol'))
    const created = await boto3Json<{ serial: string; seed: string; png: string }>(
      server,
      `
import base64, boto3, os, json
iam = boto3.client("iam", endpoint_url=os.environ["ROLEGATE_ENDPOINT"])
device = iam.create_virtual_mfa_device(VirtualMFADeviceName="carol")["VirtualMFADevice"]
print(json.dumps({"serial": device["SerialNumber"], "seed": device["Base32StringSeed"].decode(),
                  "png": base64.b64encode(device["QRCodePNG"]).decode()}))
`,
    )
    assert.equal(
      decodeQrPng(Buffer.from(created.png, 'base64')),
      `otpauth://totp/Amazon%20Web%20Services:carol@${ACCOUNT}?secret=${created.seed}&issuer=Amazon%20Web%20Services`,
    )
    const codes = await enablingCodes(created.seed)
    await admin.ok(
      'enable-mfa-device',
      '--user-name',
      'carol',
      '--serial-number',
      created.serial,
      '--authentication-code1',
      codes.one,
      '--authentication-code2',
      codes.two,
    )
    await admin.ok(
      'put-user-policy',
      '--user-name',
      'carol',
      '--policy-name',
      'assume',
      '--policy-document',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
      }),
    )
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/needs-mfa`
    await admin.ok(
      'create-role',
      '--role-name',
      'needs-mfa',
      '--assume-role-policy-document',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/carol` },
            Action: 'sts:AssumeRole',
            Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
          },
        ],
      }),
    )

    const home = mkdtempSync(join(tmpdir(), 'rolegate-home-'))
    writeFileSync(
      join(home, 'credentials'),
      `[carol]\naws_access_key_id = ${carolKey.accessKeyId}\naws_secret_access_key = ${carolKey.secretAccessKey}\n`,
    )
    writeFileSync(
      join(home, 'config'),
      [
        '[profile with-mfa]',
        `role_arn = ${roleArn}`,
        'source_profile = carol',
        `mfa_serial = ${created.serial}`,
        '',
        '[profile without-mfa]',
        `role_arn = ${roleArn}`,
        'source_profile = carol',
        '',
      ].join('\n'),
    )
    const whoAmI = (profile: string, input = '') =>
      awsWithProfile(home, server.url, ['sts', 'get-caller-identity', '--profile', profile], input)

    const without = await whoAmI('without-mfa')
    assert.notEqual(without.code, 0)
    assert.equal(
      without.stderr.trim(),
      cliErrorLine(
        'AccessDenied',
        'AssumeRole',
        `User: arn:aws:iam::${ACCOUNT}:user/carol is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      ),
    )
    const wrong = await whoAmI('with-mfa', `${await wrongCode(created.seed)}\n`)
    assert.notEqual(wrong.code, 0)
    assert.match(wrong.stderr, /Enter MFA code for arn:aws:iam::123456789012:mfa\/carol: /)
    assert.ok(
      wrong.stderr.trim().endsWith(cliErrorLine('AccessDenied', 'AssumeRole', INVALID_CODE)),
      wrong.stderr,
    )
    const code = await signInCode(created.seed, codes.step)
    const assumed = await whoAmI('with-mfa', `${code}\n`)
    assert.equal(assumed.code, 0, assumed.stderr)
    const identity = JSON.parse(assumed.stdout) as { Arn: string }
    assert.match(identity.Arn, /^arn:aws:sts::123456789012:assumed-role\/needs-mfa\/.+$/)
  })
})

/** `aws sts ARGS...` signed with `credentials`. */
function stsCall(endpoint: string, credentials: Credentials, args: string[]): Promise<RunResult> {
  const home = mkdtempSync(join(tmpdir(), 'rolegate-home-'))
  writeFileSync(
    join(home, 'credentials'),
    `[default]\naws_access_key_id = ${credentials.accessKeyId}\naws_secret_access_key = ${credentials.secretAccessKey}\n`,
  )
  return awsWithProfile(home, endpoint, ['sts', ...args])
}

/** A boto3 script's JSON output, signed as the server's admin. */
async function boto3Json<T>(server: TestServer, script: string): Promise<T> {
  const result = await boto3Script({ endpoint: server.url, credentials: server.admin }, script)
  assert.equal(result.code, 0, result.stderr)
  return JSON.parse(result.stdout) as T
}
