import { describe, expect, it } from 'vitest'
import { lxcErrorText } from '../../src/main/engine/tools'

describe('lxcErrorText', () => {
  it('keeps the words of LXC tool errors and drops the source locations and log hints', () => {
    const stderr = [
      'lxc-start: b: ../src/lxc/lxccontainer.c: wait_on_daemonized_start: 878 Received container state "ABORTING" instead of "RUNNING"',
      'lxc-start: b: ../src/lxc/tools/lxc_start.c: main: 306 The container failed to start',
      'lxc-start: b: ../src/lxc/tools/lxc_start.c: main: 309 To get more details, run the container in foreground mode',
      'lxc-start: b: ../src/lxc/tools/lxc_start.c: main: 311 Additional information can be obtained by setting the --logfile and --logpriority options'
    ].join('\n')
    expect(lxcErrorText(stderr)).toBe('Received container state "ABORTING" instead of "RUNNING" The container failed to start')
  })
  it('passes other text through', () => {
    expect(lxcErrorText('something odd\n')).toBe('something odd')
  })
})
