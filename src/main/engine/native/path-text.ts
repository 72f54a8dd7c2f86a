// A file name as text. Linux names are bytes (LXC allows any but '/' and NUL): valid UTF-8 is
// decoded, and each byte that is not part of a valid UTF-8 sequence is shown as \xNN.
const utf8 = new TextDecoder('utf-8', { fatal: true })

export function pathText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes)
  } catch {
    let out = ''
    let i = 0
    while (i < bytes.length) {
      // take the longest valid UTF-8 sequence starting here (1-4 bytes), else escape one byte
      let took = false
      for (let n = 4; n >= 1 && !took; n--) {
        if (i + n > bytes.length) continue
        try {
          out += utf8.decode(bytes.subarray(i, i + n))
          i += n
          took = true
        } catch {
          // not a sequence of that length
        }
      }
      if (!took) out += `\\x${bytes[i++]!.toString(16).padStart(2, '0')}`
    }
    return out
  }
}
