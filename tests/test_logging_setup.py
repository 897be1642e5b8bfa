import logging

import pytest

from dlkit import logging_setup


@pytest.fixture
def bare_root():
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    yield root  # each test empties root.handlers itself: pytest adds its own at call time
    root.handlers[:], root.level = saved[0], saved[1]


def test_info_lines_reach_stdout_once_without_any_configuration(bare_root, capsys):
    bare_root.handlers[:] = []
    assert logging_setup.enable_notebook_logging() is True
    assert logging_setup.enable_notebook_logging() is False  # never a second handler
    logging.info("Epoch[0] Batch [50]\tSpeed: 100 samples/sec")
    assert capsys.readouterr().out == "Epoch[0] Batch [50]\tSpeed: 100 samples/sec\n"
    assert len(bare_root.handlers) == 1


def test_a_user_configured_root_logger_is_left_alone(bare_root):
    bare_root.handlers[:] = []
    bare_root.addHandler(logging.NullHandler())
    assert logging_setup.enable_notebook_logging() is False
    assert len(bare_root.handlers) == 1
