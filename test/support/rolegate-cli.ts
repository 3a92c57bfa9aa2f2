// `rolegate ARGS` as the tests run the client commands: in process through runCli, with exactly the
// environment given (no stray AWS settings of the machine's user), capturing what it printed.
import assert from 'node:assert/strict'
import { runCli } from '../../src/cli/run-cli.js'

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
