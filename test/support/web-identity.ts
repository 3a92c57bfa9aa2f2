// What the web identity end-to-end tests share: trust policies for an OIDC provider, the AWS CLI's
// `sts` commands with the checks they repeat (AWS's exact error line, no credentials printed), the
// AWS CLI without a forced endpoint, and the forgeries an attacker would try on a real token.
import assert from 'node:assert/strict'
import { createPublicKey } from 'node:crypto'
import type { JsonWebKey } from 'node:crypto'
import { SignJWT, generateKeyPair } from 'jose'
import type { JWK } from 'jose'
import { awsCli, isolatedAwsEnv, json } from './aws-cli.js'
import type { ClientEnvironment, RunResult } from './aws-cli.js'
import { cliErrorLine } from './iam-cli.js'
import { runProcess } from './run-process.js'

/** IAM's name for an issuer: its URL without `https://`; also the prefix of its condition keys. */
export const hostPath = (issuerUrl: string): string => issuerUrl.replace(/^https:\/\//, '')

export const oidcProviderArn = (accountId: string, issuerUrl: string): string =>
  `arn:aws:iam::${accountId}:oidc-provider/${hostPath(issuerUrl)}`

/** A role trust policy letting `providerArn`'s tokens in when `conditions` hold. */
export const webIdentityTrustPolicy = (
  providerArn: string,
  conditions: Record<string, Record<string, string | string[]>>,
): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: conditions,
      },
    ],
  })

export interface StsCli {
  run(...args: string[]): Promise<RunResult>
  ok<T = Record<string, unknown>>(...args: string[]): Promise<T>
  /**
   * A call that must be refused: the CLI prints exactly AWS's error line (the message as a string
   * or a pattern for the whole line) and no credentials at all.
   */
  refuses(
    expected: { code: string; operation: string; message: string | RegExp },
    ...args: string[]
  ): Promise<void>
}

/** Asserts the CLI printed AWS's error line and nothing that looks like credentials. */
export function assertRefused(
  result: RunResult,
  expected: { code: string; operation: string; message: string | RegExp },
): void {
  assert.notEqual(result.code, 0, `expected a refusal; the CLI printed ${result.stdout}`)
  const line = result.stderr.trim()
  if (typeof expected.message === 'string') {
    assert.equal(line, cliErrorLine(expected.code, expected.operation, expected.message))
  } else {
    const prefix = cliErrorLine(expected.code, expected.operation, '')
    assert.ok(line.startsWith(prefix), `expected ${prefix}...; got ${line}`)
    assert.match(line.slice(prefix.length), expected.message)
  }
  assert.equal(result.stdout.trim(), '', 'nothing on standard output')
  assert.doesNotMatch(result.stdout + result.stderr, /Credentials|ASIA[A-Z0-9]{12}|SessionToken/)
}

/** `aws sts ...` against `target` (its endpoint, credentials and extra variables). */
export function stsCli(target: ClientEnvironment): StsCli {
  const run = (...args: string[]) => awsCli(target, ['sts', ...args])
  return {
    run,
    async ok<T>(...args: string[]) {
      return json<T>(await run(...args))
    },
    async refuses(expected, ...args) {
      assertRefused(await run(...args), expected)
    },
  }
}

/**
 * The AWS CLI with no `--endpoint-url`, in a fresh HOME: every endpoint comes from the variables
 * (AWS_ENDPOINT_URL_STS, ...) or the config file, as a workload would have it.
 */
export function awsWithoutEndpoint(
  env: Record<string, string>,
  args: string[],
): Promise<RunResult> {
  return runProcess('aws', ['--output', 'json', ...args], isolatedAwsEnv({ env }))
}

// ---- the token and its forgeries ----

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

export interface DecodedJwt {
  header: Record<string, unknown>
  claims: Record<string, unknown>
}

export function decodeJwt(token: string): DecodedJwt {
  const [header = '', claims = ''] = token.split('.')
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(claims, 'base64url').toString()) as Record<string, unknown>,
  }
}

/** The same token with one byte of its signature changed. */
export function flipSignatureByte(token: string): string {
  const [header, payload, signature = ''] = token.split('.')
  const bytes = Buffer.from(signature, 'base64url')
  bytes[10] = (bytes[10] ?? 0) ^ 0x01
  return `${header}.${payload}.${bytes.toString('base64url')}`
}

/**
 * The token's claims under `alg: none`, keeping its `kid`: as an unsecured JWS (empty signature),
 * or with the genuine signature left on, so that only the algorithm allowlist can refuse it.
 */
export function algNoneCopy(token: string, signature: 'empty' | 'genuine' = 'empty'): string {
  const { header, claims } = decodeJwt(token)
  const kept = signature === 'genuine' ? (token.split('.')[2] ?? '') : ''
  return `${segment({ ...header, alg: 'none' })}.${segment(claims)}.${kept}`
}

/**
 * The classic algorithm-confusion forgery: the token's claims signed HS256 with the issuer's
 * public key (SPKI PEM, as published in its JWKS) as the HMAC secret, under the same `kid`.
 */
export async function hs256WithPublicKey(token: string, publicJwk: JWK): Promise<string> {
  const { header, claims } = decodeJwt(token)
  const pem = createPublicKey({ key: publicJwk as JsonWebKey, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString()
  return new SignJWT(claims)
    .setProtectedHeader({ ...header, alg: 'HS256' })
    .sign(new TextEncoder().encode(pem))
}

/** The token's claims signed RS256 by a key the issuer never published, with `kid` `kid`. */
export async function signedWithUnknownKey(token: string, kid: string): Promise<string> {
  const { claims } = decodeJwt(token)
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048 })
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey)
}
