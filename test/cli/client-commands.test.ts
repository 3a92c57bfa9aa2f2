// The client commands end to end against a running server over a socket: credentials from a
// profile file, from the environment and through the AWS SDK's provider chain (web identity,
// credential_process, role profiles), every command's output, AWS's errors (AccessDenied for a
// user without rolegate permissions), usage errors, and roles revoke-sessions against real STS.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { Agent } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  DeleteOpenIDConnectProviderCommand,
  CreateUserCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListUsersCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam'
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts'
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { startFederationServer } from '../support/federation-server.js'
import type { FederationServer } from '../support/federation-server.js'
import { iamSdk, rejection } from '../support/iam-sdk.js'
import { runInstalledRolegate, runRolegate } from '../support/rolegate-cli.js'
import type { CliRun } from '../support/rolegate-cli.js'
import { TEST_ADMIN_KEY, startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'
import { hostPath, webIdentityTrustPolicy } from '../support/web-identity.js'

const rolegate = (args: string[], env: NodeJS.ProcessEnv) => runRolegate(args, env)

const json = (run: CliRun) => {
  assert.equal(run.code, 0, run.err)
  return JSON.parse(run.out) as Record<string, unknown>
}

describe('client commands against a running server', () => {
  let server: TestServer
  let home: string
  let envKeys: NodeJS.ProcessEnv
  let profileEnv: NodeJS.ProcessEnv

  before(async () => {
    server = await startTestServer()
    home = mkdtempSync(join(tmpdir(), 'rolegate-cli-home-'))
    writeFileSync(
      join(home, 'credentials'),
      `[default]\naws_access_key_id = AKIDWRONG\naws_secret_access_key = wrong\n\n[ops]\naws_access_key_id = ${TEST_ADMIN_KEY.accessKeyId}\naws_secret_access_key = ${TEST_ADMIN_KEY.secretAccessKey}\n`,
    )
    writeFileSync(
      join(home, 'config'),
      `[profile ops]\nregion = eu-west-1\nendpoint_url = ${server.url}\n`,
    )
    const base = {
      HOME: home,
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      AWS_CONFIG_FILE: join(home, 'config'),
    }
    envKeys = {
      ...base,
      AWS_ACCESS_KEY_ID: TEST_ADMIN_KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_ADMIN_KEY.secretAccessKey,
      AWS_ENDPOINT_URL: server.url,
    }
    profileEnv = { ...base, AWS_PROFILE: 'ops' }
  })
  after(() => server.cleanup())

  test('issuer create with credentials and endpoint from a profile', async () => {
    const created = json(await rolegate(['issuer', 'create', 'cluster'], profileEnv))
    const issuer = created['Issuer'] as Record<string, string>
    assert.equal(issuer['IssuerName'], 'cluster')
    assert.equal(issuer['IssuerUrl'], `${server.url}/issuers/123456789012/cluster`)
    assert.match(issuer['SigningKeyId'] ?? '', /^[\w-]{43}$/)
    // --profile wins over keys in the environment, as in the AWS CLI.
    const listed = json(
      await rolegate(['issuer', 'list', '--profile', 'ops'], {
        ...envKeys,
        AWS_ACCESS_KEY_ID: 'AKIDBOGUS',
        AWS_ENDPOINT_URL: '',
      }),
    )
    assert.deepEqual(
      (listed['Issuers'] as Record<string, string>[]).map((entry) => entry['IssuerName']),
      ['cluster'],
    )
  })

  test('the served discovery document and JWKS over the socket', async () => {
    const discovery = await fetch(
      `${server.url}/issuers/123456789012/cluster/.well-known/openid-configuration`,
    )
    assert.equal(discovery.status, 200)
    assert.equal(discovery.headers.get('content-type'), 'application/json')
    assert.equal(discovery.headers.get('cache-control'), 'public, max-age=3600')
    const document = (await discovery.json()) as Record<string, unknown>
    assert.equal(document['issuer'], `${server.url}/issuers/123456789012/cluster`)
    assert.equal(document['jwks_uri'], `${server.url}/issuers/123456789012/cluster/keys`)
    const keys = await fetch(String(document['jwks_uri']))
    assert.equal(keys.headers.get('content-type'), 'application/jwk-set+json')
    assert.equal(keys.headers.get('cache-control'), 'public, max-age=300')
    assert.equal(((await keys.json()) as { keys: unknown[] }).keys.length, 1)
    assert.equal((await fetch(`${server.url}/issuers/123456789012/nope/keys`)).status, 404)
    assert.equal((await fetch(`${server.url}/issuers/123456789012/cluster/other`)).status, 404)
    const post = await fetch(`${server.url}/issuers/123456789012/cluster/keys`, { method: 'POST' })
    assert.equal(post.status, 405)
    assert.equal(post.headers.get('allow'), 'GET, HEAD')
  })

  test('issuer delete is refused while a provider trusts the issuer; --force deletes it', async () => {
    const created = json(await rolegate(['issuer', 'create', 'trusted'], envKeys))
    const url = (created['Issuer'] as Record<string, string>)['IssuerUrl'] ?? ''
    const iam = iamSdk(server.url, TEST_ADMIN_KEY)
    const provider = await iam.send(
      // IAM takes https URLs only; this server speaks http, and the provider names the same URL.
      new CreateOpenIDConnectProviderCommand({
        Url: url.replace(/^http:/, 'https:'),
        ClientIDList: ['sts.amazonaws.com'],
      }),
    )
    const refused = await rolegate(['issuer', 'delete', 'trusted'], envKeys)
    assert.equal(refused.code, 1)
    assert.match(
      refused.err,
      /DeleteConflict.*Cannot delete issuer trusted: IAM OpenID Connect providers still trust its URL/,
    )
    assert.equal((await rolegate(['issuer', 'get', 'trusted'], envKeys)).code, 0)
    assert.equal((await rolegate(['issuer', 'delete', 'trusted', '--force'], envKeys)).code, 0)
    assert.notEqual((await rolegate(['issuer', 'get', 'trusted'], envKeys)).code, 0)
    await iam.send(
      new DeleteOpenIDConnectProviderCommand({
        OpenIDConnectProviderArn: provider.OpenIDConnectProviderArn,
      }),
    )
  })

  test('rolegate token prints a JWT that verifies against the served JWKS', async () => {
    const run = await rolegate(
      [
        'token',
        '--issuer',
        'cluster',
        '--sub',
        'system:serviceaccount:payments:api',
        '--aud',
        'sts.amazonaws.com',
        '--ttl',
        '900',
        '--claim',
        'team=payments',
        '--claim',
        'groups:=["a","b"]',
        '--pod',
        'api-0',
      ],
      envKeys,
    )
    assert.equal(run.code, 0, run.err)
    assert.match(run.out, /^[\w-]+\.[\w-]+\.[\w-]+\n$/)
    const jwks = createRemoteJWKSet(new URL(`${server.url}/issuers/123456789012/cluster/keys`))
    const { payload } = await jwtVerify(run.out.trim(), jwks, {
      issuer: `${server.url}/issuers/123456789012/cluster`,
      audience: 'sts.amazonaws.com',
    })
    assert.equal(payload.sub, 'system:serviceaccount:payments:api')
    assert.equal(payload.exp! - payload.iat!, 900)
    assert.equal(payload['team'], 'payments')
    assert.deepEqual(payload['groups'], ['a', 'b'])
    const kubernetes = payload['kubernetes.io'] as Record<string, unknown>
    assert.equal(kubernetes['namespace'], 'payments')
    assert.equal((kubernetes['pod'] as Record<string, string>)['name'], 'api-0')
  })

  test('rotate-key: tokens carry the new kid, and the JWKS serves both keys', async () => {
    const rotated = json(await rolegate(['issuer', 'rotate-key', 'cluster'], envKeys))
    const newKid = (rotated['SigningKey'] as Record<string, string>)['KeyId']
    const retired = rotated['RetiredKeys'] as Record<string, string>[]
    assert.equal(retired.length, 1)
    const run = await rolegate(
      ['token', '--issuer', 'cluster', '--sub', 'x', '--aud', 'y'],
      envKeys,
    )
    assert.equal(decodeProtectedHeader(run.out.trim()).kid, newKid)
    const keys = (await (
      await fetch(`${server.url}/issuers/123456789012/cluster/keys`)
    ).json()) as {
      keys: { kid: string }[]
    }
    assert.deepEqual(
      keys.keys.map((key) => key.kid),
      [newKid, retired[0]?.['KeyId']],
    )
    const got = json(await rolegate(['issuer', 'get', 'cluster'], envKeys))
    assert.deepEqual(
      (got['Keys'] as Record<string, string>[]).map((key) => key['Status']),
      ['Signing', 'Retired'],
    )
  })

  test('keys rotate, list and retire', async () => {
    const rotated = json(await rolegate(['keys', 'rotate'], envKeys))
    const id = (rotated['SessionKey'] as Record<string, string>)['KeyId'] ?? ''
    const listed = json(await rolegate(['keys', 'list'], envKeys))
    const keys = listed['SessionKeys'] as Record<string, string>[]
    assert.deepEqual(keys[0], { ...keys[0], KeyId: id, Status: 'Sealing' })
    const older = keys[1]?.['KeyId'] ?? ''
    const retire = await rolegate(['keys', 'retire', older], envKeys)
    assert.deepEqual(retire, { code: 0, out: '', err: '' })
    const after = json(await rolegate(['keys', 'list'], envKeys))
    assert.equal((after['SessionKeys'] as Record<string, string>[])[1]?.['Status'], 'Retired')
    const missing = await rolegate(['keys', 'delete', 'sk-missing'], envKeys)
    assert.equal(missing.code, 1)
    assert.equal(
      missing.err,
      'An error occurred (NoSuchEntity) when calling the DeleteSessionKey operation: The session key with id sk-missing cannot be found.\n',
    )
  })

  test('accounts create returns a key that works once, for the new account', async () => {
    const created = json(await rolegate(['accounts', 'create', '210987654321'], envKeys))
    const key = created['AccessKey'] as Record<string, string>
    const theirs = {
      ...envKeys,
      AWS_ACCESS_KEY_ID: key['AccessKeyId'],
      AWS_SECRET_ACCESS_KEY: key['SecretAccessKey'],
    }
    assert.deepEqual(json(await rolegate(['issuer', 'list'], theirs)), { Issuers: [] })
    const again = await rolegate(['accounts', 'create', '210987654321'], envKeys)
    assert.equal(again.code, 1)
    assert.match(
      again.err,
      /\(EntityAlreadyExists\) when calling the CreateAccount operation: Account 210987654321 already exists\./,
    )
  })

  test('a user without rolegate permissions gets AccessDenied', async () => {
    const iam = iamSdk(server.url, TEST_ADMIN_KEY)
    await iam.send(new CreateUserCommand({ UserName: 'reader' }))
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'reader',
        PolicyName: 'read',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' }],
        }),
      }),
    )
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'reader' }))
    const env = {
      ...envKeys,
      AWS_ACCESS_KEY_ID: AccessKey?.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: AccessKey?.SecretAccessKey,
    }
    const denied = await rolegate(['issuer', 'create', 'readers'], env)
    assert.equal(denied.code, 1)
    assert.equal(
      denied.err,
      `An error occurred (AccessDenied) when calling the CreateIssuer operation: User: arn:aws:iam::123456789012:user/reader is not authorized to perform: rolegate:CreateIssuer on resource: arn:aws:rolegate::123456789012:issuer/readers because no identity-based policy allows the rolegate:CreateIssuer action\n`,
    )
    const token = await rolegate(['token', '--issuer', 'cluster', '--sub', 's', '--aud', 'a'], env)
    assert.equal(token.code, 1)
    assert.match(
      token.err,
      /^An error occurred \(AccessDenied\) when calling the IssueToken operation/,
    )
    assert.equal(token.out, '')
  })

  test('roles revoke-sessions denies sessions issued before it, not after', async () => {
    const iam = iamSdk(server.url, TEST_ADMIN_KEY)
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'deployer',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: 'arn:aws:iam::123456789012:root' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      }),
    )
    await iam.send(
      new AttachRolePolicyCommand({
        RoleName: 'deployer',
        PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
      }),
    )
    const sts = new STSClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: TEST_ADMIN_KEY,
      maxAttempts: 1,
    })
    const assume = async () => {
      const { Credentials } = await sts.send(
        new AssumeRoleCommand({
          RoleArn: 'arn:aws:iam::123456789012:role/deployer',
          RoleSessionName: 'ci-run',
        }),
      )
      return iamSdk(server.url, {
        accessKeyId: Credentials?.AccessKeyId ?? '',
        secretAccessKey: Credentials?.SecretAccessKey ?? '',
        sessionToken: Credentials?.SessionToken ?? '',
      })
    }
    const older = await assume()
    await older.send(new ListUsersCommand({}))
    await new Promise((resolve) => setTimeout(resolve, 5))

    const run = await rolegate(['roles', 'revoke-sessions', 'deployer'], envKeys)
    const printed = json(run)
    assert.equal(printed['PolicyName'], 'AWSRevokeOlderSessions')
    const { PolicyDocument } = await iam.send(
      new GetRolePolicyCommand({ RoleName: 'deployer', PolicyName: 'AWSRevokeOlderSessions' }),
    )
    assert.deepEqual(JSON.parse(decodeURIComponent(PolicyDocument ?? '')), {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: ['*'],
          Resource: ['*'],
          Condition: { DateLessThan: { 'aws:TokenIssueTime': printed['RevokedBefore'] } },
        },
      ],
    })
    const error = await rejection(older.send(new ListUsersCommand({})))
    assert.equal(error.name, 'AccessDenied')
    assert.match(error.message, /with an explicit deny in an identity-based policy/)
    await new Promise((resolve) => setTimeout(resolve, 5))
    const newer = await assume()
    await newer.send(new ListUsersCommand({}))

    const missing = await rolegate(['roles', 'revoke-sessions', 'ghost'], envKeys)
    assert.equal(missing.code, 1)
    assert.match(
      missing.err,
      /\(NoSuchEntity\) when calling the PutRolePolicy operation: The role with name ghost cannot be found\./,
    )
  })

  test('setup problems are reported plainly', async () => {
    const noEndpoint = await rolegate(['issuer', 'list'], { ...envKeys, AWS_ENDPOINT_URL: '' })
    assert.deepEqual(noEndpoint, {
      code: 1,
      out: '',
      err: 'rolegate issuer: No endpoint: pass --endpoint URL or set AWS_ENDPOINT_URL\n',
    })
    const noProfile = await rolegate(['issuer', 'list', '--profile', 'ghost'], envKeys)
    assert.equal(noProfile.err, 'rolegate issuer: The config profile (ghost) could not be found\n')
    const noCredentials = await rolegate(['issuer', 'list'], {
      HOME: home,
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'absent'),
      AWS_CONFIG_FILE: join(home, 'absent'),
      AWS_ENDPOINT_URL: server.url,
    })
    assert.match(noCredentials.err, /^rolegate issuer: Unable to locate credentials/)
    const wrongSecret = await rolegate(['issuer', 'list'], {
      ...envKeys,
      AWS_SECRET_ACCESS_KEY: 'nope',
    })
    assert.match(
      wrongSecret.err,
      /^An error occurred \(SignatureDoesNotMatch\) when calling the ListIssuers operation/,
    )
    const unreachable = await rolegate(
      ['issuer', 'list', '--endpoint', 'http://127.0.0.1:1'],
      envKeys,
    )
    assert.match(
      unreachable.err,
      /^rolegate issuer: Could not connect to the endpoint URL: "http:\/\/127\.0\.0\.1:1"/,
    )
  })

  test('usage errors exit 2 with the command help', async () => {
    for (const args of [
      ['issuer'],
      ['issuer', 'create'],
      ['issuer', 'list', 'extra'],
      ['issuer', 'frobnicate'],
      ['issuer', 'delete', 'x', '--algorithm', 'ES256'],
      ['issuer', 'get', 'x', '--force'],
      ['token', '--issuer', 'x', '--sub', 's'],
      ['token', '--issuer', 'x', '--sub', 's', '--aud', 'a', '--ttl', 'soon'],
      ['token', '--issuer', 'x', '--sub', 's', '--aud', 'a', '--claim', 'novalue'],
      ['token', '--issuer', 'x', '--sub', 's', '--aud', 'a', '--claim', 'k:=nojson'],
      ['keys', 'retire'],
      ['accounts', 'make', '1'],
      ['roles', 'revoke-sessions'],
      ['issuer', 'list', '--sub', 'x'],
    ]) {
      const run = await rolegate(args, envKeys)
      assert.equal(run.code, 2, args.join(' '))
      assert.match(
        run.err,
        new RegExp(`^rolegate ${args[0]}: .*\\n\\nUsage: rolegate ${args[0]}`),
        run.err,
      )
    }
    const help = await rolegate(['token', '--help'], {})
    assert.equal(help.code, 0)
    assert.match(help.out, /^Usage: rolegate token --issuer NAME --sub SUBJECT --aud AUDIENCE/)
  })

  test('the installed command lists the client commands and exits with their status', async () => {
    const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runInstalledRolegate(args, env)
    const help = await cli(['--help'])
    assert.equal(help.code, 0)
    for (const command of ['serve', 'explain', 'issuer', 'token', 'keys', 'accounts', 'roles']) {
      assert.match(help.stdout, new RegExp(`^  ${command} `, 'm'), command)
    }
    const listed = await cli(['issuer', 'list'], envKeys)
    assert.equal(listed.code, 0, listed.stderr)
    assert.match(listed.stdout, /"IssuerName": "cluster"/)
    const denied = await cli(['issuer', 'list'], { ...envKeys, AWS_SECRET_ACCESS_KEY: 'nope' })
    assert.equal(denied.code, 1)
  })
})

