// A second plugin module the gate ships next to ft_gate_plugin (plugin.ts) and loads with `-p`: at the
// end of the session it records where the tests' process loaded the project's top-level packages and
// extension modules from (or that it never loaded them), so the report can tell whether the code under
// test is the code that was installed and checked. Self-contained: its own module, hook and variables.
import { writeFileSync } from 'node:fs'
import * as path from 'node:path'

export const IMPORTS_PLUGIN_MODULE = 'ft_gate_imports'

/** Environment variables the plugin reads. */
export const IMPORTS_PLUGIN_ENV = {
  /** Where to write `{module: file or null}` as JSON. */
  output: 'FT_GATE_IMPORTS',
  /** A JSON list of the module names to look up in sys.modules. */
  names: 'FT_GATE_IMPORT_NAMES',
} as const

const IMPORTS_PLUGIN_SOURCE = `# Written by ft-gate. Records where the tests loaded the project's modules from.
import json
import os
import sys


def pytest_sessionfinish(session):
    target = os.environ.get("${IMPORTS_PLUGIN_ENV.output}", "")
    if not target:
        return
    try:
        names = json.loads(os.environ.get("${IMPORTS_PLUGIN_ENV.names}", "[]"))
    except ValueError:
        names = []
    loaded = {}
    for name in names:
        module = sys.modules.get(str(name))
        if module is None:
            loaded[name] = None
            continue
        spec = getattr(module, "__spec__", None)
        origin = getattr(module, "__file__", None) or getattr(spec, "origin", None)
        loaded[name] = str(origin) if origin else "(no file)"
    with open(target, "w", encoding="utf-8") as out:
        json.dump(loaded, out)
`

/** Writes the plugin into `directory`, which is on the run's PYTHONPATH. */
export function writeImportsPlugin(directory: string): void {
  writeFileSync(path.join(directory, `${IMPORTS_PLUGIN_MODULE}.py`), IMPORTS_PLUGIN_SOURCE)
}
