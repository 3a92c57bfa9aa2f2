// The rolegate the Kubernetes benchmarks load: `webhooks-target.ts` started in a child process of
// its own (HTTPS with the local CA), and one POST to it trusting that CA.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { request } from 'node:https'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))

/** What the target prints once it listens. */
export interface TargetInfo {
  url: string
  caFile: string
  adminKey: { accessKeyId: string; secretAccessKey: string }
}

export function startTarget(): Promise<{ child: ChildProcess; info: TargetInfo }> {
  const child = spawn(process.execPath, ['--import', 'tsx', `${here}webhooks-target.ts`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) =>
      resolve({ child, info: JSON.parse(line) as TargetInfo }),
    )
    child.once('exit', (code) => reject(new Error(`the target exited with ${code}`)))
  })
}

/** One POST over TLS trusting the target's CA; the status and body. */
export function post(url: string, ca: string, headers: Record<string, string>, body: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', headers, ca }, (response) => {
      let text = ''
      response.on('data', (chunk: Buffer) => (text += chunk.toString()))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }))
    })
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}
