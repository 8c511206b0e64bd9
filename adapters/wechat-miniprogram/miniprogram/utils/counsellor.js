// A counsellor's messages reach this page by polling: WeChat cannot push to it. After an answer
// that opened a handoff (source 'handoff', or a crisis reply, which may have), the page asks
// GET /messages?after=<last id> every `intervalMs` while it is shown, as long as the server says
// the handoff is 'open' or 'timedOut' (a counsellor may still step in); 'closed' or null stop it.
// onShow polls again at once. Whether to poll and the cursor survive a relaunch, in storage.
// Failures (offline, 429, 5xx) are quiet: the next tick tries again.
const STORAGE_KEY = 'heartline.handoff.v1'
const ACTIVE = ['open', 'timedOut']

// Whether an `ask` answer means a counsellor may be writing.
function opensHandoff(answer) {
  return !!answer && (answer.source === 'handoff' || answer.tier === 'crisis')
}

function createCounsellorPoller(deps) {
  const wx = deps.wx
  const session = deps.session
  const requester = deps.requester
  const onMessages = deps.onMessages || (() => {})
  const intervalMs = deps.intervalMs || 10000
  const timeoutMs = deps.timeoutMs || 10000
  const setTimer = deps.setTimer || setTimeout
  const clearTimer = deps.clearTimer || clearTimeout
  let state = load()
  let shown = false
  let timer = null
  let inFlight = null

  function load() {
    let saved
    try {
      saved = wx.getStorageSync(STORAGE_KEY)
    } catch (e) {
      saved = null
    }
    if (!saved || typeof saved !== 'object') return { active: false, cursor: '' }
    return { active: saved.active === true, cursor: typeof saved.cursor === 'string' ? saved.cursor : '' }
  }

  function save() {
    try {
      wx.setStorageSync(STORAGE_KEY, state)
    } catch (e) {
      // Kept in memory; a relaunch then waits for the next crisis or handoff answer.
    }
  }

  function clear() {
    if (timer !== null) clearTimer(timer)
    timer = null
  }

  function schedule() {
    clear()
    if (state.active && shown) timer = setTimer(() => { timer = null; poll() }, intervalMs)
  }

  async function fetchOnce() {
    const query = state.cursor ? '?after=' + encodeURIComponent(state.cursor) : ''
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await session.ensure()
      const res = await requester.get('/messages' + query, { header: { Authorization: 'Bearer ' + token }, timeout: timeoutMs })
      if (res.statusCode === 401 && attempt === 0) {
        session.invalidate()
        continue
      }
      return res
    }
  }

  async function pollOnce() {
    const res = await fetchOnce()
    if (!res || res.statusCode !== 200 || !res.data) return
    const list = Array.isArray(res.data.messages) ? res.data.messages.filter((m) => m && typeof m.id === 'string') : []
    if (list.length) {
      state.cursor = list[list.length - 1].id
      onMessages(list)
    }
    state.active = ACTIVE.indexOf(res.data.handoff) >= 0
    save()
  }

  // One poll now (never two at once), then the next one is scheduled if still wanted.
  function poll() {
    if (inFlight) return inFlight
    clear()
    inFlight = pollOnce().catch(() => {}).then(() => {
      inFlight = null
      schedule()
    })
    return inFlight
  }

  return {
    // After an answer for which `opensHandoff` holds.
    start() {
      state.active = true
      save()
      return poll()
    },
    // onShow: continue a handoff that was open.
    show() {
      shown = true
      return state.active ? poll() : Promise.resolve()
    },
    // onHide / onUnload: no polling in the background.
    hide() {
      shown = false
      clear()
    },
    // "Delete my data": the server forgot the handoff too.
    reset() {
      clear()
      state = { active: false, cursor: '' }
      try {
        wx.removeStorageSync(STORAGE_KEY)
      } catch (e) {
        // Nothing stored.
      }
    },
    isActive: () => state.active,
    isScheduled: () => timer !== null,
    cursor: () => state.cursor,
    settled: () => inFlight || Promise.resolve()
  }
}

module.exports = { createCounsellorPoller: createCounsellorPoller, opensHandoff: opensHandoff, STORAGE_KEY: STORAGE_KEY }
