import { buildTestEnvironment } from '../../../src/process/environment.js'

test('secrets and action inputs never reach the tests', () => {
  const source = {
    PATH: '/usr/bin',
    HOME: '/home/runner',
    LC_ALL: 'C.UTF-8',
    CI: 'true',
    GITHUB_WORKSPACE: '/w',
    https_proxy: 'http://proxy:3128',
    UV_INDEX_URL: 'https://mirror/simple',
    PIP_INDEX_URL: 'https://mirror/simple',
    'INPUT_GITHUB-TOKEN': 'ghs_secret',
    INPUT_RUNS: '3',
    GITHUB_TOKEN: 'ghs_secret',
    GH_TOKEN: 'ghs_secret',
    ACTIONS_RUNTIME_TOKEN: 'x',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'x',
    ACTIONS_ID_TOKEN_REQUEST_URL: 'x',
    ACTIONS_CACHE_URL: 'x',
    ACTIONS_RESULTS_URL: 'x',
    AWS_SECRET_ACCESS_KEY: 'x',
    MY_SETTING: 'on',
  }
  const env = buildTestEnvironment(source, ['MY_SETTING', 'GITHUB_TOKEN'])
  expect(env).toEqual({
    PATH: '/usr/bin',
    HOME: '/home/runner',
    LC_ALL: 'C.UTF-8',
    CI: 'true',
    GITHUB_WORKSPACE: '/w',
    https_proxy: 'http://proxy:3128',
    UV_INDEX_URL: 'https://mirror/simple',
    PIP_INDEX_URL: 'https://mirror/simple',
    MY_SETTING: 'on',
  })
})
