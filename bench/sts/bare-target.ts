// The ceiling: a bare node:http server that reads the body and answers a fixed GetCallerIdentity
// response, with no parsing, signature check or lookup. Nothing rolegate does can be faster.
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

const server = createServer((request, response) => {
  request.on('data', () => undefined)
  request.on('end', () => {
    response.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': ANSWER.length })
    response.end(ANSWER)
  })
})
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`)
})
const stop = () => server.close(() => process.exit(0))
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
