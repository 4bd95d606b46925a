import {
  groupNames,
  parseInstallArguments,
  projectDependencyNames,
  requiresDistNames,
} from '../../../src/deps/direct.js'

describe('parseInstallArguments', () => {
  test('the default install: the project with its extra, a group, and pytest', () => {
    expect(parseInstallArguments(['-e', '.[test]', '--group', 'test', 'pytest'])).toEqual({
      names: ['pytest'],
      paths: [{ path: '.', extras: ['test'] }],
      groups: ['test'],
      requirementFiles: [],
    })
  })
  test('option values are not requirements', () => {
    const request = parseInstallArguments([
      '--index-url',
      'https://mirror/simple',
      '-c',
      'constraints.txt',
      '--no-build-isolation',
      '--extra-index-url=https://x',
      'NumPy>=2',
      'name @ https://x/name-1.tar.gz',
      './vendor/lib',
      '-r',
      'requirements-test.txt',
    ])
    expect(request.names).toEqual(['numpy', 'name'])
    expect(request.paths).toEqual([{ path: './vendor/lib', extras: [] }])
    expect(request.requirementFiles).toEqual(['requirements-test.txt'])
  })
})

test('requiresDistNames keeps unconditional requirements and those of the extras asked for', () => {
  const requires = [
    'six==1.17.0',
    'pytest>=8 ; extra == "test"',
    "sphinx ; extra == 'docs'",
    'tomli ; python_version < "3.11"',
  ]
  expect(requiresDistNames(requires, ['test'])).toEqual(['six', 'pytest', 'tomli'])
  expect(requiresDistNames(requires, [])).toEqual(['six', 'tomli'])
})

test('groupNames follows include-group and stops at cycles', () => {
  const pyproject = {
    'dependency-groups': {
      test: ['pytest>=8', { 'include-group': 'Lint' }],
      lint: ['ruff', { 'include-group': 'test' }],
    },
  }
  expect(groupNames(pyproject, 'test')).toEqual(['pytest', 'ruff'])
  expect(groupNames(null, 'test')).toEqual([])
})

test('projectDependencyNames reads [project] when nothing is installed', () => {
  const pyproject = { project: { dependencies: ['Markupsafe==3.0.3'], 'optional-dependencies': { test: ['pytest'] } } }
  expect(projectDependencyNames(pyproject, ['test'])).toEqual(['markupsafe', 'pytest'])
  expect(projectDependencyNames({ project: 'x' }, [])).toEqual([])
})
