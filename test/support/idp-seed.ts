// The SAML seed flow's set-up, as the README's walk-through does it against a running server: the
// admin's key in a named profile, the built-in IdP's metadata (`rolegate idp metadata`) made into
// an IAM SAML provider with the AWS CLI, the seeds' roles trusting it on SAML:aud, the account's
// alias, the app's least-privilege IAM user and key, and the directory: alice@example.com with two
// roles (OktaDeveloper through the developers group, OktaProdAdminRole of her own) and bob with
// OktaDeveloper and a TOTP second factor. Shared by the AWS CLI and browser end-to-end tests.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from '../../src/cli/run-cli.js'
import { awsCli, json } from './aws-cli.js'
import type { Credentials, RunResult } from './aws-cli.js'
import { APP_POLICY, samlTrustPolicy } from './idp.js'
import type { TestServer } from './server.js'

export const SEED_ACCOUNT = '123456789012'
export const SEED_PROVIDER = `arn:aws:iam::${SEED_ACCOUNT}:saml-provider/rolegate`
export const OKTA_DEVELOPER = `arn:aws:iam::${SEED_ACCOUNT}:role/OktaDeveloper`
export const OKTA_PROD_ADMIN = `arn:aws:iam::${SEED_ACCOUNT}:role/OktaProdAdminRole`
export const SEED_ALIAS = 'example-prod'
export const ALICE = { name: 'alice@example.com', password: 'alice-password' }
export const BOB = { name: 'bob', password: 'bob-password' }

export interface IdpSeed {
  /** The admin's named profile: `[rolegate]` in this credentials file. */
  profile: { AWS_SHARED_CREDENTIALS_FILE: string; AWS_PROFILE: string }
  /** The app's metadata as `rolegate idp metadata` printed it (and IAM holds it). */
  metadata: string
  /** Bob's TOTP seed, as `rolegate idp user require-totp` printed it. */
  bobSeed: string
  /** `rolegate ARGS` in process, as the admin's profile; its standard output. */
  rolegate(args: string[], stdin?: string): Promise<string>
  /** `aws ARGS` as the admin's profile, or with `credentials` in the environment. */
  aws(args: string[], credentials?: Credentials): Promise<RunResult>
}

export async function seedIdp(server: TestServer, dir: string): Promise<IdpSeed> {
  const credentialsFile = join(dir, 'admin-credentials')
  writeFileSync(
    credentialsFile,
    `[rolegate]\naws_access_key_id = ${server.admin.accessKeyId}\naws_secret_access_key = ${server.admin.secretAccessKey}\n`,
    { mode: 0o600 },
  )
  const profile = { AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_PROFILE: 'rolegate' }

  async function rolegate(args: string[], stdin?: string): Promise<string> {
    let out = ''
    let err = ''
    const code = await runCli(args, {
      out: (text) => (out += text),
      err: (text) => (err += text),
      env: {
        ...profile,
        HOME: dir,
        AWS_CONFIG_FILE: join(dir, 'no-config'),
        AWS_ENDPOINT_URL: server.url,
      },
      ...(stdin === undefined ? {} : { stdin: () => Promise.resolve(stdin) }),
    })
    assert.equal(code, 0, err)
    return out
  }
  const aws = (args: string[], credentials?: Credentials) =>
    awsCli(
      credentials === undefined
        ? { endpoint: server.url, env: profile }
        : { endpoint: server.url, credentials },
      args,
    )
  const iam = async (...args: string[]) => json(await aws(['iam', ...args]))

  const metadata = await rolegate(['idp', 'metadata'])
  const metadataFile = join(dir, 'metadata.xml')
  writeFileSync(metadataFile, metadata)
  await iam(
    'create-saml-provider',
    '--name',
    'rolegate',
    '--saml-metadata-document',
    `file://${metadataFile}`,
  )
  for (const name of ['OktaDeveloper', 'OktaProdAdminRole']) {
    await iam(
      'create-role',
      '--role-name',
      name,
      '--assume-role-policy-document',
      samlTrustPolicy(SEED_PROVIDER),
    )
  }
  await iam(
    'attach-role-policy',
    '--role-name',
    'OktaDeveloper',
    '--policy-arn',
    'arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess',
  )
  await iam('create-account-alias', '--account-alias', SEED_ALIAS)
  // The app learns the roles through IAM with a key of its own that may only list them.
  await iam('create-user', '--user-name', 'okta-app')
  await iam(
    'put-user-policy',
    '--user-name',
    'okta-app',
    '--policy-name',
    'list-roles',
    '--policy-document',
    JSON.stringify(APP_POLICY),
  )
  const { AccessKey } = (await iam('create-access-key', '--user-name', 'okta-app')) as {
    AccessKey: { AccessKeyId: string; SecretAccessKey: string }
  }
  await rolegate(
    ['idp', 'app', 'set', '--access-key-id', AccessKey.AccessKeyId, '--secret-access-key-stdin'],
    AccessKey.SecretAccessKey,
  )

  for (const user of [ALICE, BOB]) {
    await rolegate(['idp', 'user', 'create', user.name, '--password-stdin'], user.password)
  }
  await rolegate(['idp', 'group', 'create', 'developers'])
  await rolegate(['idp', 'group', 'add-member', 'developers', ALICE.name])
  await rolegate(['idp', 'group', 'add-member', 'developers', BOB.name])
  await rolegate(['idp', 'assign', '--group', 'developers', '--role', OKTA_DEVELOPER])
  await rolegate(['idp', 'assign', '--user', ALICE.name, '--role', OKTA_PROD_ADMIN])
  const totp = JSON.parse(await rolegate(['idp', 'user', 'require-totp', BOB.name])) as {
    Seed: string
  }
  return { profile, metadata, bobSeed: totp.Seed, rolegate, aws }
}
