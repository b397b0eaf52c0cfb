"""Runs the library's unittest suite (the project's `test` target); with DATA_PLATFORM_TEST_REPORT_DIR set
(.ci/run), also writes the totals as the other projects' JSON reports do."""

import json
import os
import sys
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

suite = unittest.defaultTestLoader.discover(os.path.join(HERE, "tests"), top_level_dir=HERE)
result = unittest.TextTestRunner(verbosity=2 if "-v" in sys.argv else 1).run(suite)
failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
passed = result.testsRun - failed - len(result.skipped)
report_dir = os.environ.get("DATA_PLATFORM_TEST_REPORT_DIR")
if report_dir:
    with open(os.path.join(report_dir, "dag-lib.json"), "w", encoding="utf-8") as handle:
        json.dump({"numTotalTests": result.testsRun, "numPassedTests": passed, "numFailedTests": failed, "success": result.wasSuccessful()}, handle)
sys.exit(0 if result.wasSuccessful() and result.testsRun > 0 else 1)
