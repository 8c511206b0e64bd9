const api = require('../../utils/api.js')

// Shown before the first answer arrives (the server sends the localized line with every answer).
const DEFAULT_HOTLINE = '心理援助热线 12356 或 400-161-9995（24小时）；香港 18111，台湾 1925；紧急情况请拨打 110 或 120。'
const PENDING_RETRIES = 3
const PENDING_DELAY_MS = 4000

Page({
  data: {
    messages: [],
    input: '',
    sending: false,
    hotline: DEFAULT_HOTLINE,
    scrollTo: ''
  },

  onInput(event) {
    this.setData({ input: event.detail.value })
  },

  send() {
    const question = (this.data.input || '').trim()
    if (!question || this.data.sending) return
    const id = api.newIdempotencyKey()
    const messages = this.data.messages.concat([{ id: id, question: question, waiting: true }])
    this.setData({ messages: messages, input: '', scrollTo: 'm-' + id })
    this.askFor(id, question, 0)
  },

  retry(event) {
    const id = event.currentTarget.dataset.id
    const message = this.data.messages.find((m) => m.id === id)
    if (!message || this.data.sending) return
    this.update(id, { waiting: true, error: '' })
    this.askFor(id, message.question, 0)
  },

  // The same idempotency key is reused for retries, so a question is never answered twice.
  askFor(id, question, attempt) {
    this.setData({ sending: true })
    api.ask(question, id)
      .then((result) => {
        this.update(id, {
          waiting: false,
          answer: result.answer,
          tier: result.tier,
          resources: result.resources || '',
          disclaimer: result.disclaimer || '',
          pending: !!result.pending
        })
        if (result.hotline) this.setData({ hotline: result.hotline })
        if (result.pending && attempt < PENDING_RETRIES) {
          setTimeout(() => this.askFor(id, question, attempt + 1), PENDING_DELAY_MS)
        } else {
          this.setData({ sending: false })
        }
      })
      .catch((failure) => {
        const message = (failure && failure.message) || api.MESSAGES.default
        this.update(id, { waiting: false, error: message })
        this.setData({ sending: false })
      })
  },

  update(id, changes) {
    const messages = this.data.messages.map((m) => (m.id === id ? Object.assign({}, m, changes) : m))
    this.setData({ messages: messages, scrollTo: 'a-' + id })
  }
})
