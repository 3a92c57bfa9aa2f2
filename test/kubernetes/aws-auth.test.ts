// The aws-auth ConfigMap as aws-iam-authenticator reads it (pkg/mapper/configmap/configmap.go:
// YAML lists inside the ConfigMap's data, keys matched as Go's encoding/json matches them, the
// last entry per ARN kept, blank values skipped), role paths stripped with a warning (EKS's
// troubleshooting guide: "The role ARN can't include a path"), and edited as eksctl's
// create/delete iamidentitymapping edit it (pkg/ctl/create/iamidentitymapping.go,
// pkg/ctl/delete/iamidentitymapping.go, pkg/authconfigmap/authconfigmap.go).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parse } from 'yaml'
import { parseAwsAuth, roleArnWithoutPath } from '../../src/kubernetes/aws-auth.js'
import { addIdentityMapping, removeIdentityMapping } from '../../src/kubernetes/aws-auth-edit.js'
import { formatFieldError } from '../../src/kubernetes/cluster-field-errors.js'
import { AwsError } from '../../src/core/errors.js'

const ROLE = 'arn:aws:iam::111122223333:role/OktaProdAdminRole'

describe('parseAwsAuth', () => {
  test('the EKS user guide example: roles, users and accounts', () => {
    // docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html, the ConfigMap's shape.
    const parsed = parseAwsAuth({
      mapRoles: `- rolearn: arn:aws:iam::111122223333:role/my-role
  username: system:node:{{EC2PrivateDNSName}}
  groups:
    - system:bootstrappers
    - system:nodes
- rolearn: arn:aws:iam::111122223333:role/my-console-viewer-role
  groups:
    - eks-console-dashboard-full-access-group
  username: my-console-viewer-role
`,
      mapUsers: `- userarn: arn:aws:iam::111122223333:user/admin
  username: admin
  groups:
    - system:masters
`,
      mapAccounts: `- "444455556666"
- 012345678901
`,
    })
    assert.deepEqual(parsed.errors, [])
    assert.deepEqual(parsed.warnings, [])
    assert.deepEqual(parsed.awsAuth, {
      mapRoles: [
        {
          rolearn: 'arn:aws:iam::111122223333:role/my-role',
          username: 'system:node:{{EC2PrivateDNSName}}',
          groups: ['system:bootstrappers', 'system:nodes'],
        },
        {
          rolearn: 'arn:aws:iam::111122223333:role/my-console-viewer-role',
          username: 'my-console-viewer-role',
          groups: ['eks-console-dashboard-full-access-group'],
        },
      ],
      mapUsers: [
        {
          userarn: 'arn:aws:iam::111122223333:user/admin',
          username: 'admin',
          groups: ['system:masters'],
        },
      ],
      // An unquoted ID is read as written (yaml.v2 into a string keeps the text), leading 0 kept.
      mapAccounts: ['444455556666', '012345678901'],
    })
  })

  test('a role ARN with a path loads without it, and says so', () => {
    const parsed = parseAwsAuth({
      mapRoles:
        '- rolearn: arn:aws:iam::111122223333:role/teams/dev/OktaProdAdminRole\n  username: u\n',
    })
    assert.deepEqual(parsed.errors, [])
    assert.equal(parsed.awsAuth.mapRoles[0]?.rolearn, ROLE)
    assert.equal(parsed.warnings.length, 1)
    assert.match(
      parsed.warnings[0] ?? '',
      /has a path; it is matched as arn:aws:iam::111122223333:role\/OktaProdAdminRole/,
    )
    assert.equal(
      roleArnWithoutPath('arn:aws-cn:iam::111122223333:role/a/b'),
      'arn:aws-cn:iam::111122223333:role/b',
    )
    assert.equal(roleArnWithoutPath(ROLE), ROLE)
  })

  test("keys match without regard to case (aws-iam-authenticator's aws-auth-crazy-case-keys.yaml)", () => {
    const parsed = parseAwsAuth({
      mapRoles: `- RoleARN: ${ROLE}\n  UserName: u\n  GROUPS: [g]\n`,
      mapUsers: '- UserArn: arn:aws:iam::111122223333:user/bob\n  Username: bob\n',
    })
    assert.deepEqual(parsed.errors, [])
    assert.deepEqual(parsed.awsAuth.mapRoles, [{ rolearn: ROLE, username: 'u', groups: ['g'] }])
    assert.equal(parsed.awsAuth.mapUsers[0]?.username, 'bob')
  })

  test('the last entry for an ARN counts, compared without regard to case, with a warning', () => {
    const parsed = parseAwsAuth({
      mapRoles: `- rolearn: ${ROLE}\n  username: first\n- rolearn: ${ROLE.replace('OktaProdAdminRole', 'oktaprodadminrole')}\n  username: second\n`,
    })
    assert.deepEqual(parsed.errors, [])
    assert.deepEqual(
      parsed.awsAuth.mapRoles.map((mapping) => mapping.username),
      ['second'],
    )
    assert.match(
      parsed.warnings[0] ?? '',
      /data\[mapRoles\]\[0\] and data\[mapRoles\]\[1\] map the same ARN/,
    )
  })

  test('blank, `` and "" values map nobody, as aws-iam-authenticator skips them', () => {
    for (const blank of ['', '  \n', '``', '""']) {
      const parsed = parseAwsAuth({ mapRoles: blank, mapUsers: blank, mapAccounts: blank })
      assert.deepEqual(parsed, {
        awsAuth: { mapRoles: [], mapUsers: [], mapAccounts: [] },
        warnings: [],
        errors: [],
      })
    }
    assert.deepEqual(parseAwsAuth(undefined).awsAuth, {
      mapRoles: [],
      mapUsers: [],
      mapAccounts: [],
    })
  })

  test('what would make aws-iam-authenticator map nobody is an error, field by field', () => {
    const parsed = parseAwsAuth({
      mapRoles: `- username: no-arn
- rolearn: arn:aws:sts::111122223333:assumed-role/x/y
- rolearn: ${ROLE}
  groups: admins
- just a string
`,
      mapUsers: 'rolearn: not a list\n',
      mapAccounts: '- {a: 1}\n- "12345678901"\n',
    })
    assert.deepEqual(parsed.errors.map(formatFieldError), [
      'data[mapRoles][0].rolearn: Required value',
      'data[mapRoles][1].rolearn: Invalid value: "arn:aws:sts::111122223333:assumed-role/x/y": must be an IAM role ARN, arn:aws:iam::ACCOUNT:role/NAME',
      'data[mapRoles][2].groups: Invalid value: "\\"admins\\"": must be a list of strings',
      'data[mapRoles][3]: Invalid value: "\\"just a string\\"": must be a mapping with rolearn',
      'data[mapUsers]: Invalid value: "rolearn: not a list\\n": must be a YAML list',
      'data[mapAccounts][0]: Invalid value: "{\\"a\\":1}": must be a 12-digit AWS account ID, written as a quoted string',
      'data[mapAccounts][1]: Invalid value: "12345678901": must be a 12-digit AWS account ID, written as a quoted string',
    ])
  })

  test('unknown fields are ignored with a warning; sso mappings are refused', () => {
    const parsed = parseAwsAuth({
      mapRoles: `- rolearn: ${ROLE}\n  username: u\n  color: blue\n`,
    })
    assert.deepEqual(parsed.errors, [])
    assert.deepEqual(parsed.warnings, [
      'data[mapRoles][0]: unknown field "color" ignored, as aws-iam-authenticator ignores it',
    ])
    const sso = parseAwsAuth({
      mapRoles: '- sso: {permissionSetName: Admin, accountID: "111122223333"}\n  username: u\n',
    })
    assert.deepEqual(sso.errors.map(formatFieldError), [
      'data[mapRoles][0].sso: Invalid value: "{\\"permissionSetName\\":\\"Admin\\",\\"accountID\\":\\"111122223333\\"}": not supported by rolegate',
      'data[mapRoles][0].rolearn: Required value',
    ])
  })
})

