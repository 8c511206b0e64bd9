import HeartlineCLI

await runHeartline()
