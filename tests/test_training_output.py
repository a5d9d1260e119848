"""What the run command shows of `rasa train` (bot/training.py): warnings and errors, not Rasa's INFO
lines, progress bars, libraries' deprecations, nor "utterance not used" for responses our code sends."""

from bot.training import responses_named_in_code, shown_lines

WARNING = "/x/rasa/shared/utils/io.py:100: UserWarning: The utterance '{}' is not used in any story or rule.\n"


def test_training_output_keeps_what_an_operator_must_see():
    used = responses_named_in_code()
    assert "utter_form_cancelled_short" in used or "utter_dont_know" in used  # sent by name from our code
    lines = [
        "2026-12-03 14:39:41 INFO     rasa.validator  - Validating intents...\n",
        "/x/pkg_resources/__init__.py:3117: DeprecationWarning: Deprecated call to `declare_namespace('ruamel')`.\n",
        "Implementing implicit namespace packages (as specified in PEP 420) is preferred\n",
        "  declare_namespace(pkg)\n",
        "Epochs:   2%|▏         | 1/60 [00:29<29:02, 29.53s/it]\rEpochs:   3%|▎ | 2/60 [00:34<14:48, 15.32s/it]\n",
        WARNING.format("utter_dont_know"),
        WARNING.format("utter_privacy_notice_status"),  # our code completes utter_privacy_notice_{purpose}
        WARNING.format("utter_nobody_sends_this"),
        "2026-12-03 14:39:41 WARNING  rasa.shared.core.domain  - Slot 'x' has no mapping\n",
    ]
    assert shown_lines(lines, used) == [
        WARNING.format("utter_nobody_sends_this").rstrip("\n"),
        "2026-12-03 14:39:41 WARNING  rasa.shared.core.domain  - Slot 'x' has no mapping",
    ]
