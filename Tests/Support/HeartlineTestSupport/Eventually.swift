/// Polls `condition` until it holds or `timeout` has passed; true when it held. The poll sleeps
/// (`Task.sleep`) between tries, so a waiting test never occupies a cooperative thread.
package func eventually(
    timeout: Duration = .seconds(10), every interval: Duration = .milliseconds(20), _ condition: () async -> Bool
) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if await condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: interval)
    }
}
