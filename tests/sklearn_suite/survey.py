"""Count outcomes of scikit-learn's own tests run against glassbox (for the notes).

Outcomes as in ``runner.outcome`` (pass / refusal / skipped / other), except that an
"other" of a case listed in ``suites.NOT_CLAIMED`` is counted as "not claimed".

Usage: PYTHONPATH=src:tests python tests/sklearn_suite/survey.py [--show other] [--json F]
       [--modules test_tree,test_search]
"""

import collections
import json
import sys
import time

from sklearn_suite.runner import cases, outcome
from sklearn_suite.suites import SUITES, not_claimed_reason


def main():
    show = sys.argv[sys.argv.index("--show") + 1] if "--show" in sys.argv else None
    dump = sys.argv[sys.argv.index("--json") + 1] if "--json" in sys.argv else None
    totals = collections.Counter()
    records = []
    modules = sys.argv[sys.argv.index("--modules") + 1].split(",") if "--modules" in sys.argv \
        else list(SUITES)
    for module, substitutes in SUITES.items():
        if not any(part in module for part in modules):
            continue
        counts = collections.Counter()
        for case_id, run in cases(module, substitutes):
            start = time.perf_counter()
            result, message = outcome(run)
            if result == "other" and not_claimed_reason(case_id):
                result = "not claimed"  # see suites.NOT_CLAIMED for the reason
            records.append({"module": module, "case": case_id, "outcome": result,
                            "seconds": time.perf_counter() - start, "message": message[:2000]})
            counts[result] += 1
            if result == show:
                print(f"  {case_id}: {message[:200]}")
        totals.update(counts)
        print(f"{module}: {dict(counts)}", flush=True)
    print(f"total: {dict(totals)}")
    if dump:
        with open(dump, "w") as file:
            json.dump(records, file, indent=1)


if __name__ == "__main__":
    main()
