// The master keyring tests seal stored secrets with: one fixed key, so stores reopened in a test
// (and by several stores on one database) open what the others sealed.
import { masterKey, MasterKeyring } from '../../src/store/secrets/master-keyring.js'

export const TEST_MASTER_KEY = masterKey(Buffer.alloc(32, 7))

export const testSecrets = (): MasterKeyring => new MasterKeyring([TEST_MASTER_KEY])
