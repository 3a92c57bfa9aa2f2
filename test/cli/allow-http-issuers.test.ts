// `--allow-http-issuers` reaches the server's configuration and is loud: the server logs at start
// that plain-http issuers are trusted, which is insecure; without the flag it says nothing.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { test } from 'node:test'
import { pino } from 'pino'
import { parseServeOptions } from '../../src/cli/serve-options.js'
import { startRolegate } from '../../src/main.js'
import { TEST_ADMIN_KEY } from '../support/server.js'

async function startupLog(args: string[]): Promise<string> {
  const options = parseServeOptions([...args, '--port', '0'])
  assert.ok(options !== 'help')
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-http-issuers-'))
  let log = ''
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      log += chunk.toString()
      done()
    },
  })
  const running = await startRolegate({
    ...options,
    dataDir: dir,
    adminKey: TEST_ADMIN_KEY,
    logger: pino({ level: 'info' }, sink),
  })
  await running.close()
  rmSync(dir, { recursive: true, force: true })
  return log
}

test('--allow-http-issuers logs that it is insecure; the default does not', async () => {
  const warned = (await startupLog(['--allow-http-issuers']))
    .split('\n')
    .filter((line) => line.includes('allow-http-issuers'))
    .map((line) => JSON.parse(line) as { level: number; msg: string })
  assert.equal(warned.length, 1)
  assert.equal(warned[0]?.level, 40, 'a warning')
  assert.match(warned[0]?.msg ?? '', /insecure/)
  assert.doesNotMatch(await startupLog([]), /allow-http-issuers/)
})
