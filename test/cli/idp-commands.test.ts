// `rolegate idp ...` end to end against a running server over a socket, with the real AWS CLI on
// the IAM side: the app's metadata printed by the command and taken unchanged by
// `aws iam create-saml-provider`, roles made with the AWS CLI and learned by the app through an
// IAM user's least-privilege key, the directory, assignments, and a signed SAMLResponse printed
// for scripts that node-saml accepts against the metadata. Passwords and secret keys go in on
// standard input. Usage errors exit 2 before anything is sent; AWS errors exit 1 in the AWS CLI's
// words; a caller without rolegate permissions is refused.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { awsCli, json as awsJson } from '../support/aws-cli.js'
import type { ClientEnvironment } from '../support/aws-cli.js'
import {
  APP_POLICY,
  ROLE_ATTRIBUTE,
  attributeValues,
  readMetadata,
  samlTrustPolicy,
  validateWithNodeSaml,
} from '../support/idp.js'
import { runRolegate } from '../support/rolegate-cli.js'
import { TEST_ADMIN_KEY, startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

const ACCOUNT = '123456789012'
const PROVIDER = `arn:aws:iam::${ACCOUNT}:saml-provider/rolegate`
const DEVELOPER = `arn:aws:iam::${ACCOUNT}:role/OktaDeveloper`
const PROD_ADMIN = `arn:aws:iam::${ACCOUNT}:role/OktaProdAdminRole`

describe('rolegate idp against a running server', () => {
  let server: TestServer
  let env: NodeJS.ProcessEnv
  let aws: ClientEnvironment
  let dir: string
  let metadata: string

  /** Runs `rolegate ARGS` in process, with `stdin` as its standard input. */
  const rolegate = (args: string[], stdin?: string, environment = env) =>
    runRolegate(args, environment, stdin)

  const ok = async (args: string[], stdin?: string) => {
    const run = await rolegate(args, stdin)
    assert.equal(run.code, 0, run.err)
    return run.out
  }
  const okJson = async (args: string[], stdin?: string) =>
    JSON.parse(await ok(args, stdin)) as Record<string, unknown>

  before(async () => {
    server = await startTestServer()
    dir = mkdtempSync(join(tmpdir(), 'rolegate-idp-cli-'))
    env = {
      HOME: dir,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_ACCESS_KEY_ID: TEST_ADMIN_KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_ADMIN_KEY.secretAccessKey,
      AWS_ENDPOINT_URL: server.url,
    }
    aws = { endpoint: server.url, credentials: TEST_ADMIN_KEY }
  })
  after(() => server.cleanup())

  test('idp metadata prints XML that aws iam create-saml-provider takes unchanged', async () => {
    metadata = await ok(['idp', 'metadata'])
    assert.match(metadata, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<md:EntityDescriptor /)
    const read = readMetadata(metadata)
    assert.equal(read.entityId, `${server.url}/idp/${ACCOUNT}`)
    assert.equal(read.certificates.length, 2)
    // The same document is served, unsigned, at the metadata URL.
    const served = await fetch(`${server.url}/idp/${ACCOUNT}/metadata`)
    assert.equal(served.status, 200)
    assert.equal(await served.text(), metadata)
    const file = join(dir, 'metadata.xml')
    writeFileSync(file, metadata)
    const created = awsJson<{ SAMLProviderArn: string }>(
      await awsCli(aws, [
        'iam',
        'create-saml-provider',
        '--name',
        'rolegate',
        '--saml-metadata-document',
        `file://${file}`,
      ]),
    )
    assert.equal(created.SAMLProviderArn, PROVIDER)
    const got = awsJson<{ SAMLMetadataDocument: string }>(
      await awsCli(aws, ['iam', 'get-saml-provider', '--saml-provider-arn', PROVIDER]),
    )
    assert.equal(got.SAMLMetadataDocument, metadata)
  })

  test('the app learns roles made with the AWS CLI through a least-privilege IAM user', async () => {
    for (const name of ['OktaDeveloper', 'OktaProdAdminRole']) {
      awsJson(
        await awsCli(aws, [
          'iam',
          'create-role',
          '--role-name',
          name,
          '--assume-role-policy-document',
          samlTrustPolicy(PROVIDER),
        ]),
      )
    }
    awsJson(
      await awsCli(aws, [
        'iam',
        'attach-role-policy',
        '--role-name',
        'OktaDeveloper',
        '--policy-arn',
        'arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess',
      ]),
    )
    awsJson(await awsCli(aws, ['iam', 'create-user', '--user-name', 'okta-app']))
    awsJson(
      await awsCli(aws, [
        'iam',
        'put-user-policy',
        '--user-name',
        'okta-app',
        '--policy-name',
        'list-roles',
        '--policy-document',
        JSON.stringify(APP_POLICY),
      ]),
    )
    const { AccessKey } = awsJson<{
      AccessKey: { AccessKeyId: string; SecretAccessKey: string }
    }>(await awsCli(aws, ['iam', 'create-access-key', '--user-name', 'okta-app']))
    const set = await okJson(
      ['idp', 'app', 'set', '--access-key-id', AccessKey.AccessKeyId, '--secret-access-key-stdin'],
      `${AccessKey.SecretAccessKey}\n`,
    )
    assert.equal((set['App'] as Record<string, unknown>)['AccessKeyId'], AccessKey.AccessKeyId)
    assert.equal(set['RolesFound'], '2')
    const roles = await okJson(['idp', 'app', 'roles'])
    assert.deepEqual(roles['Roles'], [
      { RoleArn: DEVELOPER, RoleName: 'OktaDeveloper', ProviderArn: PROVIDER },
      { RoleArn: PROD_ADMIN, RoleName: 'OktaProdAdminRole', ProviderArn: PROVIDER },
    ])
  })

  test('users, groups and assignments', async () => {
    const created = await okJson(
      [
        'idp',
        'user',
        'create',
        'alice@example.com',
        '--email',
        'alice@example.com',
        '--password-stdin',
      ],
      'alice-password-1\n',
    )
    assert.equal((created['User'] as Record<string, unknown>)['UserName'], 'alice@example.com')
    await okJson(['idp', 'user', 'create', 'bob', '--password-stdin'], 'bob-password-1')
    const group = JSON.parse(await ok(['idp', 'group', 'create', 'developers'])) as {
      Group: Record<string, string>
    }
    assert.equal(group.Group['Arn'], `arn:aws:rolegate::${ACCOUNT}:idp/group/developers`)
    await ok(['idp', 'group', 'add-member', 'developers', 'alice@example.com'])
    await ok(['idp', 'group', 'add-member', 'developers', 'bob'])
    await ok(['idp', 'group', 'remove-member', 'developers', 'bob'])
    await ok(['idp', 'assign', '--group', 'developers', '--role', DEVELOPER])
    await ok(['idp', 'assign', '--user', 'alice@example.com', '--role', PROD_ADMIN])
    const groups = (await okJson(['idp', 'group', 'list']))['Groups'] as Record<string, unknown>[]
    assert.deepEqual(
      groups.map((group) => [group['GroupName'], group['Members'], group['Roles']]),
      [['developers', ['alice@example.com'], [DEVELOPER]]],
    )
    const users = (await okJson(['idp', 'user', 'list']))['Users'] as Record<string, unknown>[]
    assert.deepEqual(
      users.map((user) => [user['UserName'], user['Groups'], user['Roles'], user['TotpRequired']]),
      [
        ['alice@example.com', ['developers'], [PROD_ADMIN], 'false'],
        ['bob', [], [], 'false'],
      ],
    )
    const totp = await okJson(['idp', 'user', 'require-totp', 'bob'])
    assert.match(String(totp['KeyUri']), /^otpauth:\/\/totp\/rolegate:bob\?/)
    await ok(['idp', 'user', 'set-password', 'bob', '--password-stdin'], 'bob-password-2\n')
    await ok(['idp', 'user', 'delete', 'bob'])
  })

  test('idp assertion prints a signed response node-saml accepts against the metadata', async () => {
    const all = (await ok(['idp', 'assertion', '--user', 'alice@example.com'])).trim()
    assert.match(all, /^[A-Za-z0-9+/]+=*$/)
    const xml = Buffer.from(all, 'base64').toString('utf8')
    assert.deepEqual(attributeValues(xml, ROLE_ATTRIBUTE), [
      `${DEVELOPER},${PROVIDER}`,
      `${PROD_ADMIN},${PROVIDER}`,
    ])
    const profile = await validateWithNodeSaml(all, readFileSync(join(dir, 'metadata.xml'), 'utf8'))
    assert.equal(profile.nameID, 'alice@example.com')
    const one = (
      await ok(['idp', 'assertion', '--user', 'alice@example.com', '--role', DEVELOPER])
    ).trim()
    assert.deepEqual(attributeValues(Buffer.from(one, 'base64').toString('utf8'), ROLE_ATTRIBUTE), [
      `${DEVELOPER},${PROVIDER}`,
    ])
  })

  test('rotation: the metadata IAM holds already trusts the key that signs next', async () => {
    const before = readMetadata(metadata)
    const rotated = await okJson(['idp', 'app', 'rotate-key'])
    assert.deepEqual(
      (rotated['SigningKeys'] as Record<string, unknown>[]).map((key) => key['Status']),
      ['Signing', 'Next', 'Retired'],
    )
    const response = (await ok(['idp', 'assertion', '--user', 'alice@example.com'])).trim()
    const held = awsJson<{ SAMLMetadataDocument: string }>(
      await awsCli(aws, ['iam', 'get-saml-provider', '--saml-provider-arn', PROVIDER]),
    )
    await validateWithNodeSaml(response, held.SAMLMetadataDocument)
    const fresh = await ok(['idp', 'metadata'])
    assert.equal(readMetadata(fresh).certificates[0], before.certificates[1])
    const file = join(dir, 'metadata-rotated.xml')
    writeFileSync(file, fresh)
    awsJson(
      await awsCli(aws, [
        'iam',
        'update-saml-provider',
        '--saml-provider-arn',
        PROVIDER,
        '--saml-metadata-document',
        `file://${file}`,
      ]),
    )
  })

  test('usage errors exit 2 before anything is sent', async () => {
    const noPassword = await rolegate(['idp', 'user', 'create', 'carol'])
    assert.equal(noPassword.code, 2)
    assert.match(
      noPassword.err,
      /^rolegate idp: --password-stdin is required: the password is read from standard input\n\nUsage: rolegate idp /,
    )
    const emptyStdin = await rolegate(['idp', 'user', 'create', 'carol', '--password-stdin'], '\n')
    assert.equal(emptyStdin.code, 2)
    assert.match(emptyStdin.err, /^rolegate idp: nothing was given on standard input/)
    for (const [args, message] of [
      [['idp', 'assign', '--role', DEVELOPER], 'give one of --user and --group'],
      [
        ['idp', 'assign', '--user', 'a', '--group', 'b', '--role', DEVELOPER],
        'give one of --user and --group',
      ],
      [['idp', 'assertion'], '--user is required'],
      [['idp', 'user', 'frobnicate'], "unknown idp user command 'frobnicate'"],
      [['idp', 'group', 'add-member', 'developers'], 'group add-member needs a GROUP and a USER'],
      [['idp', 'metadata', '--email', 'x@y'], '--email does not apply to idp metadata'],
      [
        ['idp', 'app', 'set', '--access-key-id', 'AKIA'],
        '--access-key-id and --secret-access-key-stdin go together',
      ],
    ] as const) {
      const run = await rolegate([...args])
      assert.equal(run.code, 2, run.err)
      assert.equal(run.err.split('\n')[0], `rolegate idp: ${message}`)
    }
    const groups = (await okJson(['idp', 'group', 'list']))['Groups'] as unknown[]
    assert.equal(groups.length, 1)
    const help = await rolegate(['idp', '--help'])
    assert.equal(help.code, 0)
    assert.match(help.out, /^Usage: rolegate idp /)
  })

  test("AWS errors exit 1 in the AWS CLI's words; a caller without permission is refused", async () => {
    const duplicate = await rolegate(
      ['idp', 'user', 'create', 'Alice@example.com', '--password-stdin'],
      'another-password',
    )
    assert.equal(duplicate.code, 1)
    assert.equal(
      duplicate.err,
      'An error occurred (EntityAlreadyExists) when calling the CreateIdpUser operation: IdP user with name Alice@example.com already exists.\n',
    )
    const short = await rolegate(['idp', 'user', 'create', 'dave', '--password-stdin'], 'short')
    assert.equal(
      short.err,
      "An error occurred (ValidationError) when calling the CreateIdpUser operation: 1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length greater than or equal to 8\n",
    )
    const { AccessKey } = awsJson<{
      AccessKey: { AccessKeyId: string; SecretAccessKey: string }
    }>(await awsCli(aws, ['iam', 'create-access-key', '--user-name', 'okta-app']))
    const outsider = {
      ...env,
      AWS_ACCESS_KEY_ID: AccessKey.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: AccessKey.SecretAccessKey,
    }
    for (const args of [
      ['idp', 'user', 'list'],
      ['idp', 'assertion', '--user', 'alice@example.com'],
      ['idp', 'metadata'],
    ]) {
      const denied = await rolegate(args, undefined, outsider)
      assert.equal(denied.code, 1)
      assert.match(
        denied.err,
        /^An error occurred \(AccessDenied\) when calling the \w+ operation: User: arn:aws:iam::123456789012:user\/okta-app is not authorized to perform: rolegate:\w+ on resource: arn:aws:rolegate::123456789012:idp\//,
      )
    }
  })
})
