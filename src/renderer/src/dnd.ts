// Native HTML5 drag and drop of a container (a table row or a graph node) onto a clone
// target; the payload is the container's ref under our own MIME type, so nothing else
// dropped on the page (files, text) is mistaken for a container.
import type { ContainerRef } from '@shared/model'

export const CONTAINER_MIME = 'application/x-strata-container'

export function dragProps(ref: ContainerRef): Pick<React.HTMLAttributes<HTMLElement>, 'draggable' | 'onDragStart'> {
  return {
    draggable: true,
    onDragStart: (e) => {
      e.dataTransfer.setData(CONTAINER_MIME, JSON.stringify({ lxcpath: ref.lxcpath, name: ref.name }))
      e.dataTransfer.setData('text/plain', ref.name)
      e.dataTransfer.effectAllowed = 'copy'
    }
  }
}

/** During dragover only the types are readable, not the data. */
export const carriesContainer = (e: React.DragEvent): boolean => e.dataTransfer.types.includes(CONTAINER_MIME)

export function droppedContainer(e: React.DragEvent): ContainerRef | null {
  try {
    const v = JSON.parse(e.dataTransfer.getData(CONTAINER_MIME)) as unknown
    if (v && typeof v === 'object' && typeof (v as ContainerRef).lxcpath === 'string' && typeof (v as ContainerRef).name === 'string')
      return { lxcpath: (v as ContainerRef).lxcpath, name: (v as ContainerRef).name }
  } catch {
    /* not ours */
  }
  return null
}

/** Props that make an element accept a dropped container. */
export function dropProps(onDrop: (ref: ContainerRef) => void, setOver?: (over: boolean) => void): Pick<
  React.HTMLAttributes<HTMLElement>,
  'onDragOver' | 'onDragEnter' | 'onDragLeave' | 'onDrop'
> {
  return {
    onDragEnter: (e) => {
      if (carriesContainer(e)) setOver?.(true)
    },
    onDragOver: (e) => {
      if (!carriesContainer(e)) return
      e.preventDefault()
      e.dataTransfer.dropEffect = 'copy'
    },
    onDragLeave: () => setOver?.(false),
    onDrop: (e) => {
      setOver?.(false)
      const ref = droppedContainer(e)
      if (!ref) return
      e.preventDefault()
      e.stopPropagation()
      onDrop(ref)
    }
  }
}
