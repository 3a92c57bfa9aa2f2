// Runs the real kubectl (and Debian's Python `kubernetes` client) against a rolegate cluster, each
// in an isolated HOME so no user kubeconfig, discovery cache or AWS configuration leaks in.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RunResult } from './aws-cli.js'
import { requireOrSkip } from './requirements.js'

export const KUBECTL = process.env['ROLEGATE_TEST_KUBECTL'] ?? '/usr/bin/kubectl'
/** Debian's Python, where python3-kubernetes is installed (not a pyenv one). */
export const SYSTEM_PYTHON = '/usr/bin/python3'

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input = '',
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
    child.stdin.end(input)
  })
}

/** The `skip` option for tests that drive kubectl. */
export const kubectlSkip = (): string | false =>
  requireOrSkip(existsSync(KUBECTL) ? undefined : `kubectl not found at ${KUBECTL}`)

let pythonChecked: string | undefined | null = null
/** The `skip` option for tests that need Debian's python3-kubernetes. */
export async function pythonKubernetesSkip(): Promise<string | false> {
  if (pythonChecked === null) {
    const result = existsSync(SYSTEM_PYTHON)
      ? await run(SYSTEM_PYTHON, ['-c', 'import kubernetes'], { PATH: '/usr/bin:/bin' })
      : { code: 1, stdout: '', stderr: '' }
    pythonChecked =
      result.code === 0 ? undefined : `python3-kubernetes is not importable by ${SYSTEM_PYTHON}`
  }
  return requireOrSkip(pythonChecked)
}

export interface KubectlEnvironment {
  kubeconfig: string
  /** Variables for the exec credential plugin (`aws eks get-token`): keys, profile, CA. */
  env?: Record<string, string>
}

/** A fresh HOME for one client run: its own discovery cache and AWS files. */
function clientEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'rolegate-kube-home-'))
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...(process.env['PYENV_ROOT'] ? { PYENV_ROOT: process.env['PYENV_ROOT'] } : {}),
    ...extra,
  }
}

/** `kubectl --kubeconfig FILE ARGS...`, with `input` on stdin (for `apply -f -`). */
export function kubectl(
  target: KubectlEnvironment,
  args: string[],
  input = '',
): Promise<RunResult> {
  return run(KUBECTL, ['--kubeconfig', target.kubeconfig, ...args], clientEnv(target.env), input)
}

/** A Python script run by Debian's Python, with `kubernetes` importable. */
export function pythonScript(script: string, env: Record<string, string> = {}): Promise<RunResult> {
  return run(SYSTEM_PYTHON, ['-'], clientEnv(env), script)
}
