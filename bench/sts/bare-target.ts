// The ceiling: a bare node:http server that reads the body and answers a fixed GetCallerIdentity
// response, with no parsing, signature check or lookup. Nothing rolegate does can be faster.
// ROLEGATE_BENCH_WORKERS=N serves from N processes on one port, as rolegate's --workers does.
import cluster from 'node:cluster'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

const ANSWER = Buffer.from(
  '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">' +
    '<GetCallerIdentityResult>' +
    '<Arn>arn:aws:sts::123456789012:assumed-role/payments-api/bench</Arn>' +
    '<UserId>AROAEXAMPLEEXAMPLEEXA:bench</UserId>' +
    '<Account>123456789012</Account>' +
    '</GetCallerIdentityResult>' +
    '<ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>' +
    '</GetCallerIdentityResponse>',
)
const workers = Number(process.env['ROLEGATE_BENCH_WORKERS'] ?? '1')

/** Serves until SIGTERM; resolves with the port once listening. */
function serve(): Promise<number> {
  const server = createServer((request, response) => {
    request.on('data', () => undefined)
    request.on('end', () => {
      response.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': ANSWER.length })
      response.end(ANSWER)
    })
  })
  const stop = () => server.close(() => process.exit(0))
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  )
}

const announce = (port: number) =>
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`)

if (workers === 1) {
  announce(await serve())
} else if (cluster.isWorker) {
  const port = await serve()
  process.send?.({ port })
} else {
  // Workers listening on port 0 share one port, handed out by the primary.
  const ports = await Promise.all(
    Array.from(
      { length: workers },
      () =>
        new Promise<number>((resolve) =>
          cluster.fork().once('message', (message: { port: number }) => resolve(message.port)),
        ),
    ),
  )
  const stop = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM')
    process.exit(0)
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  announce(ports[0]!)
}
