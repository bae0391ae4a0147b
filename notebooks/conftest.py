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


# Tests import their helpers with `from conftest import ...`; with a conftest.py in both tests/
# and notebooks/ (pytest's prepend import mode) the two share the module name `conftest`, and
# this one may be the module they get. So it also offers tests/conftest.py's helpers.
def _tests_helpers() -> dict:
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[1] / "tests" / "conftest.py"
    if not path.is_file():  # a copy of the project with the notebooks only
        return {}
    spec = importlib.util.spec_from_file_location("_finsam_tests_conftest", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {name: value for name, value in vars(module).items() if not name.startswith("_") and not hasattr(value, "_pytestfixturefunction") and not hasattr(value, "_fixture_function_marker")}


globals().update({k: v for k, v in _tests_helpers().items() if k not in globals()})
