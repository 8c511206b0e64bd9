#!/usr/bin/env python3
"""Checks the module edges that docs/architecture.md describes, from the package itself.

Reads the target graph from `swift package dump-package` and every `import` in each target's
sources, then fails (exit 1) when:
  1. a target imports a module it does not declare (a transitive import that compiles today and
     breaks when another target's dependency list changes), except the toolchain's own modules;
  2. a target declares a library dependency it never imports (executables that tests launch are
     dependencies for the build order only and are exempt);
  3. a target crosses the layering below: the pure core and the stores and adapters only see
     ChatCore among the project's modules, and I/O libraries stay out of the modules the
     architecture keeps free of them.

    python3 tools/check_module_edges.py            # run by .ci/run
    python3 tools/check_module_edges.py --list     # print each target's declared and used edges
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Modules of the toolchain: imported without a package dependency.
TOOLCHAIN = {"Foundation", "FoundationEssentials", "FoundationNetworking", "Synchronization", "Dispatch",
             "Glibc", "Musl", "Darwin", "Testing", "XCTest", "_Concurrency", "os", "RegexBuilder"}

# Project modules a module may depend on (docs/architecture.md, "Modules"). Modules not listed
# here (the server, the CLI, the simulator, benchmarks, test support, tests) may use any.
LAYERS = {
    "ChatCore": set(),
    "Safety": {"ChatCore"},
    "Datasets": {"ChatCore"},
    "Storage": {"ChatCore"},
    "PostgresStore": {"ChatCore"},
    "ModelBackends": {"ChatCore"},
    "TelegramAdapter": {"ChatCore"},
    "WeChatAdapter": {"ChatCore"},
    "TelegramBotAPIFake": set(),
    "WeChatTestSupport": set(),
    "HeartlineServer": {"ChatCore", "Storage", "PostgresStore", "ModelBackends", "Safety", "TelegramAdapter",
                        "WeChatAdapter"},
    "Simulator": {"ChatCore", "Safety", "TelegramAdapter", "WeChatAdapter", "TelegramBotAPIFake", "WeChatTestSupport"},
}
# Libraries that do I/O or serve HTTP, and the modules that must stay free of them.
IO_LIBRARIES = {"NIOCore", "NIOPosix", "NIOHTTP1", "NIOFoundationCompat", "Hummingbird", "HummingbirdTesting",
                "AsyncHTTPClient", "GRDB", "PostgresNIO", "ServiceLifecycle"}
IO_FREE = {"ChatCore", "Safety", "Datasets"}
SERVER_ONLY = {"Hummingbird": {"HeartlineServer", "HeartlineCLI", "Simulator", "TelegramBotAPIFake",
                               "WeChatTestSupport", "TelegramWebhookBench"}}

IMPORT = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:public\s+|package\s+|internal\s+|private\s+|fileprivate\s+)?"
                    r"import\s+(?:struct\s+|class\s+|enum\s+|protocol\s+|func\s+|var\s+|let\s+|typealias\s+)?(\w+)")


def target_dir(target):
    if target.get("path"):
        return os.path.join(ROOT, target["path"])
    base = "Tests" if target["type"] == "test" else "Sources"
    return os.path.join(ROOT, base, target["name"])


def imports_of(directory):
    found = set()
    for folder, _, files in os.walk(directory):
        for name in files:
            if not name.endswith(".swift"):
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as source:
                for line in source:
                    match = IMPORT.match(line)
                    if match:
                        found.add(match.group(1))
    return found


def main():
    dump = subprocess.run(["swift", "package", "dump-package"], cwd=ROOT, capture_output=True, text=True, check=True)
    package = json.loads(dump.stdout)
    targets = {t["name"]: t for t in package["targets"]}
    executables = {name for name, t in targets.items() if t["type"] == "executable"}
    problems = []
    for name, target in targets.items():
        declared = {list(d.values())[0][0] for d in target["dependencies"]}
        used = imports_of(target_dir(target))
        if "--list" in sys.argv:
            print(f"{name}: declares {sorted(declared)}; imports {sorted(used - TOOLCHAIN)}")
        for module in sorted(used - declared - TOOLCHAIN - {name}):
            problems.append(f"{name} imports {module} without declaring it")
        for module in sorted(declared - used - executables):
            problems.append(f"{name} declares {module} but never imports it")
        local = (declared | used) & set(targets)
        if name in LAYERS:
            for module in sorted(local - LAYERS[name] - {name}):
                problems.append(f"{name} depends on {module}: crosses the layering of docs/architecture.md")
        if name in IO_FREE:
            for module in sorted((declared | used) & IO_LIBRARIES):
                problems.append(f"{name} uses {module}: this module stays free of I/O libraries")
        for library, allowed in SERVER_ONLY.items():
            if library in used and name not in allowed and target["type"] != "test":
                problems.append(f"{name} imports {library}: only the server, the CLI, the simulator and the fakes serve HTTP")
    for problem in problems:
        print("module edges:", problem)
    print(f"module edges: {len(targets)} targets checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
