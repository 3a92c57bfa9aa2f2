// Runs a program as a child process with exactly the environment given, and collects what it
// printed: the AWS CLI, kubectl, rolegate as installed. Standard input is `input`, then closed.
import { spawn } from 'node:child_process'

export interface RunResult {
  /** The exit status; -1 when a signal ended it. */
  code: number
  stdout: string
  stderr: string
}

export function runProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
    child.stdin.end(input ?? '')
  })
}
