#!/usr/bin/env python3
"""Summarises surefire/failsafe reports and enforces CI's rule: where /dev/kvm exists, no *IT test may be skipped.

*E2E tests (they need a Kubernetes cluster / Docker) may skip; they are listed with their reason.
Prints one closing line 'tests: N passed, N failed, N skipped'.
"""
import glob
import os
import sys
import xml.etree.ElementTree as ET

def main() -> int:
    require_kvm = "--require-kvm-tests" in sys.argv
    passed = failed = skipped = 0
    bad_skips, e2e_skips, kvm_ran = [], [], 0
    for report in sorted(glob.glob("**/target/*-reports/TEST-*.xml", recursive=True)):
        root = ET.parse(report).getroot()
        for case in root.iter("testcase"):
            cls = case.get("classname", "")
            name = f"{cls}.{case.get('name')}"
            skip = case.find("skipped")
            if case.find("failure") is not None or case.find("error") is not None:
                failed += 1
            elif skip is not None:
                skipped += 1
                reason = (skip.get("message") or skip.text or "").strip().splitlines()
                reason = reason[0][:300] if reason else "no reason given"
                (e2e_skips if cls.endswith("E2E") else bad_skips).append(f"{name}: {reason}")
            else:
                passed += 1
                if cls.endswith("IT") and "/sandbox-runtime/" in "/" + report:
                    kvm_ran += 1
    for s in e2e_skips:
        print(f"skipped (needs a cluster): {s}")
    rc = 0 if failed == 0 else 1
    if require_kvm and os.path.exists("/dev/kvm"):
        if bad_skips:
            print("FAIL: /dev/kvm exists but these integration tests were skipped:")
            for s in bad_skips:
                print(f"  {s}")
            rc = 1
        if kvm_ran == 0:
            print("FAIL: /dev/kvm exists but no sandbox-runtime *IT test ran")
            rc = 1
        else:
            print(f"sandbox-runtime integration tests that ran on /dev/kvm: {kvm_ran}")
    print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
    return rc

if __name__ == "__main__":
    sys.exit(main())
