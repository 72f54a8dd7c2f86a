// From a snapshot node: clone a new container from it, or restore its container to it (the
// engine's restoreSnapshot, as the snapshots panel does; with a new name it is a clone).
import { useState } from 'react'
import { Alert, Button, Form, FormGroup, Modal, ModalBody, ModalFooter, ModalHeader, TextInput } from '@patternfly/react-core'
import { useTranslation } from 'react-i18next'
import type { ContainerRef, LineageNode } from '@shared/model'
import { api, errorText } from '../api'

/** The container a snapshot node belongs to: its ref's lxcpath is `<lxcpath>/<name>/snaps`. */
export function snapshotOwner(node: LineageNode): ContainerRef {
  const dir = node.ref.lxcpath.replace(/\/snaps$/, '')
  const cut = dir.lastIndexOf('/')
  return { lxcpath: dir.slice(0, cut) || '/', name: dir.slice(cut + 1) }
}

export function SnapshotDialog({ node, mode, onClose }: { node: LineageNode; mode: 'clone' | 'restore'; onClose(): void }): React.JSX.Element {
  const { t } = useTranslation()
  const owner = snapshotOwner(node)
  const snap = node.ref.name
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const cloning = mode === 'clone'

  const run = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    try {
      await api.restoreSnapshot({ ...owner, snapshot: snap, ...(cloning ? { newName: name.trim() } : {}) })
      onClose()
    } catch (e) {
      setError(errorText(e))
      setBusy(false)
    }
  }
  const title = cloning ? t('lineage.menu.cloneSnapshot') : t('snapshots.confirmRestore')
  return (
    <Modal isOpen variant="small" onClose={onClose} aria-labelledby="snapshot-dialog-title" data-testid="snapshot-dialog">
      <ModalHeader title={title} labelId="snapshot-dialog-title" />
      <ModalBody>
        {cloning ? (
          <Form id="snapshot-dialog-form" onSubmit={(e) => (e.preventDefault(), name.trim() && void run())}>
            <p>{t('lineage.snapshotClone', { snap, name: owner.name })}</p>
            <FormGroup label={t('lineage.snapshotCloneName')} fieldId="snapshot-clone-name" isRequired>
              <TextInput id="snapshot-clone-name" data-testid="snapshot-clone-name" value={name} onChange={(_e, v) => setName(v)} autoFocus />
            </FormGroup>
          </Form>
        ) : (
          <p>{t('snapshots.restoreConfirm', { snap, name: owner.name })}</p>
        )}
        {error && <Alert variant="danger" isInline isPlain title={error} data-testid="snapshot-dialog-error" />}
      </ModalBody>
      <ModalFooter>
        <Button variant={cloning ? 'primary' : 'warning'} onClick={() => void run()} isDisabled={busy || (cloning && !name.trim())} isLoading={busy} data-testid="snapshot-dialog-confirm">
          {cloning ? t('lineage.menu.cloneSnapshotGo') : t('snapshots.confirmRestore')}
        </Button>
        <Button variant="link" onClick={onClose}>{t('lineage.cancel')}</Button>
      </ModalFooter>
    </Modal>
  )
}
