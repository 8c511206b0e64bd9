const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('path')
const { setup, answer } = require('./harness.js')
const { flush } = require('./wx-stub.js')
const { createFeedback, canRate, STORAGE_KEY } = require(path.join(__dirname, '..', 'miniprogram/utils/feedback.js'))

function withFeedback(routes, existing) {
  const s = setup({ routes: routes, existing: existing })
  const changes = []
  const feedback = createFeedback({ wx: s.wx, session: s.session, requester: s.requester, config: s.config, onChange: (id) => changes.push(id) })
  return Object.assign(s, { feedback: feedback, changes: changes })
}

function recorder(votes, reply) {
  return (request) => {
    votes.push({ body: request.data, auth: request.header.Authorization })
    return reply ? reply(request, votes.length) : { statusCode: 200, data: { recorded: true, vote: request.data.vote } }
  }
}

test('answers with a replyId get buttons; crisis replies, pending and unanswered ones do not', () => {
  assert.equal(canRate({ status: 'answered', replyId: 'r1.a.b', tier: 'none' }), true)
  assert.equal(canRate({ status: 'answered', replyId: 'r1.a.b', tier: 'concern' }), true)
  assert.equal(canRate({ status: 'answered', replyId: 'r1.a.b', tier: 'crisis' }), false)
  assert.equal(canRate({ status: 'answered', replyId: '', tier: 'none' }), false)
  assert.equal(canRate({ status: 'pending', replyId: 'r1.a.b', tier: 'none' }), false)
})

test('a question answered with a replyId keeps it in the history, and the view gets a rating', async () => {
  const s = withFeedback({ '/ask': () => answer('回答', { replyId: 'r1.one.mac' }) })
  const conversation = s.conversation()
  const id = conversation.send('睡不着')
  await conversation.settled()
  const message = conversation.messages().find((m) => m.id === id)
  assert.equal(message.replyId, 'r1.one.mac')
  const [shown] = s.feedback.decorate(conversation.messages())
  assert.deepEqual(shown.rating, { replyId: 'r1.one.mac', vote: '', reason: '', state: '', askReason: false })
  // Across a relaunch (history in local storage).
  const again = withFeedback({}, s.built).conversation()
  assert.equal(again.messages()[0].replyId, 'r1.one.mac')
})

test('one vote per answer, shown as chosen; a second vote replaces it; a reason follows a down vote', async () => {
  const votes = []
  const s = withFeedback({ '/feedback': recorder(votes) })
  assert.equal(await s.feedback.vote('r1.one.mac', 'up'), true)
  assert.equal(s.feedback.ratingFor({ status: 'answered', replyId: 'r1.one.mac', tier: 'none' }).vote, 'up')
  // The same vote again is not sent twice.
  assert.equal(await s.feedback.vote('r1.one.mac', 'up'), true)
  assert.equal(votes.length, 1)
  assert.equal(await s.feedback.vote('r1.one.mac', 'down'), true)
  let rating = s.feedback.ratingFor({ status: 'answered', replyId: 'r1.one.mac', tier: 'none' })
  assert.equal(rating.vote, 'down')
  assert.equal(rating.askReason, true)
  assert.equal(await s.feedback.vote('r1.one.mac', 'down', 'off_topic'), true)
  rating = s.feedback.ratingFor({ status: 'answered', replyId: 'r1.one.mac', tier: 'none' })
  assert.equal(rating.reason, 'off_topic')
  assert.equal(rating.askReason, false)
  assert.deepEqual(votes.map((v) => v.body), [
    { replyId: 'r1.one.mac', vote: 'up' },
    { replyId: 'r1.one.mac', vote: 'down' },
    { replyId: 'r1.one.mac', vote: 'down', reason: 'off_topic' }
  ])
  assert.match(votes[0].auth, /^Bearer v2\.token-/)
  // A reason with 👍, or an unknown one, is never sent.
  await s.feedback.vote('r1.two.mac', 'up', 'off_topic')
  assert.deepEqual(votes[3].body, { replyId: 'r1.two.mac', vote: 'up' })
  assert.equal(await s.feedback.vote('r1.two.mac', 'sideways'), false)
  assert.equal(votes.length, 4)
  // The choice survives a relaunch.
  const later = withFeedback({}, s.built)
  assert.equal(later.feedback.stateOf('r1.one.mac').vote, 'down')
})

test('a failed vote shows a quiet retry; the retry sends it again', async () => {
  const votes = []
  const s = withFeedback({ '/feedback': recorder(votes, (request, n) => (n === 1 ? { fail: 'request:fail timeout' } : { statusCode: 200, data: { recorded: true } })) })
  assert.equal(await s.feedback.vote('r1.one.mac', 'down'), false)
  assert.equal(s.feedback.ratingFor({ status: 'answered', replyId: 'r1.one.mac', tier: 'none' }).state, 'failed')
  assert.equal(await s.feedback.retry('r1.one.mac'), true)
  assert.equal(s.feedback.stateOf('r1.one.mac').state, 'saved')
  assert.equal(votes.length, 2)
  // Offline and server errors fail the same quiet way.
  s.control.setNetwork('none')
  assert.equal(await s.feedback.vote('r1.two.mac', 'up'), false)
  assert.equal(s.feedback.stateOf('r1.two.mac').state, 'failed')
  s.control.setNetwork('wifi')
  s.control.setServer(() => ({ statusCode: 503, data: { error: { code: 'store_unavailable' } } }))
  assert.equal(await s.feedback.retry('r1.two.mac'), false)
  assert.equal(s.feedback.stateOf('r1.two.mac').state, 'failed')
})

test('an expired session logs in again once; an answer too old to rate loses its buttons', async () => {
  const votes = []
  const s = withFeedback({
    '/feedback': recorder(votes, (request, n) => {
      if (n === 1) return { statusCode: 401, data: { error: { code: 'invalid_session' } } }
      if (request.data.replyId === 'r1.old.mac') return { statusCode: 404, data: { error: { code: 'unknown_reply' } } }
      return { statusCode: 200, data: { recorded: true } }
    })
  })
  assert.equal(await s.feedback.vote('r1.one.mac', 'up'), true)
  assert.equal(s.control.state.loginCount, 2)
  assert.equal(await s.feedback.vote('r1.old.mac', 'up'), false)
  assert.equal(s.feedback.ratingFor({ status: 'answered', replyId: 'r1.old.mac', tier: 'none' }), null)
})

test('a vote in flight is not sent twice, and "delete my data" clears the votes', async () => {
  const votes = []
  const s = withFeedback({ '/feedback': recorder(votes) })
  const first = s.feedback.vote('r1.one.mac', 'up')
  assert.equal(await s.feedback.vote('r1.one.mac', 'down'), false)
  assert.equal(await first, true)
  assert.equal(votes.length, 1)
  s.feedback.clear()
  assert.equal(s.control.storage.has(STORAGE_KEY), false)
  assert.equal(s.feedback.stateOf('r1.one.mac'), null)
  await flush(1)
})
