// Composition root: config -> store -> services -> server. The only place adapters are chosen
// (SQLite in the data directory unless a PostgreSQL URL is given) and where files are written;
// its parts live in composition/, and the commands reach them through here.
export {
  ADMIN_CREDENTIALS_FILE,
  ADMIN_PROFILE,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_MAX_STALENESS_MS,
  DEFAULT_PORT,
  DEFAULT_REGION,
  adminKeyFromEnvironment,
  formatCredentialsFile,
} from './composition/config.js'
export type { RolegateConfig } from './composition/config.js'
export { composeApp, defaultLogger } from './composition/compose-app.js'
export type { ComposeOptions, Composed } from './composition/compose-app.js'
export { MASTER_KEY_ENV } from './composition/master-key.js'
export { openStoreToRead, rotateMasterKey } from './composition/state.js'
export type { MasterKeyRotation, StateLocation } from './composition/state.js'
export { prepareState, startRolegate } from './composition/start.js'
export type { PreparedState, RunningRolegate, RunningTls } from './composition/start.js'