describe('editing aws-auth as eksctl does', () => {
  const refused = (run: () => unknown, code: string, message: string) =>
    assert.throws(run, (error) => {
      assert.ok(error instanceof AwsError)
      assert.equal(error.code, code)
      assert.equal(error.message, message)
      return true
    })

  test('a mapping is appended; both lists are written back as sigs.k8s.io/yaml marshals them', () => {
    const edit = addIdentityMapping(
      { mapAccounts: '- "444455556666"\n' },
      { arn: ROLE, username: 'production-admin-user', groups: ['prod-admin-group'] },
      { noDuplicateArns: false },
    )
    assert.equal(edit.changed, true)
    assert.deepEqual(edit.warnings, [])
    assert.deepEqual(edit.data, {
      mapAccounts: '- "444455556666"\n',
      mapRoles: `- groups:\n  - prod-admin-group\n  rolearn: ${ROLE}\n  username: production-admin-user\n`,
      mapUsers: '[]\n',
    })
    const user = addIdentityMapping(
      edit.data,
      { arn: 'arn:aws:iam::111122223333:user/alice', username: '', groups: ['viewers'] },
      { noDuplicateArns: false },
    )
    assert.deepEqual(parse(user.data['mapUsers'] ?? ''), [
      { groups: ['viewers'], userarn: 'arn:aws:iam::111122223333:user/alice' },
    ])
    assert.equal(user.data['mapRoles'], edit.data['mapRoles'])
  })

  test("the same ARN again shadows the first, with eksctl's warning", () => {
    const first = addIdentityMapping(
      {},
      { arn: ROLE, username: 'a', groups: [] },
      { noDuplicateArns: false },
    )
    const second = addIdentityMapping(
      first.data,
      { arn: ROLE, username: 'b', groups: [] },
      { noDuplicateArns: false },
    )
    assert.deepEqual(second.warnings, [
      `found existing mappings with same arn "${ROLE}" (which will be shadowed by your new mapping)`,
    ])
    assert.deepEqual(
      (parse(second.data['mapRoles'] ?? '') as { username: string }[]).map((m) => m.username),
      ['a', 'b'],
    )
    assert.deepEqual(
      parseAwsAuth(second.data).awsAuth.mapRoles.map((m) => m.username),
      ['b'],
    )
  })

  test('--no-duplicate-arns: the same mapping changes nothing, another for the ARN is refused', () => {
    const first = addIdentityMapping(
      {},
      { arn: ROLE, username: 'a', groups: ['g'] },
      { noDuplicateArns: false },
    )
    const same = addIdentityMapping(
      first.data,
      { arn: ROLE, username: 'a', groups: ['g'] },
      { noDuplicateArns: true },
    )
    assert.equal(same.changed, false)
    assert.deepEqual(same.warnings, [
      'found existing mapping that matches the one being created, quitting.',
    ])
    refused(
      () =>
        addIdentityMapping(
          first.data,
          { arn: ROLE, username: 'other', groups: ['g'] },
          { noDuplicateArns: true },
        ),
      'InvalidParameterException',
      `found existing mapping with the same arn "${ROLE}" and shadowing is disabled`,
    )
  })

  test("iam.NewIdentity's refusals", () => {
    refused(
      () =>
        addIdentityMapping({}, { arn: '', username: 'a', groups: [] }, { noDuplicateArns: false }),
      'InvalidParameterException',
      'expected a valid arn but got empty string',
    )
    refused(
      () =>
        addIdentityMapping({}, { arn: ROLE, username: '', groups: [] }, { noDuplicateArns: false }),
      'InvalidParameterException',
      'neither username nor groups is set for iam identity',
    )
    refused(
      () =>
        addIdentityMapping(
          {},
          { arn: 'arn:aws:iam::111122223333:group/devs', username: 'a', groups: [] },
          { noDuplicateArns: false },
        ),
      'InvalidParameterException',
      'arn is neither user nor role',
    )
  })

  test('unmap removes the first mapping of the ARN, or all of them; an ARN not mapped is refused', () => {
    let data = {}
    for (const username of ['a', 'b', 'c']) {
      data = addIdentityMapping(
        data,
        { arn: ROLE, username, groups: [] },
        { noDuplicateArns: false },
      ).data
    }
    const one = removeIdentityMapping(data, ROLE, { all: false })
    assert.deepEqual(one.warnings, [
      `there are 2 mappings left with same arn "${ROLE}" (use --all to delete them at once)`,
    ])
    assert.deepEqual(
      (parse(one.data['mapRoles'] ?? '') as { username: string }[]).map((m) => m.username),
      ['b', 'c'],
    )
    const all = removeIdentityMapping(data, ROLE, { all: true })
    assert.deepEqual(all.warnings, [])
    assert.equal(all.data['mapRoles'], '[]\n')
    refused(
      () => removeIdentityMapping(all.data, ROLE, { all: false }),
      'ResourceNotFoundException',
      `instance identity ARN "${ROLE}" not found in auth ConfigMap`,
    )
    assert.equal(removeIdentityMapping(all.data, ROLE, { all: true }).changed, false)
  })
})
