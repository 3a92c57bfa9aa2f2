// The AWS CLI's `iam` commands bound to one endpoint and key, with the checks end-to-end tests
// repeat: the JSON a call printed, and the exact error line the CLI prints when AWS refuses.
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { awsCli, json } from './aws-cli.js'
import type { Credentials, RunResult } from './aws-cli.js'

export interface IamCli {
  /** `aws iam ARGS...` as it ran. */
  run(...args: string[]): Promise<RunResult>
  /** The JSON the call printed; fails the test when the call failed. */
  ok<T = Record<string, unknown>>(...args: string[]): Promise<T>
  /**
   * Runs a call that must fail, and asserts the CLI printed exactly AWS's error line:
   * `An error occurred (CODE) when calling the OPERATION operation: MESSAGE`.
   */
  fails(
    expected: { code: string; operation: string; message: string },
    ...args: string[]
  ): Promise<void>
}

/** The line the AWS CLI prints for a service error. */
export const cliErrorLine = (code: string, operation: string, message: string): string =>
  `An error occurred (${code}) when calling the ${operation} operation: ${message}`

export function iamCli(endpoint: string, credentials: Credentials): IamCli {
  const run = (...args: string[]) => awsCli({ endpoint, credentials }, ['iam', ...args])
  return {
    run,
    async ok<T>(...args: string[]) {
      return json<T>(await run(...args))
    },
    async fails(expected, ...args) {
      const result = await run(...args)
      assert.notEqual(result.code, 0, `expected ${args[0]} to fail; it printed ${result.stdout}`)
      assert.equal(
        result.stderr.trim(),
        cliErrorLine(expected.code, expected.operation, expected.message),
      )
    },
  }
}

/** Writes `content` (a string, or JSON for anything else) to a fresh temp file; returns `file://...`. */
export function tempFileUrl(name: string, content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'rolegate-e2e-')), name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return `file://${path}`
}
