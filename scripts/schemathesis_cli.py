"""Runs the schemathesis command line, with one work-around.

CPython 3.11.7 (the machine's Python) raises `SystemError: AST constructor recursion depth
mismatch` when Hypothesis parses the source of a lambda in schemathesis's largest module to
describe a filter: a bug of that CPython, not of the API under test. Hypothesis only wants the
text for a repr, so an unknown description is given instead of failing the operation.
"""

import hypothesis.internal.lambda_sources as lambda_sources

_describe = lambda_sources.lambda_description


def _lambda_description(f):
    try:
        return _describe(f)
    except SystemError:
        return "lambda: <unknown>"


lambda_sources.lambda_description = _lambda_description

from schemathesis.cli import schemathesis  # noqa: E402  (after the patch, on purpose)

if __name__ == "__main__":
    schemathesis()
