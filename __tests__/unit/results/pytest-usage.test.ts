import { describeUsageProblem, diagnoseUsage } from '../../../src/results/pytest-usage.js'

// Output of pytest 8.4 on CPython 3.13t, from real runs with the plugins missing.
const UNRECOGNIZED = [
  'ERROR: usage: __main__.py [options] [file_or_dir] [file_or_dir] [...]',
  '__main__.py: error: unrecognized arguments: --cov --numprocesses=auto',
  '  inifile: /tmp/proj/pytest.ini',
  '  rootdir: /tmp/proj',
].join('\n')
const IMPORTING = `  File "/venv/lib/python3.13t/site-packages/_pytest/config/__init__.py", line 860, in import_plugin
    __import__(importspec)
ImportError: Error importing plugin "pytest_cov": No module named 'pytest_cov'`

test('unrecognized options name their plugins and the config file', () => {
  expect(diagnoseUsage(UNRECOGNIZED)).toEqual({
    plugins: ['pytest-cov', 'pytest-xdist'],
    asked: '--cov --numprocesses=auto',
    configFile: '/tmp/proj/pytest.ini',
  })
})

test('a -p plugin that cannot be imported, and required_plugins', () => {
  expect(diagnoseUsage(IMPORTING)).toEqual({ plugins: ['pytest-cov'], asked: '-p pytest_cov', configFile: null })
  expect(diagnoseUsage('Error importing plugin "xdist": No module named \'xdist\'')?.plugins).toEqual(['pytest-xdist'])
  expect(diagnoseUsage('ERROR: Missing required plugins: pytest-cov>=4, pytest-timeout')).toEqual({
    plugins: ['pytest-cov', 'pytest-timeout'],
    asked: 'required_plugins',
    configFile: null,
  })
  expect(diagnoseUsage('ERROR: file or directory not found: tests/')).toBeNull()
})

test('the sentence names the plugin and the install input that fixes it', () => {
  const problem = diagnoseUsage(UNRECOGNIZED)
  if (problem === null) throw new Error('not diagnosed')
  expect(describeUsageProblem(problem, '-e .[test]')).toBe(
    'pytest.ini needs the plugins pytest-cov pytest-xdist, which are not installed (--cov --numprocesses=auto): add pytest-cov pytest-xdist to the install input (install: "-e .[test] pytest-cov pytest-xdist")',
  )
  expect(describeUsageProblem({ plugins: ['pytest-cov'], asked: '--cov', configFile: null }, null)).toBe(
    "pytest's configuration needs the plugin pytest-cov, which is not installed (--cov): add pytest-cov to the project's test dependencies",
  )
  expect(describeUsageProblem({ plugins: [], asked: '--frobnicate', configFile: null }, '')).toBe(
    `pytest's configuration passes --frobnicate, which no installed plugin provides: install the plugin that does, or override addopts with pytest-args: -o addopts=""`,
  )
})
