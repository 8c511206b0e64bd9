const test = require('node:test')
const assert = require('node:assert/strict')
const { createWx, flush } = require('./wx-stub.js')
const crisis = require('../miniprogram/utils/crisis.js')
const consent = require('../miniprogram/utils/consent.js')

test('crisis and concern cards look different; answers without resources get none', () => {
  const resources = [{ name: '全国心理援助热线', number: '12356' }, { name: 'UK & Ireland Samaritans', number: '116 123' }]
  assert.equal(crisis.cardFor({ tier: 'crisis', resources: resources }).style, 'crisis')
  assert.equal(crisis.cardFor({ tier: 'concern', resources: resources }).style, 'concern')
  assert.notEqual(crisis.cardFor({ tier: 'crisis', resources: resources }).title, crisis.cardFor({ tier: 'concern', resources: resources }).title)
  assert.equal(crisis.cardFor({ tier: 'none' }), null)
  assert.equal(crisis.cardFor({ tier: 'crisis', resources: [{ name: 'x', number: 'call me' }] }), null)
})

test('tapping a number dials its digits with wx.makePhoneCall', async () => {
  const { wx, control } = createWx()
  assert.equal(await crisis.call(wx, '400-161-9995'), true)
  assert.equal(await crisis.call(wx, '116 123'), true)
  assert.equal(await crisis.call(wx, 'not a number'), false)
  assert.deepEqual(control.state.calls, ['4001619995', '116123'])
})

test('the first-run notice is shown until accepted, and says what is stored and how to delete it', async () => {
  const { wx } = createWx()
  assert.equal(consent.hasAccepted(wx), false)
  consent.accept(wx)
  assert.equal(consent.hasAccepted(wx), true)
  const text = consent.NOTICE.points.join('')
  assert.match(text, /不是医生/)
  assert.match(text, /12356/)
  assert.match(text, /保存/)
  assert.match(text, /删除我的数据/)
  await flush(1)
})
