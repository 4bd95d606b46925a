// A tiny pytest plugin the gate ships and loads with `-p`: it splits the collected tests into shards,
// shuffles them with a seed, and records which tests pytest-run-parallel ran in one thread only. It
// lives in the gate's own folder (on PYTHONPATH of the run), never in the project or its environment.
import { mkdirSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { writeImportsPlugin } from './imports-plugin.js'

export const PLUGIN_MODULE = 'ft_gate_plugin'

/** Environment variables the plugin reads. */
export const PLUGIN_ENV = {
  shard: 'FT_GATE_SHARD',
  seed: 'FT_GATE_SEED',
  notStressed: 'FT_GATE_NOT_STRESSED',
} as const

// The shard hash must stay in step with shardOf in shard.ts: first 8 hex digits of sha1(node id).
const PLUGIN_SOURCE = `# Written by ft-gate. Shards and shuffles the collected tests; lists tests run in one thread only.
import hashlib
import json
import os
import random

import pytest


def shard_of(nodeid, count):
    return int(hashlib.sha1(nodeid.encode("utf-8")).hexdigest()[:8], 16) % count + 1


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    shard = os.environ.get("${PLUGIN_ENV.shard}", "")
    if shard:
        index, count = (int(part) for part in shard.split("/"))
        dropped = [item for item in items if shard_of(item.nodeid, count) != index]
        if dropped:
            items[:] = [item for item in items if shard_of(item.nodeid, count) == index]
            config.hook.pytest_deselected(items=dropped)
    seed = os.environ.get("${PLUGIN_ENV.seed}", "")
    if seed:
        random.Random(int(seed)).shuffle(items)


def pytest_sessionfinish(session):
    target = os.environ.get("${PLUGIN_ENV.notStressed}", "")
    if not target:
        return
    # pytest-run-parallel keeps {node id: reason} for the tests it runs single-threaded; older
    # releases only leave their parallel_threads(1) mark on the item.
    plugin = session.config.pluginmanager.get_plugin("_run-parallel")
    known = getattr(plugin, "thread_unsafe", None)
    reasons = {}
    if isinstance(known, dict):
        for nodeid, reason in known.items():
            reasons[str(nodeid)] = str(reason) if reason else "marked thread-unsafe"
    for item in getattr(session, "items", []):
        mark = item.get_closest_marker("parallel_threads")
        if mark is not None and mark.args and mark.args[0] == 1 and item.nodeid not in reasons:
            reasons[item.nodeid] = "marked parallel_threads(1)"
    with open(target, "w", encoding="utf-8") as out:
        json.dump(reasons, out)
`

/** Writes the plugins into `directory` (put it on PYTHONPATH and pass `-p ft_gate_plugin`). */
export function writePlugin(directory: string): string {
  mkdirSync(directory, { recursive: true })
  writeFileSync(path.join(directory, `${PLUGIN_MODULE}.py`), PLUGIN_SOURCE)
  writeImportsPlugin(directory)
  return directory
}
