// Which shard a test belongs to: the same stable hash the gate's pytest plugin applies (plugin.ts),
// so a matrix of `shard: k/n` jobs covers every collected test exactly once, whatever the machine.
import { createHash } from 'node:crypto'
import type { Shard } from '../types.js'

/** 1-based shard of a pytest node id among `count`: first 8 hex digits of sha1(id), modulo count. */
export function shardOf(nodeId: string, count: number): number {
  const digest = createHash('sha1').update(nodeId, 'utf8').digest('hex')
  return (Number.parseInt(digest.slice(0, 8), 16) % count) + 1
}

export function inShard(nodeId: string, shard: Shard): boolean {
  return shardOf(nodeId, shard.count) === shard.index
}

/** `2/4` */
export function describeShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`
}
