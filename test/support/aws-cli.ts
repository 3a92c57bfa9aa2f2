// Runs the real AWS CLI (and boto3) against a rolegate endpoint, in an isolated HOME so no user
// configuration or credentials leak into the test.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runProcess } from './run-process.js'
import type { RunResult } from './run-process.js'

export type { RunResult } from './run-process.js'

export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

export interface ClientEnvironment {
  endpoint: string
  credentials?: Credentials
  region?: string
  /** Extra variables, e.g. AWS_WEB_IDENTITY_TOKEN_FILE. */
  env?: Record<string, string>
}

/** An environment of its own for the AWS CLI or boto3: a fresh HOME, no instance metadata. */
export function isolatedAwsEnv(target: Omit<ClientEnvironment, 'endpoint'>): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'rolegate-home-'))
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_DEFAULT_REGION: target.region ?? 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    ...(process.env['PYENV_ROOT'] ? { PYENV_ROOT: process.env['PYENV_ROOT'] } : {}),
    ...target.env,
  }
  if (target.credentials) {
    env['AWS_ACCESS_KEY_ID'] = target.credentials.accessKeyId
    env['AWS_SECRET_ACCESS_KEY'] = target.credentials.secretAccessKey
    if (target.credentials.sessionToken) {
      env['AWS_SESSION_TOKEN'] = target.credentials.sessionToken
    }
  }
  return env
}

/** `aws --endpoint-url ENDPOINT --output json ARGS...`. */
export function awsCli(target: ClientEnvironment, args: string[]): Promise<RunResult> {
  return runProcess(
    'aws',
    ['--endpoint-url', target.endpoint, '--output', 'json', ...args],
    isolatedAwsEnv(target),
  )
}

/** Runs a Python script with boto3 importable; ENDPOINT is in the environment as ROLEGATE_ENDPOINT. */
export function boto3Script(target: ClientEnvironment, script: string): Promise<RunResult> {
  const env = isolatedAwsEnv({
    ...target,
    env: { ...target.env, ROLEGATE_ENDPOINT: target.endpoint },
  })
  return runProcess('python3', ['-'], env, script)
}

/**
 * Runs a bash script in the same isolated environment, as a person pasting lines into a shell:
 * the AWS CLI in it reaches `target.endpoint` through AWS_ENDPOINT_URL.
 */
export function shellScript(target: ClientEnvironment, script: string): Promise<RunResult> {
  const env = isolatedAwsEnv({
    ...target,
    env: { ...target.env, AWS_ENDPOINT_URL: target.endpoint },
  })
  return runProcess('bash', ['-c', script], env)
}

/** The JSON an AWS CLI call printed; throws with its stderr when it failed. */
export function json<T = Record<string, unknown>>(result: RunResult): T {
  if (result.code !== 0) {
    throw new Error(`aws exited ${result.code}: ${result.stderr}`)
  }
  return (result.stdout.trim() === '' ? {} : JSON.parse(result.stdout)) as T
}
