# The programs are scripts run by the tests, not test modules (nor doctests) to import.
collect_ignore_glob = ["programs/*"]
