"""nbval on the committed notebooks: a failing cell says what to do about it."""
import pytest

HINT = (
    "This committed notebook's stored outputs differ from what the current data and code give.\n"
    "If the change is deliberate (new or corrected data, a new förbund, a changed section):\n"
    "  1. run `make notebooks` (re-executes notebooks/*.ipynb in place),\n"
    "  2. review the diff of the outputs (`git diff notebooks/`): every changed figure should be one you expect,\n"
    "  3. commit the notebooks with the data change.\n"
    "If the change is not deliberate, the diff above shows which figure moved."
)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and call.when == "call" and type(item).__name__ == "IPyNbCell":
        report.sections.append(("how to refresh the committed notebook", HINT))
