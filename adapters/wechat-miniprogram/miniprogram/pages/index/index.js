// The Q&A page: a thin view over utils/conversation.js (per-question state, retries, resume),
// utils/crisis.js (the tap-to-call card) and utils/consent.js (the first-run notice).
const { createConversation } = require('../../utils/conversation.js')
const consent = require('../../utils/consent.js')
const crisis = require('../../utils/crisis.js')
const { createCounsellorPoller, opensHandoff } = require('../../utils/counsellor.js')
const { createFeedback, REASONS } = require('../../utils/feedback.js')
const config = require('../../config.js')

// Shown before the first answer arrives (the server sends the localized line with every answer).
const DEFAULT_HOTLINE = '心理援助热线 12356 或 400-161-9995（24小时）；香港 18111，台湾 1925；紧急情况请拨打 110 或 120。'

Page({
  data: {
    messages: [],
    input: '',
    hotline: DEFAULT_HOTLINE,
    scrollTo: '',
    showNotice: false,
    notice: consent.NOTICE,
    reasons: REASONS,
    deleting: false
  },

  onLoad() {
    const heartline = getApp().heartline
    // 👍/👎 under answers (utils/feedback.js); the view's messages carry each answer's `rating`.
    this.feedback = createFeedback({
      wx: wx, session: heartline.session, requester: heartline.requester, config: config,
      onChange: () => this.setData({ messages: this.rated(this.conversation.messages()) })
    })
    // A counsellor's messages, polled while a handoff is open (utils/counsellor.js).
    this.counsellor = createCounsellorPoller({
      wx: wx,
      session: heartline.session,
      requester: heartline.requester,
      onMessages: (list) => this.conversation.receive(list)
    })
    this.conversation = createConversation({
      wx: wx,
      asker: heartline.asker,
      network: heartline.network,
      onAnswer: (result) => {
        if (opensHandoff(result)) this.counsellor.start()
      },
      render: (messages, id) => {
        const changed = id && messages.find((m) => m.id === id)
        const update = { messages: this.rated(messages), scrollTo: id ? 'a-' + id : '' }
        // The server sends the hotline line in the question's language with every answer.
        if (changed && changed.hotline) update.hotline = changed.hotline
        this.setData(update)
      }
    })
    this.setData({ messages: this.rated(this.conversation.messages()), showNotice: !consent.hasAccepted(wx) })
  },

  // Back from the background (or a relaunch): answers that were on their way are fetched again,
  // and a counsellor's messages if a handoff is open.
  onShow() {
    if (this.conversation) this.conversation.resume()
    if (this.counsellor) this.counsellor.show()
  },

  onHide() {
    if (this.counsellor) this.counsellor.hide()
  },

  onUnload() {
    if (this.counsellor) this.counsellor.hide()
  },

  acceptNotice() {
    consent.accept(wx)
    this.setData({ showNotice: false })
  },

  openNotice() {
    this.setData({ showNotice: true })
  },

  onInput(event) {
    this.setData({ input: event.detail.value })
  },

  send() {
    if (this.data.showNotice) return
    const id = this.conversation.send(this.data.input)
    if (id) this.setData({ input: '' })
  },

  // Refused while the question is on its way or before the server's Retry-After has passed.
  retry(event) {
    if (!this.conversation.retry(event.currentTarget.dataset.id)) {
      wx.showToast({ title: '请稍等一会儿再重新发送', icon: 'none' })
    }
  },

  rated(messages) {
    return this.feedback ? this.feedback.decorate(messages) : messages
  },

  // 👍 or 👎 (data-vote), or a reason chip after 👎 (data-reason); a failure shows a quiet retry.
  rate(event) {
    const data = event.currentTarget.dataset
    this.feedback.vote(data.reply, data.vote, data.reason || '')
  },

  retryRate(event) {
    this.feedback.retry(event.currentTarget.dataset.reply)
  },

  call(event) {
    crisis.call(wx, event.currentTarget.dataset.number)
  },

  copy(event) {
    const message = this.data.messages.find((m) => m.id === event.currentTarget.dataset.id)
    if (!message || !message.answer) return
    wx.setClipboardData({ data: message.answer })
  },

  deleteData() {
    wx.showModal({
      title: '删除我的数据',
      content: '将删除服务器上保存的对话和这台手机上的聊天记录，删除后无法恢复。',
      confirmText: '删除',
      success: (res) => {
        if (!res.confirm) return
        this.setData({ deleting: true })
        this.conversation.forget().then(
          () => {
            this.counsellor.reset()
            this.feedback.clear()
            this.setData({ deleting: false, messages: [] })
            wx.showToast({ title: '已删除', icon: 'success' })
          },
          (failure) => {
            this.setData({ deleting: false })
            wx.showToast({ title: (failure && failure.message) || '暂时没能删除，请稍后再试', icon: 'none' })
          }
        )
      }
    })
  }
})
