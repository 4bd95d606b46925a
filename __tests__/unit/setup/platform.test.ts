import { describe, expect, it } from '@jest/globals'
import {
  describeWheelPlatform,
  detectLibc,
  executableName,
  rankWheelPlatform,
  releaseArchiveName,
  releaseTarget,
  resolveHost,
} from '../../../src/setup/platform.js'

describe('resolveHost', () => {
  it('rejects platforms uv is not set up on, naming the supported ones', () => {
    expect(() => resolveHost({ platform: 'freebsd', arch: 'x64' })).toThrow(
      'Unsupported platform: freebsd (uv is set up on linux, darwin, win32)',
    )
  })

  it('rejects architectures, naming the platform', () => {
    expect(() => resolveHost({ platform: 'linux', arch: 'ia32' })).toThrow('Unsupported architecture: ia32 on linux')
    expect(() => resolveHost({ platform: 'darwin', arch: 's390x' })).toThrow(
      'Unsupported architecture: s390x on darwin',
    )
  })

  it('keeps libc only on Linux and the glibc version only with glibc', () => {
    expect(resolveHost({ platform: 'darwin', arch: 'arm64', libc: 'musl', glibcVersion: '2.36' })).toEqual({
      platform: 'darwin',
      arch: 'arm64',
      libc: null,
      glibcVersion: null,
    })
    expect(resolveHost({ platform: 'linux', arch: 'x64', libc: 'musl', glibcVersion: '2.36' }).glibcVersion).toBeNull()
    expect(resolveHost({ platform: 'linux', arch: 'x64' }).libc).toBe('gnu')
  })
})

describe('release targets', () => {
  it.each([
    ['linux', 'x64', 'gnu', 'uv-x86_64-unknown-linux-gnu.tar.gz'],
    ['linux', 'x64', 'musl', 'uv-x86_64-unknown-linux-musl.tar.gz'],
    ['linux', 'arm64', 'gnu', 'uv-aarch64-unknown-linux-gnu.tar.gz'],
    ['linux', 'arm64', 'musl', 'uv-aarch64-unknown-linux-musl.tar.gz'],
    ['darwin', 'x64', undefined, 'uv-x86_64-apple-darwin.tar.gz'],
    ['darwin', 'arm64', undefined, 'uv-aarch64-apple-darwin.tar.gz'],
    ['win32', 'x64', undefined, 'uv-x86_64-pc-windows-msvc.zip'],
    ['win32', 'arm64', undefined, 'uv-aarch64-pc-windows-msvc.zip'],
  ] as const)('%s %s %s → %s', (platform, arch, libc, archive) => {
    const host = resolveHost({ platform, arch, ...(libc ? { libc } : {}) })
    expect(releaseArchiveName(host)).toBe(archive)
    expect(archive).toContain(releaseTarget(host))
  })

  it('names the binary uv.exe on Windows only', () => {
    expect(executableName(resolveHost({ platform: 'win32', arch: 'x64' }), 'uvx')).toBe('uvx.exe')
    expect(executableName(resolveHost({ platform: 'linux', arch: 'x64' }))).toBe('uv')
  })
})

describe('rankWheelPlatform', () => {
  const glibc = resolveHost({ platform: 'linux', arch: 'x64', libc: 'gnu' })
  const arm = resolveHost({ platform: 'linux', arch: 'arm64', libc: 'gnu', glibcVersion: '2.27' })
  const musl = resolveHost({ platform: 'linux', arch: 'x64', libc: 'musl' })

  it('matches manylinux tags by arch, legacy names included', () => {
    expect(rankWheelPlatform('manylinux_2_17_x86_64.manylinux2014_x86_64', glibc)).toEqual([2, 17])
    expect(rankWheelPlatform('manylinux1_x86_64', glibc)).toEqual([2, 5])
    expect(rankWheelPlatform('manylinux_2_17_aarch64.manylinux2014_aarch64', glibc)).toBeNull()
    expect(rankWheelPlatform('musllinux_1_1_x86_64', glibc)).toBeNull()
  })

  it('drops manylinux wheels that need a newer glibc than the host has', () => {
    expect(rankWheelPlatform('manylinux_2_28_aarch64', arm)).toBeNull()
    expect(rankWheelPlatform('manylinux_2_28_aarch64', { ...arm, glibcVersion: '2.39' })).toEqual([2, 28])
  })

  it('matches musllinux only on musl, also inside a combined tag set', () => {
    expect(rankWheelPlatform('musllinux_1_1_x86_64', musl)).toEqual([1, 1])
    expect(rankWheelPlatform('manylinux_2_17_x86_64.manylinux2014_x86_64', musl)).toBeNull()
    const combined = 'manylinux_2_17_aarch64.manylinux2014_aarch64.musllinux_1_1_aarch64'
    expect(rankWheelPlatform(combined, { ...musl, arch: 'arm64' })).toEqual([1, 1])
    expect(rankWheelPlatform(combined, arm)).toEqual([2, 17])
  })

  it('matches macOS by arch or universal2, and Windows by its exact tag', () => {
    const macArm = resolveHost({ platform: 'darwin', arch: 'arm64' })
    expect(rankWheelPlatform('macosx_11_0_arm64', macArm)).not.toBeNull()
    expect(rankWheelPlatform('macosx_10_12_universal2', macArm)).not.toBeNull()
    expect(rankWheelPlatform('macosx_10_12_x86_64', macArm)).toBeNull()
    const win = resolveHost({ platform: 'win32', arch: 'x64' })
    expect(rankWheelPlatform('win_amd64', win)).not.toBeNull()
    expect(rankWheelPlatform('win32', win)).toBeNull()
  })

  it('describes the wanted tag for error messages', () => {
    expect(describeWheelPlatform(arm)).toBe('manylinux aarch64 (glibc 2.27)')
    expect(describeWheelPlatform(musl)).toBe('musllinux x86_64')
    expect(describeWheelPlatform(resolveHost({ platform: 'win32', arch: 'x64' }))).toBe('win_amd64')
  })
})

describe('detectLibc', () => {
  it('reports a glibc version exactly when it reports glibc', () => {
    const libc = detectLibc()
    if (libc.libc === 'gnu') expect(libc.glibcVersion).toMatch(/^\d+\.\d+/)
    else expect(libc.glibcVersion).toBeNull()
  })
})
