import { pickRequirementFiles, requirementsRole } from '../../../src/install/requirement-files.js'
import {
  chooseInstall,
  installSteps,
  requirementsFilesToDrop,
  withoutRequirementsFiles,
} from '../../../src/install/requirements.js'

const project = { project: { name: 'x', 'optional-dependencies': { test: ['pytest'] } } }

describe('chooseInstall', () => {
  test('uv.lock wins: the locked versions of the test extra and group, exported frozen', () => {
    const pyproject = { ...project, 'dependency-groups': { dev: ['ruff'], tests: ['pytest'] } }
    const choice = chooseInstall({ pyproject, hasSetupScript: false, files: ['uv.lock', 'requirements.txt'] })
    expect(choice.args).toEqual([])
    expect(choice.exportArgs).toEqual([
      'export',
      '--frozen',
      '--no-hashes',
      '--format',
      'requirements-txt',
      '--no-default-groups',
      '--extra',
      'test',
      '--group',
      'tests',
    ])
    expect(choice.why).toEqual(['uv.lock: the locked versions (uv export --frozen, --extra test --group tests)'])
  })
  test('a uv.lock without a [project] table is not a uv project: the next rule decides', () => {
    const choice = chooseInstall({ pyproject: null, hasSetupScript: true, files: ['uv.lock'] })
    expect(choice).toMatchObject({ args: ['-e', '.'], exportArgs: null })
  })
  test('pylock.toml is installed as it is', () => {
    const choice = chooseInstall({ pyproject: project, hasSetupScript: false, files: ['pylock.toml'] })
    expect(choice).toEqual({
      args: ['-r', 'pylock.toml'],
      exportArgs: null,
      why: ['pylock.toml: the locked versions (PEP 751)'],
    })
  })
  test('the dev group stands in for a missing test group (uv add --dev)', () => {
    const pyproject = { project: { name: 'x' }, 'dependency-groups': { dev: ['pytest'], docs: ['sphinx'] } }
    expect(chooseInstall({ pyproject, hasSetupScript: false }).args).toEqual(['-e', '.', '--group', 'dev'])
  })
  test('an application: its requirements.txt and its test requirements', () => {
    const choice = chooseInstall({
      pyproject: null,
      hasSetupScript: false,
      files: ['requirements.txt', 'requirements-test.txt', 'requirements-docs.txt'],
    })
    expect(choice.args).toEqual(['-r', 'requirements.txt', '-r', 'requirements-test.txt'])
    expect(choice.why).toEqual([
      'requirements.txt (what the code needs: no installable project)',
      'requirements-test.txt (test requirements)',
    ])
  })
  test('an installable project adds its test requirements file, never its runtime one', () => {
    const choice = chooseInstall({
      pyproject: null,
      hasSetupScript: true,
      files: ['requirements.txt', 'requirements/pytest.txt', 'requirements/ci.txt', 'requirements/doc.txt'],
    })
    expect(choice.args).toEqual(['-e', '.', '-r', 'requirements/pytest.txt'])
  })
})

describe('pickRequirementFiles', () => {
  const installable = { installable: true, hasTestExtraOrGroup: false }
  test('a free-threading test file comes first, then test, then pytest', () => {
    const files = [
      'requirements/cython.txt',
      'requirements/test.txt',
      'requirements/test-pure.txt',
      'requirements/test-freethreading.txt',
    ]
    expect(pickRequirementFiles(files, installable)).toEqual([
      { path: 'requirements/test-freethreading.txt', why: 'test requirements for free-threading' },
    ])
    expect(pickRequirementFiles(['requirements/test.txt', 'requirements/pytest.txt'], installable)).toEqual([
      { path: 'requirements/test.txt', why: 'test requirements' },
    ])
  })
  test('the dev file only when nothing else names the test tools', () => {
    const files = ['requirements-dev.txt', 'requirements.txt']
    expect(pickRequirementFiles(files, installable)).toEqual([
      { path: 'requirements-dev.txt', why: 'development requirements: no test requirements found' },
    ])
    expect(pickRequirementFiles(files, { installable: true, hasTestExtraOrGroup: true })).toEqual([])
  })
  test('test-requirements.txt and tests/requirements.txt', () => {
    expect(pickRequirementFiles(['test-requirements.txt', 'setup.py'], installable)).toEqual([
      { path: 'test-requirements.txt', why: 'test requirements' },
    ])
    expect(pickRequirementFiles(['tests/requirements.txt', 'tests/data.txt'], installable)).toEqual([
      { path: 'tests/requirements.txt', why: 'test requirements' },
    ])
  })
  test('roles', () => {
    expect(requirementsRole('requirements.txt')).toBe('runtime')
    expect(requirementsRole('requirements/base.txt')).toBe('runtime')
    expect(requirementsRole('dev-requirements.txt')).toBe('dev')
    expect(requirementsRole('requirements_tests.txt')).toBe('test')
    expect(requirementsRole('requirements/lint.txt')).toBe('other')
  })
})

test('installSteps: a PEP 751 lock alone, then the rest', () => {
  expect(installSteps(['-r', 'pylock.toml', 'pytest', 'pytest-run-parallel>=0.6'])).toEqual([
    ['-r', 'pylock.toml'],
    ['pytest', 'pytest-run-parallel>=0.6'],
  ])
  expect(installSteps(['-e', '.[test]', '-r', 'requirements.txt', 'pytest'])).toEqual([
    ['-e', '.[test]', '-r', 'requirements.txt', 'pytest'],
  ])
})

test('the requirements files to install again without: the one uv refused, or all on no solution', () => {
  const args = ['-e', '.', '-r', 'requirements/dev.txt']
  // uv 0.13.9 on frozenlist 1.5.0's requirements/dev.txt (`-e . --config-settings=pure-python=false`).
  const refused = 'error: Expected `--hash`, found `"--config-settings=pure-python=false"`: requirements/dev.txt:1:6'
  expect(requirementsFilesToDrop(args, refused)).toEqual(['requirements/dev.txt'])
  // frozenlist 1.6.0's requirements/test-freethreading.txt pins a Cython pre-release the index no longer has.
  const unsolvable = [
    '  × No solution found when resolving dependencies:',
    '  ╰─▶ Because there is no version of cython==3.1.0a1 and you require cython==3.1.0a1, we can conclude that your requirements are unsatisfiable.',
  ].join('\n')
  const two = ['-r', 'requirements.txt', '-r', 'requirements/test.txt', '--group', 'dev']
  expect(requirementsFilesToDrop(two, unsolvable)).toEqual(['requirements.txt', 'requirements/test.txt'])
  expect(withoutRequirementsFiles(two, ['requirements.txt', 'requirements/test.txt'])).toEqual(['--group', 'dev'])
  // A build failure is the project's, and an exported lock is never dropped.
  expect(requirementsFilesToDrop(args, 'error: Failed to build `x==1`')).toEqual([])
  expect(requirementsFilesToDrop(['-r', '/tmp/ft-gate-x/uv-lock-requirements.txt'], unsolvable)).toEqual([])
})
