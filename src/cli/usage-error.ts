// The one error for a command line that cannot run as written. Every command answers it the same
// way: `rolegate COMMAND: why`, the command's help, exit status 2, before anything is done.
import { parseArgs } from 'node:util'
import type { ParseArgsConfig } from 'node:util'

export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** The exit status of a usage error, for every command. */
export const USAGE_EXIT_CODE = 2

/** node:util's parseArgs, with its refusals (an unknown option, a missing value) as UsageError. */
export function parseCommandLine<T extends ParseArgsConfig>(
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

/** Prints a usage error as every command does; resolves with the exit status to return. */
export function reportUsageError(
  io: { err(text: string): void },
  command: string,
  error: UsageError,
  help: string,
): number {
  io.err(`rolegate ${command}: ${error.message}\n\n${help}`)
  return USAGE_EXIT_CODE
}
