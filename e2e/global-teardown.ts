// After the specs: remove the lock dirs LXC left in /run for the lxcpaths the specs made.
import { removeStaleLxcLockDirs } from '../test/support/lxc-lock-dirs'

export default function teardown(): void {
  removeStaleLxcLockDirs()
}
