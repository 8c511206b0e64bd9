// The typewriter: shows a streamed answer a few characters at a time as its checked sentences
// arrive, so a long answer appears to be written rather than jumping in by sentences. It only
// ever reveals text the server has already checked (the deltas), and `finish` shows the final
// reply at once — which replaces the draft when a later sentence failed the check.
//
// `render(text)` draws the draft; `schedule(fn, ms)` is setTimeout (a fake in tests).
function createTypewriter(deps) {
  const render = deps.render
  const schedule = deps.schedule || ((fn, ms) => setTimeout(fn, ms))
  const cancel = deps.cancel || ((handle) => clearTimeout(handle))
  const charsPerTick = deps.charsPerTick || 2
  const tickMs = deps.tickMs || 40
  let target = ''
  let shown = 0
  let timer = null
  let stopped = false

  function tick() {
    timer = null
    if (stopped) return
    // Whole characters only: never half of a surrogate pair (emoji).
    let next = Math.min(target.length, shown + charsPerTick)
    const code = target.charCodeAt(next - 1)
    if (next < target.length && code >= 0xd800 && code <= 0xdbff) next += 1
    shown = next
    render(target.slice(0, shown))
    if (shown < target.length) timer = schedule(tick, tickMs)
  }

  return {
    // The checked answer so far (each call the whole text; it only grows).
    show(textSoFar) {
      if (stopped || typeof textSoFar !== 'string' || textSoFar.length <= target.length) return
      if (textSoFar.indexOf(target) !== 0) shown = 0 // not a continuation: type it afresh
      target = textSoFar
      if (!timer) tick()
    },
    // The answer is final: stop typing (the caller shows the final reply itself).
    stop() {
      stopped = true
      if (timer) cancel(timer)
      timer = null
    },
    shownText: () => target.slice(0, shown)
  }
}

module.exports = { createTypewriter: createTypewriter }
