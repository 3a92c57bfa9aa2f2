// aws-auth mapping as aws-iam-authenticator's EKSConfigMap mapper does it, and the UserInfo its
// webhook answers with, through TokenAuthenticator.authenticateToken over a cluster snapshot.
// Expected values: the authenticator's behaviour (pkg/mapper/configmap, pkg/server/server.go at
// 81b1daba) and EKS's documentation (reserved prefixes:
// https://docs.aws.amazon.com/eks/latest/userguide/set-custom-username.html; aws-auth ARNs without
// paths: https://docs.aws.amazon.com/eks/latest/userguide/troubleshooting_iam.html).
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  TokenAuthenticator,
  mapIdentity,
  rolePathWarning,
  TokenRejection,
} from '../../../src/kubernetes/authenticator/index.js'
import type { AwsIdentity, TokenVerification } from '../../../src/kubernetes/authenticator/index.js'
import type { AwsAuth, ClusterSnapshot, Node } from '../../../src/kubernetes/objects.js'

const ACCOUNT = '111122223333'

const session = (role: string, name: string): AwsIdentity => ({
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${name}`,
  canonicalArn: `arn:aws:iam::${ACCOUNT}:role/${role}`,
  accountId: ACCOUNT,
  userId: 'AROAEXAMPLEROLEID0001',
  sessionName: name,
  accessKeyId: 'ASIAEXAMPLEKEY000001',
  stsEndpoint: 'rolegate.example.test',
})

const user = (name: string, account = ACCOUNT): AwsIdentity => ({
  arn: `arn:aws:iam::${account}:user/${name}`,
  canonicalArn: `arn:aws:iam::${account}:user/${name}`,
  accountId: account,
  userId: 'AIDAEXAMPLEUSERID0001',
  sessionName: '',
  accessKeyId: 'AKIAEXAMPLEKEY000001',
  stsEndpoint: 'rolegate.example.test',
})

const awsAuth = (partial: Partial<AwsAuth>): AwsAuth => ({
  mapRoles: [],
  mapUsers: [],
  mapAccounts: [],
  ...partial,
})

const node = (name: string, providerID: string, dns: string): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  spec: { providerID },
  status: {
    addresses: [
      { type: 'InternalIP', address: '10.0.0.1' },
      { type: 'Hostname', address: name },
      { type: 'InternalDNS', address: dns },
    ],
  },
})

const nodes = [
  node('n1', 'aws:///us-east-1a/i-0123456789abcdef0', 'ip-10-0-0-1.ec2.internal'),
  node('n2', 'aws:///us-east-1b/i-0fedcba9876543210', 'ip-10-0-0-2.ec2.internal'),
]

const refusal = (work: () => unknown): string => {
  try {
    work()
  } catch (error) {
    assert.ok(error instanceof TokenRejection && error.kind === 'mapping', String(error))
    return error.message
  }
  assert.fail('expected the identity to be refused')
}

describe('mapRoles, mapUsers, mapAccounts', () => {
  test("a role session maps by its role's ARN", () => {
    const auth = awsAuth({
      mapRoles: [
        {
          rolearn: `arn:aws:iam::${ACCOUNT}:role/OktaProdAdminRole`,
          username: 'production-admin-user',
          groups: ['prod-admin-group'],
        },
      ],
    })
    assert.deepEqual(mapIdentity(session('OktaProdAdminRole', 'jane'), auth, []), {
      username: 'production-admin-user',
      groups: ['prod-admin-group'],
    })
  })

  test('a rolearn written with a path still maps the session (the path is stripped)', () => {
    const auth = awsAuth({
      mapRoles: [
        {
          rolearn: `arn:aws:iam::${ACCOUNT}:role/teams/platform/eks-admin`,
          username: 'platform',
          groups: ['platform'],
        },
      ],
    })
    assert.equal(mapIdentity(session('eks-admin', 's'), auth, []).username, 'platform')
  })

  test('the warning for a rolearn with a path says what it is matched as', () => {
    assert.equal(
      rolePathWarning(`arn:aws:iam::${ACCOUNT}:role/teams/platform/eks-admin`),
      `mapRoles rolearn arn:aws:iam::${ACCOUNT}:role/teams/platform/eks-admin has a path, which` +
        ' aws-auth ARNs cannot carry (https://docs.aws.amazon.com/eks/latest/userguide/' +
        `troubleshooting_iam.html): it is matched as arn:aws:iam::${ACCOUNT}:role/eks-admin`,
    )
    assert.equal(rolePathWarning(`arn:aws:iam::${ACCOUNT}:role/eks-admin`), undefined)
    assert.equal(rolePathWarning(`arn:aws:iam::${ACCOUNT}:user/team/alice`), undefined)
    assert.equal(rolePathWarning('not an arn'), undefined)
  })

  test('ARNs match without regard to case', () => {
    const auth = awsAuth({
      mapUsers: [{ userarn: `ARN:AWS:IAM::${ACCOUNT}:USER/ALICE`, username: 'alice', groups: [] }],
    })
    assert.equal(mapIdentity(user('alice'), auth, []).username, 'alice')
  })

  test('of two entries for one ARN the later counts, as in the authenticator', () => {
    const rolearn = `arn:aws:iam::${ACCOUNT}:role/dev`
    const auth = awsAuth({
      mapRoles: [
        { rolearn, username: 'first', groups: ['a'] },
        { rolearn: rolearn.toUpperCase(), username: 'second', groups: ['b'] },
      ],
    })
    assert.deepEqual(mapIdentity(session('dev', 's'), auth, []), {
      username: 'second',
      groups: ['b'],
    })
  })

  test('mapRoles is asked before mapUsers', () => {
    const arn = `arn:aws:iam::${ACCOUNT}:role/dev`
    const auth = awsAuth({
      mapUsers: [{ userarn: arn, username: 'from-users', groups: [] }],
      mapRoles: [{ rolearn: arn, username: 'from-roles', groups: [] }],
    })
    assert.equal(mapIdentity(session('dev', 's'), auth, []).username, 'from-roles')
  })

  test('mapAccounts: any identity of the account, known by its canonical ARN, no group', () => {
    const auth = awsAuth({ mapAccounts: [ACCOUNT] })
    assert.deepEqual(mapIdentity(session('anything', 's'), auth, []), {
      username: `arn:aws:iam::${ACCOUNT}:role/anything`,
      groups: [],
    })
  })

  test('a mapping wins over mapAccounts', () => {
    const auth = awsAuth({
      mapAccounts: [ACCOUNT],
      mapUsers: [{ userarn: user('bob').arn, username: 'bob', groups: ['g'] }],
    })
    assert.equal(mapIdentity(user('bob'), auth, []).username, 'bob')
  })

  test('an unmapped identity is refused, naming its ARN', () => {
    const auth = awsAuth({
      mapAccounts: ['444455556666'],
      mapUsers: [{ userarn: user('bob').arn, username: 'bob', groups: [] }],
    })
    assert.equal(
      refusal(() => mapIdentity(session('intruder', 'x'), auth, [])),
      `identity is not mapped: arn:aws:iam::${ACCOUNT}:role/intruder (from ` +
        `arn:aws:sts::${ACCOUNT}:assumed-role/intruder/x) is in no mapRoles or mapUsers entry of` +
        ` aws-auth, and account ${ACCOUNT} is not in mapAccounts`,
    )
    assert.equal(
      refusal(() => mapIdentity(user('carol'), awsAuth({}), [])),
      `identity is not mapped: arn:aws:iam::${ACCOUNT}:user/carol is in no mapRoles or mapUsers` +
        ` entry of aws-auth, and account ${ACCOUNT} is not in mapAccounts`,
    )
  })
})

describe('templates', () => {
  const roleWith = (username: string, groups: string[] = []) =>
    awsAuth({ mapRoles: [{ rolearn: `arn:aws:iam::${ACCOUNT}:role/r`, username, groups }] })

  test('{{SessionName}} with @ turned into -, {{SessionNameRaw}}, {{AccountID}}, {{AccessKeyID}}', () => {
    const mapped = mapIdentity(
      session('r', 'jane@example.com'),
      roleWith('admin:{{SessionName}}', [
        'raw:{{SessionNameRaw}}',
        'acct:{{AccountID}}',
        'key:{{AccessKeyID}}',
      ]),
      [],
    )
    assert.deepEqual(mapped, {
      username: 'admin:jane-example.com',
      groups: ['raw:jane@example.com', `acct:${ACCOUNT}`, 'key:ASIAEXAMPLEKEY000001'],
    })
  })

  test('{{EC2PrivateDNSName}}: the session name as an instance id, found among the nodes', () => {
    const mapped = mapIdentity(
      session('r', 'i-0fedcba9876543210'),
      roleWith('system:node:{{EC2PrivateDNSName}}', ['system:bootstrappers', 'system:nodes']),
      nodes,
    )
    assert.deepEqual(mapped, {
      username: 'system:node:ip-10-0-0-2.ec2.internal',
      groups: ['system:bootstrappers', 'system:nodes'],
    })
  })

  test('{{EC2PrivateDNSName}} for an instance no node runs', () => {
    assert.equal(
      refusal(() =>
        mapIdentity(
          session('r', 'i-00000000000000000'),
          roleWith('system:node:{{EC2PrivateDNSName}}'),
          nodes,
        ),
      ),
      'mapper EKSConfigMap renderTemplates error: error rendering username template' +
        ' "system:node:{{EC2PrivateDNSName}}": failed to find node i-00000000000000000',
    )
  })

  test('{{EC2PrivateDNSName}} for a session name that is no instance id', () => {
    assert.equal(
      refusal(() =>
        mapIdentity(session('r', 'jane'), roleWith('u', ['{{EC2PrivateDNSName}}']), nodes),
      ),
      'mapper EKSConfigMap renderTemplates error: error rendering group template' +
        ' "{{EC2PrivateDNSName}}": SessionName did not contain an instance id',
    )
  })
})

describe("EKS's reserved username prefixes", () => {
  const roleWith = (username: string) =>
    awsAuth({
      mapRoles: [
        { rolearn: `arn:aws:iam::${ACCOUNT}:role/r`, username, groups: ['system:masters'] },
      ],
    })
  for (const username of [
    'system:admin',
    'eks:me',
    'aws:me',
    'amazon:me',
    'iam:me',
    'system:node:fixed',
  ]) {
    test(`${username} is refused`, () => {
      assert.equal(
        refusal(() => mapIdentity(session('r', 's'), roleWith(username), [])),
        `invalid username '${username}' for mapper EKSConfigMap: username must not begin with` +
          ' the following prefixes: [system: eks: aws: amazon: iam:]',
      )
    })
  }
  test('a template that renders into a reserved prefix is refused', () => {
    const rendered = awsAuth({
      mapRoles: [
        {
          rolearn: `arn:aws:iam::${ACCOUNT}:role/r`,
          username: 'system:{{SessionName}}',
          groups: [],
        },
      ],
    })
    assert.match(
      refusal(() => mapIdentity(session('r', 'x'), rendered, [])),
      /^invalid username 'system:x'/,
    )
  })
  test('system:node: templates are allowed, as EKS writes them for nodes and Fargate', () => {
    assert.equal(
      mapIdentity(
        session('r', 'i-0123456789abcdef0'),
        roleWith('system:node:{{EC2PrivateDNSName}}'),
        nodes,
      ).username,
      'system:node:ip-10-0-0-1.ec2.internal',
    )
    assert.equal(
      mapIdentity(session('r', 'fargate-1'), roleWith('system:node:{{SessionName}}'), []).username,
      'system:node:fargate-1',
    )
  })
  test('groups may be system: groups; near-misses of a prefix are fine', () => {
    assert.deepEqual(mapIdentity(session('r', 's'), roleWith('systemadmin'), []), {
      username: 'systemadmin',
      groups: ['system:masters'],
    })
  })
})

describe('TokenAuthenticator.authenticateToken', () => {
  const cluster: ClusterSnapshot = {
    cluster: {
      accountId: ACCOUNT,
      name: 'prod',
      id: '0123456789ABCDEF0123456789ABCDEF',
      arn: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/prod`,
      region: 'us-east-1',
      issuerName: 'eks-0123456789ABCDEF0123456789ABCDEF',
      createdAt: new Date('2026-01-01T00:00:00Z'),
    },
    objects: nodes,
  }
  const auth = awsAuth({
    mapRoles: [
      {
        rolearn: `arn:aws:iam::${ACCOUNT}:role/OktaProdAdminRole`,
        username: 'production-admin-user',
        groups: ['prod-admin-group'],
      },
      {
        rolearn: `arn:aws:iam::${ACCOUNT}:role/nodes`,
        username: 'system:node:{{EC2PrivateDNSName}}',
        groups: ['system:nodes'],
      },
    ],
  })
  const seen: Array<{ token: string; clusterName: string }> = []
  const answers = new Map<string, TokenVerification>([
    ['admin-token', { identity: session('OktaProdAdminRole', 'jane@example.com') }],
    ['node-token', { identity: session('nodes', 'i-0123456789abcdef0') }],
    ['stranger-token', { identity: user('stranger') }],
    ['bad-token', { error: 'input token was not properly formatted: x', kind: 'format' }],
  ])
  const authenticator = new TokenAuthenticator({
    verifier: {
      verify(token, clusterName) {
        seen.push({ token, clusterName })
        return Promise.resolve(answers.get(token)!)
      },
    },
    awsAuthOf: (snapshot) => {
      assert.equal(snapshot, cluster)
      return auth
    },
  })

  test('the user as the authenticator answers it, plus system:authenticated', async () => {
    const result = await authenticator.authenticateToken('admin-token', cluster)
    assert.deepEqual(seen.at(-1), { token: 'admin-token', clusterName: 'prod' })
    assert.ok('user' in result)
    assert.deepEqual(result.user, {
      username: 'production-admin-user',
      uid: `aws-iam-authenticator:${ACCOUNT}:AROAEXAMPLEROLEID0001`,
      groups: ['prod-admin-group', 'system:authenticated'],
      extra: {
        arn: [`arn:aws:sts::${ACCOUNT}:assumed-role/OktaProdAdminRole/jane@example.com`],
        canonicalArn: [`arn:aws:iam::${ACCOUNT}:role/OktaProdAdminRole`],
        sessionName: ['jane@example.com'],
        accessKeyId: ['ASIAEXAMPLEKEY000001'],
        principalId: ['AROAEXAMPLEROLEID0001'],
        'sigs.k8s.io/aws-iam-authenticator/principalId': ['AROAEXAMPLEROLEID0001'],
      },
    })
  })

  test("a node's role resolves through the snapshot's Node objects", async () => {
    const result = await authenticator.authenticateToken('node-token', cluster)
    assert.ok('user' in result)
    assert.equal(result.user.username, 'system:node:ip-10-0-0-1.ec2.internal')
    assert.deepEqual(result.user.groups, ['system:nodes', 'system:authenticated'])
  })

  test('a refusal from verification or mapping comes back as an error, never a throw', async () => {
    assert.deepEqual(await authenticator.authenticateToken('bad-token', cluster), {
      error: 'input token was not properly formatted: x',
      kind: 'format',
    })
    const stranger = await authenticator.authenticateToken('stranger-token', cluster)
    assert.ok('error' in stranger)
    assert.equal(stranger.kind, 'mapping')
    assert.match(
      stranger.error,
      new RegExp(`^identity is not mapped: arn:aws:iam::${ACCOUNT}:user/stranger `),
    )
  })
})
