"""Write a seccomp profile for `docker run` / `podman run` whose clone3 rule lets glibc >= 2.34
start threads on an engine too old to know clone3: ENOSYS (what Docker 20.10.10+ answers, so
glibc falls back to clone), or, for an engine that ignores errnoRet, plain allow."""

import copy
import json

ENOSYS = 38  # errnoRet is a number: 38 on x86_64, aarch64, arm, ppc64, s390x, riscv64


def clone3_rule(answer: str) -> dict:
    """'enosys': refuse clone3 as a kernel without it would, and glibc uses clone instead (the
    clone rules of the profile keep filtering flags). 'allow': run it; clone3's flags cannot be
    filtered, so a process may create namespaces with it: use only where ENOSYS is ignored."""
    if answer == "enosys":
        return {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": ENOSYS}
    if answer == "allow":
        return {"names": ["clone3"], "action": "SCMP_ACT_ALLOW"}
    raise ValueError(f"answer must be 'enosys' or 'allow', not {answer!r}")


def with_clone3_fallback(profile: dict, answer: str = "enosys") -> dict:
    """A copy of the engine's profile (its default.json) with one clone3 rule and no other."""
    patched = copy.deepcopy(profile)
    rules = []
    for rule in patched.get("syscalls", []):
        names = rule.pop("names", None) or [rule.pop("name", None)]  # old profiles: "name"
        kept = [name for name in names if name and name != "clone3"]
        if kept:
            rules.append({"names": kept, **rule})
    patched["syscalls"] = [*rules, clone3_rule(answer)]
    return patched


def write_profile(source: str, target: str, answer: str = "enosys") -> None:
    """Read a profile file, write the patched copy for --security-opt seccomp=TARGET."""
    with open(source, encoding="utf-8") as file:
        profile = json.load(file)
    with open(target, "w", encoding="utf-8") as file:
        json.dump(with_clone3_fallback(profile, answer), file, indent=2)


# python clone3-seccomp-profile.py default.json clone3.json [enosys|allow]
# docker run --security-opt seccomp=clone3.json IMAGE
# (compose: security_opt: ["seccomp=clone3.json"]; podman run takes the same option)
if __name__ == "__main__":
    import sys

    write_profile(sys.argv[1], sys.argv[2], *sys.argv[3:4])
