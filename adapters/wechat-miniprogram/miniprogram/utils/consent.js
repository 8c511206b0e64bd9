// The first-run notice: what the assistant is and is not, what is stored, how to delete it.
// The page shows it until the user agrees; the agreement (and its version) is kept on the phone.
const STORAGE_KEY = 'heartline.consent'
// 2: the notice names the 👍/👎 votes; users who agreed to version 1 see it once more.
const VERSION = 2

const NOTICE = {
  title: '使用前请读一读',
  points: [
    '这是一个情绪支持的自动问答助手，可以陪你聊压力、睡眠、情绪和人际关系。它不是医生或心理咨询师，不做诊断，也不能代替专业治疗。',
    '如果你有伤害自己或他人的想法，请立即拨打心理援助热线 12356 或 400-161-9995，紧急情况请拨打 110 或 120。',
    '为了接着上文回答，服务器会保存你最近的对话（用一个无法还原成微信身份的匿名编号存放，不含你的微信资料）；这台手机上也会保存聊天记录。你对回答点的👍/👎也会保存，只记录评价的是哪一条回答，不含对话内容。',
    '你随时可以点页面底部的“删除我的数据”，删除服务器上和这台手机上的记录。'
  ],
  accept: '我知道了，开始聊天'
}

function hasAccepted(wx) {
  try {
    const saved = wx.getStorageSync(STORAGE_KEY)
    return !!saved && saved.version === VERSION
  } catch (e) {
    return false
  }
}

function accept(wx, now) {
  try {
    wx.setStorageSync(STORAGE_KEY, { version: VERSION, at: (now || Date.now)() })
  } catch (e) {
    // Shown again next time; nothing else depends on it.
  }
}

module.exports = { NOTICE: NOTICE, VERSION: VERSION, STORAGE_KEY: STORAGE_KEY, hasAccepted: hasAccepted, accept: accept }
