// `rolegate ARGS` as the tests run the client commands: in process through runCli, or as installed
// in a child process, with exactly the environment given (no stray AWS settings of the machine's
// user), capturing what it printed.
import assert from 'node:assert/strict'
import { runCli } from '../../src/cli/run-cli.js'
import { runProcess } from './run-process.js'
import type { RunResult } from './run-process.js'

export interface CliRun {
  code: number
  out: string
  err: string
}

/** Runs `rolegate ARGS` in process, with `stdin` as its standard input when given. */
export async function runRolegate(
  args: string[],
  env: NodeJS.ProcessEnv,
  stdin?: string,
): Promise<CliRun> {
  let out = ''
  let err = ''
  const code = await runCli(args, {
    out: (text) => (out += text),
    err: (text) => (err += text),
    env,
    ...(stdin === undefined ? {} : { stdin: () => Promise.resolve(stdin) }),
  })
  assert.equal(typeof code, 'number', 'a client command, not serve')
  return { code: code as number, out, err }
}

/** `rolegate ARGS` that must succeed: what it printed on standard output. */
export async function rolegateOk(
  args: string[],
  env: NodeJS.ProcessEnv,
  stdin?: string,
): Promise<string> {
  const run = await runRolegate(args, env, stdin)
  assert.equal(run.code, 0, `rolegate ${args.join(' ')}: ${run.err}`)
  return run.out
}

/**
 * `rolegate ARGS` as installed, in a child process (not spawnSync: the server it calls may be this
 * process), with `input` as its standard input.
 */
export function runInstalledRolegate(
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<RunResult> {
  return runProcess(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', ...args],
    { PATH: process.env['PATH'], ...env },
    input,
  )
}
