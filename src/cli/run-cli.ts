// What the `rolegate` command does with its arguments: parsing and output only; the work is in the
// composition root. Kept apart from main.ts so tests can run it without starting a process.
import cluster from 'node:cluster'
import { relative } from 'node:path'
import {
  adminKeyFromEnvironment,
  defaultLogger,
  MASTER_KEY_ENV,
  openStoreToRead,
  startRolegate,
} from '../main.js'
import type { RunningRolegate } from '../main.js'
import { serveAsWorker, startWorkers } from '../workers.js'
import type { RunningWorkers } from '../workers.js'
import { runExplain } from './explain.js'
import { runRotateMaster } from './rotate-master.js'
import { isClientCommand, runClientCommand } from './client-commands.js'
import { runClusterCommand } from './cluster-commands.js'
import { HELP, parseServeOptions, SERVE_HELP } from './serve-options.js'
import { reportUsageError, USAGE_EXIT_CODE, UsageError } from './usage-error.js'

export interface CliIo {
  out(text: string): void
  err(text: string): void
  env: NodeJS.ProcessEnv
  /** Standard input, for `-f -`; the process's own when absent. */
  stdin?: () => Promise<string>
}

const shown = (path: string) => {
  const near = relative(process.cwd(), path)
  return near === '' || near.startsWith('..') ? path : near
}

/** What `rolegate serve` prints once it listens. */
export function startupMessage(running: RunningRolegate | RunningWorkers): string {
  const lines = [
    `rolegate listening on ${running.url}` +
      ('workers' in running ? ` (${running.workers} worker processes)` : ''),
    `  public url:        ${running.publicUrl}`,
    `  database:          ${running.database.startsWith('postgres') ? running.database : shown(running.database)}`,
    running.adminCredentialsFile
      ? `  admin credentials: ${shown(running.adminCredentialsFile)} (profile [rolegate])`
      : `  admin credentials: from the environment (ROLEGATE_ADMIN_ACCESS_KEY_ID ${running.adminKey.accessKeyId})`,
  ]
  if (running.tls?.caFile !== undefined) {
    lines.push(
      `  TLS CA:            ${shown(running.tls.caFile)} (export AWS_CA_BUNDLE=${running.tls.caFile})`,
    )
  } else if (running.tls) {
    lines.push(`  TLS certificate:   ${shown(running.tls.certFile)}`)
  }
  return lines.join('\n') + '\n'
}

/** What `serve` resolves with: something to stop on a signal. */
export interface Serving {
  close(): Promise<void>
}

/** Runs the command; resolves with the exit code, or with the server when `serve` started. */
export async function runCli(args: string[], io: CliIo): Promise<number | Serving> {
  const [command, ...rest] = args
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(HELP)
    return command === undefined ? 1 : 0
  }
  if (command === 'explain') return runExplain(rest, io, openStoreToRead)
  if (command === 'keys' && rest[0] === 'rotate-master') return runRotateMaster(rest.slice(1), io)
  if (isClientCommand(command)) return runClientCommand(command, rest, io)
  if (command === 'cluster') return runClusterCommand(rest, io)
  if (command !== 'serve') {
    io.err(`rolegate: unknown command '${command}'\n\n${HELP}`)
    return USAGE_EXIT_CODE
  }
  try {
    const options = parseServeOptions(rest)
    if (options === 'help') {
      io.out(SERVE_HELP)
      return 0
    }
    // A worker forked by `--workers` runs this same command; the primary sends what it prepared.
    if (cluster.isWorker) return await serveAsWorker()
    const { quiet, workers, ...config } = options
    const adminKey = adminKeyFromEnvironment(io.env)
    const masterKey = io.env[MASTER_KEY_ENV]
    const running =
      workers > 1
        ? await startWorkers({ ...config, adminKey, masterKey }, { count: workers, quiet })
        : await startRolegate({ ...config, adminKey, masterKey, logger: defaultLogger(quiet) })
    io.out(startupMessage(running))
    return running
  } catch (error) {
    if (error instanceof UsageError) return reportUsageError(io, 'serve', error, SERVE_HELP)
    io.err(`rolegate: ${error instanceof Error ? error.message : String(error)}\n`)
    return 1
  }
}
