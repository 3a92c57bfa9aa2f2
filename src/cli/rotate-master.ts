// `rolegate keys rotate-master`: seals every stored secret with a new master key, working on the
// database directly (like a migration) through the composition root; parsing and output only.
import { resolve } from 'node:path'
import { MASTER_KEY_ENV, rotateMasterKey } from '../main.js'
import type { CliIo } from './run-cli.js'
import { parseCommandLine, reportUsageError, UsageError } from './usage-error.js'

export const ROTATE_MASTER_HELP = `Usage: rolegate keys rotate-master [--data DIR | --database-url URL] [options]

Seals every stored secret (access keys' secrets, the session keyring, issuers' private keys)
with a new master key, in the database itself. Servers may keep running.

With a key file (DIR/master-key, or --master-key-file), a new key is made and written first in
the file, every secret is sealed with it, and the old keys leave the file; servers reading the
file follow on their own. With ${MASTER_KEY_ENV}, make a key (openssl rand -base64 32), put it
first (${MASTER_KEY_ENV}=NEW,OLD), restart the servers with both, run this, then drop OLD.

  --data DIR             the SQLite state directory (default ./.rolegate)
  --database-url URL     the PostgreSQL database instead
  --master-key-file FILE the key file, when it is not DIR/master-key
  -h, --help             show this help
`

export async function runRotateMaster(args: string[], io: CliIo): Promise<number> {
  let values
  try {
    values = parseCommandLine({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string', default: './.rolegate' },
        'database-url': { type: 'string' },
        'master-key-file': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    return reportUsageError(io, 'keys rotate-master', error, ROTATE_MASTER_HELP)
  }
  if (values.help) {
    io.out(ROTATE_MASTER_HELP)
    return 0
  }
  const keyFile = values['master-key-file']
  try {
    const rotation = await rotateMasterKey({
      dataDir: resolve(values.data),
      databaseUrl: values['database-url'],
      masterKey: io.env[MASTER_KEY_ENV],
      masterKeyFile: keyFile === undefined ? undefined : resolve(keyFile),
    })
    io.out(
      `${JSON.stringify(
        {
          MasterKeyId: rotation.masterKeyId,
          RetiredMasterKeyIds: rotation.retiredKeyIds,
          Source: rotation.source,
          Resealed: {
            AccessKeys: rotation.resealed.accessKeys,
            SessionKeys: rotation.resealed.sessionKeys,
            IssuerKeys: rotation.resealed.issuerKeys,
            MfaSeeds: rotation.resealed.mfaSeeds,
            IdpSecrets: rotation.resealed.idpSecrets,
            ClusterWebhookTokens: rotation.resealed.clusterWebhookTokens,
          },
        },
        null,
        2,
      )}\n`,
    )
    if (rotation.source === MASTER_KEY_ENV) {
      io.err(
        `every secret is sealed with ${rotation.masterKeyId}; drop the other keys from ${MASTER_KEY_ENV}\n`,
      )
    }
    return 0
  } catch (error) {
    io.err(
      `rolegate keys rotate-master: ${error instanceof Error ? error.message : String(error)}\n`,
    )
    return 1
  }
}
