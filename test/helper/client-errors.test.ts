// How the client words pkexec's failures. The not-authorised and no-agent cases are also
// produced for real in polkit.test.ts; 126 (dialog dismissed) needs a person at an agent,
// so it is checked here on pkexec's documented exit code.
import { describe, expect, it } from 'vitest'
import { HelperClient, pkexecFailure } from '../../src/main/helper/client'

describe('pkexec failures in words', () => {
  it('126 is a dismissed dialog', () => {
    expect(pkexecFailure(126, '', '/h')).toMatchObject({ code: 'cancelled', rule: 'dismissed', message: expect.stringContaining('password dialog was dismissed') })
  })

  it('127 is told apart by pkexec\'s text', () => {
    expect(pkexecFailure(127, 'Error executing command as another user: Not authorized\n\nThis incident has been reported.\n', '/h')).toMatchObject({ code: 'permission', rule: 'not-authorised' })
    expect(pkexecFailure(127, 'Error executing command as another user: No authentication agent found.\n', '/h')).toMatchObject({ code: 'unavailable', rule: 'no-agent' })
    expect(pkexecFailure(127, 'Error getting authority: Error initializing authority: Could not connect: No such file or directory\n', '/h').rule).toBe('no-polkit')
    expect(pkexecFailure(127, 'pkexec must be setuid root\n', '/h').rule).toBe('no-pkexec')
    expect(pkexecFailure(127, 'Cannot run program /h: No such file or directory\n', '/h')).toMatchObject({ rule: 'helper-missing', message: expect.stringContaining('/h') })
    expect(pkexecFailure(1, 'boom\n', '/h')).toMatchObject({ code: 'unavailable', rule: 'helper-gone', message: expect.stringContaining('boom') })
  })

  it('a helper that is not installed is reported before pkexec is asked', async () => {
    const client = new HelperClient({ helperPath: '/nonexistent/strata-helper' })
    const err = await client.connect().catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'StrataError', code: 'unavailable', rule: 'helper-missing', message: expect.stringContaining('/nonexistent/strata-helper') })
  })
})
