import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { runCli } from '../../src/cli/run-cli.js'

function capture(env: NodeJS.ProcessEnv = {}) {
  const io = { stdout: '', stderr: '' }
  return {
    io,
    cli: {
      out: (text: string) => (io.stdout += text),
      err: (text: string) => (io.stderr += text),
      env,
    },
  }
}

describe('runCli', () => {
  test('--help prints the commands and exits 0', async () => {
    const { io, cli } = capture()
    assert.equal(await runCli(['--help'], cli), 0)
    assert.match(io.stdout, /Usage: rolegate <command>/)
    assert.match(io.stdout, /serve/)
  })

  test('no command prints help and exits 1', async () => {
    const { io, cli } = capture()
    assert.equal(await runCli([], cli), 1)
    assert.match(io.stdout, /Usage: rolegate/)
  })

  test('serve --help lists every option with its default', async () => {
    const { io, cli } = capture()
    assert.equal(await runCli(['serve', '--help'], cli), 0)
    for (const option of [
      '--host',
      '--port',
      '--data',
      '--database-url',
      '--account-id',
      '--region',
      '--public-url',
      '--allow-reset',
    ]) {
      assert.ok(io.stdout.includes(option), option)
    }
    assert.match(io.stdout, /default 4599/)
  })

  test('an unknown command exits 2 with help on stderr', async () => {
    const { io, cli } = capture()
    assert.equal(await runCli(['launch'], cli), 2)
    assert.match(io.stderr, /unknown command 'launch'/)
  })

  test('a bad option exits 2 and says why', async () => {
    const { io, cli } = capture()
    assert.equal(await runCli(['serve', '--port', 'x'], cli), 2)
    assert.match(io.stderr, /--port must be a number/)
  })

  test('every command answers an unknown option alike: why, its help, exit 2', async () => {
    const commands: [string[], RegExp][] = [
      [['serve'], /^Usage: rolegate serve/],
      [['explain'], /^Usage: rolegate explain/],
      [['keys', 'rotate-master'], /^Usage: rolegate keys rotate-master/],
      [['issuer', 'list'], /^Usage: rolegate issuer/],
      [['token'], /^Usage: rolegate token/],
      [['keys', 'list'], /^Usage: rolegate keys/],
      [['accounts', 'create', '123456789012'], /^Usage: rolegate accounts/],
      [['roles', 'revoke-sessions', 'r'], /^Usage: rolegate roles/],
    ]
    for (const [words, help] of commands) {
      const { io, cli } = capture()
      const name =
        words[0] === 'keys' && words[1] === 'rotate-master' ? 'keys rotate-master' : words[0]
      assert.equal(await runCli([...words, '--bogus'], cli), 2, words.join(' '))
      const [why, ...rest] = io.stderr.split('\n\n')
      assert.match(why ?? '', new RegExp(`^rolegate ${name}: Unknown option '--bogus'`))
      assert.match(rest.join('\n\n'), help)
      assert.equal(io.stdout, '')
    }
  })

  test('a half-set admin key in the environment exits 1 before anything starts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rolegate-cli-'))
    try {
      const { io, cli } = capture({ ROLEGATE_ADMIN_ACCESS_KEY_ID: 'AKID' })
      assert.equal(await runCli(['serve', '--port', '0', '--data', dataDir, '--quiet'], cli), 1)
      assert.match(io.stderr, /ROLEGATE_ADMIN_SECRET_ACCESS_KEY/)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  test('serve starts, says where it listens and that the key came from the environment', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rolegate-cli-'))
    const { io, cli } = capture({
      ROLEGATE_ADMIN_ACCESS_KEY_ID: 'test',
      ROLEGATE_ADMIN_SECRET_ACCESS_KEY: 'test',
    })
    const running = await runCli(['serve', '--port', '0', '--data', dataDir, '--quiet'], cli)
    try {
      assert.equal(typeof running, 'object', io.stderr)
      assert.match(io.stdout, /^rolegate listening on http:\/\/127\.0\.0\.1:\d+\n/)
      assert.match(
        io.stdout,
        /admin credentials: from the environment \(ROLEGATE_ADMIN_ACCESS_KEY_ID test\)/,
      )
      assert.match(io.stdout, /database: .*rolegate\.db/)
    } finally {
      if (typeof running === 'object') await running.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
