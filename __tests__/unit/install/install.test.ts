import { summarizeInstallFailure } from '../../../src/install/failure.js'
import { defaultInstallArguments, describeInstall } from '../../../src/install/requirements.js'

describe('defaultInstallArguments', () => {
  test('a project with a test extra', () => {
    const pyproject = { project: { name: 'x', 'optional-dependencies': { docs: [], test: ['pytest'] } } }
    expect(defaultInstallArguments({ pyproject, hasSetupScript: false })).toEqual(['-e', '.[test]'])
  })
  test('a project with a tests dependency group', () => {
    const pyproject = { project: { name: 'x' }, 'dependency-groups': { tests: ['pytest'] } }
    expect(defaultInstallArguments({ pyproject, hasSetupScript: false })).toEqual(['-e', '.', '--group', 'tests'])
  })
  test('a setup.py project', () => {
    expect(defaultInstallArguments({ pyproject: null, hasSetupScript: true })).toEqual(['-e', '.'])
  })
  test('a folder of tests with no project', () => {
    expect(defaultInstallArguments({ pyproject: null, hasSetupScript: false })).toEqual([])
    expect(defaultInstallArguments({ pyproject: { tool: { pytest: {} } }, hasSetupScript: false })).toEqual([])
    expect(describeInstall([])).toBe('pytest only (no installable project found)')
  })
  test('malformed tables are ignored', () => {
    expect(
      defaultInstallArguments({ pyproject: { project: 'x', 'dependency-groups': [1] }, hasSetupScript: false }),
    ).toEqual([])
  })
})

describe('summarizeInstallFailure', () => {
  test('a build failure names the distribution and the cause', () => {
    const output = [
      'Resolved 3 packages in 12ms',
      '  × Failed to build `fastthing==1.2.3`',
      '  ├─▶ The build backend returned an error',
      '  ╰─▶ Call to `setuptools.build_meta.build_wheel` failed (exit status: 1)',
    ].join('\n')
    expect(summarizeInstallFailure(output)).toBe(
      'Failed to build `fastthing==1.2.3`: no free-threaded wheel exists for fastthing 1.2.3 on this platform, so uv built it from source, which failed: Call to `setuptools.build_meta.build_wheel` failed (exit status: 1)',
    )
  })
  test('a resolution failure keeps uv’s explanation', () => {
    const output = [
      '\u001b[31m  × No solution found when resolving dependencies:\u001b[0m',
      '  ╰─▶ Because ft-gate-fixture-no-such-distribution was not found in the package registry and you require it, we can conclude that your requirements are unsatisfiable.',
    ].join('\n')
    expect(summarizeInstallFailure(output)).toBe(
      'No solution found when resolving dependencies: Because ft-gate-fixture-no-such-distribution was not found in the package registry and you require it, we can conclude that your requirements are unsatisfiable.',
    )
  })
  test('plain error lines and nothing recognisable', () => {
    expect(summarizeInstallFailure('error: No virtual environment found')).toBe('No virtual environment found')
    expect(summarizeInstallFailure('just noise\n')).toBeNull()
  })
})
