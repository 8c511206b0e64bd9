// The conversation across launches, in local storage on the phone (wx.setStorageSync). Only
// what the page shows is kept, at most MAX messages; "delete my data" clears it. A question that
// was still on its way when the page closed is kept as such and resumed on the next show.
const STORAGE_KEY = 'heartline.history.v1'
const MAX = 100
// `kind`, `text`, `counsellor`, `at`: a counsellor's message or a handoff notice (utils/counsellor.js).
const KEPT = ['id', 'question', 'status', 'answer', 'tier', 'source', 'disclaimer', 'resourceLine', 'resources', 'error', 'errorCode', 'kind', 'text', 'counsellor', 'at', 'replyId']

function load(wx) {
  let saved
  try {
    saved = wx.getStorageSync(STORAGE_KEY)
  } catch (e) {
    return []
  }
  if (!Array.isArray(saved)) return []
  // Questions that were in flight keep their state; the page resumes them in onShow.
  return saved.filter((m) => m && typeof m.id === 'string' && typeof m.question === 'string').map(pick)
}

function save(wx, messages) {
  try {
    wx.setStorageSync(STORAGE_KEY, messages.slice(-MAX).map(pick))
    return true
  } catch (e) {
    return false
  }
}

function clear(wx) {
  try {
    wx.removeStorageSync(STORAGE_KEY)
  } catch (e) {
    // Nothing stored.
  }
}

function pick(message) {
  const out = {}
  KEPT.forEach((key) => {
    if (message[key] !== undefined) out[key] = message[key]
  })
  return out
}

module.exports = { load: load, save: save, clear: clear, STORAGE_KEY: STORAGE_KEY, MAX: MAX }
