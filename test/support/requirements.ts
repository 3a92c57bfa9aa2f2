// What a test needs from outside the repository (the shared corpora, PostgreSQL) and what happens
// when it is missing: outside CI the test skips with the reason shown; under CI=true it fails, so
// a CI run without the corpora cannot pass on a fraction of the tests.
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * ../shared/corpora beside the repository; ROLEGATE_TEST_CORPORA points the tests elsewhere (to
 * show what a run without them does, for one).
 */
export const corporaRoot = (): string =>
  process.env['ROLEGATE_TEST_CORPORA'] || resolve(repoRoot, '..', 'shared', 'corpora')

/** A file or folder of the shared corpora, e.g. `jose/json_web_key_test.json`. */
export const corpusPath = (relative: string): string => join(corporaRoot(), relative)

/** Thrown under CI=true where a test would otherwise skip. */
export class MissingRequirementError extends Error {
  override readonly name = 'MissingRequirementError'
}

/**
 * node:test's `skip` option for a test that cannot run when `reason` is given: false (run it)
 * without a reason, the reason outside CI, and under CI=true an error thrown at once, which fails
 * the test, suite or file asking.
 */
export function requireOrSkip(reason: string | undefined): string | false {
  if (reason === undefined) return false
  if (process.env['CI'] === 'true') {
    throw new MissingRequirementError(`${reason}; under CI=true that is a failure, not a skip`)
  }
  return reason
}

/** A corpus entry's path and the `skip` option for the tests that read it. */
export function corpus(relative: string): { path: string; skip: string | false } {
  const path = corpusPath(relative)
  return {
    path,
    skip: requireOrSkip(existsSync(path) ? undefined : `shared corpora not found at ${path}`),
  }
}
