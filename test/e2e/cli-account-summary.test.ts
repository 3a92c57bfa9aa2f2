// GetAccountSummary through the real AWS CLI: the SummaryMap counts what the account holds, after
// each kind of entity is made, and reports IAM's default quotas as the IAM User Guide lists them
// ("IAM and AWS STS quotas": 5,000 users, 300 groups, 1,000 roles, 1,500 customer managed
// policies, 1,000 instance profiles, 5 versions per policy, 10 managed policies attached to a user,
// group or role, 10 groups per user, 2 access keys per user, 2,048 characters of role trust
// policy, 6,144 of managed policy, 20 server certificates).
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { iamCli, tempFileUrl } from '../support/iam-cli.js'
import type { IamCli } from '../support/iam-cli.js'
import { startTestServer } from '../support/server.js'
import type { TestServer } from '../support/server.js'

const POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
}
const TRUST = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
}

describe('AWS CLI: get-account-summary', () => {
  let server: TestServer
  let cli: IamCli
  before(async () => {
    server = await startTestServer()
    cli = iamCli(server.url, server.admin)
  })
  after(() => server.cleanup())

  const summary = async () =>
    (await cli.ok<{ SummaryMap: Record<string, number> }>('get-account-summary')).SummaryMap

  test('counts what the account holds and reports the default quotas', async () => {
    const before = await summary()
    // The bootstrap's admin user, and nothing else yet.
    assert.equal(before['Users'], 1)
    for (const key of ['Groups', 'Roles', 'Policies', 'InstanceProfiles', 'MFADevices']) {
      assert.equal(before[key], 0, key)
    }

    await cli.ok('create-user', '--user-name', 'alice')
    await cli.ok('create-group', '--group-name', 'readers')
    await cli.ok(
      'create-role',
      '--role-name',
      'app',
      '--assume-role-policy-document',
      JSON.stringify(TRUST),
    )
    const created = await cli.ok<{ Policy: { Arn: string } }>(
      'create-policy',
      '--policy-name',
      'read',
      '--policy-document',
      tempFileUrl('policy.json', POLICY),
    )
    await cli.ok(
      'create-policy-version',
      '--policy-arn',
      created.Policy.Arn,
      '--policy-document',
      tempFileUrl('policy-v2.json', POLICY),
    )
    await cli.ok('create-instance-profile', '--instance-profile-name', 'app')
    await cli.ok(
      'create-virtual-mfa-device',
      '--virtual-mfa-device-name',
      'alice',
      // A file of its own: the CLI makes its outfile 0600 (fchmod), which on /dev/null
      // would lock every other user out of it.
      '--outfile',
      join(mkdtempSync(join(tmpdir(), 'rolegate-e2e-')), 'seed.txt'),
      '--bootstrap-method',
      'Base32StringSeed',
    )
    await cli.ok(
      'create-open-id-connect-provider',
      '--url',
      'https://token.actions.githubusercontent.com',
      '--client-id-list',
      'sts.amazonaws.com',
    )

    const after = await summary()
    assert.deepEqual(
      {
        Users: after['Users'],
        Groups: after['Groups'],
        Roles: after['Roles'],
        Policies: after['Policies'],
        PolicyVersionsInUse: after['PolicyVersionsInUse'],
        InstanceProfiles: after['InstanceProfiles'],
        MFADevices: after['MFADevices'],
        MFADevicesInUse: after['MFADevicesInUse'],
        Providers: after['Providers'],
      },
      {
        Users: 2,
        Groups: 1,
        Roles: 1,
        Policies: 1,
        PolicyVersionsInUse: 2,
        InstanceProfiles: 1,
        MFADevices: 1,
        MFADevicesInUse: 0,
        Providers: 1,
      },
    )
    assert.deepEqual(
      {
        UsersQuota: after['UsersQuota'],
        GroupsQuota: after['GroupsQuota'],
        RolesQuota: after['RolesQuota'],
        PoliciesQuota: after['PoliciesQuota'],
        InstanceProfilesQuota: after['InstanceProfilesQuota'],
        VersionsPerPolicyQuota: after['VersionsPerPolicyQuota'],
        AttachedPoliciesPerUserQuota: after['AttachedPoliciesPerUserQuota'],
        AttachedPoliciesPerGroupQuota: after['AttachedPoliciesPerGroupQuota'],
        AttachedPoliciesPerRoleQuota: after['AttachedPoliciesPerRoleQuota'],
        GroupsPerUserQuota: after['GroupsPerUserQuota'],
        AccessKeysPerUserQuota: after['AccessKeysPerUserQuota'],
        AssumeRolePolicySizeQuota: after['AssumeRolePolicySizeQuota'],
        PolicySizeQuota: after['PolicySizeQuota'],
        ServerCertificatesQuota: after['ServerCertificatesQuota'],
      },
      {
        UsersQuota: 5000,
        GroupsQuota: 300,
        RolesQuota: 1000,
        PoliciesQuota: 1500,
        InstanceProfilesQuota: 1000,
        VersionsPerPolicyQuota: 5,
        AttachedPoliciesPerUserQuota: 10,
        AttachedPoliciesPerGroupQuota: 10,
        AttachedPoliciesPerRoleQuota: 10,
        GroupsPerUserQuota: 10,
        AccessKeysPerUserQuota: 2,
        AssumeRolePolicySizeQuota: 2048,
        PolicySizeQuota: 6144,
        ServerCertificatesQuota: 20,
      },
    )
  })
})
