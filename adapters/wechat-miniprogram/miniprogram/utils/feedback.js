// 👍/👎 under each answer (POST <prefix>/feedback, adapters/wechat-miniprogram/README.md §4).
//
// - Only answers the server gave a `replyId` can be rated: it leaves it out of crisis replies (a
//   rating prompt under a crisis card is out of place), of pending fallbacks and of handoff
//   messages, so the page shows no buttons there.
// - One vote per answer, shown as chosen; voting again (the other thumb, or a reason after 👎)
//   replaces the earlier vote on the server too.
// - A vote that could not be sent is shown with a quiet "retry" link, never a dialog; an answer
//   the server no longer accepts votes for (404 unknown_reply: too old) just loses its buttons.
// - Votes are remembered on the phone (local storage) so the choice survives a relaunch; "delete
//   my data" clears them with the history. Nothing but the reply id and the vote is kept.
const STORAGE_KEY = 'heartline.feedback.v1'
const MAX = 200

const REASONS = [
  { code: 'off_topic', label: '答非所问' },
  { code: 'not_helpful', label: '没有帮助' },
  { code: 'unsafe', label: '让我不舒服' },
  { code: 'other', label: '其他' }
]
const VOTES = ['up', 'down']

function canRate(message) {
  return !!(message && message.status === 'answered' && message.replyId && message.tier !== 'crisis')
}

function load(wx) {
  try {
    const saved = wx.getStorageSync(STORAGE_KEY)
    return saved && typeof saved === 'object' && !Array.isArray(saved) ? saved : {}
  } catch (e) {
    return {}
  }
}

function createFeedback(deps) {
  const wx = deps.wx
  const session = deps.session
  const requester = deps.requester
  const config = deps.config
  // Called after every change, so the page can re-render its messages.
  const onChange = deps.onChange || (() => {})
  let votes = load(wx)

  function save() {
    const ids = Object.keys(votes)
    if (ids.length > MAX) ids.slice(0, ids.length - MAX).forEach((id) => { delete votes[id] })
    try {
      wx.setStorageSync(STORAGE_KEY, votes)
    } catch (e) {
      // The vote still counts on the server; only the highlight is lost after a relaunch.
    }
  }

  function set(replyId, entry) {
    votes = Object.assign({}, votes, { [replyId]: entry })
    save()
    onChange(replyId)
  }

  // Sends `vote` (and a reason with 👎). Resolves true once the server recorded it.
  async function vote(replyId, choice, reason) {
    if (typeof replyId !== 'string' || !replyId || VOTES.indexOf(choice) < 0) return false
    const why = choice === 'down' && REASONS.some((r) => r.code === reason) ? reason : ''
    const current = votes[replyId]
    if (current && current.state === 'sending') return false
    if (current && current.state === 'saved' && current.vote === choice && current.reason === why) return true
    set(replyId, { vote: choice, reason: why, state: 'sending' })
    const outcome = await send(replyId, choice, why)
    if (outcome === 'gone') {
      set(replyId, { vote: '', reason: '', state: 'gone' })
      return false
    }
    set(replyId, { vote: choice, reason: why, state: outcome === 'ok' ? 'saved' : 'failed' })
    return outcome === 'ok'
  }

  async function send(replyId, choice, reason) {
    const body = reason ? { replyId: replyId, vote: choice, reason: reason } : { replyId: replyId, vote: choice }
    for (let attempt = 0; attempt < 2; attempt++) {
      let res
      try {
        const token = await session.ensure()
        res = await requester.post('/feedback', body, { header: { Authorization: 'Bearer ' + token }, timeout: config.networkMarginMs + 5000 })
      } catch (e) {
        return 'failed'
      }
      if (res.statusCode === 200 && res.data && res.data.recorded) return 'ok'
      if (res.statusCode === 401 && attempt === 0) {
        session.invalidate()
        continue
      }
      const code = res.data && res.data.error && res.data.error.code
      return code === 'unknown_reply' ? 'gone' : 'failed'
    }
    return 'failed'
  }

  // The quiet retry link of a vote that failed.
  function retry(replyId) {
    const current = votes[replyId]
    if (!current || current.state !== 'failed') return Promise.resolve(false)
    return vote(replyId, current.vote, current.reason)
  }

  // What the view shows under an answer: null (no buttons) or {replyId, vote, reason, state,
  // askReason}. `askReason`: after a 👎 without a reason, the reason chips are offered.
  function ratingFor(message) {
    if (!canRate(message)) return null
    const current = votes[message.replyId] || { vote: '', reason: '', state: '' }
    if (current.state === 'gone') return null
    return {
      replyId: message.replyId, vote: current.vote, reason: current.reason, state: current.state,
      askReason: current.vote === 'down' && !current.reason && current.state === 'saved'
    }
  }

  // The messages with `rating` set for the view (the conversation's own data is left as is).
  function decorate(messages) {
    return messages.map((m) => Object.assign({}, m, { rating: ratingFor(m) }))
  }

  function clear() {
    votes = {}
    try {
      wx.removeStorageSync(STORAGE_KEY)
    } catch (e) {
      // Nothing stored.
    }
  }

  return { vote: vote, retry: retry, ratingFor: ratingFor, decorate: decorate, clear: clear, stateOf: (id) => votes[id] || null }
}

module.exports = { createFeedback: createFeedback, canRate: canRate, REASONS: REASONS, STORAGE_KEY: STORAGE_KEY }
