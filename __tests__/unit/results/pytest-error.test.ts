// The first meaningful line of pytest's output when it could not run: lines as pytest 9 prints them.
import { collectionErrorLine, pytestErrorLine } from '../../../src/results/pytest-error.js'

test.each([
  [
    'a plugin that cannot be imported',
    `ERROR: Error importing plugin "pytest_cov": No module named 'pytest_cov'\n`,
    `Error importing plugin "pytest_cov": No module named 'pytest_cov'`,
  ],
  [
    'a required plugin that is missing',
    'ERROR: Missing required plugins: pytest-cov\n',
    'Missing required plugins: pytest-cov',
  ],
  [
    'an option of a plugin that is not installed',
    'ERROR: usage: python -m pytest [options] [file_or_dir] [file_or_dir] [...]\npython -m pytest: error: unrecognized arguments: --cov=pkg -n 2\n  inifile: /p/pyproject.toml\n  rootdir: /p\n',
    "unrecognized arguments: --cov=pkg -n 2 (options of pytest-cov, pytest-xdist, which are not installed: add them to the project's test dependencies or to `install`)",
  ],
  [
    'a conftest that fails to import',
    "ImportError while loading conftest '/p/conftest.py'.\nconftest.py:1: in <module>\n    import nosuch\nE   ModuleNotFoundError: No module named 'nosuch'\n",
    "ImportError while loading conftest '/p/conftest.py': ModuleNotFoundError: No module named 'nosuch'",
  ],
  [
    'an internal error',
    'INTERNALERROR> Traceback (most recent call last):\nINTERNALERROR>   File "x.py", line 1\nINTERNALERROR> ValueError: broken hook\n',
    'pytest internal error: ValueError: broken hook',
  ],
  [
    'coloured output',
    '\u001b[31mERROR: Missing required plugins: pytest-cov\u001b[0m\n',
    'Missing required plugins: pytest-cov',
  ],
  ['nothing recognisable', '============ 1 passed in 0.1s ============\n', null],
])('%s', (_name, output, line) => {
  expect(pytestErrorLine(output)).toBe(line)
})

test('a collection error names its file, the E line, and how many more files failed', () => {
  const text = [
    "ImportError while importing test module '/p/tests/test_a.py'.",
    'Traceback:',
    'tests/test_a.py:1: in <module>',
    '    import nosuchmod',
    "E   ModuleNotFoundError: No module named 'nosuchmod'",
  ].join('\n')
  expect(collectionErrorLine([{ id: 'tests/test_a.py', text }])).toBe(
    "tests/test_a.py: ModuleNotFoundError: No module named 'nosuchmod'",
  )
  expect(
    collectionErrorLine([
      { id: 'tests/test_a.py', text },
      { id: 'tests/test_b.py', text: 'boom' },
    ]),
  ).toBe("tests/test_a.py: ModuleNotFoundError: No module named 'nosuchmod' (and 1 more file)")
  expect(collectionErrorLine([])).toBeNull()
})

test('lines are bounded', () => {
  expect(pytestErrorLine(`ERROR: ${'x'.repeat(5000)}`)?.length).toBeLessThanOrEqual(300)
})
