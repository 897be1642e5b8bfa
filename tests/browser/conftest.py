"""Registers the ``browser`` marker used by the real-JupyterLab tests in this folder."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives headless Chromium through a real JupyterLab "
        "(runs only with DLKIT_BROWSER_TEST=1; see tests/browser/README.md)")
