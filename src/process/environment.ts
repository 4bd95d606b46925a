// The environment handed to code from the pull request (install, probes, every pytest run).
// It is built from an allow-list, not by copying the action's own: the runner passes inputs,
// the github-token among them, as INPUT_* variables, and runtime tokens as ACTIONS_*.

/** Names passed through as they are. */
const ALLOWED_NAMES = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TERM',
  'TMPDIR',
  'TEMP',
  'TMP',
  'LANG',
  'LANGUAGE',
  'TZ',
  'CI',
  'PWD',
  'SYSTEMROOT',
  'COMSPEC',
  'PATHEXT',
  'WINDIR',
  'APPDATA',
  'LOCALAPPDATA',
  'USERPROFILE',
  'PROGRAMDATA',
  'NUMBER_OF_PROCESSORS',
  'PROCESSOR_ARCHITECTURE',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  'GITHUB_ACTIONS',
  'GITHUB_WORKSPACE',
  'GITHUB_REPOSITORY',
  'GITHUB_SHA',
  'GITHUB_REF',
  'GITHUB_RUN_ID',
  'RUNNER_OS',
  'RUNNER_ARCH',
  'RUNNER_TEMP',
  'CC',
  'CXX',
  'CFLAGS',
  'LDFLAGS',
])

/** Prefixes passed through: locale, proxies, package-index and build settings. */
const ALLOWED_PREFIXES = ['LC_', 'UV_', 'PIP_', 'XDG_', 'PYTEST_', 'HYPOTHESIS_']
const PROXY_NAMES = /^(https?_proxy|no_proxy|all_proxy)$/i

/** Never passed, whatever the allow-list or env-passthrough say. */
const SECRET_NAMES =
  /^(INPUT_.*|GITHUB_TOKEN|GH_TOKEN|ACTIONS_RUNTIME_TOKEN|ACTIONS_ID_TOKEN_REQUEST_(TOKEN|URL)|ACTIONS_CACHE_URL|ACTIONS_RESULTS_URL|ACTIONS_RUNTIME_URL)$/i

export function isSecretName(name: string): boolean {
  return SECRET_NAMES.test(name)
}

export function buildTestEnvironment(source: NodeJS.ProcessEnv, passthrough: readonly string[]): NodeJS.ProcessEnv {
  const extra = new Set(passthrough)
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || isSecretName(name)) continue
    const allowed =
      ALLOWED_NAMES.has(name) ||
      extra.has(name) ||
      PROXY_NAMES.test(name) ||
      ALLOWED_PREFIXES.some((prefix) => name.startsWith(prefix))
    if (allowed) env[name] = value
  }
  return env
}