// Credentials the old hand-written INI reader never found (it read only keys): the AWS SDK's
// provider chain exchanges a web identity token (from AWS_WEB_IDENTITY_TOKEN_FILE or a profile),
// runs a credential_process, and assumes a profile's role, each against rolegate's own STS over
// HTTPS with the local CA. Every call is then made as the identity the exchange produced, which
// the AccessDenied message names.
describe('client commands with credentials from the AWS SDK provider chain', () => {
  const ACCOUNT = '123456789012'
  const AUDIENCE = 'sts.amazonaws.com'
  const SUBJECT = 'system:serviceaccount:ci:deployer'
  let server: FederationServer
  let dir: string
  let tokenFile: string
  /** A fresh HOME with nothing in it: only what a test sets counts. */
  let bare: NodeJS.ProcessEnv

  /** The line rolegate prints when `principal` may list issuers but not create one. */
  const deniedCreate = (principal: string, name: string) =>
    `An error occurred (AccessDenied) when calling the CreateIssuer operation: User: ${principal} is not authorized to perform: rolegate:CreateIssuer on resource: arn:aws:rolegate::${ACCOUNT}:issuer/${name} because no identity-based policy allows the rolegate:CreateIssuer action\n`

  /** Lists issuers (allowed) and tries to create one (denied, naming the caller). */
  async function actsAs(env: NodeJS.ProcessEnv, principal: string): Promise<void> {
    const listed = json(await rolegate(['issuer', 'list'], env))
    assert.deepEqual(
      (listed['Issuers'] as Record<string, string>[]).map((entry) => entry['IssuerName']),
      ['ci'],
    )
    const created = await rolegate(['issuer', 'create', 'mine'], env)
    assert.deepEqual(created, { code: 1, out: '', err: deniedCreate(principal, 'mine') })
  }

  const writeConfig = (name: string, text: string) => {
    const file = join(dir, name)
    writeFileSync(file, text)
    return file
  }

  before(async () => {
    server = await startFederationServer({ tls: true })
    dir = mkdtempSync(join(tmpdir(), 'rolegate-cli-chain-'))
    const ca = server.caFile ?? ''
    bare = {
      HOME: dir,
      AWS_CONFIG_FILE: join(dir, 'absent-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'absent-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    }
    const issuer = JSON.parse(await server.rolegateOk(['issuer', 'create', 'ci'])) as {
      Issuer: { IssuerUrl: string }
    }
    const issuerUrl = issuer.Issuer.IssuerUrl
    const iam = new IAMClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: server.admin,
      maxAttempts: 1,
      requestHandler: { httpsAgent: new Agent({ ca: readFileSync(ca) }) },
    })
    const { OpenIDConnectProviderArn = '' } = await iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: issuerUrl, ClientIDList: [AUDIENCE] }),
    )
    const listOnly = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'rolegate:ListIssuers', Resource: '*' }],
    })
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'ci-reader',
        AssumeRolePolicyDocument: webIdentityTrustPolicy(OpenIDConnectProviderArn, {
          StringEquals: {
            [`${hostPath(issuerUrl)}:aud`]: AUDIENCE,
            [`${hostPath(issuerUrl)}:sub`]: SUBJECT,
          },
        }),
      }),
    )
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'ci-reader',
        PolicyName: 'list',
        PolicyDocument: listOnly,
      }),
    )
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'operator',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      }),
    )
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'operator',
        PolicyName: 'list',
        PolicyDocument: listOnly,
      }),
    )
    await iam.send(new CreateUserCommand({ UserName: 'robot' }))
    await iam.send(
      new PutUserPolicyCommand({ UserName: 'robot', PolicyName: 'list', PolicyDocument: listOnly }),
    )
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'robot' }))
    // credential_process prints the robot's key in the format of the AWS CLI's documentation.
    writeFileSync(
      join(dir, 'robot-credentials.mjs'),
      `process.stdout.write(JSON.stringify(${JSON.stringify({
        Version: 1,
        AccessKeyId: AccessKey?.AccessKeyId,
        SecretAccessKey: AccessKey?.SecretAccessKey,
      })}))\n`,
    )
    writeFileSync(join(dir, 'refuse.mjs'), `console.error('no key for you'); process.exit(3)\n`)
    const token = await server.rolegateOk([
      'token',
      '--issuer',
      'ci',
      '--sub',
      SUBJECT,
      '--aud',
      AUDIENCE,
    ])
    tokenFile = join(dir, 'token')
    writeFileSync(tokenFile, token.trim())
  })
  after(async () => {
    await server.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })

  test('AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN: the role session makes the calls', async () => {
    const env = {
      ...bare,
      AWS_ENDPOINT_URL: server.url,
      AWS_CA_BUNDLE: server.caFile,
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
      AWS_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/ci-reader`,
      AWS_ROLE_SESSION_NAME: 'pipeline',
    }
    await actsAs(env, `arn:aws:sts::${ACCOUNT}:assumed-role/ci-reader/pipeline`)
    // The exchange is checked for real: a role whose trust policy the token does not meet.
    const refused = await rolegate(['issuer', 'list'], {
      ...env,
      AWS_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/operator`,
    })
    assert.equal(refused.code, 1)
    assert.match(
      refused.err,
      /^rolegate issuer: Unable to get credentials: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity\n$/,
    )
  })

  test('a web-identity profile, with endpoint_url and ca_bundle beside it', async () => {
    const config = writeConfig(
      'config-web-identity',
      [
        '[profile pipeline]',
        `web_identity_token_file = ${tokenFile}`,
        `role_arn = arn:aws:iam::${ACCOUNT}:role/ci-reader`,
        'role_session_name = from-profile',
        `endpoint_url = ${server.url}`,
        `ca_bundle = ${server.caFile}`,
        '',
      ].join('\n'),
    )
    await actsAs(
      { ...bare, AWS_CONFIG_FILE: config, AWS_PROFILE: 'pipeline' },
      `arn:aws:sts::${ACCOUNT}:assumed-role/ci-reader/from-profile`,
    )
  })

  test('a credential_process profile', async () => {
    const config = writeConfig(
      'config-process',
      [
        '[profile robot]',
        `credential_process = "${process.execPath}" "${join(dir, 'robot-credentials.mjs')}"`,
        '[profile broken]',
        `credential_process = "${process.execPath}" "${join(dir, 'refuse.mjs')}"`,
        '',
      ].join('\n'),
    )
    const env = { ...bare, AWS_CONFIG_FILE: config, AWS_ENDPOINT_URL: server.url }
    await actsAs(
      { ...env, AWS_CA_BUNDLE: server.caFile, AWS_PROFILE: 'robot' },
      `arn:aws:iam::${ACCOUNT}:user/robot`,
    )
    // --profile names it as well; a process that fails leaves no credentials, said plainly.
    const broken = await rolegate(['issuer', 'list', '--profile', 'broken'], env)
    assert.equal(broken.code, 1)
    assert.match(broken.err, /^rolegate issuer: Unable to .*\n$/)
    assert.doesNotMatch(broken.err, /\n\s+at /, 'no stack')
  })

  test('a role profile with a source_profile', async () => {
    const credentials = writeConfig(
      'credentials-role',
      `[base]\naws_access_key_id = ${server.admin.accessKeyId}\naws_secret_access_key = ${server.admin.secretAccessKey}\n`,
    )
    const config = writeConfig(
      'config-role',
      `[profile ops]\nrole_arn = arn:aws:iam::${ACCOUNT}:role/operator\nsource_profile = base\nrole_session_name = on-call\n`,
    )
    await actsAs(
      {
        ...bare,
        AWS_CONFIG_FILE: config,
        AWS_SHARED_CREDENTIALS_FILE: credentials,
        AWS_ENDPOINT_URL: server.url,
        AWS_CA_BUNDLE: server.caFile,
        AWS_PROFILE: 'ops',
      },
      `arn:aws:sts::${ACCOUNT}:assumed-role/operator/on-call`,
    )
  })

  test('a profile without credentials, and no credentials at all', async () => {
    const config = writeConfig('config-empty', '[profile empty]\nregion = eu-west-1\n')
    const env = { ...bare, AWS_CONFIG_FILE: config, AWS_ENDPOINT_URL: server.url }
    assert.deepEqual(await rolegate(['issuer', 'list', '--profile', 'empty'], env), {
      code: 1,
      out: '',
      err: 'rolegate issuer: Unable to locate credentials in the profile (empty)\n',
    })
    assert.deepEqual(await rolegate(['issuer', 'list'], env), {
      code: 1,
      out: '',
      err: 'rolegate issuer: Unable to locate credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile (AWS_PROFILE or --profile)\n',
    })
  })
})
