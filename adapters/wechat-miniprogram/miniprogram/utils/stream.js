// The chunked variant of `ask` (POST /ask/stream, adapters/wechat-miniprogram/README.md §4): the
// server writes one JSON object per line — {"type":"delta","text"} for each checked sentence as it
// passes, then {"type":"final","reply":{…}} with the whole answer (or {"type":"error"}). The page
// reads it with wx.request({enableChunked: true}) and task.onChunkReceived, which hands over raw
// bytes cut anywhere; the server writes pure ASCII (other characters as \uXXXX inside the JSON),
// so a cut can never fall inside a character and each byte is one character here.

// Turns byte chunks into the lines' objects. A line that is not JSON is skipped, never thrown on.
function createLineReader() {
  let pending = ''
  return {
    feed(chunk) {
      const bytes = chunk instanceof ArrayBuffer ? new Uint8Array(chunk) : chunk
      for (let i = 0; i < bytes.length; i += 4096) {
        pending += String.fromCharCode.apply(null, Array.prototype.slice.call(bytes, i, i + 4096))
      }
      const lines = pending.split('\n')
      pending = lines.pop()
      const objects = []
      lines.forEach((line) => {
        if (!line.trim()) return
        try {
          objects.push(JSON.parse(line))
        } catch (e) {
          // A broken line is dropped; the final line decides the answer.
        }
      })
      return objects
    },
    // Whatever arrived without a line end (an error body of a non-200 answer).
    rest() {
      return pending
    }
  }
}

// Whether this WeChat base library can read a response in chunks (base library 2.20.2+).
function supportsChunks(task) {
  return !!(task && typeof task.onChunkReceived === 'function')
}

// Reads a chunked answer into the shape `wx.request` gives for `ask`: {statusCode, data, header},
// with `data` the final reply (or the error body), so the asker's retry rules apply unchanged.
// `onDelta(textSoFar)` sees the checked answer as it grows.
function collectAnswer(statusCode, header, objects, rest) {
  const final = objects.filter((o) => o && o.type === 'final' && o.reply)[0]
  if (statusCode === 200 && final) return { statusCode: 200, data: final.reply, header: header }
  const error = objects.filter((o) => o && o.type === 'error')[0]
  if (statusCode === 200 && error) {
    return { statusCode: 409, data: { error: { code: error.code, message: error.message } }, header: header }
  }
  if (statusCode !== 200) {
    let body = null
    try { body = JSON.parse(rest) } catch (e) { body = null }
    return { statusCode: statusCode, data: body, header: header }
  }
  // 200 but the final line never came: the connection was cut; ask again with the same key.
  return null
}

module.exports = { createLineReader: createLineReader, supportsChunks: supportsChunks, collectAnswer: collectAnswer }
