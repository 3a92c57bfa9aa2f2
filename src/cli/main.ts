// The `rolegate` executable: runs the command line, then keeps the server up until a signal.
import { text } from 'node:stream/consumers'
import { runCli } from './run-cli.js'

async function main(): Promise<void> {
  const result = await runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    stdin: () => text(process.stdin),
  })
  if (typeof result === 'number') {
    process.exitCode = result
    return
  }
  const stop = () => {
    result.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

await main()
